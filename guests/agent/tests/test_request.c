/* test_request.c — request grammar, the workload table, admission, and
 * the report lines dom0 shows. */
#include "harness.h"
#include "request.h"

/* The input as a C-ish literal for the check's name (no raw newlines). */
static const char *esc(const char *s, char *out, size_t len)
{
	size_t k = 0;

	for (; *s && k + 5 < len; s++) {
		if (*s >= 32 && *s < 127)
			out[k++] = *s;
		else
			k += (size_t)snprintf(out + k, len - k, "\\x%02x", (unsigned char)*s);
	}
	out[k] = '\0';
	return out;
}

static void test_parse(void)
{
	static const struct {
		const char *in;
		int ok;
		const char *want;      /* ok: canonical text; else the rejection line */
	} cases[] = {
		{ "1 cpu 30",            1, "1 cpu 30" },
		{ "7 cpu 1",             1, "7 cpu 1" },
		{ "8 cpu 3600",          1, "8 cpu 3600" },
		{ "  9   mem 16 \n",     1, "9 mem 16" },
		{ "10 mem 4096",         1, "10 mem 4096" },
		{ "11 disk 0",           1, "11 disk 0" },
		{ "12 ping 10.0.0.5",    1, "12 ping 10.0.0.5" },
		{ "13 stop 0",           1, "13 stop 0" },
		{ "4294967295 stop 0",   1, "4294967295 stop 0" },
		{ "0050 cpu 030",        1, "0050 cpu 30" },    /* SEQ echoed as sent */
		{ "0050 rm 1",           0, "0050 rejected: unknown workload 'rm'" },
		{ "2 rm -rf",            0, "2 rejected: unknown workload 'rm'" },
		{ "3 cpu 99999",         0, "3 rejected: cpu wants 1..3600 s, not '99999'" },
		{ "4 cpu abc",           0, "4 rejected: cpu wants 1..3600 s, not 'abc'" },
		{ "5 cpu 0",             0, "5 rejected: cpu wants 1..3600 s, not '0'" },
		{ "5 cpu -1",            0, "5 rejected: cpu wants 1..3600 s, not '-1'" },
		{ "5 cpu 3601",          0, "5 rejected: cpu wants 1..3600 s, not '3601'" },
		{ "5 cpu 99999999999",   0, "5 rejected: cpu wants 1..3600 s, not '99999999999'" },
		{ "5 cpu 1x",            0, "5 rejected: cpu wants 1..3600 s, not '1x'" },
		{ "6 mem 4097",          0, "6 rejected: mem wants 1..4096 MiB, not '4097'" },
		{ "6 disk 1",            0, "6 rejected: disk wants 0, not '1'" },
		{ "6 stop now",          0, "6 rejected: stop wants 0, not 'now'" },
		{ "6 ping 999.1.1.1",    0, "6 rejected: ping wants IPv4, not '999.1.1.1'" },
		{ "6 ping host.example.org.long", 0, "6 rejected: ping wants IPv4, not 'host.example.org...'" },
		{ "6 CPU 1",             0, "6 rejected: unknown workload 'CPU'" },
		{ "6 cpu",               0, "6 rejected: expected 'SEQ KIND ARG'" },
		{ "6 cpu 1 2",           0, "6 rejected: expected 'SEQ KIND ARG'" },
		{ "x cpu 1",             0, "- rejected: bad sequence number 'x'" },
		{ "0 cpu 1",             0, "- rejected: bad sequence number '0'" },
		{ "-3 cpu 1",            0, "- rejected: bad sequence number '-3'" },
		{ "4294967296 cpu 1",    0, "- rejected: bad sequence number '4294967296'" },
		{ "",                    0, "- rejected: empty request" },
		{ "9 \x01\x7f 0",        0, "9 rejected: unknown workload '?" "?'" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct request r;
		char seq[24], why[96], line[REPORT_MAX], in[96];
		int rc = request_parse(cases[i].in, &r, seq, sizeof seq, why, sizeof why);

		esc(cases[i].in, in, sizeof in);
		if (cases[i].ok) {
			CHECK_INT(rc, 0, "request '%s' is accepted", in);
			CHECK_STR(r.text, cases[i].want, "request '%s' canonical text", in);
		} else {
			CHECK_INT(rc, -1, "request '%s' is rejected", in);
			CHECK_STR(report_rejected(seq, why, line, sizeof line), cases[i].want,
				  "request '%s' rejection report", in);
		}
	}
	{
		struct request r;
		char seq[24], why[96];

		request_parse("12 ping 10.0.0.5", &r, seq, sizeof seq, why, sizeof why);
		CHECK(r.kind == WK_PING && !strcmp(r.ip, "10.0.0.5") && r.seq == 12,
		      "ping request carries kind, seq and address");
		request_parse("9 mem 16", &r, seq, sizeof seq, why, sizeof why);
		CHECK(r.kind == WK_MEM && r.arg == 16, "mem request carries MiB");
	}
}

static void test_admit(void)
{
	struct request run, cpu, stop;
	char seq[24], why[96];

	request_parse("5 mem 8", &run, seq, sizeof seq, why, sizeof why);
	request_parse("6 cpu 1", &cpu, seq, sizeof seq, why, sizeof why);
	request_parse("7 stop 0", &stop, seq, sizeof seq, why, sizeof why);
	CHECK_INT(request_admit(&cpu, NULL, why, sizeof why), 0, "a workload starts when idle");
	CHECK_INT(request_admit(&cpu, &run, why, sizeof why), -1, "a second workload is refused");
	CHECK_STR(why, "busy with 5 mem 8", "refusal names the running workload");
	CHECK_INT(request_admit(&stop, &run, why, sizeof why), 0, "stop is admitted while busy");
	CHECK_INT(request_admit(&stop, NULL, why, sizeof why), 0, "stop is admitted when idle");
}

static void test_reports(void)
{
	static const struct {
		const char *req;
		struct wl_result res;
		const char *want;
	} cases[] = {
		{ "1 cpu 30", { .seconds = 30.02, .ncpu = 1 }, "1 cpu 30 done: 30 s of CPU on 1 vCPU" },
		{ "1 cpu 1", { .seconds = 1.0, .ncpu = 2 }, "1 cpu 1 done: 1.0 s of CPU on 2 vCPUs" },
		{ "2 cpu 30", { .seconds = 12.4, .ncpu = 2, .stopped = 1 },
		  "2 cpu 30 done: 12 s of CPU on 2 vCPUs (stopped)" },
		{ "3 mem 16", { .seconds = 30.1, .bytes = 16ull << 20 }, "3 mem 16 done: held 16 MiB for 30 s" },
		{ "3 mem 8", { .seconds = 2.26, .bytes = 8ull << 20, .stopped = 1 },
		  "3 mem 8 done: held 8 MiB for 2.3 s (stopped)" },
		{ "4 disk 0", { .seconds = 0.7, .bytes = 80ull << 20 }, "4 disk 0 done: read 80 MiB at 120 MB/s" },
		{ "4 disk 0", { .seconds = 0, .bytes = 0 }, "4 disk 0 done: read 0.0 MiB at 0.0 MB/s" },
		{ "5 ping 10.0.0.5", { .sent = 5, .received = 5, .rtt_ms_sum = 2.0 },
		  "5 ping 10.0.0.5 done: 5/5 replies, avg 0.4 ms" },
		{ "5 ping 10.0.0.5", { .sent = 5, .received = 0 }, "5 ping 10.0.0.5 done: 0/5 replies" },
		{ "6 disk 0", { .failed = 1, .why = "cannot open /dev/xvda: No such file or directory" },
		  "6 disk 0 failed: cannot open /dev/xvda: No such file or directory" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct request r;
		char seq[24], why[96], line[REPORT_MAX];

		request_parse(cases[i].req, &r, seq, sizeof seq, why, sizeof why);
		CHECK_STR(report_result(&r, &cases[i].res, line, sizeof line), cases[i].want,
			  "report for %s (case %zu)", cases[i].req, i);
	}
	{
		struct request r;
		char seq[24], why[96], line[REPORT_MAX];

		request_parse("9 cpu 30", &r, seq, sizeof seq, why, sizeof why);
		CHECK_STR(report_running(&r, line, sizeof line), "9 cpu 30 running", "running report");
	}
}

int main(void)
{
	test_parse();
	test_admit();
	test_reports();
	return harness_done();
}
