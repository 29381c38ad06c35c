/* backend.c — backend-independent helpers (snapshot memory, workload
 * request format), and the stub used when Xen support is not built in. */
#include "backend.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dom_state_name(enum dom_state s)
{
	static const char *const names[DS__COUNT] = {
		[DS_RUNNING] = "running",
		[DS_BOOTING] = "booting",
		[DS_READY] = "ready",
		[DS_PAUSED] = "paused",
		[DS_SHUTDOWN] = "shutting down",
		[DS_CRASHED] = "crashed",
		[DS_DYING] = "dying",
	};

	return (unsigned)s < DS__COUNT ? names[s] : "?";
}

void snapshot_free(struct snapshot *s)
{
	free(s->dom);
	s->dom = NULL;
	s->n = 0;
}

void snapshot_copy(struct snapshot *dst, const struct snapshot *src)
{
	*dst = *src;
	dst->dom = xcalloc(src->n ? src->n : 1, sizeof *dst->dom);
	if (src->n)
		memcpy(dst->dom, src->dom, src->n * sizeof *src->dom);
}

static int dom_name_id_cmp(const void *a, const void *b)
{
	const struct dom_sample *x = *(const struct dom_sample *const *)a;
	const struct dom_sample *y = *(const struct dom_sample *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

void dom_index_build(struct dom_index *ix, const struct snapshot *s)
{
	ix->n = s->n;
	ix->by_name = xcalloc(s->n ? s->n : 1, sizeof *ix->by_name);
	for (size_t i = 0; i < s->n; i++)
		ix->by_name[i] = &s->dom[i];
	qsort(ix->by_name, ix->n, sizeof *ix->by_name, dom_name_id_cmp);
}

void dom_index_free(struct dom_index *ix)
{
	free(ix->by_name);
	ix->by_name = NULL;
	ix->n = 0;
}

const struct dom_sample *dom_index_find(const struct dom_index *ix, const char *name, int id)
{
	size_t lo = 0, hi = ix->n;
	const struct dom_sample *d;

	while (lo < hi) {           /* the first entry not below (name, id) */
		size_t mid = lo + (hi - lo) / 2;
		int c;

		d = ix->by_name[mid];
		c = strcmp(d->name, name);
		if (c < 0 || (c == 0 && id != DOM_ANY_ID && d->id < id))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == ix->n)
		return NULL;
	d = ix->by_name[lo];
	return !strcmp(d->name, name) && (id == DOM_ANY_ID || d->id == id) ? d : NULL;
}

static const char *const wl_words[WL__COUNT] = {
	[WL_STOP] = "stop", [WL_CPU] = "cpu", [WL_MEM] = "mem",
	[WL_DISK] = "disk", [WL_PING] = "ping",
};

void workload_format(const struct workload_req *r, unsigned seq, const char *ip,
		     char *out, size_t len)
{
	const char *w = (unsigned)r->kind < WL__COUNT ? wl_words[r->kind] : "stop";

	if (r->kind == WL_PING)
		snprintf(out, len, "%u %s %s", seq, w, ip ? ip : "");
	else
		snprintf(out, len, "%u %s %u", seq, w, r->arg);
}

const char *workload_describe(const struct workload_req *r, char *out, size_t len)
{
	switch (r->kind) {
	case WL_CPU: snprintf(out, len, "cpu burn %u s", r->arg); break;
	case WL_MEM: snprintf(out, len, "memory fill %u MiB", r->arg); break;
	case WL_DISK: snprintf(out, len, "disk read"); break;
	case WL_PING: snprintf(out, len, "ping"); break;
	default: snprintf(out, len, "stop workload"); break;
	}
	return out;
}

#ifndef HAVE_XEN
struct backend *backend_xen_open(unsigned flags, char *err, size_t errlen)
{
	(void)flags;
	snprintf(err, errlen, "built without Xen support (BACKEND=fake)");
	return NULL;
}

int backend_xen_available(void)
{
	return 0;
}
#endif
