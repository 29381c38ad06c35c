/* xsproto.c — xenstore wire protocol encode/decode (see xsproto.h). */
#include "xsproto.h"

#include <errno.h>
#include <string.h>

size_t xsp_encode(uint8_t *buf, size_t cap, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const char *a, const char *b, int b_nul)
{
	size_t la = strlen(a) + 1, lb = b ? strlen(b) + (b_nul ? 1 : 0) : 0;
	struct xsp_hdr h = { type, req_id, tx_id, 0 };

	if (la + lb > XSP_PAYLOAD_MAX || XSP_HDR_LEN + la + lb > cap)
		return 0;
	h.len = (uint32_t)(la + lb);
	memcpy(buf, &h, XSP_HDR_LEN);
	memcpy(buf + XSP_HDR_LEN, a, la);
	if (lb)
		memcpy(buf + XSP_HDR_LEN + la, b, lb);   /* b_nul copies b's NUL */
	return XSP_HDR_LEN + la + lb;
}

void xsp_reader_init(struct xsp_reader *r)
{
	r->have = 0;
}

uint8_t *xsp_space(struct xsp_reader *r, size_t *n)
{
	*n = sizeof r->buf - r->have;
	return r->buf + r->have;
}

void xsp_commit(struct xsp_reader *r, size_t n)
{
	r->have += n;
}

int xsp_pop(struct xsp_reader *r, struct xsp_msg *m)
{
	struct xsp_hdr h;
	size_t total;

	if (r->have < XSP_HDR_LEN)
		return 0;
	memcpy(&h, r->buf, XSP_HDR_LEN);
	if (h.len > XSP_PAYLOAD_MAX)
		return -1;
	total = XSP_HDR_LEN + h.len;
	if (r->have < total)
		return 0;
	m->h = h;
	memcpy(m->payload, r->buf + XSP_HDR_LEN, h.len);
	m->payload[h.len] = '\0';
	memmove(r->buf, r->buf + total, r->have - total);
	r->have -= total;
	return 1;
}

static const struct { int e; const char *name; } xsp_errors[] = {
	{ EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EEXIST, "EEXIST" },
	{ EISDIR, "EISDIR" }, { ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
	{ ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { ENOTEMPTY, "ENOTEMPTY" },
	{ ENOSYS, "ENOSYS" }, { EROFS, "EROFS" }, { EBUSY, "EBUSY" },
	{ EAGAIN, "EAGAIN" }, { EISCONN, "EISCONN" }, { E2BIG, "E2BIG" },
	{ EPERM, "EPERM" },
};

int xsp_errno(const char *payload)
{
	for (size_t i = 0; i < sizeof xsp_errors / sizeof xsp_errors[0]; i++)
		if (!strcmp(payload, xsp_errors[i].name))
			return xsp_errors[i].e;
	return EIO;
}

const char *xsp_errname(int e)
{
	for (size_t i = 0; i < sizeof xsp_errors / sizeof xsp_errors[0]; i++)
		if (xsp_errors[i].e == e)
			return xsp_errors[i].name;
	return "EIO";
}

int xsp_watch_event(const struct xsp_msg *m, const char **path, const char **token)
{
	size_t lp;

	if (m->h.type != XS_WATCH_EVENT)
		return -1;
	lp = strnlen(m->payload, m->h.len);
	if (lp + 1 >= m->h.len)        /* no NUL after path, or no token */
		return -1;
	*path = m->payload;
	*token = m->payload + lp + 1;
	return 0;
}
