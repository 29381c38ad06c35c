/* work.h — workloads, each run in a forked child (its own process group)
 * so the agent keeps answering. The child measures, writes one struct
 * wl_result into a pipe and exits; the agent turns it into a report line.
 * A stop is SIGTERM to the child (it ends early and reports what it did,
 * marked stopped), then SIGKILL to its group after WORK_KILL_AFTER s. */
#ifndef WORK_H
#define WORK_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "request.h"

#define WORK_KILL_AFTER 3.0

struct work {
	pid_t pid;                 /* 0: nothing running */
	int fd;                    /* read end of the result pipe */
	struct request req;
	struct wl_result res;
	int have_res;
	double started, stop_sent; /* work_now() seconds; stop_sent 0: not asked */
	int killed;
};

/* Start r (not WK_STOP). disk_dev is the device for WK_DISK; close_fd
 * (>= 0) is closed in the child (the xenstore connection). 0, or -1 with
 * why when the fork itself failed. */
int work_start(struct work *w, const struct request *r, const char *disk_dev, int close_fd,
	       char *why, size_t whylen);
/* Call when w->fd polls readable. 1: the workload ended, its report line
 * is in out and w is idle again; 0: still running. */
int work_collect(struct work *w, char *out, size_t len);
/* Ask the running workload to stop. */
void work_stop(struct work *w, double now);
/* SIGKILL a workload that ignored a stop for WORK_KILL_AFTER seconds. */
void work_tick(struct work *w, double now);
/* Kill and reap at once (the agent is exiting). */
void work_kill(struct work *w);

/* Monotonic seconds. */
double work_now(void);

/* The workloads, run in the calling process (the child, or a test).
 * They end early when work_stop_flag is set (the child's SIGTERM handler). */
extern volatile sig_atomic_t work_stop_flag;
void work_cpu(unsigned seconds, int close_fd, struct wl_result *res);
void work_mem(unsigned mib, unsigned hold_seconds, struct wl_result *res);
void work_disk(const char *dev, struct wl_result *res);
void work_ping(const char *ip, unsigned count, struct wl_result *res);

#endif
