#include "model.h"
#include "sizing.h"
#include "xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- formatting ------------------------------------------------------ */

void fmt_rate(double bps, char *buf, size_t len)
{
	static const char units[] = "KMGT";

	if (isnan(bps) || bps < 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (bps < 1000) {
		snprintf(buf, len, "%.0f", bps);
		return;
	}
	for (int i = 0; units[i]; i++) {
		bps /= 1024;
		if (bps < 999.95 || !units[i + 1]) {
			snprintf(buf, len, bps < 9.995 ? "%.2f%c" : bps < 99.95 ? "%.1f%c" : "%.0f%c",
				 bps, units[i]);
			return;
		}
	}
}

void fmt_kib(uint64_t kib, char *buf, size_t len)
{
	double mib = kib / 1024.0;

	if (mib < 10000)
		snprintf(buf, len, "%.0fM", mib);
	else
		snprintf(buf, len, "%.1fG", mib / 1024);
}

void fmt_duration(double secs, char *buf, size_t len)
{
	unsigned long s;

	if (isnan(secs) || secs < 0) {
		snprintf(buf, len, "-");
		return;
	}
	s = (unsigned long)secs;
	if (s < 60)
		snprintf(buf, len, "%lus", s);
	else if (s < 3600)
		snprintf(buf, len, "%lum%02lus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%luh%02lum", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%lud%02luh", s / 86400, s / 3600 % 24);
}

void fmt_spark(const float *bins, size_t n, bool utf8, char *buf, size_t len)
{
	static const char *const blocks[8] = {
		"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char ascii[] = "_.-:=+*#";
	size_t o = 0;

	if (!len)
		return;
	for (size_t i = 0; i < n; i++) {
		float v = bins[i];
		int lvl;
		const char *s;
		char one[2] = { 0, 0 };

		if (v < 0) {
			s = " ";
		} else {
			lvl = v >= 100 ? 7 : (int)(v / 12.5f);
			if (lvl > 7)
				lvl = 7;
			if (utf8) {
				s = blocks[lvl];
			} else {
				one[0] = ascii[lvl];
				s = one;
			}
		}
		size_t sl = strlen(s);
		if (o + sl + 1 > len)
			break;
		memcpy(buf + o, s, sl);
		o += sl;
	}
	buf[o] = '\0';
}

void split_cells(const uint64_t *parts, size_t n, int width, int *out)
{
	uint64_t total = 0;
	int used = 0;
	double rem[16];

	if (n > 16)
		n = 16;
	for (size_t i = 0; i < n; i++)
		total += parts[i];
	for (size_t i = 0; i < n; i++) {
		double exact = total ? (double)parts[i] * width / (double)total : 0;

		out[i] = (int)exact;
		rem[i] = exact - out[i];
		used += out[i];
	}
	/* Largest remainder gets the leftover cells. */
	while (total && used < width) {
		size_t best = 0;

		for (size_t i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1;
		used++;
	}
	/* A non-zero part never disappears: take a cell from the largest. */
	for (size_t i = 0; i < n; i++) {
		if (parts[i] && out[i] == 0) {
			size_t big = 0;

			for (size_t j = 1; j < n; j++)
				if (out[j] > out[big])
					big = j;
			if (out[big] > 1) {
				out[big]--;
				out[i]++;
			}
		}
	}
}

/* ---- column table ---------------------------------------------------- */

static int cmp_num(double a, double b)
{
	/* Unknown (NAN) sorts as smallest. */
	if (isnan(a))
		return isnan(b) ? 0 : -1;
	if (isnan(b))
		return 1;
	return (a > b) - (a < b);
}

static int cmp_id(const struct row *a, const struct row *b) { return (a->id > b->id) - (a->id < b->id); }
static int cmp_name(const struct row *a, const struct row *b) { return strcmp(a->name, b->name); }
static int cmp_distro(const struct row *a, const struct row *b) { return strcmp(a->distro, b->distro); }
static int cmp_state(const struct row *a, const struct row *b) { return cmp_num(a->state, b->state); }
static int cmp_cpu(const struct row *a, const struct row *b) { return cmp_num(a->cpu_pct, b->cpu_pct); }
static int cmp_vcpu(const struct row *a, const struct row *b) { return cmp_num(a->vcpus, b->vcpus); }
static int cmp_mem(const struct row *a, const struct row *b) { return cmp_num((double)a->mem_kib, (double)b->mem_kib); }
static int cmp_rx(const struct row *a, const struct row *b) { return cmp_num(a->rx_bps, b->rx_bps); }
static int cmp_tx(const struct row *a, const struct row *b) { return cmp_num(a->tx_bps, b->tx_bps); }
static int cmp_rd(const struct row *a, const struct row *b) { return cmp_num(a->rd_bps, b->rd_bps); }
static int cmp_wr(const struct row *a, const struct row *b) { return cmp_num(a->wr_bps, b->wr_bps); }
static int cmp_uptime(const struct row *a, const struct row *b) { return cmp_num(a->uptime, b->uptime); }
static int cmp_boot(const struct row *a, const struct row *b) { return cmp_num(a->boot_secs, b->boot_secs); }
static int cmp_sched(const struct row *a, const struct row *b) { return cmp_num(a->weight, b->weight); }
static int cmp_work(const struct row *a, const struct row *b) { return strcmp(a->workload, b->workload); }

static void fmt_id(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	if (r->id < 0)
		snprintf(b, n, c->csv ? "" : "-");
	else
		snprintf(b, n, "%d", r->id);
}

static void fmt_name(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	(void)c;
	snprintf(b, n, "%s", r->name);
}

static void fmt_distro(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	snprintf(b, n, "%s", r->distro[0] || c->csv ? r->distro : "-");
}

static void fmt_state(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	/* STATE is 8 cells so that every column fits a 128-column console;
	 * "shutting down" is too long for it, on the screen and in -b text.
	 * CSV keeps the full name that scripts may match. */
	if (!c->csv && r->state == DS_SHUTDOWN)
		snprintf(b, n, "stopping");
	else
		snprintf(b, n, "%s", dom_state_name(r->state));
}

static void fmt_cpu(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	if (isnan(r->cpu_pct))
		snprintf(b, n, c->csv ? "" : "-");
	else
		snprintf(b, n, "%.1f", r->cpu_pct);
}

static void fmt_sparkcol(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	if (c->csv) {
		/* CSV: the bins as numbers separated by ';' */
		size_t o = 0;

		b[0] = '\0';
		for (size_t i = 0; i < SPARK_BINS && o < n; i++) {
			int w = r->spark[i] < 0
				? snprintf(b + o, n - o, "%s", i ? ";" : "")
				: snprintf(b + o, n - o, "%s%.0f", i ? ";" : "", r->spark[i]);
			if (w < 0)
				break;
			o += (size_t)w;
		}
		return;
	}
	fmt_spark(r->spark, SPARK_BINS, c->utf8, b, n);
}

static void fmt_vcpu(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	(void)c;
	snprintf(b, n, "%u", r->vcpus);
}

static void fmt_mem(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	if (c->csv)
		snprintf(b, n, "%llu", (unsigned long long)r->mem_kib);
	else
		fmt_kib(r->mem_kib, b, n);
}

static void rate(double v, char *b, size_t n, const struct fmt_ctx *c)
{
	if (!c->csv)
		fmt_rate(v, b, n);
	else if (isnan(v))
		snprintf(b, n, "%s", "");
	else
		snprintf(b, n, "%.0f", v);
}

static void fmt_rx(const struct row *r, char *b, size_t n, const struct fmt_ctx *c) { rate(r->rx_bps, b, n, c); }
static void fmt_tx(const struct row *r, char *b, size_t n, const struct fmt_ctx *c) { rate(r->tx_bps, b, n, c); }
static void fmt_rd(const struct row *r, char *b, size_t n, const struct fmt_ctx *c) { rate(r->rd_bps, b, n, c); }
static void fmt_wr(const struct row *r, char *b, size_t n, const struct fmt_ctx *c) { rate(r->wr_bps, b, n, c); }

static void fmt_uptime(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	if (!c->csv)
		fmt_duration(r->uptime, b, n);
	else if (r->uptime < 0)
		snprintf(b, n, "%s", "");
	else
		snprintf(b, n, "%.0f", r->uptime);
}

static void fmt_boot(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	if (r->boot_secs < 0)
		snprintf(b, n, c->csv ? "" : "-");
	else
		snprintf(b, n, c->csv ? "%.1f" : "%.1fs", r->boot_secs);
}

static void fmt_sched(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	if (r->weight < 0)
		snprintf(b, n, c->csv ? "" : "-");
	else if (c->csv)
		snprintf(b, n, "%d/%d", r->weight, r->cap < 0 ? 0 : r->cap);
	else if (r->cap > 0)
		snprintf(b, n, "%d/%d%%", r->weight, r->cap);
	else
		snprintf(b, n, "%d", r->weight);
}

static void fmt_work(const struct row *r, char *b, size_t n, const struct fmt_ctx *c)
{
	snprintf(b, n, "%s", r->workload[0] || c->csv ? r->workload : "-");
}

/* Widths: all columns with one cell between them take 127 cells, so a
 * 1024x768 framebuffer console (128x48, the table drawn from x=1) shows
 * every one. ID is 5 for Xen's highest domain id (32751); WEIGHT is 8
 * for "256/100%" (a cap of one whole CPU). */
const struct column model_cols[COL__COUNT] = {
	[COL_ID]     = { .title = "ID",      .csv = "id",         .width = 5,  .right = true,  .prio = 1, .cmp = cmp_id,     .fmt = fmt_id },
	[COL_NAME]   = { .title = "NAME",    .csv = "name",       .width = 11,                 .prio = 1, .cmp = cmp_name,   .fmt = fmt_name },
	[COL_DISTRO] = { .title = "DISTRO",  .csv = "distro",     .width = 6,                  .prio = 7, .cmp = cmp_distro, .fmt = fmt_distro },
	[COL_STATE]  = { .title = "STATE",   .csv = "state",      .width = 8,                  .prio = 1, .cmp = cmp_state,  .fmt = fmt_state },
	[COL_CPU]    = { .title = "CPU%",    .csv = "cpu_pct",    .width = 5,  .right = true,  .desc = true, .prio = 1, .cmp = cmp_cpu, .fmt = fmt_cpu },
	[COL_SPARK]  = { .title = "CPU 1min", .csv = "cpu_1min",  .width = SPARK_BINS,         .prio = 3, .cmp = NULL,       .fmt = fmt_sparkcol },
	[COL_VCPU]   = { .title = "VC",      .csv = "vcpus",      .width = 2,  .right = true,  .desc = true, .prio = 8, .cmp = cmp_vcpu, .fmt = fmt_vcpu },
	[COL_MEM]    = { .title = "MEM",     .csv = "mem_kib",    .width = 6,  .right = true,  .desc = true, .prio = 2, .cmp = cmp_mem, .fmt = fmt_mem },
	[COL_NETRX]  = { .title = "NETRX/s", .csv = "net_rx_bps", .width = 7,  .right = true,  .desc = true, .prio = 4, .cmp = cmp_rx, .fmt = fmt_rx },
	[COL_NETTX]  = { .title = "NETTX/s", .csv = "net_tx_bps", .width = 7,  .right = true,  .desc = true, .prio = 4, .cmp = cmp_tx, .fmt = fmt_tx },
	[COL_DISKRD] = { .title = "DSKRD/s", .csv = "disk_rd_bps", .width = 7, .right = true,  .desc = true, .prio = 5, .cmp = cmp_rd, .fmt = fmt_rd },
	[COL_DISKWR] = { .title = "DSKWR/s", .csv = "disk_wr_bps", .width = 7, .right = true,  .desc = true, .prio = 5, .cmp = cmp_wr, .fmt = fmt_wr },
	[COL_UPTIME] = { .title = "UPTIME",  .csv = "uptime_s",   .width = 7,  .right = true,  .desc = true, .prio = 6, .cmp = cmp_uptime, .fmt = fmt_uptime },
	[COL_BOOT]   = { .title = "BOOT",    .csv = "boot_s",     .width = 5,  .right = true,  .desc = true, .prio = 6, .cmp = cmp_boot, .fmt = fmt_boot },
	[COL_SCHED]  = { .title = "WEIGHT",  .csv = "weight_cap", .width = 8,  .right = true,  .desc = true, .prio = 9, .cmp = cmp_sched, .fmt = fmt_sched },
	[COL_WORK]   = { .title = "WORKLOAD", .csv = "workload",  .width = 9,  .stretch = true, .prio = 7, .cmp = cmp_work,   .fmt = fmt_work },
};

size_t model_cols_fit(int width, struct col_fit *out)
{
	bool take[COL__COUNT] = { false };
	int used = 0, spare;
	size_t n = 0;

	for (int prio = 1; prio <= 9; prio++) {
		for (int c = 0; c < COL__COUNT; c++) {
			int w = model_cols[c].width + (used ? 1 : 0);

			if (model_cols[c].prio != prio)
				continue;
			if (used + w > width) {
				if (prio == 1 && !used) /* always show something */
					;
				else
					continue;
			}
			take[c] = true;
			used += w;
		}
	}
	/* Free text (WORKLOAD) is the one column that gains from more cells. */
	spare = used < width ? width - used : 0;
	for (int c = 0; c < COL__COUNT; c++) {
		if (!take[c])
			continue;
		out[n].col = (enum col)c;
		out[n].width = model_cols[c].width;
		if (model_cols[c].stretch) {
			out[n].width += spare;
			spare = 0;
		}
		n++;
	}
	return n;
}

/* ---- log ------------------------------------------------------------- */

void model_log(struct model *m, double t, const char *fmt, ...)
{
	struct log_entry *e;
	va_list ap;

	if (m->log_n == LOG_MAX) {
		m->log_head = (m->log_head + 1) % LOG_MAX;
		m->log_n--;
	}
	e = &m->log[(m->log_head + m->log_n) % LOG_MAX];
	e->t = t;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
	m->log_n++;
	m->log_total++;
}

const struct log_entry *model_log_get(const struct model *m, size_t i)
{
	if (i >= m->log_n)
		return NULL;
	return &m->log[(m->log_head + m->log_n - 1 - i) % LOG_MAX];
}

/* ---- history --------------------------------------------------------- */

/* m->hist is sorted by name: a lookup is a binary search. New histories
 * are appended during build_rows (after the first `sorted` entries, in
 * room it reserved) and hist_prune sorts them in. */
static int hist_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, (*(struct hist *const *)elem)->name);
}

static int hist_cmp(const void *a, const void *b)
{
	return strcmp((*(struct hist *const *)a)->name, (*(struct hist *const *)b)->name);
}

static struct hist *hist_get(struct model *m, size_t sorted, const char *name, bool create)
{
	struct hist **found = bsearch(name, m->hist, sorted, sizeof *m->hist, hist_key_cmp);
	struct hist *h;

	if (found)
		return *found;
	if (!create)
		return NULL;
	h = m->hist[m->nhist++] = xcalloc(1, sizeof *h);
	xstrlcpy(h->name, name, sizeof h->name);
	return h;
}

static void hist_clear(struct model *m)
{
	for (size_t i = 0; i < m->nhist; i++)
		free(m->hist[i]);
	free(m->hist);
	m->hist = NULL;
	m->nhist = 0;
}

static void hist_add(struct hist *h, double t, float v)
{
	size_t keep = 0;

	/* Drop samples older than the window (and make room). */
	while (keep < h->n && (h->t[keep] < t - SPARK_SECS || h->n - keep >= HIST_MAX))
		keep++;
	if (keep) {
		memmove(h->t, h->t + keep, (h->n - keep) * sizeof h->t[0]);
		memmove(h->v, h->v + keep, (h->n - keep) * sizeof h->v[0]);
		h->n -= keep;
	}
	h->t[h->n] = t;
	h->v[h->n] = v;
	h->n++;
}

static void hist_bins(const struct hist *h, double now, float *bins)
{
	double span = SPARK_SECS / SPARK_BINS;
	float sum[SPARK_BINS] = { 0 };
	int cnt[SPARK_BINS] = { 0 };

	for (size_t i = 0; h && i < h->n; i++) {
		double age = now - h->t[i];
		int b;

		if (age < 0 || age >= SPARK_SECS)
			continue;
		b = SPARK_BINS - 1 - (int)(age / span);
		sum[b] += h->v[i];
		cnt[b]++;
	}
	for (int b = 0; b < SPARK_BINS; b++)
		bins[b] = cnt[b] ? sum[b] / cnt[b] : -1;
}

/* Sort in the histories build_rows added; drop those of domains no
 * longer in the snapshot (and a second one of a repeated name). */
static void hist_prune(struct model *m, const struct dom_index *cur)
{
	size_t o = 0;

	qsort(m->hist, m->nhist, sizeof *m->hist, hist_cmp);
	for (size_t i = 0; i < m->nhist; i++) {
		struct hist *h = m->hist[i];

		if (dom_index_find(cur, h->name, DOM_ANY_ID) &&
		    !(o && !strcmp(m->hist[o - 1]->name, h->name)))
			m->hist[o++] = h;
		else
			free(h);
	}
	m->nhist = o;
}

/* ---- rows ------------------------------------------------------------ */

static double diff_rate(uint64_t cur, uint64_t prev, double dt, double scale)
{
	if (cur < prev || dt <= 0)
		return NAN;
	return (double)(cur - prev) * scale / dt;
}

/* Rows of the current snapshot; rates against the same domain (id and
 * name) in the previous one. */
static void build_rows(struct model *m, const struct dom_index *prev)
{
	double dt = m->have_prev ? m->cur.t - m->prev.t : 0;
	size_t sorted = m->nhist;

	m->hist = xrealloc(m->hist, (sorted + m->cur.n + 1) * sizeof *m->hist);
	free(m->rows);
	m->nrows = m->cur.n;
	m->rows = xcalloc(m->nrows ? m->nrows : 1, sizeof *m->rows);
	for (size_t i = 0; i < m->cur.n; i++) {
		const struct dom_sample *d = &m->cur.dom[i];
		const struct dom_sample *p = d->id < 0 ? NULL : dom_index_find(prev, d->name, d->id);
		struct row *r = &m->rows[i];
		struct hist *h;

		r->id = d->id;
		xstrlcpy(r->name, d->name, sizeof r->name);
		xstrlcpy(r->distro, d->distro, sizeof r->distro);
		r->state = d->state;
		r->vcpus = d->vcpus;
		r->mem_kib = d->mem_kib;
		r->uptime = d->started > 0 ? m->cur.t - d->started : -1;
		if (r->uptime < -1)
			r->uptime = 0;
		r->boot_secs = d->boot_secs;
		r->weight = d->weight;
		r->cap = d->cap;
		xstrlcpy(r->workload, d->workload, sizeof r->workload);
		if (p) {
			r->cpu_pct = diff_rate(d->cpu_ns, p->cpu_ns, dt, 100.0 / 1e9);
			r->rx_bps = diff_rate(d->net_rx_bytes, p->net_rx_bytes, dt, 1);
			r->tx_bps = diff_rate(d->net_tx_bytes, p->net_tx_bytes, dt, 1);
			r->rd_bps = diff_rate(d->disk_rd_sectors, p->disk_rd_sectors, dt, 512);
			r->wr_bps = diff_rate(d->disk_wr_sectors, p->disk_wr_sectors, dt, 512);
		} else {
			r->cpu_pct = r->rx_bps = r->tx_bps = r->rd_bps = r->wr_bps = NAN;
		}
		h = hist_get(m, sorted, d->name, !isnan(r->cpu_pct));
		if (h && !isnan(r->cpu_pct))
			hist_add(h, m->cur.t, (float)r->cpu_pct);
		hist_bins(h, m->cur.t, r->spark);
	}
}

static void log_transitions(struct model *m, const struct dom_index *prev,
			    const struct dom_index *cur)
{
	if (!m->have_prev)
		return;
	for (size_t i = 0; i < m->cur.n; i++) {
		const struct dom_sample *d = &m->cur.dom[i];
		const struct dom_sample *p = dom_index_find(prev, d->name, DOM_ANY_ID);

		if (!p)
			continue;
		if (p->state == DS_BOOTING && d->state == DS_READY) {
			if (d->boot_secs >= 0)
				model_log(m, m->cur.t, "%s ready in %.1f s", d->name, d->boot_secs);
			else
				model_log(m, m->cur.t, "%s ready", d->name);
		}
		if (d->state == DS_CRASHED && p->state != DS_CRASHED)
			model_log(m, m->cur.t,
				  "%s crashed; its memory stays taken until you destroy it (D)",
				  d->name);
	}
	for (size_t j = 0; j < m->prev.n; j++) {
		const struct dom_sample *p = &m->prev.dom[j];

		if (p->id < 0)          /* a launch in flight: the backend reports failures */
			continue;
		if (!dom_index_find(cur, p->name, DOM_ANY_ID))
			model_log(m, m->cur.t, "%s is gone (was domain %d)", p->name, p->id);
	}
}

void model_init(struct model *m)
{
	memset(m, 0, sizeof *m);
	m->sort_col = COL_ID;
	m->sort_desc = false;
	m->reserve_kib = SIZING_RESERVE_KIB;
}

void model_free(struct model *m)
{
	snapshot_free(&m->prev);
	snapshot_free(&m->cur);
	free(m->rows);
	m->rows = NULL;
	m->nrows = 0;
	hist_clear(m);
}

void model_forget_samples(struct model *m)
{
	snapshot_free(&m->prev);
	snapshot_free(&m->cur);
	m->have_prev = m->have_cur = false;
	free(m->rows);
	m->rows = NULL;
	m->nrows = 0;
	hist_clear(m);
}

void model_update(struct model *m, struct snapshot *snap)
{
	struct dom_index prev, cur;

	snapshot_free(&m->prev);
	m->prev = m->cur;
	m->have_prev = m->have_cur;
	m->cur = *snap;
	m->have_cur = true;
	snap->dom = NULL;
	snap->n = 0;
	dom_index_build(&prev, &m->prev);
	dom_index_build(&cur, &m->cur);
	log_transitions(m, &prev, &cur);
	build_rows(m, &prev);
	hist_prune(m, &cur);
	dom_index_free(&prev);
	dom_index_free(&cur);
	model_sort(m);
}

/* ---- sorting --------------------------------------------------------- */

static const struct model *sort_model;   /* qsort has no context argument */

static int row_cmp(const void *a, const void *b)
{
	const struct row *ra = a, *rb = b;
	const struct column *c = &model_cols[sort_model->sort_col];
	int r = c->cmp ? c->cmp(ra, rb) : 0;

	if (sort_model->sort_desc)
		r = -r;
	if (!r)                 /* stable, predictable tie-break */
		r = cmp_id(ra, rb) ? cmp_id(ra, rb) : strcmp(ra->name, rb->name);
	return r;
}

void model_sort(struct model *m)
{
	if (!m->nrows)
		return;
	sort_model = m;
	qsort(m->rows, m->nrows, sizeof *m->rows, row_cmp);
	sort_model = NULL;
}

void model_sort_set(struct model *m, enum col c)
{
	if ((unsigned)c >= COL__COUNT || !model_cols[c].cmp)
		return;
	m->sort_col = c;
	m->sort_desc = model_cols[c].desc;
	model_sort(m);
}

void model_sort_step(struct model *m, int dir)
{
	int c = (int)m->sort_col;

	do
		c = (c + dir + COL__COUNT) % COL__COUNT;
	while (!model_cols[c].cmp);
	model_sort_set(m, (enum col)c);
}

int model_find(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nrows; i++)
		if (!strcmp(m->rows[i].name, name))
			return (int)i;
	return -1;
}

/* ---- memory ---------------------------------------------------------- */

void model_mem(const struct model *m, struct mem_split *o)
{
	uint64_t taken;

	memset(o, 0, sizeof *o);
	if (!m->have_cur)
		return;
	o->total_kib = m->cur.host.total_kib;
	o->free_kib = m->cur.host.free_kib;
	for (size_t i = 0; i < m->cur.n; i++) {
		const struct dom_sample *d = &m->cur.dom[i];

		if (d->id == 0)
			o->dom0_kib += d->mem_kib;
		else if (d->id > 0)
			o->guests_kib += d->mem_kib;
		else
			o->pending_kib += sizing_need_kib((unsigned)(d->maxmem_kib / 1024));
	}
	taken = o->dom0_kib + o->guests_kib + o->free_kib;
	o->xen_kib = o->total_kib > taken ? o->total_kib - taken : 0;
}

unsigned model_fits(const struct model *m, unsigned memory_mib)
{
	struct mem_split s;
	uint64_t avail;

	model_mem(m, &s);
	avail = s.free_kib > s.pending_kib ? s.free_kib - s.pending_kib : 0;
	return model_fits_dom0(m, sizing_fits(avail, memory_mib, m->reserve_kib));
}

unsigned model_fits_dom0(const struct model *m, unsigned n)
{
	unsigned d0, pending = 0;

	if (!m->have_cur || !m->cur.host.dom0_avail_kib)
		return n;
	for (size_t i = 0; i < m->cur.n; i++)
		pending += m->cur.dom[i].id < 0;   /* launches not yet in dom0's figures */
	d0 = sizing_fits_dom0(m->cur.host.dom0_avail_kib);
	d0 = d0 > pending ? d0 - pending : 0;
	return d0 < n ? d0 : n;
}

unsigned model_guest_count(const struct model *m)
{
	unsigned n = 0;

	for (size_t i = 0; i < m->cur.n; i++)
		n += m->cur.dom[i].id > 0;
	return n;
}

/* "23.4", "64": GiB with one decimal, none when it is .0 */
static void fmt_gib(uint64_t kib, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%.1f", kib / (1024.0 * 1024.0));

	if (n >= 2 && n < len && !strcmp(buf + n - 2, ".0"))
		buf[n - 2] = '\0';
}

void model_summary(const struct model *m, size_t first, size_t shown, char *out, size_t len)
{
	static const struct { const char *word; enum dom_state a, b; } kinds[] = {
		{ "ready", DS_READY, DS_READY }, { "running", DS_RUNNING, DS_RUNNING },
		{ "booting", DS_BOOTING, DS_BOOTING },
		{ "paused", DS_PAUSED, DS_PAUSED }, { "stopping", DS_SHUTDOWN, DS_DYING },
		{ "crashed", DS_CRASHED, DS_CRASHED },
	};
	size_t count[DS__COUNT] = { 0 }, guests = 0, o;
	struct mem_split s;
	char used[16], total[16];

	for (size_t i = 0; i < m->nrows; i++) {
		if (m->rows[i].id == 0 || (unsigned)m->rows[i].state >= DS__COUNT)
			continue;
		guests++;
		count[m->rows[i].state]++;
	}
	o = (size_t)snprintf(out, len, "%zu guest%s", guests, guests == 1 ? "" : "s");
	for (size_t k = 0, sep = 0; k < sizeof kinds / sizeof kinds[0] && o < len; k++) {
		size_t n = count[kinds[k].a] + (kinds[k].b != kinds[k].a ? count[kinds[k].b] : 0);

		if (n)
			o += (size_t)snprintf(out + o, len - o, "%s%zu %s", sep++ ? ", " : ": ", n,
					      kinds[k].word);
	}
	model_mem(m, &s);
	fmt_gib(s.total_kib > s.free_kib ? s.total_kib - s.free_kib : 0, used, sizeof used);
	fmt_gib(s.total_kib, total, sizeof total);
	if (o < len)
		o += (size_t)snprintf(out + o, len - o, "; %s GiB of %s GiB used", used, total);
	if (shown && o < len)
		snprintf(out + o, len - o, "; rows %zu-%zu", first + 1, first + shown);
}

int model_why_not(const struct model *m, const struct catalog_entry *e,
		  char *out, size_t len)
{
	struct mem_split s;
	char shortname[CAT_NAME_MAX];
	uint64_t avail, need = sizing_need_kib(e->memory_mib) + m->reserve_kib;
	unsigned guests = model_guest_count(m);

	if (model_fits(m, e->memory_mib) > 0)
		return 0;
	model_mem(m, &s);
	avail = s.free_kib > s.pending_kib ? s.free_kib - s.pending_kib : 0;
	catalog_short_name(e, shortname, sizeof shortname);
	if (sizing_fits(avail, e->memory_mib, m->reserve_kib) > 0) {   /* dom0 is the limit */
		snprintf(out, len, SIZING_DOM0_SHORT " \u2014 %u guest%s running; "
			 "destroy one (D), or " SIZING_DOM0_MORE,
			 SIZING_DOM0_SHORT_ARGS(m->cur.host.dom0_avail_kib),
			 guests, guests == 1 ? "" : "s");
		return 1;
	}
	snprintf(out, len, "%s needs %llu MiB (%u MiB + overhead and reserve), "
		 "%llu MiB free \u2014 %u guest%s running; destroy one (D) to make room",
		 shortname, (unsigned long long)((need + 1023) / 1024), e->memory_mib,
		 (unsigned long long)(avail / 1024), guests, guests == 1 ? "" : "s");
	return 1;
}

/* A name wider than its column keeps its end, the "-N" that tells one
 * distro's guests apart, behind a '~': "debian_stock-12" in 11 cells is
 * "debian_~-12".  Other names (no short "-N" end, or not ASCII) are cut
 * as they are. */
void model_fit_name(const char *name, int width, char *out, size_t len)
{
	size_t n = strlen(name), tail;
	const char *dash = strrchr(name, '-');
	bool ascii = true;

	for (const char *p = name; *p; p++)
		ascii = ascii && (unsigned char)*p < 0x80;
	tail = dash ? n - (size_t)(dash - name) : 0;
	if (width < 4 || n <= (size_t)width || !ascii || !dash || tail < 2 ||
	    tail > (size_t)width / 2 || strspn(dash + 1, "0123456789") != tail - 1) {
		snprintf(out, len, "%s", name);
		return;
	}
	snprintf(out, len, "%.*s~%s", width - 1 - (int)tail, name, dash);
}

size_t model_names(const struct model *m, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < m->cur.n && n < max; i++)
		out[n++] = m->cur.dom[i].name;
	return n;
}
