/* Unit tests: the scripted fake backend, driven by fixed times, together
 * with the model (the same path as livetop --demo). */
#include "harness.h"

#include "backend_fake.h"
#include "model.h"
#include "model_look.h"
#include "sizing.h"
#include "guestcfg.h"
#include "xalloc.h"

#include <stdlib.h>

static const struct catalog_entry deb = {
	.id = "debian", .name = "Debian GNU/Linux 12", .image = "d", .memory_mib = 48,
	.min_memory_mib = 32, .kernel = "k",
};
static const struct catalog_entry cen = {
	.id = "centos", .name = "CentOS Stream 9", .image = "c", .memory_mib = 70,
	.min_memory_mib = 64, .kernel = "k",
};

static int launch(struct backend *b, double t, const struct catalog_entry *e, const char *name)
{
	struct guestcfg g;
	char err[256];

	if (guestcfg_build(e, 0, name, "xenbr0", &g, err, sizeof err))
		return -1;
	return b->ops->launch(b, t, &g, err, sizeof err);
}

static void update(struct backend *b, struct model *m, double t)
{
	struct snapshot s;
	char err[128], msg[256];

	while (b->ops->poll(b, t, msg, sizeof msg))
		model_log(m, t, "%s", msg);
	if (b->ops->snapshot(b, t, &s, err, sizeof err) == 0)
		model_update(m, &s);
}

static void test_lifecycle(void)
{
	struct backend *b = backend_fake_open(0);
	struct model m;
	char err[256];
	const struct row *r;

	model_init(&m);
	fake_set_boot_secs(b, 5.2);
	update(b, &m, 0);
	CHECK_INT(m.nrows, 1, "a fresh fake host has only dom0");
	CHECK(row(&m, "Domain-0") && row(&m, "Domain-0")->id == 0, "dom0 is domain 0");
	CHECK_INT(m.cur.host.total_kib, 1024 * 1024, "fake host has 1024 MiB");
	CHECK_INT(m.cur.host.free_kib, (1024 - 384 - 16) * 1024, "free = total - dom0 - Xen");

	CHECK_INT(launch(b, 0.5, &deb, "debian-1"), 0, "launch accepted");
	CHECK_INT(launch(b, 0.5, &deb, "debian-1"), -1,
		  "a second guest with the same name is refused");
	CHECK_INT(b->ops->pending(b), 1, "one launch in flight");
	update(b, &m, 0.6);
	r = row(&m, "debian-1");
	CHECK(r && r->id == -1 && r->state == DS_BOOTING,
	      "a launch in flight shows at once as booting without an id");
	update(b, &m, 1.6);
	r = row(&m, "debian-1");
	CHECK(r && r->id == 1 && r->state == DS_BOOTING, "created after 1 s as domain 1, booting");
	CHECK(log_has(&m, "debian-1 created as domain 1"), "creation is logged");
	CHECK_INT(b->ops->pending(b), 0, "nothing in flight once created");
	CHECK_INT(m.cur.host.free_kib, (1024 - 384 - 16 - 50) * 1024,
		  "a 48 MiB guest takes 50 MiB of the host");
	update(b, &m, 3.0);
	r = row(&m, "debian-1");
	CHECK(r && r->cpu_pct > 50 && r->cpu_pct < 90, "booting burns CPU (%.1f%%)", r ? r->cpu_pct : -1);
	CHECK(r && r->rd_bps > 1e6, "booting reads its image");
	update(b, &m, 6.8);
	r = row(&m, "debian-1");
	CHECK(r && r->state == DS_READY, "ready after its boot time");
	CHECK_NEAR(r ? r->boot_secs : -1, 6.2, 1e-9, "launch -> ready is 1 s create + 5.2 s boot");
	CHECK(log_has(&m, "debian-1 ready in 6.2 s"), "\"debian-1 ready in 6.2 s\" logged");
	update(b, &m, 8.8);
	r = row(&m, "debian-1");
	CHECK(r && r->cpu_pct < 5, "an idle ready guest uses little CPU (%.1f%%)", r ? r->cpu_pct : -1);
	CHECK_STR(r ? r->workload : "", "idle", "workload shows idle");

	/* Workloads. */
	struct workload_req cpu = { .kind = WL_CPU, .arg = 30 };
	CHECK_INT(b->ops->workload(b, 9, 1, &cpu, err, sizeof err), 0, "cpu burn accepted");
	update(b, &m, 9.5);
	update(b, &m, 11);
	r = row(&m, "debian-1");
	CHECK_NEAR(r->cpu_pct, 100, 0.5, "cpu burn shows 100%%");
	CHECK_CONTAINS(r->workload, "cpu burn 30 s", "workload column says what runs");
	CHECK_INT(b->ops->set_sched(b, 1, 512, 50, err, sizeof err), 0, "weight 512, cap 50%% accepted");
	update(b, &m, 13);
	r = row(&m, "debian-1");
	CHECK_NEAR(r->cpu_pct, 50, 0.5, "a 50%% cap holds the burn at 50%%");
	CHECK(r->weight == 512 && r->cap == 50, "weight and cap shown");
	CHECK_INT(b->ops->set_sched(b, 1, 0, 0, err, sizeof err), -1, "weight 0 is refused");
	CHECK_INT(b->ops->set_sched(b, 1, 256, 500, err, sizeof err), -1, "a cap above 100%% per vCPU is refused");

	/* Pause. */
	CHECK_INT(b->ops->pause(b, 1, err, sizeof err), 0, "pause accepted");
	update(b, &m, 15);
	r = row(&m, "debian-1");
	CHECK(r->state == DS_PAUSED && r->cpu_pct == 0, "paused guest shows paused, 0%% CPU");
	CHECK_INT(b->ops->shutdown(b, 15, 1, err, sizeof err), -1, "shutdown of a paused guest refused");
	CHECK_CONTAINS(err, "unpause it first", "with advice");
	b->ops->unpause(b, 1, err, sizeof err);
	CHECK_INT(b->ops->pause(b, 0, err, sizeof err), -1, "dom0 cannot be paused");
	CHECK_INT(b->ops->destroy(b, 15, 42, err, sizeof err), -1, "destroying a missing domain fails");
	CHECK_CONTAINS(err, "no domain with id 42", "with a clear error");

	/* Shutdown: shutting down, shut down until reaped, then gone. */
	CHECK_INT(b->ops->shutdown(b, 16, 1, err, sizeof err), 0, "shutdown accepted");
	update(b, &m, 16.5);
	r = row(&m, "debian-1");
	CHECK(r && r->state == DS_SHUTDOWN, "state shows shutting down");
	update(b, &m, 18);
	update(b, &m, 19);
	r = row(&m, "debian-1");
	CHECK(r && r->state == DS_SHUTDOWN, "snapshots alone never destroy a guest that shut down");
	b->ops->reap(b, 19);
	update(b, &m, 19.1);
	CHECK(log_has(&m, "debian-1 shut down; cleaning up"), "reap() destroys it and says so");
	CHECK(row(&m, "debian-1") && row(&m, "debian-1")->state == DS_DYING, "it is dying then");
	update(b, &m, 19.5);
	CHECK(row(&m, "debian-1") == NULL, "gone after reaping");
	CHECK(log_has(&m, "debian-1 is gone"), "its departure is logged");

	/* Crash and destroy. */
	launch(b, 20, &cen, "centos-1");
	update(b, &m, 22);
	CHECK_INT(fake_crash(b, 2), 0, "crash hook");
	update(b, &m, 23);
	r = row(&m, "centos-1");
	CHECK(r && r->state == DS_CRASHED, "a crashed domain shows as crashed");
	CHECK(log_has(&m, "centos-1 crashed"), "the crash is logged");
	CHECK_INT(b->ops->destroy(b, 23, 2, err, sizeof err), 0, "destroy accepted");
	update(b, &m, 23.1);
	CHECK(row(&m, "centos-1") && row(&m, "centos-1")->state == DS_DYING, "dying right after destroy");
	update(b, &m, 24);
	CHECK(row(&m, "centos-1") == NULL, "gone after dying");
	CHECK_INT(m.cur.host.free_kib, (1024 - 384 - 16) * 1024, "its memory is free again");

	/* Vanishing between snapshots. */
	launch(b, 30, &deb, "debian-1");
	update(b, &m, 32);
	CHECK_INT(fake_vanish(b, 3), 0, "vanish hook");
	update(b, &m, 33);
	CHECK(row(&m, "debian-1") == NULL && log_has(&m, "debian-1 is gone (was domain 3)"),
	      "a domain disappearing between snapshots is handled and logged");

	backend_close(b);
	model_free(&m);
}

static void test_memory_runs_out(void)
{
	struct backend *b = backend_fake_open(0);
	struct model m;
	char err[256], why[LOG_TEXT];
	const char *names[64];
	double t = 0;
	unsigned predicted, launched = 0;

	model_init(&m);
	update(b, &m, t);
	predicted = model_fits(&m, deb.memory_mib);
	CHECK_INT(predicted, 12, "624 MiB free fits 12 Debian guests (50 MiB each + reserve)");
	while (model_fits(&m, deb.memory_mib) > 0 && launched < 40) {
		char name[GUEST_NAME_MAX];
		size_t n = model_names(&m, names, 64);

		guestcfg_alloc_name("debian", names, n, name, sizeof name);
		if (launch(b, t, &deb, name))
			break;
		launched++;
		t += 0.1;
		update(b, &m, t);
	}
	CHECK_INT(launched, predicted, "filling launches exactly as many as predicted");
	t += 2;
	update(b, &m, t);
	CHECK_INT(model_guest_count(&m), predicted, "and they are all created");
	CHECK(!log_has(&m, "failed"), "no launch failed");
	CHECK_INT(model_why_not(&m, &deb, why, sizeof why), 1, "the next Debian does not fit");
	CHECK_CONTAINS(why, "Debian needs 54 MiB", "the explanation names the need");
	CHECK_CONTAINS(why, "12 guests running", "and how many guests run");
	CHECK_INT(model_why_not(&m, &cen, why, sizeof why), 1, "a CentOS does not fit either");

	/* The backend refuses like libxl when asked anyway. */
	launch(b, t, &cen, "centos-1");
	t += 1.5;
	update(b, &m, t);
	CHECK(log_has(&m, "launch of centos-1 failed: not enough free memory"),
	      "a launch that does not fit fails with a plain message");
	CHECK(row(&m, "centos-1") == NULL, "and leaves nothing behind");

	/* Destroy one: one fits again. */
	b->ops->destroy(b, t, 5, err, sizeof err);
	t += 1;
	update(b, &m, t);
	CHECK_INT(model_fits(&m, deb.memory_mib), 1, "after destroying one, one fits again");

	backend_close(b);
	model_free(&m);
}

static void test_deterministic(void)
{
	struct backend *a = backend_fake_open(100), *b = backend_fake_open(100);
	struct snapshot sa, sb;
	char err[64];
	int same = 1;

	launch(a, 101, &deb, "debian-1");
	launch(b, 101, &deb, "debian-1");
	/* Different polling patterns, same end time. */
	for (double t = 101; t < 110; t += 0.3)
		if (a->ops->snapshot(a, t, &sa, err, sizeof err) == 0)
			snapshot_free(&sa);
	a->ops->snapshot(a, 110, &sa, err, sizeof err);
	b->ops->snapshot(b, 110, &sb, err, sizeof err);
	same = sa.n == sb.n;
	for (size_t i = 0; same && i < sa.n; i++)
		same = sa.dom[i].cpu_ns / 1000000 == sb.dom[i].cpu_ns / 1000000 &&
		       sa.dom[i].state == sb.dom[i].state && sa.dom[i].id == sb.dom[i].id;
	CHECK(same, "the fake gives the same figures for the same times, however often polled");
	snapshot_free(&sa);
	snapshot_free(&sb);
	backend_close(a);
	backend_close(b);
}

/* What a guest's root writes comes through guest_text, as on Xen. */
static void test_guest_writes(void)
{
	struct backend *b = backend_fake_open(0);
	struct model m;
	const struct row *r;

	model_init(&m);
	fake_set_boot_secs(b, 1);
	launch(b, 0, &deb, "debian-1");
	update(b, &m, 5);
	r = row(&m, "debian-1");
	CHECK(r && !strcmp(r->workload, "idle"), "a ready fake guest's agent says idle");
	CHECK_INT(fake_guest_write(b, r ? r->id : 1, "workload", "\r  1 debian-1", 13), 0,
		  "the guest writes \"\\r  1 debian-1\" as its workload");
	update(b, &m, 6);
	r = row(&m, "debian-1");
	CHECK_STR(r ? r->workload : NULL, "?  1 debian-1", "the row shows '?' for the CR");
	CHECK_INT(fake_guest_write(b, 0, "workload", "x", 1), -1, "dom0 is no guest to write for");
	CHECK_INT(fake_guest_write(b, 99, "workload", "x", 1), -1, "nor is a domain that does not exist");
	model_free(&m);
	backend_close(b);
}

int main(void)
{
	test_lifecycle();
	test_memory_runs_out();
	test_deterministic();
	test_guest_writes();
	return harness_done();
}
