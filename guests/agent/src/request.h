/* request.h — the request grammar, the fixed workload table, and the
 * report lines written to data/xenlive/workload. Pure; unit-tested.
 *
 *   request:  SEQ KIND ARG      SEQ  decimal 1..4294967295, echoed as sent
 *                               KIND cpu SECONDS (1..3600) | mem MIB (1..4096)
 *                                    | disk 0 | ping IPV4 | stop 0
 *   reports:  SEQ KIND ARG running
 *             SEQ KIND ARG done: RESULT [(stopped)]
 *             SEQ KIND ARG failed: WHY
 *             SEQ rejected: WHY          (SEQ as sent, or "-" if unusable) */
#ifndef REQUEST_H
#define REQUEST_H

#include <stddef.h>

enum wl_kind { WK_CPU, WK_MEM, WK_DISK, WK_PING, WK_STOP, WK__COUNT };

#define REQ_TEXT_MAX 40    /* a canonical "SEQ KIND ARG" fits */
#define REPORT_MAX 192
#define MEM_HOLD_SECONDS 30
#define PING_COUNT 5

struct request {
	unsigned long seq;
	enum wl_kind kind;
	unsigned arg;              /* seconds, MiB, or 0 */
	char ip[16];               /* ping target, dotted quad */
	char text[REQ_TEXT_MAX];   /* canonical "SEQ KIND ARG" */
};

/* What a workload child measured; sent back whole through a pipe. */
struct wl_result {
	int failed;                /* 1: why says what went wrong */
	int stopped;               /* ended early by a stop request */
	double seconds;            /* wall time spent */
	unsigned ncpu;             /* cpu: burner processes */
	unsigned long long bytes;  /* mem: held, disk: read */
	unsigned sent, received;   /* ping */
	double rtt_ms_sum;         /* ping: sum over received replies */
	char why[96];
};

/* Parse one request value. 0: *r filled. -1: rejected; why says why.
 * Either way seqtxt (>= 24 bytes) gets the SEQ to report under, as sent
 * ("-" if unusable). */
int request_parse(const char *line, struct request *r, char *seqtxt, size_t seqlen,
		  char *why, size_t whylen);

/* May r start now? running is the workload in progress or NULL. stop is
 * always admitted. 0 yes, -1 no (why). */
int request_admit(const struct request *r, const struct request *running,
		  char *why, size_t whylen);

const char *wl_kind_name(enum wl_kind k);

/* Report lines (see the grammar above); each returns out. */
const char *report_running(const struct request *r, char *out, size_t len);
const char *report_result(const struct request *r, const struct wl_result *res,
			  char *out, size_t len);
const char *report_rejected(const char *seqtxt, const char *why, char *out, size_t len);

#endif
