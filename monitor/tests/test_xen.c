/* Unit tests: the Xen backend (backend_xen.c, the real object) against
 * stub libraries: a scripted host behind libxl_list_domain, a libxl that answers what the
 * test says, and a xenstore whose guest keys hold the exact bytes a
 * hostile guest writes. Built only with BACKEND=xen (it needs the Xen
 * headers, not a Xen host). */
#include "harness.h"

#include "backend.h"
#include "xenops.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define S(lit) lit, sizeof lit - 1      /* bytes and their count, NULs included */
#define MAX_DOMS 400
#define MAX_KEYS 1024

/* ---- the scripted host ------------------------------------------------- */

struct libxl__ctx { int unused; };
struct xs_handle { int unused; };

struct stub_dom {
	unsigned id;
	char name[48];
	uint32_t start;            /* what libxl_vm_get_start_time answers */
	unsigned name_reads;       /* reads of /local/domain/ID/name */
	unsigned shutdown;         /* shut down, and why (libxl_domain_info) */
	libxl_shutdown_reason reason;
};

static struct libxl__ctx the_ctx;
static struct xs_handle the_xs;
static struct stub_dom doms[MAX_DOMS];
static size_t ndoms;

struct xs_key {
	char path[128];
	char val[512];
	unsigned n;
	unsigned reads;
};
static struct xs_key store[MAX_KEYS];
static size_t nstore;
static char written_path[128], written_val[128];

static void host_reset(void)
{
	memset(doms, 0, sizeof doms);
	memset(store, 0, sizeof store);
	ndoms = nstore = 0;
	written_path[0] = written_val[0] = '\0';
	doms[ndoms++] = (struct stub_dom){ .id = 0, .name = "Domain-0" };
}

static struct stub_dom *host_add(unsigned id, const char *name, uint32_t start)
{
	struct stub_dom *d = &doms[ndoms++];

	d->id = id;
	snprintf(d->name, sizeof d->name, "%s", name);
	d->start = start;
	return d;
}

static struct xs_key *key_at(const char *path, bool create)
{
	for (size_t i = 0; i < nstore; i++)
		if (!strcmp(store[i].path, path))
			return &store[i];
	if (!create || nstore == MAX_KEYS)
		return NULL;
	snprintf(store[nstore].path, sizeof store[nstore].path, "%s", path);
	return &store[nstore++];
}

static struct xs_key *guest_key(unsigned id, const char *key, bool create)
{
	char path[128];

	snprintf(path, sizeof path, "/local/domain/%u/data/xenlive/%s", id, key);
	return key_at(path, create);
}

/* The guest's root writes n raw bytes to its data/xenlive/KEY. */
static void guest_writes(unsigned id, const char *key, const char *raw, size_t n)
{
	struct xs_key *k = guest_key(id, key, true);

	memcpy(k->val, raw, n);
	k->n = (unsigned)n;
}

static unsigned reads_of(unsigned id, const char *key)
{
	const struct xs_key *k = guest_key(id, key, false);

	return k ? k->reads : 0;
}

/* dom0 writes val at path (xenops_create under /libxl/ID/xenlive, the
 * hotplug program in a vif's backend directory): places no guest can. */
static void dom0_writes(const char *path, const char *val)
{
	struct xs_key *k = key_at(path, true);

	snprintf(k->val, sizeof k->val, "%s", val);
	k->n = (unsigned)strlen(k->val);
}

/* ---- stub libxenstore --------------------------------------------------- */

struct xs_handle *xs_open(unsigned long flags)
{
	(void)flags;
	return &the_xs;
}

void xs_close(struct xs_handle *h)
{
	(void)h;
}

static struct stub_dom *dom_by_id(uint32_t id);

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
	struct xs_key *k;
	struct stub_dom *d;
	unsigned id;
	char end[8];
	char *v;

	(void)h;
	(void)t;
	/* a domain's name: what the host says it is */
	if (sscanf(path, "/local/domain/%u/nam%7s", &id, end) == 2 && !strcmp(end, "e") &&
	    (d = dom_by_id(id))) {
		d->name_reads++;
		*len = (unsigned)strlen(d->name);
		return strdup(d->name);
	}
	k = key_at(path, true);   /* absent keys count reads too */
	if (!k)
		return NULL;
	k->reads++;
	if (!k->n && !k->val[0])
		return NULL;
	v = malloc(k->n + 1);
	memcpy(v, k->val, k->n);
	v[k->n] = '\0';
	*len = k->n;
	return v;
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data,
	      unsigned int len)
{
	(void)h;
	(void)t;
	snprintf(written_path, sizeof written_path, "%s", path);
	snprintf(written_val, sizeof written_val, "%.*s", (int)len, (const char *)data);
	return true;
}

/* ---- stub libxl and xenops ---------------------------------------------- */

static struct stub_dom *dom_by_id(uint32_t id)
{
	for (size_t i = 0; i < ndoms; i++)
		if (doms[i].id == id)
			return &doms[i];
	return NULL;
}

void libxl_physinfo_init(libxl_physinfo *p) { memset(p, 0, sizeof *p); }
void libxl_physinfo_dispose(libxl_physinfo *p) { (void)p; }
int libxl_get_physinfo(libxl_ctx *ctx, libxl_physinfo *p)
{
	(void)ctx;
	p->nr_cpus = 2;
	p->total_pages = (1024ull << 20) / 4096;
	p->free_pages = (512ull << 20) / 4096;
	return 0;
}
const libxl_version_info *libxl_get_version_info(libxl_ctx *ctx)
{
	static libxl_version_info v = { .xen_version_major = 4, .xen_version_minor = 17,
					.xen_version_extra = (char *)" (stub)" };

	(void)ctx;
	return &v;
}
libxl_dominfo *libxl_list_domain(libxl_ctx *ctx, int *n)
{
	libxl_dominfo *l = calloc(ndoms + 1, sizeof *l);

	(void)ctx;
	for (size_t i = 0; i < ndoms; i++) {
		l[i].domid = doms[i].id;
		l[i].shutdown = doms[i].shutdown != 0;
		l[i].shutdown_reason = doms[i].reason;
		l[i].current_memkb = l[i].max_memkb = 48 * 1024;
	}
	*n = (int)ndoms;
	return l;
}
void libxl_dominfo_list_free(libxl_dominfo *l, int n) { (void)n; free(l); }

static unsigned start_calls, sched_calls;   /* libxl asked for start times, weights */

uint32_t libxl_vm_get_start_time(libxl_ctx *ctx, uint32_t domid)
{
	const struct stub_dom *d = dom_by_id(domid);

	(void)ctx;
	start_calls++;
	return d ? d->start : (uint32_t)-1;
}

void libxl_domain_sched_params_init(libxl_domain_sched_params *p) { memset(p, 0, sizeof *p); }
void libxl_domain_sched_params_dispose(libxl_domain_sched_params *p) { (void)p; }
int libxl_domain_sched_params_get(libxl_ctx *ctx, uint32_t domid, libxl_domain_sched_params *p)
{
	(void)ctx;
	(void)domid;
	sched_calls++;
	p->weight = 256;
	return 0;
}
int libxl_domain_sched_params_set(libxl_ctx *ctx, uint32_t domid, const libxl_domain_sched_params *p)
{
	(void)ctx; (void)domid; (void)p;
	return 0;
}
void libxl_dominfo_init(libxl_dominfo *p) { memset(p, 0, sizeof *p); }
void libxl_dominfo_dispose(libxl_dominfo *p) { (void)p; }
int libxl_domain_info(libxl_ctx *ctx, libxl_dominfo *info, uint32_t domid)
{
	const struct stub_dom *d = dom_by_id(domid);

	(void)ctx;
	if (!d)
		return -1;
	info->domid = domid;
	info->shutdown = d->shutdown != 0;
	info->shutdown_reason = d->reason;
	return 0;
}
void libxl_postfork_child_noexec(libxl_ctx *ctx) { (void)ctx; }
int libxl_ctx_free(libxl_ctx *ctx) { (void)ctx; return 0; }
int libxl_name_to_domid(libxl_ctx *ctx, const char *name, uint32_t *domid) { (void)ctx; (void)name; (void)domid; return -1; }
char *libxl_domid_to_name(libxl_ctx *ctx, uint32_t domid) { (void)ctx; (void)domid; return NULL; }
int libxl_domain_destroy(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *h) { (void)ctx; (void)domid; (void)h; return 0; }
int libxl_domain_pause(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *h) { (void)ctx; (void)domid; (void)h; return 0; }
int libxl_domain_unpause(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *h) { (void)ctx; (void)domid; (void)h; return 0; }
int libxl_domain_shutdown(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *h) { (void)ctx; (void)domid; (void)h; return 0; }

void xenops_log_init(struct xenops_log *l, int echo) { memset(l, 0, sizeof *l); l->echo = echo; }
libxl_ctx *xenops_ctx(struct xenops_log *l, char *err, size_t errlen) { (void)l; (void)err; (void)errlen; return &the_ctx; }

/* While the test holds gate open, launch helpers wait for it to close. */
static int gate[2] = { -1, -1 };

/* The launch helper (a forked child) "creates" domain 7. */
int xenops_create(libxl_ctx *ctx, struct xenops_log *l, const struct guestcfg *g,
		  double launch_t, uint32_t *domid, char *err, size_t errlen)
{
	char c;

	(void)ctx; (void)l; (void)g; (void)launch_t; (void)err; (void)errlen;
	if (gate[0] >= 0) {
		if (gate[1] >= 0)
			close(gate[1]);   /* the test's copy is the one that counts */
		while (read(gate[0], &c, 1) < 0 && errno == EINTR)
			;
	}
	*domid = 7;
	return 0;
}

/* backend_xen_open looks for a Xen host first: this is one. */
int access(const char *path, int mode)
{
	if (!strncmp(path, "/proc/xen/", 10))
		return 0;
	return faccessat(AT_FDCWD, path, mode, 0);
}

/* ---- helpers ------------------------------------------------------------ */

/* The backend open on the stub host with FLAGS (0, BACKEND_XEN_BRIEF). */
static struct backend *open_host_as(unsigned flags)
{
	char err[256];
	struct backend *b = backend_xen_open(flags, err, sizeof err);

	if (!b) {
		CHECK(b != NULL, "the Xen backend opens on the stub host (%s)", err);
		exit(harness_done());
	}
	return b;
}

static struct backend *open_host(void)
{
	return open_host_as(0);
}

/* Guests 1..N on the stub host, named debian-ID, started at 1000. */
static void host_debians(unsigned n)
{
	char name[32];

	for (unsigned id = 1; id <= n; id++) {
		snprintf(name, sizeof name, "debian-%u", id);
		host_add(id, name, 1000);
	}
}

/* A snapshot at now; the sample of domain id copied to out (false if absent). */
static bool sample(struct backend *b, double now, int id, struct dom_sample *out)
{
	struct snapshot s;
	char err[256];
	bool found = false;

	memset(out, 0, sizeof *out);
	if (b->ops->snapshot(b, now, &s, err, sizeof err))
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (s.dom[i].id == id) {
			*out = s.dom[i];
			found = true;
		}
	}
	snapshot_free(&s);
	return found;
}

/* The stub host with dom0 and domains 5 and 6 named name5 and name6,
 * started at 1000, and the backend open on it. */
static struct backend *two_guests(const char *name5, const char *name6)
{
	host_reset();
	host_add(5, name5, 1000);
	host_add(6, name6, 1000);
	return open_host();
}

/* ---- tests -------------------------------------------------------------- */

/* Every key the backend reads passes through guest_text: the workload a
 * guest writes reaches the snapshot without a control byte, cut to 64. */
static void test_guest_text(void)
{
	struct backend *b;
	struct dom_sample o;
	char longv[300];

	host_reset();
	host_add(5, "debian-1", 1000);
	b = open_host();
	guest_writes(5, "workload", S("\r  1 debian-1"));
	CHECK(sample(b, 1100, 5, &o), "the stub host's domain 5 is in the snapshot");
	CHECK_STR(o.workload, "?  1 debian-1", "a CR in the workload becomes '?' at read time");
	guest_writes(5, "workload", S("\033]0;PWNED\007\033[2J\302\233" "1;1H"));
	sample(b, 1101, 5, &o);
	CHECK_STR(o.workload, "?]0;PWNED??[2J?1;1H", "OSC, CSI and C1 CSI from the guest become '?'");
	guest_writes(5, "workload", S("a\0b\377c"));
	sample(b, 1102, 5, &o);
	CHECK_STR(o.workload, "a?b?c", "NUL and an invalid byte inside the value become '?'");
	memset(longv, 'w', sizeof longv);
	guest_writes(5, "workload", longv, sizeof longv);
	sample(b, 1103, 5, &o);
	CHECK_INT(strlen(o.workload), GUEST_TEXT_MAX, "a 300-byte workload is cut to GUEST_TEXT_MAX bytes");
	guest_writes(5, "workload", S("M\303\274nchen \342\202\254"));
	sample(b, 1104, 5, &o);
	CHECK_STR(o.workload, "M\303\274nchen \342\202\254", "valid UTF-8 from the guest stays");
	backend_close(b);
}

/* What livetop acts on comes from dom0: DISTRO (what f launches more of)
 * and the launch time behind BOOT are xenops_create's record under
 * /libxl/ID/xenlive, never the guest's data/xenlive/distro or launched. */
static void test_dom0_record(void)
{
	struct backend *b = two_guests("lab-3", "mybox");
	struct dom_sample o;

	dom0_writes("/libxl/5/xenlive/distro", "debian");
	dom0_writes("/libxl/5/xenlive/launched", "997.5");
	guest_writes(5, "distro", S("centos"));
	guest_writes(5, "launched", S("1"));
	guest_writes(6, "distro", S("centos"));
	sample(b, 1005, 5, &o);
	CHECK_STR(o.distro, "debian", "lab-3, launched as debian, claiming centos is debian");
	guest_writes(5, "state", S("ready"));
	sample(b, 1010, 5, &o);
	CHECK_NEAR(o.boot_secs, 12.5, 1e-6, "BOOT counts from dom0's launch time, not the guest's \"1\"");
	sample(b, 1010, 6, &o);
	CHECK_STR(o.distro, "", "mybox (no record, no name ID-N) claiming centos has no distro");
	backend_close(b);
}

/* A ping goes to the address dom0's hotplug program gave the target's
 * vif, never to the one the target's root writes as its ip. */
static void test_ping(void)
{
	struct backend *b = two_guests("debian-1", "debian-2");
	struct workload_req r = { .kind = WL_PING, .target_id = 6 };
	char err[256];

	guest_writes(5, "state", S("ready"));
	guest_writes(6, "ip", S("10.73.0.1"));
	CHECK_INT(b->ops->workload(b, 1100, 5, &r, err, sizeof err), -1,
		  "no ping while dom0 has given the target no address");
	CHECK_CONTAINS(err, "domain 6 has no address from dom0", "and the log says why");
	dom0_writes("/local/domain/0/backend/vif/6/0/ip", "10.73.0.12 -f");
	CHECK_INT(b->ops->workload(b, 1100, 5, &r, err, sizeof err), -1,
		  "a vif address that is not an IPv4 address is refused");
	CHECK_STR(written_path, "", "nothing is written to xenstore for either");
	dom0_writes("/local/domain/0/backend/vif/6/0/ip", "10.73.0.12");
	CHECK_INT(b->ops->workload(b, 1100, 5, &r, err, sizeof err), 0, "a ping to debian-2 goes out");
	CHECK_STR(written_path, "/local/domain/5/data/xenlive/request", "as the pinging guest's request");
	CHECK_CONTAINS(written_val, " ping 10.73.0.12", "to the vif's address, not the 10.73.0.1 the target wrote");
	backend_close(b);
}

/* A domain whose start time libxl has not written yet (the stub answers
 * (uint32_t)-1 as libxl does) gets it once it is there: UPTIME does not
 * stay 0 s. */
static void test_start_time(void)
{
	struct backend *b;
	struct dom_sample o;
	struct stub_dom *d;

	host_reset();
	d = host_add(5, "debian-1", (uint32_t)-1);
	b = open_host();
	sample(b, 1100, 5, &o);
	CHECK_NEAR(o.started, 0, 0, "no start time yet: unknown, not 4294967295");
	d->start = 0;
	sample(b, 1101, 5, &o);
	CHECK_NEAR(o.started, 0, 0, "a start time of 0 is no start time either");
	d->start = 1000;
	sample(b, 1102, 5, &o);
	CHECK_NEAR(o.started, 1000, 0, "once libxl has written it, it is read");
	d->start = 1050;
	sample(b, 1103, 5, &o);
	CHECK_NEAR(o.started, 1000, 0, "and then kept");
	backend_close(b);
}

/* xl save (a move to another machine) suspends a guest: Xen says it is
 * shut down, with the reason "suspend".  It shows as paused, and is not
 * cleaned up; a guest that powered off is. */
static void test_suspended(void)
{
	struct backend *b;
	struct dom_sample o;
	struct stub_dom *d;

	host_reset();
	d = host_add(5, "debian-1", 1000);
	b = open_host();
	d->shutdown = 1;
	d->reason = LIBXL_SHUTDOWN_REASON_SUSPEND;
	sample(b, 1100, 5, &o);
	CHECK(o.state == DS_PAUSED, "a guest suspended for xl save shows as paused (state %d)", (int)o.state);
	d->reason = LIBXL_SHUTDOWN_REASON_POWEROFF;
	sample(b, 1101, 5, &o);
	CHECK(o.state == DS_SHUTDOWN, "a guest that powered off shows as shut down (state %d)", (int)o.state);
	backend_close(b);
}

/* A guest without an agent, watched for ten minutes the way livetop
 * does (poll every 100 ms, a snapshot every second): its state key is
 * read every 100 ms while it may be booting, then every few seconds; an
 * agent that comes up after ten minutes is still seen. */
static void test_poll_backoff(void)
{
	struct backend *b;
	struct dom_sample o;
	char msg[256];
	double now = 1000, seen = -1;

	host_reset();
	host_add(5, "quiet-1", 1000);
	b = open_host();
	for (int tick = 0; tick < 6000; tick++, now = 1000 + tick * 0.1) {
		while (b->ops->poll(b, now, msg, sizeof msg))
			;
		if (tick % 10 == 0)
			sample(b, now, 5, &o);
	}
	CHECK(reads_of(5, "state") < 1400, "ten minutes cost %u reads of its state, not 6600",
	      reads_of(5, "state"));
	CHECK(o.state == DS_BOOTING, "and it shows as booting");
	guest_writes(5, "state", S("ready"));
	for (int tick = 0; seen < 0 && tick < 100; tick++) {
		b->ops->poll(b, now + tick * 0.1, msg, sizeof msg);
		sample(b, now + tick * 0.1, 5, &o);
		if (o.state == DS_READY)
			seen = tick * 0.1;
	}
	CHECK(seen >= 0 && seen <= GUEST_POLL_SLOW_S + 0.1,
	      "an agent that says ready after ten minutes is seen within %.1f s", seen);
	backend_close(b);
}

/* 100 idle guests watched for a minute, a snapshot a second: their
 * workload keys cost a read every few seconds each, not one per snapshot;
 * a workload asked of one is read at the next snapshot, and so is each
 * change of it while it runs. */
static void test_workload_reads(void)
{
	struct workload_req r = { .kind = WL_CPU, .arg = 10 };
	struct backend *b;
	struct dom_sample o;
	unsigned total = 0;
	char name[32], err[256];
	double now = 1000;

	host_reset();
	for (unsigned id = 1; id <= 100; id++) {
		snprintf(name, sizeof name, "debian-%u", id);
		host_add(id, name, 1000);
		guest_writes(id, "state", S("ready"));
	}
	b = open_host();
	for (int t = 0; t < 60; t++, now += 1)
		sample(b, now, 5, &o);
	for (unsigned id = 1; id <= 100; id++)
		total += reads_of(id, "workload");
	CHECK(total <= 100 * (60 / GUEST_WORK_SLOW_S + 1), "a minute of 100 idle guests: %u workload reads, not 6000",
	      total);
	CHECK_INT(b->ops->workload(b, now, 5, &r, err, sizeof err), 0, "a workload is asked of debian-5");
	guest_writes(5, "workload", S("cpu: 1 s of 10"));
	sample(b, now, 5, &o);
	CHECK_STR(o.workload, "cpu: 1 s of 10", "the next snapshot shows its answer");
	guest_writes(5, "workload", S("cpu: 2 s of 10"));
	sample(b, now + 1, 5, &o);
	CHECK_STR(o.workload, "cpu: 2 s of 10", "and the one after it the next change");
	backend_close(b);
}

/* A domain's name is read from xenstore once, then every few seconds
 * (libxenstat read every name at every snapshot); a rename shows within
 * that; a domain that has no name yet (being built) is left out until it
 * has one. */
static void test_names(void)
{
	struct backend *b;
	struct dom_sample o;
	struct stub_dom *d;
	double seen = -1;

	host_reset();
	d = host_add(5, "debian-1", 1000);
	b = open_host();
	for (int t = 0; t < 60; t++)
		sample(b, 1000 + t, 5, &o);
	CHECK_STR(o.name, "debian-1", "domain 5 is debian-1");
	CHECK(d->name_reads <= 7, "a minute of snapshots read its name %u times, not 60", d->name_reads);
	snprintf(d->name, sizeof d->name, "renamed");
	for (int t = 0; seen < 0 && t < 20; t++)
		if (sample(b, 1060 + t, 5, &o) && !strcmp(o.name, "renamed"))
			seen = t;
	CHECK(seen >= 0 && seen <= 10, "xl rename shows within %.0f s", seen);
	d = host_add(7, "", 1000);
	CHECK(!sample(b, 1080, 7, &o), "a domain with no name yet is left out");
	snprintf(d->name, sizeof d->name, "debian-2");
	CHECK(sample(b, 1081, 7, &o) && !strcmp(o.name, "debian-2"), "and shows once it has one (%s)", o.name);
	backend_close(b);
}

/* More guests than the 256 the backend once remembered: the last one
 * still gets what is kept per domain (here its start time). */
static void test_many_domains(void)
{
	struct backend *b;
	struct dom_sample o;

	host_reset();
	host_debians(300);
	b = open_host();
	CHECK(sample(b, 1100, 300, &o), "300 guests: the 300th is in the snapshot");
	CHECK_NEAR(o.started, 1000, 0, "and its start time is known, as the first one's is");
	sample(b, 1101, 1, &o);
	CHECK_NEAR(o.started, 1000, 0, "the first one's too");
	backend_close(b);
}

/* xenlive-launch's brief backend (BACKEND_XEN_BRIEF) looks at each
 * running guest's name and Xen's own figures only: a snapshot and a poll
 * with 50 guests read 51 names (dom0's too) and no other key, and ask
 * libxl for no start time or weight.  The full backend on the same host
 * reads more (the check can fail). */
static void test_brief(void)
{
	char msg[200];

	for (int brief = 1; brief >= 0; brief--) {
		struct backend *b;
		struct dom_sample o;
		unsigned reads = 0, names = 0;

		host_reset();
		host_debians(50);
		start_calls = sched_calls = 0;
		b = open_host_as(brief ? BACKEND_XEN_BRIEF : 0);
		CHECK(sample(b, 1100, 50, &o), "%s: 50 guests, the 50th in the snapshot",
		      brief ? "brief" : "full");
		while (b->ops->poll(b, 1100.5, msg, sizeof msg) > 0)
			;
		for (size_t i = 0; i < nstore; i++)
			reads += store[i].reads;
		for (size_t i = 0; i < ndoms; i++)
			names += doms[i].name_reads;
		if (brief) {
			CHECK_STR(o.name, "debian-50", "brief: its name");
			CHECK(o.state == DS_RUNNING, "brief: it shows as running (state %d)", (int)o.state);
			CHECK(names == 51, "brief: 51 names read (%u)", names);
			CHECK(reads == 0, "brief: no other xenstore key read (%u reads)", reads);
			CHECK(start_calls == 0 && sched_calls == 0,
			      "brief: no start time or weight asked (%u, %u)", start_calls, sched_calls);
		} else {
			CHECK(reads >= 50 && start_calls >= 50 && sched_calls >= 50,
			      "full: the same snapshot reads the guests' keys (%u), start times (%u), weights (%u)",
			      reads, start_calls, sched_calls);
		}
		backend_close(b);
	}
}

extern const char *xen_netdev_path;
extern const char *xen_vbd_dir;

/* Network counters: each guest's vifD.N lines of /proc/net/dev summed,
 * dom0's TX being the guest's RX; other interfaces, an emulated twin
 * (vif5.0-emu), a vif of no domain and a broken line count for nobody. */
static void test_vif_counters(void)
{
	char path[] = "/tmp/test_xen_netdev.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct backend *b;
	struct dom_sample o;

	if (!f) {
		CHECK(0, "a file for /proc/net/dev");
		return;
	}
	fputs("Inter-|   Receive                                                |  Transmit\n"
	      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
	      "    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0\n"
	      "  xenbr0: 5000      50    0    0    0     0          0         0     6000      60    0    0    0     0       0          0\n"
	      " vif5.0:    1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0\n"
	      " vif5.1:      30       1    0    0    0     0          0         0       40       1    0    0    0     0       0          0\n"
	      "vif5.0-emu: 900000    9    0    0    0     0          0         0   900000       9    0    0    0     0       0          0\n"
	      " vif6.0:12345678901 99    0    0    0     0          0         0        7       1    0    0    0     0       0          0\n"
	      " vif9.0:     555       5    0    0    0     0          0         0      555       5    0    0    0     0       0          0\n"
	      " vif6.1: garbage\n", f);
	fclose(f);
	xen_netdev_path = path;
	b = two_guests("debian-1", "debian-2");
	CHECK(sample(b, 1100, 5, &o), "guest 5 is in the snapshot");
	CHECK(o.net_rx_bytes == 2040 && o.net_tx_bytes == 1030,
	      "guest 5's two vifs summed, mirrored: rx %llu (2040), tx %llu (1030)",
	      (unsigned long long)o.net_rx_bytes, (unsigned long long)o.net_tx_bytes);
	sample(b, 1101, 6, &o);
	CHECK(o.net_rx_bytes == 7 && o.net_tx_bytes == 12345678901ULL,
	      "guest 6: a counter glued to its colon, past 32 bits: rx %llu, tx %llu",
	      (unsigned long long)o.net_rx_bytes, (unsigned long long)o.net_tx_bytes);
	sample(b, 1102, 0, &o);
	CHECK(o.net_rx_bytes == 0 && o.net_tx_bytes == 0, "dom0 gets no vif's counters");
	backend_close(b);
	xen_netdev_path = "/nonexistent/net/dev";
	b = two_guests("debian-1", "debian-2");
	CHECK(sample(b, 1100, 5, &o) && o.net_rx_bytes == 0,
	      "without /proc/net/dev the snapshot is still taken, with no traffic");
	backend_close(b);
	xen_netdev_path = "/proc/net/dev";
	unlink(path);
}

/* dir/vbd-DOMID-DEV/statistics/NAME holds val (written in place, as
 * sysfs changes a value under an open file). */
static void vbd_file(const char *dir, unsigned domid, unsigned dev, const char *name, unsigned long long val)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/vbd-%u-%u", dir, domid, dev);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/vbd-%u-%u/statistics", dir, domid, dev);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/vbd-%u-%u/statistics/%s", dir, domid, dev, name);
	if ((f = fopen(path, "w"))) {
		fprintf(f, "%llu\n", val);
		fclose(f);
	}
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

/* Block counters: a guest's backends summed, each counter file kept open
 * between snapshots and read afresh, and closed once its backend is gone. */
static void test_vbd_counters(void)
{
	char dir[] = "/tmp/test_xen_vbd.XXXXXX", cmd[600];
	struct backend *b;
	struct dom_sample o = { 0 };
	int fds0;

	if (!mkdtemp(dir)) {
		CHECK(0, "a directory for the block backends");
		return;
	}
	vbd_file(dir, 5, 51712, "rd_sect", 100);
	vbd_file(dir, 5, 51712, "wr_sect", 8);
	vbd_file(dir, 5, 51728, "rd_sect", 20);
	vbd_file(dir, 5, 51728, "wr_sect", 2);
	vbd_file(dir, 6, 51712, "rd_sect", 7);
	vbd_file(dir, 6, 51712, "wr_sect", 0);
	xen_vbd_dir = dir;
	fds0 = open_fds();
	b = two_guests("debian-1", "debian-2");
	CHECK(sample(b, 1100, 5, &o), "guest 5 is in the snapshot");
	CHECK(o.disk_rd_sectors == 120 && o.disk_wr_sectors == 10,
	      "guest 5's two disks summed: %llu read (120), %llu written (10)",
	      (unsigned long long)o.disk_rd_sectors, (unsigned long long)o.disk_wr_sectors);
	vbd_file(dir, 5, 51712, "rd_sect", 5000);
	sample(b, 1101, 5, &o);
	CHECK(o.disk_rd_sectors == 5020, "the next snapshot reads the counter afresh (%llu, 5020)",
	      (unsigned long long)o.disk_rd_sectors);
	CHECK_INT(open_fds() - fds0, 6, "its six counter files stay open between snapshots");
	snprintf(cmd, sizeof cmd, "rm -rf %s/vbd-6-51712", dir);
	CHECK(system(cmd) == 0, "guest 6's backend goes");
	sample(b, 1102, 6, &o);
	CHECK(o.disk_rd_sectors == 0, "guest 6 has no disk counters then");
	CHECK_INT(open_fds() - fds0, 4, "and its two files are closed");
	backend_close(b);
	CHECK_INT(open_fds() - fds0, 0, "closing the backend closes the rest");
	xen_vbd_dir = "/sys/bus/xen-backend/devices";
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "clean up");
}

/* Snapshot entries still being created (id -1). */
static size_t in_flight(struct backend *b, double now)
{
	struct snapshot s;
	char err[256];
	size_t n = 0;

	if (b->ops->snapshot(b, now, &s, err, sizeof err))
		return 0;
	for (size_t i = 0; i < s.n; i++)
		n += s.dom[i].id == -1;
	snapshot_free(&s);
	return n;
}

/* More launches than helpers that may run at once: they queue (each
 * shown as in flight), none is refused, each ends with its message. */
static void test_launch_queue(void)
{
	struct backend *b;
	struct guestcfg g;
	char err[256], msg[256];
	int refused = 0, created = 0;

	host_reset();
	b = open_host();
	if (pipe(gate))
		gate[0] = gate[1] = -1;
	for (int i = 1; i <= 40; i++) {
		memset(&g, 0, sizeof g);
		snprintf(g.name, sizeof g.name, "q-%d", i);
		g.memory_mib = 48;
		refused += b->ops->launch(b, 1000, &g, err, sizeof err) != 0;
	}
	CHECK_INT(refused, 0, "40 launches at once: none refused");
	CHECK_INT(b->ops->pending(b), 40, "40 launches pending");
	CHECK_INT(in_flight(b, 1000), 40, "the snapshot shows 40 in flight");
	close(gate[1]);                   /* the helpers may finish now */
	gate[1] = -1;
	for (int tries = 0; tries < 2000 && (b->ops->pending(b) > 0 || created < 40); tries++) {
		while (b->ops->poll(b, 1000, msg, sizeof msg))
			created += strstr(msg, "created as domain 7") != NULL;
		usleep(5000);
	}
	CHECK_INT(created, 40, "each of them says it was created");
	CHECK_INT(b->ops->pending(b), 0, "and none is pending");
	close(gate[0]);
	gate[0] = -1;
	backend_close(b);
}

int main(void)
{
	test_guest_text();
	test_dom0_record();
	test_ping();
	test_start_time();
	test_suspended();
	test_poll_backoff();
	test_many_domains();
	test_brief();
	test_workload_reads();
	test_names();
	test_vif_counters();
	test_vbd_counters();
	test_launch_queue();
	return harness_done();
}
