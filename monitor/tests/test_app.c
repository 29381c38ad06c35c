/* Unit tests: livetop's actions (app.c) against the fake backend, with a
 * fake clock that moves only when told to (or when an action sleeps). */
#include "harness.h"

#include "fake_app.h"

static const char catalogue[] =
	"debian|Debian GNU/Linux 12 (bookworm)|d.sqfs|48|32|k||quiet\n"
	"centos|CentOS Stream 9|c.sqfs|70|64|k||\n";

static void open_app(struct app *a)
{
	fake_app_open(a, catalogue, "/m/catalog", 2);
}

/* Let time pass, then poll and refresh as the screen's loop does. */
static void tick(struct app *a, double secs)
{
	fake_now += secs;
	app_poll(a);
	app_refresh(a);
	app_reap(a);
}

static const struct row *row(const struct app *a, const char *name)
{
	int i = model_find(&a->m, name);

	return i < 0 ? NULL : &a->m.rows[i];
}

static void test_launch(void)
{
	struct app a;

	open_app(&a);
	CHECK_INT(app_launch_nth(&a, 0), 0, "key 1 launches the first catalogue entry");
	CHECK_CONTAINS(newest(&a), "launching debian-1 (48 MiB)", "and says so");
	CHECK(row(&a, "debian-1") == NULL, "no snapshot is taken in the launch (a busy host: seconds)");
	CHECK(a.refresh_due, "it asks for a fresh snapshot");
	app_refresh(&a);
	CHECK(row(&a, "debian-1") != NULL, "which shows it");
	CHECK_INT(app_launch_nth(&a, 0), 0, "key 1 again");
	app_refresh(&a);
	CHECK(row(&a, "debian-2") != NULL, "picks the next free name");
	CHECK_INT(app_launch_nth(&a, 2), -1, "key 3 with two entries");
	CHECK_STR(newest(&a), "no distro 3 in the catalogue (it lists 2)", "explains");
	CHECK_INT(app_launch(&a, &a.cat.e[1], 0, "my-centos"), 0, "a chosen name");
	app_refresh(&a);
	CHECK(row(&a, "my-centos") != NULL, "is used");
	CHECK_INT(app_launch(&a, &a.cat.e[0], 0, "debian-1"), -1, "a name in the snapshot");
	CHECK_CONTAINS(newest(&a), "a domain named debian-1 already exists", "is refused");
	CHECK_INT(app_launch(&a, &a.cat.e[1], 16, NULL), -1, "memory below the minimum");
	CHECK_CONTAINS(newest(&a), "centos needs at least 64 MiB", "is refused with the reason");

	fake_set_memory(a.be, 400, 300);
	tick(&a, 5);
	CHECK_INT(app_launch(&a, &a.cat.e[1], 0, NULL), -1, "a guest that does not fit");
	CHECK_CONTAINS(newest(&a), "CentOS needs 76 MiB", "is refused: it does not fit");
	app_free(&a);
}

static void test_launch_wait(void)
{
	struct app a;
	char name[64], err[256];

	open_app(&a);
	CHECK_INT(app_launch_wait(&a, &a.cat.e[0], 0, NULL, name, sizeof name, err, sizeof err), 0,
		  "xenlive-launch's launch waits until the guest is created");
	CHECK_STR(name, "debian-1", "and names it");
	CHECK(row(&a, "debian-1") && row(&a, "debian-1")->id > 0, "it has a domain id");
	CHECK(fake_now > 100.9, "the clock was waited on (%.2f s)", fake_now - 100);
	CHECK_INT(app_launch_wait(&a, &a.cat.e[0], 0, NULL, name, sizeof name, err, sizeof err), 0,
		  "a second one");
	CHECK_STR(name, "debian-2", "gets the next name");
	CHECK_INT(app_launch_wait(&a, &a.cat.e[0], 0, "debian-1", name, sizeof name, err,
				  sizeof err), -1, "a name in use");
	CHECK_CONTAINS(err, "debian-1 already exists", "is refused");

	fake_set_memory(a.be, 520, 384);
	CHECK_INT(app_launch_wait(&a, &a.cat.e[1], 0, NULL, name, sizeof name, err, sizeof err), -1,
		  "a guest that does not fit is refused");
	CHECK_CONTAINS(err, "CentOS needs 76 MiB", "with one clear line");
	CHECK(row(&a, "centos-1") == NULL, "and nothing is launched");
	app_free(&a);
}

static void test_guest_actions(void)
{
	struct app a;
	const struct row *r;

	open_app(&a);
	app_launch_nth(&a, 0);
	app_refresh(&a);
	CHECK(app_guest(&a, row(&a, "debian-1"), "pause") == NULL, "a guest being created is refused");
	CHECK_STR(newest(&a), "pause: debian-1 is still being created", "with the reason");
	CHECK(app_guest(&a, row(&a, "Domain-0"), "pause") == NULL, "dom0 is refused");
	CHECK_STR(newest(&a), "pause: Domain-0 is dom0, livetop leaves it alone", "with the reason");
	CHECK(app_guest(&a, NULL, "shutdown") == NULL, "no selection is refused");
	CHECK_STR(newest(&a), "shutdown: no guest selected (use the arrow keys)", "with advice");
	tick(&a, 4);
	r = row(&a, "debian-1");
	CHECK(r && r->state == DS_READY, "debian-1 is ready");

	CHECK_INT(app_pause_toggle(&a, r), 0, "pause");
	CHECK_STR(newest(&a), "debian-1 paused (its memory stays allocated)", "is logged");
	tick(&a, 0.5);
	r = row(&a, "debian-1");
	CHECK(r->state == DS_PAUSED, "and shows");
	CHECK_INT(app_pause_toggle(&a, r), 0, "pause again unpauses");
	CHECK_STR(newest(&a), "debian-1 unpaused", "is logged");
	tick(&a, 0.5);
	r = row(&a, "debian-1");
	CHECK_INT(app_weight_step(&a, r, 1), 0, "+ doubles the weight");
	CHECK_STR(newest(&a), "debian-1: weight 512, cap none (0)", "to 512");
	tick(&a, 0.5);
	r = row(&a, "debian-1");
	CHECK_INT(app_weight_step(&a, r, -1), 0, "- halves it");
	CHECK_STR(newest(&a), "debian-1: weight 256, cap none (0)", "back to 256");
	tick(&a, 0.5);
	r = row(&a, "debian-1");
	CHECK_INT(app_set_cap(&a, "debian-1", r->id, 50), 0, "a cap");
	CHECK_STR(newest(&a), "debian-1: weight 256, cap 50%", "is logged");
	CHECK_INT(app_set_cap(&a, "debian-1", r->id + 7, 50), -1, "a cap for a domain that went away");
	CHECK_STR(newest(&a), "debian-1 is gone", "is refused");
	struct workload_req cpu = { .kind = WL_CPU, .arg = 30 };
	CHECK_INT(app_workload(&a, r->id, r->name, &cpu), 0, "a workload");
	CHECK_STR(newest(&a), "debian-1: cpu burn 30 s requested", "is logged");

	CHECK_INT(app_shutdown(&a, r), 0, "shutdown");
	CHECK_STR(newest(&a), "debian-1: shutdown requested", "is logged");
	tick(&a, 1);
	r = row(&a, "debian-1");
	CHECK(r && r->state == DS_SHUTDOWN, "it is shutting down");
	tick(&a, 1);
	tick(&a, 0.1);
	CHECK(log_has(&a, "debian-1 shut down; cleaning up"), "reaped after it shut down");
	tick(&a, 1);
	CHECK(row(&a, "debian-1") == NULL, "and then gone");

	app_launch_nth(&a, 1);
	tick(&a, 2);
	r = row(&a, "centos-1");
	CHECK_INT(app_destroy(&a, r->id, r->name), 0, "destroy");
	CHECK_STR(newest(&a), "centos-1 destroyed", "is logged");
	CHECK_INT(app_destroy(&a, 77, "ghost"), -1, "destroying a missing domain");
	CHECK_STR(newest(&a), "ghost: no domain with id 77", "says why");
	app_free(&a);
}

static void test_fill(void)
{
	struct app a;
	int steps = 0;

	open_app(&a);
	app_fill_toggle(&a, NULL);
	CHECK_CONTAINS(newest(&a), "fill: launching debian guests", "f starts filling");
	int most = 0, most_booting = 0;

	a.fill.parallel = 3;
	a.fill.booting = 5;
	while (a.fill.on && steps++ < 400) {
		int p, b = 0;

		app_fill_step(&a);
		p = a.be->ops->pending(a.be);
		most = p > most ? p : most;
		tick(&a, 0.1);
		/* launched, not ready: launches in flight and booting guests */
		for (size_t i = 0; i < a.m.nrows; i++)
			b += a.m.rows[i].id < 0 || a.m.rows[i].state == DS_BOOTING;
		most_booting = b > most_booting ? b : most_booting;
	}
	CHECK(!a.fill.on, "filling stops by itself");
	CHECK_CONTAINS(newest(&a), "fill: done, 12 launched. Next one does not fit", "after 12 guests");
	CHECK_INT(most, 3, "launches overlapped: 3 in flight at most (fill.parallel)");
	CHECK_INT(most_booting, 5, "5 guests launched and not ready at most (fill.booting)");
	CHECK(!log_has(&a, "failed"), "no launch failed on the way");
	CHECK_INT(model_fits(&a.m, 48), 0, "and nothing more fits");
	app_fill_toggle(&a, row(&a, "debian-3"));
	app_fill_toggle(&a, NULL);
	CHECK_CONTAINS(newest(&a), "fill: stopped by you after 0 launched", "f again stops it");
	app_free(&a);
}

int main(void)
{
	test_launch();
	test_launch_wait();
	test_guest_actions();
	test_fill();
	return harness_done();
}
