/* guestinfo.c — console-up decision, ancestors, IPv4 choice (pure). */
#include "guestinfo.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static const char *const console_comms[] = {
	"agetty", "getty", "mingetty", "login", "bash", "sh", "ash",
};

int guest_is_console_comm(const char *comm)
{
	for (size_t i = 0; i < sizeof console_comms / sizeof console_comms[0]; i++)
		if (!strcmp(comm, console_comms[i]))
			return 1;
	return 0;
}

static int in_list(pid_t pid, const pid_t *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == pid)
			return 1;
	return 0;
}

int guest_console_proc(const struct proc_info *p, size_t n, const pid_t *ignore, size_t nignore)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i].state == 'Z' || p[i].state == 'X')
			continue;
		if (in_list(p[i].pid, ignore, nignore))
			continue;
		if (guest_is_console_comm(p[i].comm))
			return (int)i;
	}
	return -1;
}

size_t guest_ancestors(const struct proc_info *p, size_t n, pid_t self, pid_t *out, size_t max)
{
	size_t k = 0;
	pid_t cur = self;

	while (cur > 0 && k < max && !in_list(cur, out, k)) {
		size_t i;

		out[k++] = cur;
		for (i = 0; i < n && p[i].pid != cur; i++)
			;
		if (i == n)
			break;
		cur = p[i].ppid;
	}
	return k;
}

const char *guest_pick_ipv4(const struct ifaddrs *list, char *out, size_t len)
{
	out[0] = '\0';
	for (const struct ifaddrs *a = list; a; a = a->ifa_next) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)a->ifa_addr;

		if (!sin || sin->sin_family != AF_INET)
			continue;
		if ((a->ifa_flags & IFF_LOOPBACK) || !(a->ifa_flags & IFF_UP))
			continue;
		if (!inet_ntop(AF_INET, &sin->sin_addr, out, (socklen_t)len))
			out[0] = '\0';
		else
			break;
	}
	return out;
}
