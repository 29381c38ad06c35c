/* backend_xen_int.h — private to backend_xen.c (snapshots, quick calls)
 * and xen_jobs.c (the helper processes that launch and destroy): what the
 * two share of the Xen backend's state. */
#ifndef BACKEND_XEN_INT_H
#define BACKEND_XEN_INT_H

#include "backend.h"
#include "guestcfg.h"
#include "xenops.h"

#include <stdbool.h>
#include <sys/types.h>
#include <libxl.h>
#include <xenstore.h>

enum job_kind { JOB_LAUNCH, JOB_DESTROY };

struct xenb;
struct job;
typedef int job_work(struct xenb *, struct job *, char *, size_t);

struct job {
	enum job_kind kind;
	job_work *work;             /* what the helper does */
	pid_t pid;                  /* 0 = queued, not started yet */
	int fd;
	char name[DOM_NAME_MAX];
	char distro[CAT_ID_MAX];
	unsigned mem_mib;
	double t;
	int domid;                  /* destroy: which domain */
	struct guestcfg *cfg;       /* launch: what to build (parent frees) */
	char out[512];
	size_t outlen;
	int eof;
};

/* What we remember about a domain between snapshots.  What never changes
 * once written (start time, distro, launch time) is read from xenstore until
 * it is there, then kept: each read is a round trip to xenstored. */
struct known {
	int id;
	char name[DOM_NAME_MAX];    /* "" = not read yet */
	double name_at;             /* when it was read */
	unsigned seen;              /* the last snapshot that had it (xenb.snaps) */
	double ready_at;            /* when we first saw state=ready, 0 = not yet */
	struct guest_poll poll;     /* until then: when to look for it next */
	int down;                   /* shut down (not crashed) at the last snapshot */
	int reaped;                 /* destroy after shutdown already started */
	double started;             /* libxl's start time, 0 = not read yet */
	double sched_at;            /* when weight/cap were read, 0 = re-read */
	int weight, cap;
	double launched;            /* /libxl/ID/xenlive/launched (dom0's), 0 = not there yet */
	char distro[CAT_ID_MAX];    /* /libxl/ID/xenlive/distro (dom0's), "" = not there yet */
	char workload[DOM_WORK_MAX];/* the agent's workload at the last look */
	struct work_poll wpoll;     /* when to look at it again */
};

/* A block backend's sector counters, kept open (backend_xen.c read_vbds). */
struct vbd_stat {
	unsigned domid, dev;        /* vbd-DOMID-DEV */
	int rd, wr;                 /* statistics/rd_sect and wr_sect, -1 = read by path */
	unsigned seen;              /* the last snapshot that had it */
};

struct xenb {
	struct backend base;
	bool brief;                 /* BACKEND_XEN_BRIEF: names and Xen's figures only */
	libxl_ctx *ctx;
	struct xenops_log log;
	struct xs_handle *xs;
	struct job *jobs;           /* started ones and the queue, in order */
	size_t njobs, jobs_cap;
	struct known *known;        /* every domain, sorted by id */
	size_t nknown, known_cap;
	unsigned snaps;             /* snapshots taken */
	struct vbd_stat *vbds;      /* every block backend, sorted by domid, dev */
	size_t nvbds, vbds_cap, vbds_open;
	unsigned seq;
	char (*msg)[200];           /* for poll(), oldest first */
	size_t nmsg, msg_cap;
};

/* Where the network and block counters are read (backend_xen.c; tests
 * point them elsewhere). */
extern const char *xen_netdev_path;
extern const char *xen_vbd_dir;

/* One line for poll(), in order (backend_xen.c). */
void xenb_say(struct xenb *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* xen_jobs.c.  Collect helpers that ended (one message each) and start
 * queued ones in their place. */
void xen_jobs_reap(struct xenb *x);
/* Build g in a helper (queued when MAX_RUNNING run); -1 with err when g's
 * name is already being built or the helper cannot start. */
int xen_jobs_launch(struct xenb *x, double now, const struct guestcfg *g, char *err, size_t errlen);
/* Destroy domain id in a helper (nothing new if one is on it already). */
int xen_jobs_destroy(struct xenb *x, int id, const char *name, char *err, size_t errlen);
/* Launches in flight: being built or queued. */
int xen_jobs_launching(const struct xenb *x);
/* Forget every job (their helpers finish on their own). */
void xen_jobs_free(struct xenb *x);

#endif
