/* test_xsproto.c — xenstore wire encoding, stream reassembly, errors,
 * watch events. */
#include "harness.h"
#include "xsproto.h"

#include <errno.h>
#include <stdint.h>

static uint32_t u32_at(const uint8_t *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, 4);
	return v;
}

static void test_encode(void)
{
	static const struct {
		const char *what;
		uint32_t type;
		const char *a, *b;
		int b_nul;
		const char *payload;   /* expected, with embedded NULs */
		size_t len;
	} cases[] = {
		{ "read",    XS_READ,  "data/xenlive/state", NULL, 0, "data/xenlive/state\0", 19 },
		{ "write (value without NUL)", XS_WRITE, "data/x", "ready", 0, "data/x\0ready", 12 },
		{ "write empty value", XS_WRITE, "k", "", 0, "k\0", 2 },
		{ "rm",      XS_RM,    "data/x", NULL, 0, "data/x\0", 7 },
		{ "watch (path and token NUL-ended)", XS_WATCH, "p", "tok", 1, "p\0tok\0", 6 },
		{ "transaction start", XS_TRANSACTION_START, "", NULL, 0, "\0", 1 },
		{ "transaction end commit", XS_TRANSACTION_END, "T", NULL, 0, "T\0", 2 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t buf[256];
		size_t n = xsp_encode(buf, sizeof buf, cases[i].type, 7, 3, cases[i].a, cases[i].b,
				      cases[i].b_nul);

		CHECK_INT(n, XSP_HDR_LEN + cases[i].len, "encode %s: message length", cases[i].what);
		CHECK(u32_at(buf, 0) == cases[i].type && u32_at(buf, 4) == 7 && u32_at(buf, 8) == 3 &&
		      u32_at(buf, 12) == cases[i].len,
		      "encode %s: header {type, req_id 7, tx_id 3, len}", cases[i].what);
		CHECK(n >= XSP_HDR_LEN && !memcmp(buf + XSP_HDR_LEN, cases[i].payload, cases[i].len),
		      "encode %s: payload bytes", cases[i].what);
	}
	{
		static char big[XSP_PAYLOAD_MAX + 10];
		uint8_t buf[XSP_MSG_MAX + 64], small[20];

		memset(big, 'a', sizeof big - 1);
		CHECK_INT(xsp_encode(buf, sizeof buf, XS_WRITE, 1, 0, "k", big, 0), 0,
			  "encode refuses a payload over XENSTORE_PAYLOAD_MAX");
		CHECK_INT(xsp_encode(small, sizeof small, XS_READ, 1, 0, "longer-than-4", NULL, 0), 0,
			  "encode refuses a buffer too small");
	}
}

static size_t mk(uint8_t *buf, uint32_t type, uint32_t id, const char *payload, size_t len)
{
	struct xsp_hdr h = { type, id, 0, (uint32_t)len };

	memcpy(buf, &h, XSP_HDR_LEN);
	memcpy(buf + XSP_HDR_LEN, payload, len);
	return XSP_HDR_LEN + len;
}

static void feed(struct xsp_reader *r, const uint8_t *p, size_t n)
{
	size_t room;
	uint8_t *dst = xsp_space(r, &room);

	memcpy(dst, p, n < room ? n : room);
	xsp_commit(r, n < room ? n : room);
}

static void test_reader(void)
{
	static struct xsp_reader r;
	static struct xsp_msg m;
	uint8_t stream[256];
	size_t n = 0;
	int got, pops = 0, early = 0;

	n += mk(stream + n, XS_WATCH_EVENT, 0, "data/xenlive/request\0tok\0", 25);
	n += mk(stream + n, XS_READ, 5, "ready", 5);
	xsp_reader_init(&r);
	for (size_t i = 0; i < n; i++) {      /* one byte at a time */
		feed(&r, stream + i, 1);
		while ((got = xsp_pop(&r, &m)) == 1) {
			pops++;
			if (i + 1 < (pops == 1 ? 41u : n))
				early = 1;
			if (pops == 1) {
				const char *path, *token;

				CHECK(xsp_watch_event(&m, &path, &token) == 0 &&
				      !strcmp(path, "data/xenlive/request") && !strcmp(token, "tok"),
				      "byte-by-byte: first message is the watch event with path and token");
			} else {
				CHECK(m.h.type == XS_READ && m.h.req_id == 5 && m.h.len == 5 &&
				      !strcmp(m.payload, "ready"),
				      "byte-by-byte: second message is the reply, NUL-terminated payload");
			}
		}
	}
	CHECK_INT(pops, 2, "byte-by-byte: exactly two messages come out");
	CHECK(!early, "no message comes out before its last byte");
	CHECK_INT(xsp_pop(&r, &m), 0, "reader is empty afterwards");

	xsp_reader_init(&r);
	n = mk(stream, XS_READ, 1, "a", 1);
	n += mk(stream + n, XS_WRITE, 2, "OK\0", 3);
	feed(&r, stream, n);
	CHECK(xsp_pop(&r, &m) == 1 && m.h.req_id == 1, "two messages in one read: first");
	CHECK(xsp_pop(&r, &m) == 1 && m.h.req_id == 2, "two messages in one read: second");
	CHECK_INT(xsp_pop(&r, &m), 0, "two messages in one read: then nothing");

	{
		struct xsp_hdr h = { XS_READ, 1, 0, XSP_PAYLOAD_MAX + 1 };

		xsp_reader_init(&r);
		feed(&r, (const uint8_t *)&h, sizeof h);
		CHECK_INT(xsp_pop(&r, &m), -1, "a length over XENSTORE_PAYLOAD_MAX is a corrupt stream");
	}
}

static void test_errors(void)
{
	static const struct { const char *name; int e; } cases[] = {
		{ "ENOENT", ENOENT }, { "EACCES", EACCES }, { "EAGAIN", EAGAIN },
		{ "EINVAL", EINVAL }, { "E2BIG", E2BIG }, { "EQUOTA?", EIO }, { "", EIO },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_INT(xsp_errno(cases[i].name), cases[i].e, "error payload \"%s\" -> errno %d",
			  cases[i].name, cases[i].e);
	CHECK_STR(xsp_errname(ENOENT), "ENOENT", "errno ENOENT -> name");
	CHECK_STR(xsp_errname(12345), "EIO", "unknown errno -> EIO");
}

static void test_watch_event(void)
{
	static struct xsp_msg m;
	const char *p, *t;

	m.h.type = XS_WATCH_EVENT;
	memcpy(m.payload, "onlypath\0", 9);
	m.h.len = 9;
	CHECK_INT(xsp_watch_event(&m, &p, &t), -1, "watch event without a token is malformed");
	memcpy(m.payload, "nonul", 5);
	m.payload[5] = '\0';
	m.h.len = 5;
	CHECK_INT(xsp_watch_event(&m, &p, &t), -1, "watch event without a NUL is malformed");
	m.h.type = XS_READ;
	memcpy(m.payload, "p\0t\0", 4);
	m.h.len = 4;
	CHECK_INT(xsp_watch_event(&m, &p, &t), -1, "a reply is not a watch event");
}

int main(void)
{
	test_encode();
	test_reader();
	test_errors();
	test_watch_event();
	return harness_done();
}
