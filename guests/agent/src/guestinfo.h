/* guestinfo.h — decisions about the guest, pure (the /proc and
 * getifaddrs reading is in sysinfo.c).
 *
 * The guest is "up" when some process whose comm is one of
 * agetty getty mingetty login bash sh ash exists, is not a zombie, and is
 * not one of the agent's own ancestors (the shell that started it). */
#ifndef GUESTINFO_H
#define GUESTINFO_H

#include <stddef.h>
#include <sys/types.h>

struct ifaddrs;

struct proc_info {
	pid_t pid, ppid;
	char state;                /* R S D Z X ... from /proc/PID/stat */
	char comm[17];
};

/* Is comm one of the console login/shell names? */
int guest_is_console_comm(const char *comm);

/* Index in p[] of the first process showing a console login, or -1.
 * ignore[] lists pids to skip (the agent and its ancestors). */
int guest_console_proc(const struct proc_info *p, size_t n, const pid_t *ignore, size_t nignore);

/* Walk the ppid chain from self through p[] (self included, pid 0 and
 * loops excluded); writes up to max pids to out, returns how many. */
size_t guest_ancestors(const struct proc_info *p, size_t n, pid_t self, pid_t *out, size_t max);

/* First interface address that is IPv4, up and not loopback, as a dotted
 * quad into out; "" if none. Returns out. */
const char *guest_pick_ipv4(const struct ifaddrs *list, char *out, size_t len);

#endif
