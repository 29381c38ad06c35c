/* request.c — request parsing, admission and report formatting. */
#include "request.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum arg_type { ARG_NUMBER, ARG_ZERO, ARG_IPV4 };

static const struct wl_spec {
	const char *name;
	enum arg_type type;
	unsigned min, max;
	const char *unit;          /* "s", "MiB" for ARG_NUMBER */
} wl_table[WK__COUNT] = {
	[WK_CPU]  = { .name = "cpu",  .type = ARG_NUMBER, .min = 1, .max = 3600, .unit = "s" },
	[WK_MEM]  = { .name = "mem",  .type = ARG_NUMBER, .min = 1, .max = 4096, .unit = "MiB" },
	[WK_DISK] = { .name = "disk", .type = ARG_ZERO },
	[WK_PING] = { .name = "ping", .type = ARG_IPV4 },
	[WK_STOP] = { .name = "stop", .type = ARG_ZERO },
};

const char *wl_kind_name(enum wl_kind k)
{
	return (unsigned)k < WK__COUNT ? wl_table[k].name : "?";
}

/* Copy at most 16 bytes of s for quoting in a message, '?' for anything
 * unprintable, "..." when cut. */
static const char *quote(const char *s, size_t n, char *out, size_t len)
{
	size_t i, k = 0, lim = n < 16 ? n : 16;

	for (i = 0; i < lim && k + 1 < len; i++)
		out[k++] = (s[i] > 32 && s[i] < 127) ? s[i] : '?';
	for (const char *d = "..."; n > lim && *d && k + 1 < len; d++)
		out[k++] = *d;
	out[k] = '\0';
	return out;
}

/* All digits, 1..10 of them, value <= max. */
static int parse_uint(const char *s, size_t n, unsigned long max, unsigned long *v)
{
	unsigned long x = 0;

	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (unsigned long)(s[i] - '0');
	}
	if (x > max)
		return -1;
	*v = x;
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int request_parse(const char *line, struct request *r, char *seqtxt, size_t seqlen,
		  char *why, size_t whylen)
{
	const char *f[4];
	size_t fl[4], nf = 0;
	const struct wl_spec *spec = NULL;
	unsigned long v;
	char q[24];
	const char *p = line;

	memset(r, 0, sizeof *r);
	snprintf(seqtxt, seqlen, "-");
	while (*p) {                   /* split on whitespace runs, keep up to 4 */
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		if (nf < 4)
			f[nf] = p;
		while (*p && !is_space(*p))
			p++;
		if (nf < 4)
			fl[nf] = (size_t)(p - f[nf]);
		nf++;
	}
	if (nf == 0) {
		snprintf(why, whylen, "empty request");
		return -1;
	}
	if (parse_uint(f[0], fl[0], 4294967295UL, &v) || v == 0) {
		snprintf(why, whylen, "bad sequence number '%s'", quote(f[0], fl[0], q, sizeof q));
		return -1;
	}
	r->seq = v;
	snprintf(seqtxt, seqlen, "%.*s", (int)fl[0], f[0]);   /* echoed as sent */
	if (nf != 3) {
		snprintf(why, whylen, "expected 'SEQ KIND ARG'");
		return -1;
	}
	for (int k = 0; k < WK__COUNT; k++)
		if (strlen(wl_table[k].name) == fl[1] && !strncmp(wl_table[k].name, f[1], fl[1])) {
			spec = &wl_table[k];
			r->kind = (enum wl_kind)k;
		}
	if (!spec) {
		snprintf(why, whylen, "unknown workload '%s'", quote(f[1], fl[1], q, sizeof q));
		return -1;
	}
	switch (spec->type) {
	case ARG_NUMBER:
		if (parse_uint(f[2], fl[2], 4294967295UL, &v) || v < spec->min || v > spec->max) {
			snprintf(why, whylen, "%s wants %u..%u %s, not '%s'", spec->name,
				 spec->min, spec->max, spec->unit, quote(f[2], fl[2], q, sizeof q));
			return -1;
		}
		r->arg = (unsigned)v;
		snprintf(r->text, sizeof r->text, "%.10s %s %u", seqtxt, spec->name, r->arg);
		break;
	case ARG_ZERO:
		if (fl[2] != 1 || f[2][0] != '0') {
			snprintf(why, whylen, "%s wants 0, not '%s'", spec->name,
				 quote(f[2], fl[2], q, sizeof q));
			return -1;
		}
		snprintf(r->text, sizeof r->text, "%.10s %s 0", seqtxt, spec->name);
		break;
	case ARG_IPV4: {
		struct in_addr a;

		if (fl[2] >= sizeof r->ip) {
			r->ip[0] = '\0';
		} else {
			memcpy(r->ip, f[2], fl[2]);
			r->ip[fl[2]] = '\0';
		}
		if (!r->ip[0] || inet_pton(AF_INET, r->ip, &a) != 1) {
			snprintf(why, whylen, "%s wants IPv4, not '%s'", spec->name,
				 quote(f[2], fl[2], q, sizeof q));
			return -1;
		}
		snprintf(r->text, sizeof r->text, "%.10s %s %s", seqtxt, spec->name, r->ip);
		break;
	}
	}
	return 0;
}

int request_admit(const struct request *r, const struct request *running,
		  char *why, size_t whylen)
{
	if (r->kind == WK_STOP || !running)
		return 0;
	snprintf(why, whylen, "busy with %s", running->text);
	return -1;
}

const char *report_running(const struct request *r, char *out, size_t len)
{
	snprintf(out, len, "%s running", r->text);
	return out;
}

/* "%.1f" below 10, "%.0f" above: 0.4, 9.5, 30, 120. */
static const char *num(double v, char *out, size_t len)
{
	snprintf(out, len, v < 9.95 ? "%.1f" : "%.0f", v);
	return out;
}

const char *report_result(const struct request *r, const struct wl_result *res,
			  char *out, size_t len)
{
	char a[32], b[32];
	const char *stopped = res->stopped ? " (stopped)" : "";
	double secs = res->seconds > 1e-6 ? res->seconds : 1e-6;

	if (res->failed) {
		snprintf(out, len, "%s failed: %s", r->text, res->why);
		return out;
	}
	switch (r->kind) {
	case WK_CPU:
		snprintf(out, len, "%s done: %s s of CPU on %u vCPU%s%s", r->text,
			 num(res->seconds, a, sizeof a), res->ncpu, res->ncpu == 1 ? "" : "s",
			 stopped);
		break;
	case WK_MEM:
		snprintf(out, len, "%s done: held %llu MiB for %s s%s", r->text,
			 res->bytes >> 20, num(res->seconds, a, sizeof a), stopped);
		break;
	case WK_DISK:
		snprintf(out, len, "%s done: read %s MiB at %s MB/s%s", r->text,
			 num((double)res->bytes / 1048576.0, a, sizeof a),
			 num((double)res->bytes / 1e6 / secs, b, sizeof b), stopped);
		break;
	case WK_PING:
		if (res->received)
			snprintf(out, len, "%s done: %u/%u replies, avg %s ms%s", r->text,
				 res->received, res->sent,
				 num(res->rtt_ms_sum / res->received, a, sizeof a), stopped);
		else
			snprintf(out, len, "%s done: 0/%u replies%s", r->text, res->sent, stopped);
		break;
	default:
		snprintf(out, len, "%s done", r->text);
		break;
	}
	return out;
}

const char *report_rejected(const char *seqtxt, const char *why, char *out, size_t len)
{
	snprintf(out, len, "%s rejected: %s", seqtxt, why);
	return out;
}
