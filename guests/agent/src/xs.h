/* xs.h — a xenstore connection over the guest kernel's xenbus device
 * (/dev/xen/xenbus, /proc/xen/xenbus) or, for tests, a UNIX socket that
 * speaks the same wire protocol. Requests are synchronous: send, then
 * read until the reply with our req_id arrives; watch events that arrive
 * meanwhile (or any time) are queued for xs_next_event. Errors are
 * returned as -errno (XS_ERROR replies become their errno). */
#ifndef XS_H
#define XS_H

#include <stddef.h>
#include <stdint.h>

#include "xsproto.h"

#define XS_EVENTS_MAX 16
#define XS_REPLY_TIMEOUT_MS 10000

struct xs_event {
	char path[256];
	char token[32];
};

struct xs {
	int fd;
	uint32_t next_req;
	struct xsp_reader rd;
	struct xsp_msg msg;        /* scratch for the message being decoded */
	struct xs_event ev[XS_EVENTS_MAX];
	unsigned ev_head, ev_count;
};

/* Open path: a socket is connected to, anything else opened read-write.
 * 0 or -errno. */
int xs_open(struct xs *x, const char *path);
void xs_close(struct xs *x);

int xs_read(struct xs *x, uint32_t tx, const char *path, char *out, size_t len);
int xs_write(struct xs *x, uint32_t tx, const char *path, const char *value);
int xs_rm(struct xs *x, uint32_t tx, const char *path);
int xs_watch(struct xs *x, const char *path, const char *token);
int xs_tx_start(struct xs *x, uint32_t *tx);
int xs_tx_end(struct xs *x, uint32_t tx, int commit);

/* Read whatever is available now (call when the fd polls readable) and
 * queue events. 0, or -errno (-EPIPE on end of file). */
int xs_pump(struct xs *x);
/* Pop one queued watch event: 1 and *e filled, or 0 if none. */
int xs_next_event(struct xs *x, struct xs_event *e);

#endif
