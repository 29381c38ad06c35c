/* model.h — everything livetop shows, computed from snapshots.
 *
 * The model keeps the previous and the current snapshot; rates are
 * differences over the elapsed time between them, so the first frame has
 * no rates (NAN, shown as "-"). It also keeps one minute of CPU history
 * per guest (for the sparkline), the event log, and the sort order.
 * The column table (model_cols[]) drives the header, the rows, sorting and
 * CSV alike. Pure C: no curses, no Xen — unit-tested. */
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "catalog.h"

#define SPARK_BINS 12          /* 60 s / 12 = 5 s per character */
#define SPARK_SECS 60.0
#define HIST_MAX 256
#define LOG_MAX 64
#define LOG_TEXT 192

struct row {
	int id;
	char name[DOM_NAME_MAX];
	char distro[CAT_ID_MAX];
	enum dom_state state;
	double cpu_pct;            /* % of one CPU; NAN = no rate yet */
	unsigned vcpus;
	uint64_t mem_kib;
	double rx_bps, tx_bps;     /* bytes/s; NAN = no rate yet */
	double rd_bps, wr_bps;
	double uptime;             /* seconds; < 0 = unknown */
	double boot_secs;          /* launch -> ready; < 0 = unknown */
	int weight, cap;
	char workload[DOM_WORK_MAX];
	float spark[SPARK_BINS];   /* CPU% per 5 s bin, oldest first; < 0 = no data */
};

enum col {
	COL_ID, COL_NAME, COL_DISTRO, COL_STATE, COL_CPU, COL_SPARK, COL_VCPU,
	COL_MEM, COL_NETRX, COL_NETTX, COL_DISKRD, COL_DISKWR, COL_UPTIME,
	COL_BOOT, COL_SCHED, COL_WORK,
	COL__COUNT
};

struct fmt_ctx {
	bool utf8;                 /* sparkline with block characters */
	bool csv;                  /* raw numbers, "" for unknown */
};

struct column {
	const char *title;         /* screen header */
	const char *csv;           /* CSV header */
	int width;                 /* cells; the minimum for a stretch column */
	bool right;                /* right-aligned */
	bool stretch;              /* takes the cells left over on a wide screen */
	bool desc;                 /* sorts high-to-low by default */
	int prio;                  /* 1 = always shown; higher = dropped first */
	int (*cmp)(const struct row *, const struct row *);  /* NULL = not sortable */
	void (*fmt)(const struct row *, char *buf, size_t len, const struct fmt_ctx *);
};

extern const struct column model_cols[COL__COUNT];

struct log_entry {
	double t;
	char text[LOG_TEXT];
};

struct hist {
	char name[DOM_NAME_MAX];
	size_t n;                  /* samples, oldest first */
	double t[HIST_MAX];
	float v[HIST_MAX];
};

struct model {
	struct snapshot prev, cur;
	bool have_prev, have_cur;
	struct row *rows;
	size_t nrows;
	struct hist **hist;        /* one per domain with a CPU rate, sorted by name */
	size_t nhist;
	struct log_entry log[LOG_MAX];
	size_t log_head, log_n;    /* ring */
	unsigned long log_total;   /* entries ever logged */
	enum col sort_col;
	bool sort_desc;
	uint64_t reserve_kib;
};

void model_init(struct model *m);
void model_free(struct model *m);
/* Take ownership of snap: it becomes current, the old current becomes
 * previous. Recomputes rows (sorted), history and logs transitions
 * (ready in X s, crashed, gone). */
void model_update(struct model *m, struct snapshot *snap);
/* Drop both snapshots (and the history): the next update is a first frame
 * again, without rates. The event log stays. */
void model_forget_samples(struct model *m);
/* Append to the event log (the oldest entry falls off). */
void model_log(struct model *m, double t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* i-th most recent log entry (0 = newest), NULL past the end. */
const struct log_entry *model_log_get(const struct model *m, size_t i);

/* Sorting. model_sort_step(+1/-1) moves to the next sortable column and
 * picks that column's natural direction. */
void model_sort(struct model *m);
void model_sort_set(struct model *m, enum col c);
void model_sort_step(struct model *m, int dir);
/* Row index by name, -1 if absent. */
int model_find(const struct model *m, const char *name);

/* Memory figures of the current snapshot. */
struct mem_split {
	uint64_t total_kib, dom0_kib, guests_kib, free_kib, xen_kib, pending_kib;
};
void model_mem(const struct model *m, struct mem_split *out);
/* How many more guests of this size fit, counting launches in flight. */
unsigned model_fits(const struct model *m, unsigned memory_mib);
/* N capped by what dom0's own memory can serve (host.dom0_avail_kib). */
unsigned model_fits_dom0(const struct model *m, unsigned n);
/* Plain explanation when one more does not fit; returns 0 if it fits. */
int model_why_not(const struct model *m, const struct catalog_entry *e,
		  char *out, size_t len);
/* Existing guest names (incl. launches in flight) for name allocation,
 * at most max (m->cur.n holds them all); pointers into the model, valid
 * until the next update. Returns count. */
size_t model_names(const struct model *m, const char **out, size_t max);
/* name in width cells for the screen: a long one keeps its "-N" end. */
void model_fit_name(const char *name, int width, char *out, size_t len);
/* Guests (id > 0) currently in the snapshot. */
unsigned model_guest_count(const struct model *m);
/* The line above a table too long for the screen: the guests (every row
 * but dom0's, launches in flight included) by state, the memory used,
 * and which rows are shown (first is 0-based; shown 0 leaves that out):
 * "1234 guests: 1200 running, 30 paused, 4 crashed; 23.4 GiB of 64 GiB
 * used; rows 1-40". */
void model_summary(const struct model *m, size_t first, size_t shown, char *out, size_t len);

/* Which columns fit in width, with one cell between columns: fills out[]
 * in table order, returns count. Columns are taken by priority (1 first),
 * then table order; the stretch column, when taken, also gets the cells
 * no other column could use. */
struct col_fit {
	enum col col;
	int width;
};
size_t model_cols_fit(int width, struct col_fit *out);

/* Formatting helpers (exposed for tests and the UI). */
void fmt_rate(double bps, char *buf, size_t len);        /* "-", "0", "512", "1.2K", "3.4M" */
void fmt_kib(uint64_t kib, char *buf, size_t len);        /* "48M", "1.5G" */
void fmt_duration(double secs, char *buf, size_t len);    /* "-", "42s", "5m03s", "2h07m", "3d04h" */
void fmt_spark(const float *bins, size_t n, bool utf8, char *buf, size_t len);
/* Split width cells among parts proportionally (largest remainder);
 * a non-zero part gets at least one cell when width allows. */
void split_cells(const uint64_t *parts, size_t n, int width, int *out);

#endif
