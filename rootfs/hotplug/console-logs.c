/* console-logs.c — keeps xenconsoled's guest console logs bounded
 *
 *   console-logs DIR      (started by rc.boot, runs until killed)
 *
 * DIR is a small tmpfs (a guest's root can print without end).  Every
 * second a log over 256 KiB is cut to its last 64 KiB, and the log of a
 * guest that no longer runs is removed, so a name used again starts a new
 * log.  xenconsoled appends (O_APPEND), so it goes on writing at the new end
 * of a cut log.  Logs are xenconsoled's "guest-NAME.log"; NAME is the
 * domain's /local/domain/ID/name.
 *
 * A shell version started 4 to 8 programs a second (xenstore-list,
 * xenstore-read, find, ...): ~0.25 s of dom0's CPU a second under QEMU's
 * emulation, a quarter of a CPU beside every launch.  This is one process
 * that stats the logs itself and reads a domain's name once, when it first
 * sees the domain's id (ids are not reused soon: a new id is a new domain).
 * That first name is also the log's: xenconsoled names the file when it
 * opens it, so after an `xl rename` the log keeps its first name, and so
 * does this list (the shell version read the new name and removed the
 * log xenconsoled was still writing). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenstore.h>

#define MAX_SIZE (256 * 1024)
#define KEEP (64 * 1024)

struct dom {
	unsigned long id;
	char *name;
	bool seen;
};
static struct dom *doms;
static size_t ndoms, capdoms;

/* running_names XS: refreshes doms from /local/domain; false when xenstore
 * did not answer or a domain went away while it was read (then nothing is
 * removed this round) */
static bool running_names(struct xs_handle *xs)
{
	unsigned int n;
	char **ids = xs_directory(xs, XBT_NULL, "/local/domain", &n);
	bool ok = ids != NULL;

	for (size_t i = 0; i < ndoms; i++)
		doms[i].seen = false;
	for (unsigned int i = 0; ok && i < n; i++) {
		char *end, path[64];
		unsigned long id = strtoul(ids[i], &end, 10);
		unsigned int len;
		size_t j;

		if (*end || end == ids[i])
			continue;
		for (j = 0; j < ndoms && doms[j].id != id; j++)
			;
		if (j < ndoms) {
			doms[j].seen = true;
			continue;
		}
		snprintf(path, sizeof path, "/local/domain/%lu/name", id);
		char *name = xs_read(xs, XBT_NULL, path, &len);
		if (!name) {
			ok = false;
			break;
		}
		if (ndoms == capdoms) {
			size_t cap = capdoms ? capdoms * 2 : 64;
			struct dom *d = realloc(doms, cap * sizeof *d);
			if (!d) {
				free(name);
				ok = false;
				break;
			}
			doms = d;
			capdoms = cap;
		}
		doms[ndoms++] = (struct dom){ .id = id, .name = name, .seen = true };
	}
	free(ids);
	/* the domains that are gone */
	for (size_t i = 0; ok && i < ndoms;) {
		if (doms[i].seen) {
			i++;
			continue;
		}
		free(doms[i].name);
		doms[i] = doms[--ndoms];
	}
	return ok;
}

static bool running(const char *name, size_t len)
{
	for (size_t i = 0; i < ndoms; i++)
		if (strlen(doms[i].name) == len && !memcmp(doms[i].name, name, len))
			return true;
	return false;
}

/* cut FILE: keeps its last KEEP bytes */
static void cut(const char *file)
{
	static char buf[KEEP];
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t got = 0, r;

	if (fd < 0)
		return;
	if (lseek(fd, -KEEP, SEEK_END) < 0) {
		close(fd);
		return;
	}
	while (got < KEEP && (r = read(fd, buf + got, KEEP - got)) > 0)
		got += r;
	close(fd);
	if ((fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0)
		return;
	for (ssize_t off = 0; off < got && (r = write(fd, buf + off, got - off)) > 0;)
		off += r;
	close(fd);
}

int main(int argc, char **argv)
{
	struct xs_handle *xs = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: console-logs DIR\n");
		return 2;
	}
	if (chdir(argv[1]) < 0) {
		fprintf(stderr, "console-logs: cannot use %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (;;) {
		DIR *d;
		struct dirent *e;
		bool names = false;

		sleep(1);
		if (!xs && !(xs = xs_open(0)))
			continue;
		if (!(d = opendir(".")))
			continue;
		while ((e = readdir(d))) {
			const char *f = e->d_name;
			size_t len = strlen(f);
			struct stat st;

			if (len <= 10 || strncmp(f, "guest-", 6) || strcmp(f + len - 4, ".log"))
				continue;
			/* (xenstore only when there is a log to look at) */
			if (!names && !(names = running_names(xs)))
				break;
			if (!running(f + 6, len - 10))
				unlink(f);
			else if (stat(f, &st) == 0 && st.st_size > MAX_SIZE)
				cut(f);
		}
		closedir(d);
	}
}
