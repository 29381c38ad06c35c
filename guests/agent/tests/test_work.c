/* test_work.c — the workloads, run in-process (the agent runs them in a
 * forked child), plus the /proc reader. */
#include "harness.h"
#include "sysinfo.h"
#include "work.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static void test_cpu(void)
{
	struct wl_result res = { 0 };
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	work_cpu(1, -1, &res);
	CHECK_INT(res.ncpu, online, "cpu 1: one burner per online CPU");
	CHECK(res.seconds >= 0.95 && res.seconds < 3.0, "cpu 1: took about 1 s (%.2f s)", res.seconds);
	CHECK(!res.failed && !res.stopped, "cpu 1: neither failed nor stopped");
}

static void test_mem(void)
{
	struct wl_result res = { 0 };

	work_mem(8, 1, &res);
	CHECK(res.bytes == 8ull << 20, "mem 8: touched 8 MiB (%llu bytes)", res.bytes);
	CHECK(res.seconds >= 0.95 && res.seconds < 3.0, "mem 8: held about the hold time (%.2f s)",
	      res.seconds);
	work_stop_flag = 1;
	memset(&res, 0, sizeof res);
	work_mem(8, 30, &res);
	work_stop_flag = 0;
	CHECK(res.stopped && res.seconds < 1.0, "mem with the stop flag set: returns at once, stopped");
}

static void test_disk(void)
{
	char path[] = "/tmp/xenlive-agent-disk.XXXXXX";
	int fd = mkstemp(path);
	struct wl_result res = { 0 };
	static char block[1 << 16];

	if (!CHECK(fd >= 0, "make a scratch disk image"))
		return;
	memset(block, 0x5a, sizeof block);
	for (int i = 0; i < 64 + 1; i++)               /* 4 MiB + 64 KiB: an odd tail */
		if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
			break;
	close(fd);
	work_disk(path, &res);
	CHECK(!res.failed, "disk: reading the image works (%s)", res.failed ? res.why : "ok");
	CHECK(res.bytes == 65ull << 16, "disk: read the whole image (%llu bytes)", res.bytes);
	unlink(path);

	memset(&res, 0, sizeof res);
	work_disk("/nonexistent/xvda", &res);
	CHECK(res.failed, "disk: a missing device fails");
	CHECK_CONTAINS(res.why, "cannot open /nonexistent/xvda", "disk: and says which device");
}

static void test_ping(void)
{
	struct wl_result res = { 0 };

	work_ping("127.0.0.1", 2, &res);
	if (geteuid() != 0 && res.failed) {
		CHECK_CONTAINS(res.why, "no ICMP socket", "ping without privileges fails clearly");
		return;
	}
	CHECK(!res.failed, "ping 127.0.0.1: no error (%s)", res.failed ? res.why : "ok");
	CHECK(res.sent == 2 && res.received == 2, "ping 127.0.0.1: 2/2 replies (%u/%u)",
	      res.received, res.sent);
	CHECK(res.rtt_ms_sum >= 0 && res.rtt_ms_sum < 100, "ping 127.0.0.1: plausible RTT (%.3f ms)",
	      res.rtt_ms_sum);
	memset(&res, 0, sizeof res);
	work_ping("not-an-ip", 2, &res);
	CHECK(res.failed, "ping of a non-address fails");
}

static void test_procs(void)
{
	static struct proc_info p[4096];
	int n = sysinfo_procs("/proc", p, 4096), me = -1;

	for (int i = 0; i < n; i++)
		if (p[i].pid == getpid())
			me = i;
	CHECK(n > 0 && me >= 0, "/proc scan finds this process");
	CHECK(me >= 0 && p[me].ppid == getppid() && !strncmp(p[me].comm, "test_work", 9) &&
	      p[me].state == 'R', "its ppid, comm and state are read");
	CHECK_INT(sysinfo_procs("/nonexistent", p, 4), -1, "a missing proc root is an error");
}

int main(void)
{
	test_procs();
	test_cpu();
	test_mem();
	test_disk();
	test_ping();
	return harness_done();
}
