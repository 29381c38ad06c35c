/* Unit tests: sizing, formatting, column table, rates, transitions, sorting. */
#include "harness.h"

#include "model.h"
#include "model_look.h"
#include "sizing.h"
#include "xalloc.h"

#include <stdlib.h>

static void test_sizing(void)
{
	static const struct { unsigned mib; uint64_t kib; } need[] = {
		{ 48, 50 * 1024 }, { 47, 48 * 1024 }, { 96, 98 * 1024 }, { 1, 2 * 1024 },
		{ 70, 72 * 1024 },
	};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		CHECK_INT(sizing_need_kib(need[i].mib), need[i].kib,
			  "a %u MiB guest costs %llu KiB (memory + ~1 MiB, rounded to 2 MiB)",
			  need[i].mib, (unsigned long long)need[i].kib);

	static const struct { uint64_t free_kib; unsigned mib; uint64_t reserve; unsigned n; } fits[] = {
		{ 624 * 1024, 48, 4096, 12 },       /* (624-4)/50 = 12.4 */
		{ 624 * 1024, 70, 4096, 8 },        /* 620/72 = 8.6 */
		{ 54 * 1024, 48, 4096, 1 },         /* exactly one: 54-4 = 50 */
		{ 53 * 1024, 48, 4096, 0 },         /* one KiB short of one */
		{ 4096, 48, 4096, 0 },              /* only the reserve left */
		{ 0, 48, 4096, 0 },
		{ 1024 * 1024, 0, 0, 0 },           /* nonsense size fits none */
		{ 1490 * 1024, 96, 0, 15 },         /* FACTS: 96 MB guests, dom0 512M -> 15 fit */
	};
	static const struct { uint64_t avail_kib; unsigned n; } d0[] = {
		{ 0, 0 }, { 24 * 1024, 0 }, { 27 * 1024 - 1, 0 }, { 27 * 1024, 1 }, { 81 * 1024, 19 },
	};
	for (size_t i = 0; i < sizeof d0 / sizeof d0[0]; i++)
		CHECK_INT(sizing_fits_dom0(d0[i].avail_kib), d0[i].n,
			  "dom0 with %llu KiB available serves %u more guests",
			  (unsigned long long)d0[i].avail_kib, d0[i].n);
	for (size_t i = 0; i < sizeof fits / sizeof fits[0]; i++)
		CHECK_INT(sizing_fits(fits[i].free_kib, fits[i].mib, fits[i].reserve), fits[i].n,
			  "%llu KiB free, reserve %llu: %u more %u MiB guests fit",
			  (unsigned long long)fits[i].free_kib, (unsigned long long)fits[i].reserve,
			  fits[i].n, fits[i].mib);
}

static void test_format(void)
{
	static const struct { double v; const char *s; } rates[] = {
		{ NAN, "-" }, { 0, "0" }, { 512, "512" }, { 999, "999" }, { 1024, "1.00K" },
		{ 1536, "1.50K" }, { 20.0 * 1024 * 1024, "20.0M" }, { 3.5 * 1024 * 1024 * 1024, "3.50G" },
		{ 200.0 * 1024, "200K" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		fmt_rate(rates[i].v, buf, sizeof buf);
		CHECK_STR(buf, rates[i].s, "rate %g B/s shows as %s", rates[i].v, rates[i].s);
	}
	static const struct { double s; const char *txt; } durs[] = {
		{ -1, "-" }, { 0, "0s" }, { 42.9, "42s" }, { 303, "5m03s" }, { 7620, "2h07m" },
		{ 273600, "3d04h" },
	};
	for (size_t i = 0; i < sizeof durs / sizeof durs[0]; i++) {
		fmt_duration(durs[i].s, buf, sizeof buf);
		CHECK_STR(buf, durs[i].txt, "duration %g s shows as %s", durs[i].s, durs[i].txt);
	}
	fmt_kib(48 * 1024, buf, sizeof buf);
	CHECK_STR(buf, "48M", "48 MiB shows as 48M");
	fmt_kib(20000ULL * 1024, buf, sizeof buf);
	CHECK_STR(buf, "19.5G", "20000 MiB shows as 19.5G");

	float bins[6] = { -1, 0, 12.5f, 50, 99, 250 };
	fmt_spark(bins, 6, false, buf, sizeof buf);
	CHECK_STR(buf, " _.=##", "ASCII sparkline: gap for no data, levels by CPU%%");
	fmt_spark(bins, 6, true, buf, sizeof buf);
	CHECK_STR(buf, " \u2581\u2582\u2585\u2588\u2588", "UTF-8 sparkline uses block characters");
	fmt_spark(bins, 6, true, buf, 5);
	CHECK(strlen(buf) < 5, "sparkline never overflows its buffer");

	static const struct { uint64_t p[4]; int w; int want[4]; } splits[] = {
		{ { 384, 118, 20, 502 }, 40, { 15, 5, 1, 19 } },
		{ { 1, 0, 0, 1000 }, 10, { 1, 0, 0, 9 } },        /* tiny part still visible */
		{ { 0, 0, 0, 0 }, 10, { 0, 0, 0, 0 } },
		{ { 1, 1, 1, 1 }, 4, { 1, 1, 1, 1 } },
	};
	for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++) {
		int out[4];

		split_cells(splits[i].p, 4, splits[i].w, out);
		CHECK(!memcmp(out, splits[i].want, sizeof out),
		      "memory bar split %zu: %d/%d/%d/%d cells (got %d/%d/%d/%d)", i,
		      splits[i].want[0], splits[i].want[1], splits[i].want[2], splits[i].want[3],
		      out[0], out[1], out[2], out[3]);
	}

}

/* Titles of the columns chosen for width, "," between; the stretch
 * column's width in *stretch (0 when not chosen); cells used in *used. */
static void fit_titles(int width, char *out, size_t len, int *stretch, int *used)
{
	struct col_fit fit[COL__COUNT];
	size_t n = model_cols_fit(width, fit), o = 0;

	out[0] = '\0';
	*stretch = *used = 0;
	for (size_t i = 0; i < n; i++) {
		o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s%s", i ? "," : "",
				      model_cols[fit[i].col].title);
		*used += fit[i].width + (i ? 1 : 0);
		if (model_cols[fit[i].col].stretch)
			*stretch = fit[i].width;
	}
}

#define ALL_COLS "ID,NAME,DISTRO,STATE,CPU%,CPU 1min,VC,MEM,NETRX/s,NETTX/s,DSKRD/s,DSKWR/s," \
	"UPTIME,BOOT,WEIGHT,WORKLOAD"

static void test_columns(void)
{
	/* width: COLS - 1 (the table starts at x = 1). */
	static const struct { int width; const char *titles; int stretch; const char *why; } t[] = {
		{ 127, ALL_COLS, 9, "a 128x48 framebuffer console shows every column" },
		{ 126, "ID,NAME,DISTRO,STATE,CPU%,CPU 1min,VC,MEM,NETRX/s,NETTX/s,DSKRD/s,DSKWR/s,"
		       "UPTIME,BOOT,WORKLOAD", 17, "one cell less drops WEIGHT (priority 9) first; "
		       "WORKLOAD takes its cells" },
		{ 79, "ID,NAME,STATE,CPU%,CPU 1min,VC,MEM,NETRX/s,NETTX/s,DSKRD/s", 0,
		  "80 columns drop DISTRO, DSKWR/s, UPTIME, BOOT, WEIGHT and WORKLOAD" },
		{ 199, ALL_COLS, 9 + 72, "200 columns give the 72 spare cells to WORKLOAD" },
		{ 299, ALL_COLS, 9 + 172, "300 columns give the 172 spare cells to WORKLOAD" },
	};
	char got[256];
	int stretch, used;

	for (int c = 0; c < COL__COUNT; c++) {
		const struct column *col = &model_cols[c];

		CHECK(col->title && col->csv && col->fmt && col->width > 0 && col->prio >= 1,
		      "column %d has title, csv name, formatter, width and priority", c);
		CHECK((int)strlen(col->title) <= col->width, "title %s fits its %d cells",
		      col->title, col->width);
	}
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		fit_titles(t[i].width, got, sizeof got, &stretch, &used);
		CHECK_STR(got, t[i].titles, "width %d: %s", t[i].width, t[i].why);
		CHECK_INT(stretch, t[i].stretch, "width %d: WORKLOAD gets %d cells (0: not shown)",
			  t[i].width, t[i].stretch);
		/* With WORKLOAD shown, the row reaches the right edge exactly. */
		if (t[i].stretch)
			CHECK_INT(used, t[i].width, "width %d: the columns fill all of it", t[i].width);
		else
			CHECK(used <= t[i].width, "width %d: the columns fit (%d cells)",
			      t[i].width, used);
	}
	fit_titles(10, got, sizeof got, &stretch, &used);
	CHECK(got[0] != '\0', "even 10 columns show something (%s)", got);
}

/* What the screen shows must fit its column (the UI cuts longer text). */
static void test_cells_fit(void)
{
	static const struct { enum col col; enum dom_state state; int weight, cap; const char *want; } t[] = {
		{ COL_STATE, DS_RUNNING, 0, 0, "running" },
		{ COL_STATE, DS_BOOTING, 0, 0, "booting" },
		{ COL_STATE, DS_READY, 0, 0, "ready" },
		{ COL_STATE, DS_PAUSED, 0, 0, "paused" },
		{ COL_STATE, DS_SHUTDOWN, 0, 0, "stopping" },
		{ COL_STATE, DS_CRASHED, 0, 0, "crashed" },
		{ COL_STATE, DS_DYING, 0, 0, "dying" },
		{ COL_SCHED, DS_READY, 256, 100, "256/100%" },
		{ COL_SCHED, DS_READY, 65535, 0, "65535" },
	};
	struct fmt_ctx screen = { 0 }, csv = { .csv = true };
	struct row r;
	char buf[64];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(&r, 0, sizeof r);
		r.state = t[i].state;
		r.weight = t[i].weight;
		r.cap = t[i].cap;
		model_cols[t[i].col].fmt(&r, buf, sizeof buf, &screen);
		CHECK_STR(buf, t[i].want, "%s shows %s", model_cols[t[i].col].title, t[i].want);
		CHECK((int)strlen(buf) <= model_cols[t[i].col].width, "%s fits %s's %d cells",
		      buf, model_cols[t[i].col].title, model_cols[t[i].col].width);
	}
	r.id = 32751;                       /* Xen's highest domain id */
	model_cols[COL_ID].fmt(&r, buf, sizeof buf, &screen);
	CHECK((int)strlen(buf) <= model_cols[COL_ID].width, "domain id %s fits ID's %d cells",
	      buf, model_cols[COL_ID].width);
	r.state = DS_SHUTDOWN;
	model_cols[COL_STATE].fmt(&r, buf, sizeof buf, &csv);
	CHECK_STR(buf, "shutting down", "CSV keeps the state name \"shutting down\"");
}

/* Build a snapshot from a compact table. */
struct d { int id; const char *name; enum dom_state st; uint64_t cpu_ns, rx, tx, rd, wr; double boot; };

static struct snapshot snap(double t, uint64_t free_kib, const struct d *ds, size_t n)
{
	struct snapshot s;

	memset(&s, 0, sizeof s);
	s.t = t;
	xstrlcpy(s.host.xen_version, "4.17", sizeof s.host.xen_version);
	s.host.cpus = 2;
	s.host.total_kib = 1024 * 1024;
	s.host.free_kib = free_kib;
	s.n = n;
	s.dom = xcalloc(n, sizeof *s.dom);
	for (size_t i = 0; i < n; i++) {
		s.dom[i].id = ds[i].id;
		xstrlcpy(s.dom[i].name, ds[i].name, sizeof s.dom[i].name);
		xstrlcpy(s.dom[i].distro, ds[i].id > 0 ? "debian" : "", sizeof s.dom[i].distro);
		s.dom[i].state = ds[i].st;
		s.dom[i].cpu_ns = ds[i].cpu_ns;
		s.dom[i].net_rx_bytes = ds[i].rx;
		s.dom[i].net_tx_bytes = ds[i].tx;
		s.dom[i].disk_rd_sectors = ds[i].rd;
		s.dom[i].disk_wr_sectors = ds[i].wr;
		s.dom[i].boot_secs = ds[i].boot;
		s.dom[i].mem_kib = ds[i].id == 0 ? 384 * 1024 : ds[i].id > 0 ? 48 * 1024 : 0;
		s.dom[i].maxmem_kib = ds[i].id == 0 ? 384 * 1024 : 48 * 1024;
		s.dom[i].vcpus = 1;
		s.dom[i].started = t - 10;
		s.dom[i].weight = 256;
	}
	return s;
}

static void test_rates(void)
{
	struct model m;
	struct fmt_ctx ctx = { 0 };
	char buf[64];
	const struct row *r;

	model_init(&m);
	struct d a[] = {
		{ 0, "Domain-0", DS_RUNNING, 1000000000, 0, 0, 0, 0, -1 },
		{ 1, "debian-1", DS_BOOTING, 0, 0, 0, 0, 0, -1 },
		{ 2, "debian-2", DS_READY, 0, 0, 0, 0, 0, 3.0 },
		{ 3, "debian-3", DS_READY, 0, 0, 0, 0, 0, 3.0 },
	};
	struct snapshot s = snap(100, 500 * 1024, a, 4);
	model_update(&m, &s);
	r = row(&m, "debian-1");
	CHECK(r && isnan(r->cpu_pct) && isnan(r->rx_bps) && isnan(r->rd_bps),
	      "first frame has no rates (NAN), not 0");
	model_cols[COL_CPU].fmt(r, buf, sizeof buf, &ctx);
	CHECK_STR(buf, "-", "first frame shows CPU%% as \"-\"");
	model_cols[COL_NETRX].fmt(r, buf, sizeof buf, &ctx);
	CHECK_STR(buf, "-", "first frame shows NETRX as \"-\"");
	ctx.csv = true;
	model_cols[COL_CPU].fmt(r, buf, sizeof buf, &ctx);
	CHECK_STR(buf, "", "first frame CSV leaves CPU%% empty");
	ctx.csv = false;
	CHECK_INT(m.log_n, 0, "first frame logs no transitions");

	struct d b[] = {
		{ 0, "Domain-0", DS_RUNNING, 1100000000, 0, 0, 0, 0, -1 },
		{ 1, "debian-1", DS_READY, 1000000000, 4096, 2048, 4096, 8, 6.2 },
		/* debian-2 gone; debian-3's id now belongs to a different domain */
		{ 3, "centos-1", DS_BOOTING, 500000000, 0, 0, 0, 0, -1 },
		{ 4, "debian-4", DS_CRASHED, 0, 0, 0, 0, 0, -1 },
	};
	s = snap(102, 400 * 1024, b, 4);
	model_update(&m, &s);
	r = row(&m, "debian-1");
	CHECK_NEAR(r->cpu_pct, 50.0, 1e-9, "1 s of CPU over 2 s is 50%%");
	CHECK_NEAR(r->rx_bps, 2048, 1e-9, "4096 bytes received over 2 s is 2048 B/s");
	CHECK_NEAR(r->tx_bps, 1024, 1e-9, "2048 bytes sent over 2 s is 1024 B/s");
	CHECK_NEAR(r->rd_bps, 4096.0 * 512 / 2, 1e-9, "disk reads counted in 512-byte sectors");
	CHECK_NEAR(r->wr_bps, 8.0 * 512 / 2, 1e-9, "disk writes counted in 512-byte sectors");
	CHECK_NEAR(row(&m, "Domain-0")->cpu_pct, 5.0, 1e-9, "dom0 0.1 s over 2 s is 5%%");
	r = row(&m, "centos-1");
	CHECK(r && isnan(r->cpu_pct), "a reused domain id with a new name gets no rate");
	CHECK(log_has(&m, "debian-1 ready in 6.2 s"), "booting -> ready logs \"ready in 6.2 s\"");
	CHECK(log_has(&m, "debian-2 is gone"), "a domain that disappeared is logged as gone");
	CHECK(log_has(&m, "debian-3 is gone"), "a domain whose id was reused is logged as gone");
	CHECK(!log_has(&m, "debian-4 crashed"), "a domain first seen crashed is not a transition");
	CHECK(row(&m, "debian-2") == NULL, "a gone domain has no row");
	CHECK_INT(m.nrows, 4, "rows follow the current snapshot");

	struct d c[] = {
		{ 0, "Domain-0", DS_RUNNING, 1200000000, 0, 0, 0, 0, -1 },
		{ 1, "debian-1", DS_CRASHED, 900000000, 0, 0, 0, 0, 6.2 },  /* counter went back */
	};
	s = snap(103, 400 * 1024, c, 2);
	model_update(&m, &s);
	r = row(&m, "debian-1");
	CHECK(r && r->state == DS_CRASHED, "a crashed domain is shown as crashed");
	model_cols[COL_STATE].fmt(r, buf, sizeof buf, &ctx);
	CHECK_STR(buf, "crashed", "crashed state is spelled out");
	CHECK(isnan(r->cpu_pct), "a counter going backwards gives no rate instead of garbage");

	/* Sparkline history: one minute of samples. */
	model_free(&m);
	model_init(&m);
	for (int i = 0; i <= 70; i++) {
		struct d e[] = { { 1, "debian-1", DS_READY, (uint64_t)i * (i < 40 ? 100000000 : 1000000000), 0, 0, 0, 0, 1 } };
		if (i >= 40)
			e[0].cpu_ns = 40ULL * 100000000 + (uint64_t)(i - 40) * 1000000000;
		s = snap(1000 + i, 500 * 1024, e, 1);
		model_update(&m, &s);
	}
	r = row(&m, "debian-1");
	CHECK(r->spark[SPARK_BINS - 1] > 99 && r->spark[SPARK_BINS - 1] < 101,
	      "the newest sparkline bin shows the current 100%% (got %.1f)", r->spark[SPARK_BINS - 1]);
	CHECK(r->spark[0] > 9 && r->spark[0] < 11,
	      "the oldest bin shows what happened a minute ago, 10%% (got %.1f)", r->spark[0]);
	CHECK(m.nhist == 1, "one history per guest");
	model_free(&m);
}

static void test_sort_and_fits(void)
{
	struct model m;
	struct d a[] = {
		{ 0, "Domain-0", DS_RUNNING, 0, 0, 0, 0, 0, -1 },
		{ 1, "b-1", DS_READY, 0, 0, 0, 0, 0, -1 },
		{ 2, "a-1", DS_READY, 0, 0, 0, 0, 0, -1 },
		{ -1, "c-1", DS_BOOTING, 0, 0, 0, 0, 0, -1 },
	};
	struct d b[] = {
		{ 0, "Domain-0", DS_RUNNING, 100000000, 0, 0, 0, 0, -1 },
		{ 1, "b-1", DS_READY, 900000000, 0, 0, 0, 0, -1 },
		{ 2, "a-1", DS_READY, 300000000, 0, 0, 0, 0, -1 },
		{ -1, "c-1", DS_BOOTING, 0, 0, 0, 0, 0, -1 },
	};
	struct snapshot s;
	struct catalog_entry deb = { .id = "debian", .name = "Debian GNU/Linux 12", .memory_mib = 48 };
	char why[LOG_TEXT];
	const char *names[8];

	model_init(&m);
	s = snap(10, 150 * 1024, a, 4);
	model_update(&m, &s);
	s = snap(11, 150 * 1024, b, 4);
	model_update(&m, &s);
	CHECK_STR(m.rows[0].name, "c-1", "default sort by ID puts a launch in flight (id -1) first");
	CHECK_STR(m.rows[1].name, "Domain-0", "then dom0");
	model_sort_set(&m, COL_CPU);
	CHECK(m.sort_desc, "CPU%% sorts high to low");
	CHECK_STR(m.rows[0].name, "b-1", "busiest guest first when sorted by CPU%%");
	CHECK_STR(m.rows[3].name, "c-1", "no rate (NAN) sorts last");
	model_sort_set(&m, COL_NAME);
	CHECK(!m.sort_desc, "NAME sorts A to Z");
	CHECK_STR(m.rows[0].name, "Domain-0", "sorted by name (uppercase first)");
	CHECK_STR(m.rows[1].name, "a-1", "sorted by name");
	model_sort_set(&m, COL_CPU);
	model_sort_step(&m, +1);
	CHECK_INT(m.sort_col, COL_VCPU, "'>' from CPU%% skips the unsortable sparkline");
	model_sort_step(&m, -1);
	CHECK_INT(m.sort_col, COL_CPU, "'<' goes back");
	m.sort_col = COL_ID;
	model_sort_step(&m, -1);
	CHECK_INT(m.sort_col, COL_WORK, "'<' from the first column wraps to the last");

	/* 150 MiB free, one 48 MiB launch in flight (50 MiB), 4 MiB reserve:
	 * (150 - 50 - 4) / 50 = 1 more. */
	CHECK_INT(model_fits(&m, 48), 1, "fits counts launches still in flight");
	CHECK_INT(model_why_not(&m, &deb, why, sizeof why), 0, "one more Debian fits: no excuse");
	CHECK_INT(model_names(&m, names, 8), 4, "names include the launch in flight");
	struct mem_split ms;
	model_mem(&m, &ms);
	CHECK_INT(ms.dom0_kib, 384 * 1024, "dom0 memory is domain 0's");
	CHECK_INT(ms.guests_kib, 96 * 1024, "guest memory is the sum of the others");
	CHECK_INT(ms.pending_kib, 50 * 1024, "in-flight launches counted separately");
	CHECK_INT(model_guest_count(&m), 2, "guest count excludes dom0 and launches in flight");

	s = snap(12, 100 * 1024, b, 4);
	model_update(&m, &s);
	CHECK_INT(model_fits(&m, 48), 0, "46 MiB usable is not enough for a 48 MiB guest");
	CHECK_INT(model_why_not(&m, &deb, why, sizeof why), 1, "explains when it does not fit");
	CHECK_CONTAINS(why, "Debian needs 54 MiB", "explanation names the distro and its need");
	CHECK_CONTAINS(why, "50 MiB free", "explanation says how much is free");
	CHECK_CONTAINS(why, "2 guests running", "explanation counts the guests");
	CHECK_CONTAINS(why, "destroy one", "explanation says what to do");

	/* dom0's own memory: 1 GiB free in Xen, but dom0 has 33 MiB available,
	 * 24 stay free, 3 per guest, one launch in flight: 3 - 1 = 2 more */
	s = snap(14, 1024 * 1024, b, 4);
	s.host.dom0_avail_kib = 33 * 1024;
	model_update(&m, &s);
	CHECK_INT(model_fits(&m, 48), 2, "dom0's available memory caps how many fit");
	CHECK_INT(model_why_not(&m, &deb, why, sizeof why), 0, "room in dom0 and Xen: no excuse");
	s = snap(16, 1024 * 1024, b, 4);
	s.host.dom0_avail_kib = 26 * 1024;
	model_update(&m, &s);
	CHECK_INT(model_fits(&m, 48), 0, "no room in dom0: none fit, whatever Xen has free");
	CHECK_INT(model_why_not(&m, &deb, why, sizeof why), 1, "explains a full dom0");
	CHECK_CONTAINS(why, "dom0 is short of memory: 26 MiB available", "says dom0 is the limit and how much it has");
	CHECK_CONTAINS(why, "menu entry that gives dom0 more memory", "points to the boot menu's dom0 sizes");
	model_free(&m);
}

/* The line above a table taller than the screen. */
static void test_summary(void)
{
	static const struct d ds[] = {
		{ 0, "Domain-0", DS_RUNNING, 0, 0, 0, 0, 0, -1 },
		{ 1, "a-1", DS_READY, 0, 0, 0, 0, 0, -1 },
		{ 2, "a-2", DS_PAUSED, 0, 0, 0, 0, 0, -1 },
		{ 3, "a-3", DS_CRASHED, 0, 0, 0, 0, 0, -1 },
		{ 4, "a-4", DS_DYING, 0, 0, 0, 0, 0, -1 },
		{ 5, "a-5", DS_READY, 0, 0, 0, 0, 0, -1 },
		{ -1, "a-6", DS_BOOTING, 0, 0, 0, 0, 0, -1 },
	};
	struct model m;
	struct snapshot s;
	char buf[160];

	model_init(&m);
	s = snap(10, 400 * 1024, ds, 7);
	model_update(&m, &s);
	model_summary(&m, 2, 3, buf, sizeof buf);
	CHECK_STR(buf, "6 guests: 2 ready, 1 booting, 1 paused, 1 stopping, 1 crashed; "
		  "0.6 GiB of 1 GiB used; rows 3-5", "guests by state, memory used, rows shown");
	s = snap(11, 512 * 1024, ds, 1);
	model_update(&m, &s);
	model_summary(&m, 0, 0, buf, sizeof buf);
	CHECK_STR(buf, "0 guests; 0.5 GiB of 1 GiB used", "dom0 alone, no rows part");
	model_free(&m);
}

static void test_log(void)
{
	struct model m;

	model_init(&m);
	for (int i = 0; i < LOG_MAX + 5; i++)
		model_log(&m, i, "event %d", i);
	CHECK_INT(m.log_n, LOG_MAX, "the event log keeps the last %d entries", LOG_MAX);
	CHECK_STR(model_log_get(&m, 0)->text, "event 68", "newest entry first");
	CHECK_STR(model_log_get(&m, LOG_MAX - 1)->text, "event 5", "oldest kept entry last");
	CHECK(model_log_get(&m, LOG_MAX) == NULL, "past the end is NULL");
	CHECK_INT(m.log_total, LOG_MAX + 5, "total count keeps growing");
	model_free(&m);
}

static void test_workload_format(void)
{
	static const struct { struct workload_req r; const char *ip; const char *want; } t[] = {
		{ { WL_CPU, 30, 0 }, NULL, "7 cpu 30" },
		{ { WL_MEM, 32, 0 }, NULL, "7 mem 32" },
		{ { WL_DISK, 0, 0 }, NULL, "7 disk 0" },
		{ { WL_PING, 0, 3 }, "10.0.0.3", "7 ping 10.0.0.3" },
		{ { WL_STOP, 0, 0 }, NULL, "7 stop 0" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		workload_format(&t[i].r, 7, t[i].ip, buf, sizeof buf);
		CHECK_STR(buf, t[i].want, "workload request is \"%s\"", t[i].want);
	}
	CHECK_STR(dom_state_name(DS_SHUTDOWN), "shutting down", "state name for shutdown");
	CHECK_STR(dom_state_name(DS_DYING), "dying", "state name for dying");
}

static void test_fit_name(void)
{
	static const struct { const char *name, *want; } cases[] = {
		{ "debian_stock-12", "debian_~-12" },
		{ "debian_stock-1", "debian_s~-1" },
		{ "debian-1", "debian-1" },          /* fits */
		{ "debian-123", "debian-123" },
		{ "my-own-guest-name", "my-own-guest-name" },   /* no -N end: cut as it is */
		{ "averyverylongname", "averyverylongname" },
		{ "guest-12345678", "guest-12345678" },          /* end wider than half */
		{ "d\xc3\xa9" "bian_stock-12", "d\xc3\xa9" "bian_stock-12" },   /* not ASCII */
	};
	char out[64];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		model_fit_name(cases[i].name, 11, out, sizeof out);
		CHECK_STR(out, cases[i].want, "NAME in 11 cells: %s", cases[i].name);
	}
	model_fit_name("debian_stock-12", 3, out, sizeof out);
	CHECK_STR(out, "debian_stock-12", "a column of 3 cells: cut as it is");
}

int main(void)
{
	test_sizing();
	test_format();
	test_columns();
	test_cells_fit();
	test_rates();
	test_sort_and_fits();
	test_summary();
	test_log();
	test_workload_format();
	test_fit_name();
	return harness_done();
}
