/* sysinfo.c — /proc and interface reading (see sysinfo.h). */
#include "sysinfo.h"

#include <dirent.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "PID (COMM) S PPID ..." — comm may hold spaces and parentheses, so it
 * ends at the last ')'. */
static int parse_stat(const char *buf, struct proc_info *p)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	size_t n;
	long ppid;
	char st;

	if (!open || !close || close < open)
		return -1;
	n = (size_t)(close - open - 1);
	if (n >= sizeof p->comm)
		n = sizeof p->comm - 1;
	memcpy(p->comm, open + 1, n);
	p->comm[n] = '\0';
	if (sscanf(close + 1, " %c %ld", &st, &ppid) != 2)
		return -1;
	p->pid = (pid_t)atol(buf);
	p->state = st;
	p->ppid = (pid_t)ppid;
	return 0;
}

int sysinfo_procs(const char *proc_root, struct proc_info *out, size_t max)
{
	DIR *d = opendir(proc_root);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return -1;
	while (n < max && (de = readdir(d))) {
		char path[512], buf[512];
		ssize_t r;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "%s/%s/stat", proc_root, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;                      /* it just went away */
		r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		if (parse_stat(buf, &out[n]) == 0)
			n++;
	}
	closedir(d);
	return (int)n;
}

const char *sysinfo_ipv4(char *out, size_t len)
{
	struct ifaddrs *list;

	out[0] = '\0';
	if (getifaddrs(&list) < 0)
		return out;
	guest_pick_ipv4(list, out, len);
	freeifaddrs(list);
	return out;
}
