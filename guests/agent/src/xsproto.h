/* xsproto.h — the xenstore wire protocol (xen/include/public/io/xs_wire.h),
 * pure: no I/O. A message is a 16-byte header of four native-endian
 * uint32 {type, req_id, tx_id, len} followed by len payload bytes.
 *
 *   READ   "path\0"                -> value (no NUL)
 *   WRITE  "path\0" value          -> "OK\0"
 *   RM     "path\0"                -> "OK\0"
 *   WATCH  "path\0token\0"         -> "OK\0", then WATCH_EVENT messages
 *                                     "path\0token\0" at any time (also once
 *                                     right after registering)
 *   TRANSACTION_START "\0"         -> "ID\0" (decimal)
 *   TRANSACTION_END   "T\0"/"F\0"  -> "OK\0" or ERROR "EAGAIN\0" (retry)
 *   any request may get ERROR "ENOENT\0" (an errno name) instead. */
#ifndef XSPROTO_H
#define XSPROTO_H

#include <stddef.h>
#include <stdint.h>

enum xs_type {
	XS_READ = 2,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_WRITE = 11,
	XS_RM = 13,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
};

#define XSP_HDR_LEN 16u
#define XSP_PAYLOAD_MAX 4096u       /* XENSTORE_PAYLOAD_MAX */
#define XSP_MSG_MAX (XSP_HDR_LEN + XSP_PAYLOAD_MAX)

struct xsp_hdr {
	uint32_t type, req_id, tx_id, len;
};

/* One decoded message; payload is NUL-terminated one byte past len. */
struct xsp_msg {
	struct xsp_hdr h;
	char payload[XSP_PAYLOAD_MAX + 1];
};

/* Encode header + payload "a\0" [+ b [+ "\0" if b_nul]] into buf.
 * Returns the message length, or 0 if it does not fit in cap or exceeds
 * XSP_PAYLOAD_MAX. b may be NULL. */
size_t xsp_encode(uint8_t *buf, size_t cap, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const char *a, const char *b, int b_nul);

/* Stream reassembly: bytes go in through xsp_space/xsp_commit, whole
 * messages come out of xsp_pop. */
struct xsp_reader {
	uint8_t buf[2 * XSP_MSG_MAX];
	size_t have;
};

void xsp_reader_init(struct xsp_reader *r);
/* Free space to read into; *n gets its size. */
uint8_t *xsp_space(struct xsp_reader *r, size_t *n);
void xsp_commit(struct xsp_reader *r, size_t n);
/* 1: a message was moved to *m; 0: need more bytes; -1: corrupt stream
 * (payload length over XSP_PAYLOAD_MAX). */
int xsp_pop(struct xsp_reader *r, struct xsp_msg *m);

/* errno for an XS_ERROR payload ("ENOENT" -> ENOENT); EIO if unknown. */
int xsp_errno(const char *payload);
/* The errno name xenstored would send for e ("EIO" if unknown). */
const char *xsp_errname(int e);

/* Split a WATCH_EVENT payload into path and token. 0, or -1 if malformed. */
int xsp_watch_event(const struct xsp_msg *m, const char **path, const char **token);

#endif
