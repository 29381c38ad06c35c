/* backend.h — the narrow interface between livetop and a hypervisor.
 *
 * Two implementations: backend_xen.c (libxenlight for figures, lifecycle
 * and sizing, libxenstore for names and the in-guest agent) and
 * backend_fake.c (a scripted, deterministic simulation used by the unit
 * tests and --demo). The Makefile decides which are compiled in. No
 * curses here, and no Xen types leak out of this header.
 *
 * Time: every call that needs the clock takes `now`, wall-clock seconds
 * (the UI passes now_seconds()); the fake backend is driven entirely by
 * it, which makes it deterministic under test.
 *
 * Contract:
 *  - backend_snapshot() fills a snapshot of the host and every domain,
 *    plus one entry (id -1, state BOOTING) per launch still being created;
 *    the caller owns it and releases it with snapshot_free().
 *  - Counters (cpu_ns, bytes, sectors) are cumulative; rates are the
 *    model's business.
 *  - Lifecycle calls return 0 when the request was accepted, -1 with a
 *    one-line message in err otherwise. launch() is asynchronous: its
 *    outcome arrives later through backend_poll(). The guest's
 *    configuration (name, memory, disk, vif) is the caller's: guestcfg.h.
 *  - backend_poll() is cheap; the UI calls it often (each ~100 ms). It
 *    returns 1 and fills msg when there is something to tell the user
 *    (a launch finished or failed, a guest got reaped), else 0.
 *  - snapshot() only looks: it never changes a domain. reap() is the one
 *    step that cleans up after guests, what xl's per-domain monitor does
 *    for on_poweroff = destroy: a guest that has shut down (not crashed)
 *    is destroyed and said so through poll(). livetop calls it after each
 *    refresh; xenlive-launch never does.
 *  - backend_console() runs interactively on the real terminal; the caller
 *    leaves curses before and restores it after.
 *  - Workloads: the request is written to the guest's xenstore
 *    /local/domain/ID/data/xenlive/request as "SEQ KIND ARG"; the agent
 *    reports progress in .../data/xenlive/workload.
 *  - Whatever a guest wrote reaches the snapshot only through guest_text
 *    (guestdata.h): no control bytes, at most GUEST_TEXT_MAX bytes. */
#ifndef BACKEND_H
#define BACKEND_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "guestcfg.h"
#include "guestdata.h"

enum dom_state {
	DS_RUNNING,   /* dom0, or a domain with no xenlive agent expected */
	DS_BOOTING,   /* created (or being created), agent not up yet */
	DS_READY,     /* agent wrote data/xenlive/state = ready */
	DS_PAUSED,
	DS_SHUTDOWN,  /* shutting down */
	DS_CRASHED,
	DS_DYING,
	DS__COUNT
};

const char *dom_state_name(enum dom_state s);

#define DOM_NAME_MAX 48
#define DOM_WORK_MAX (GUEST_TEXT_MAX + 1)

struct dom_sample {
	int id;                      /* -1 while still being created */
	char name[DOM_NAME_MAX];
	char distro[CAT_ID_MAX];     /* catalogue id, "" if unknown */
	enum dom_state state;
	uint64_t cpu_ns;             /* cumulative */
	unsigned vcpus;
	uint64_t mem_kib;            /* current allocation */
	uint64_t maxmem_kib;
	uint64_t net_rx_bytes, net_tx_bytes;      /* as the guest sees them */
	uint64_t disk_rd_sectors, disk_wr_sectors; /* 512-byte sectors */
	double started;              /* wall-clock start, 0 = unknown */
	double boot_secs;            /* launch -> ready, < 0 = not (yet) known */
	int weight;                  /* scheduler weight, -1 = unknown */
	int cap;                     /* % of one CPU, 0 = none, -1 = unknown */
	char workload[DOM_WORK_MAX]; /* agent's workload line (guest_text), "" = none */
};

struct host_sample {
	char xen_version[32];
	unsigned cpus;
	uint64_t total_kib;
	uint64_t free_kib;
	uint64_t dom0_avail_kib;     /* dom0's MemAvailable; 0 = unknown */
};

struct snapshot {
	double t;                    /* when it was taken (wall clock) */
	struct host_sample host;
	size_t n;
	struct dom_sample *dom;
};

void snapshot_free(struct snapshot *s);
/* Deep copy. */
void snapshot_copy(struct snapshot *dst, const struct snapshot *src);

/* A snapshot's domains sorted by name, then id: finding one is O(log n),
 * so matching two snapshots of thousands of domains is O(n log n). The
 * pointers are into the snapshot, valid while it is unchanged. */
struct dom_index {
	const struct dom_sample **by_name;
	size_t n;
};
#define DOM_ANY_ID INT_MIN

void dom_index_build(struct dom_index *ix, const struct snapshot *s);
void dom_index_free(struct dom_index *ix);
/* The domain called name with that id (DOM_ANY_ID: any; the lowest
 * when names repeat), NULL when there is none. */
const struct dom_sample *dom_index_find(const struct dom_index *ix, const char *name, int id);

enum workload_kind { WL_STOP, WL_CPU, WL_MEM, WL_DISK, WL_PING, WL__COUNT };

struct workload_req {
	enum workload_kind kind;
	unsigned arg;                /* seconds (cpu), MiB (mem) */
	int target_id;               /* ping: the other guest's domain id */
};

/* Format the xenstore request value ("SEQ cpu 30", "SEQ ping 10.0.0.5");
 * ip may be NULL except for WL_PING. Pure; unit-tested. */
void workload_format(const struct workload_req *r, unsigned seq, const char *ip,
		     char *out, size_t len);
const char *workload_describe(const struct workload_req *r, char *out, size_t len);

struct backend;

struct backend_ops {
	const char *kind;            /* "xen" or "fake" */
	int (*snapshot)(struct backend *, double now, struct snapshot *out,
			char *err, size_t errlen);
	int (*poll)(struct backend *, double now, char *msg, size_t len);
	int (*launch)(struct backend *, double now, const struct guestcfg *,
		      char *err, size_t errlen);
	int (*pending)(struct backend *);
	void (*reap)(struct backend *, double now);
	int (*destroy)(struct backend *, double now, int id, char *err, size_t errlen);
	int (*pause)(struct backend *, int id, char *err, size_t errlen);
	int (*unpause)(struct backend *, int id, char *err, size_t errlen);
	int (*shutdown)(struct backend *, double now, int id, char *err, size_t errlen);
	int (*set_sched)(struct backend *, int id, int weight, int cap,
			 char *err, size_t errlen);
	int (*console)(struct backend *, int id, const char *name, char *err, size_t errlen);
	int (*workload)(struct backend *, double now, int id, const struct workload_req *,
			char *err, size_t errlen);
	void (*close)(struct backend *);
};

struct backend {
	const struct backend_ops *ops;
};

/* Open the fake backend (always available). now = start of simulation. */
struct backend *backend_fake_open(double now);
/* Open the Xen backend; NULL + err when unavailable (not built in, not
 * running under Xen, no permission).  flags: 0 or BACKEND_XEN_BRIEF. */
struct backend *backend_xen_open(unsigned flags, char *err, size_t errlen);
/* Snapshots hold each domain's name and Xen's own figures (memory, CPU
 * time, state flags), nothing else: no agent keys, launch records, start
 * times, weights or device counters.  For xenlive-launch, which only picks
 * a free name and checks that the guest fits: its one look at every
 * running guest took ~9 xenstore requests each, and each request costs
 * xenstored more the more guests run (README). */
#define BACKEND_XEN_BRIEF 1u
int backend_xen_available(void);

static inline void backend_close(struct backend *b) { if (b) b->ops->close(b); }

#endif
