/* test_guestinfo.c — the "console is up" decision, the ancestor walk,
 * the IPv4 choice, and ICMP echo packets. */
#include "guestinfo.h"
#include "harness.h"
#include "icmp.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#define P(pid, ppid, st, comm) { pid, ppid, st, comm }

static void test_console(void)
{
	/* init -> sh (/etc/rc) -> xenlive-agent: the rc shell is an ancestor */
	static const struct proc_info boot[] = {
		P(1, 0, 'S', "init"), P(2, 0, 'S', "kthreadd"), P(40, 1, 'S', "sh"),
		P(41, 40, 'S', "xenlive-agent"), P(50, 2, 'I', "kworker/0:1"),
	};
	static const struct proc_info getty[] = {
		P(1, 0, 'S', "init"), P(40, 1, 'S', "sh"), P(41, 40, 'S', "xenlive-agent"),
		P(60, 1, 'S', "agetty"),
	};
	static const struct proc_info zombie_sh[] = {
		P(1, 0, 'S', "init"), P(41, 1, 'S', "xenlive-agent"), P(70, 1, 'Z', "sh"),
	};
	static const struct proc_info lookalikes[] = {
		P(1, 0, 'S', "systemd"), P(41, 1, 'S', "xenlive-agent"), P(80, 1, 'S', "bashful"),
		P(81, 1, 'S', "sshd"), P(82, 1, 'S', "shell"), P(83, 1, 'S', "gettys"),
	};
	static const struct {
		const char *what;
		const struct proc_info *p;
		size_t n;
		pid_t self;
		int want_pid;          /* 0: not up */
	} cases[] = {
		{ "only the starting shell (an ancestor) -> not up", boot, 5, 41, 0 },
		{ "agetty running -> up", getty, 4, 41, 60 },
		{ "a zombie sh does not count", zombie_sh, 3, 41, 0 },
		{ "names that merely look alike do not count", lookalikes, 6, 41, 0 },
		{ "the same shell counts when not an ancestor", boot, 5, 50, 40 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pid_t ign[16];
		size_t n = guest_ancestors(cases[i].p, cases[i].n, cases[i].self, ign, 16);
		int k = guest_console_proc(cases[i].p, cases[i].n, ign, n);

		CHECK_INT(k < 0 ? 0 : cases[i].p[k].pid, cases[i].want_pid, "%s", cases[i].what);
	}
	{
		static const char *const yes[] = { "agetty", "getty", "mingetty", "login", "bash", "sh", "ash" };
		static const char *const no[] = { "", "init", "dash", "zsh", "sh ", "Login" };
		int ok = 1;

		for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
			ok &= guest_is_console_comm(yes[i]);
		CHECK(ok, "all seven console names are recognised");
		ok = 1;
		for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
			ok &= !guest_is_console_comm(no[i]);
		CHECK(ok, "other names are not");
	}
}

static void test_ancestors(void)
{
	static const struct proc_info loop[] = { P(5, 6, 'S', "a"), P(6, 5, 'S', "b") };
	static const struct proc_info chain[] = {
		P(1, 0, 'S', "init"), P(40, 1, 'S', "sh"), P(41, 40, 'S', "agent"),
	};
	pid_t out[8];
	size_t n;

	n = guest_ancestors(chain, 3, 41, out, 8);
	CHECK(n == 3 && out[0] == 41 && out[1] == 40 && out[2] == 1, "ancestors: self, parent, init");
	n = guest_ancestors(loop, 2, 5, out, 8);
	CHECK_INT(n, 2, "a ppid loop ends the walk");
	n = guest_ancestors(chain, 3, 99, out, 8);
	CHECK(n == 1 && out[0] == 99, "unknown self: just itself");
	n = guest_ancestors(chain, 3, 41, out, 2);
	CHECK_INT(n, 2, "the walk stops at the output size");
}

static void test_pick_ipv4(void)
{
	struct sockaddr_in lo = { .sin_family = AF_INET }, eth = { .sin_family = AF_INET },
			   down = { .sin_family = AF_INET };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6 };
	struct ifaddrs a[5];
	char ip[64];

	inet_pton(AF_INET, "127.0.0.1", &lo.sin_addr);
	inet_pton(AF_INET, "10.0.0.9", &down.sin_addr);
	inet_pton(AF_INET, "10.0.0.5", &eth.sin_addr);
	memset(a, 0, sizeof a);
	a[0] = (struct ifaddrs){ .ifa_next = &a[1], .ifa_name = "lo", .ifa_flags = IFF_UP | IFF_LOOPBACK,
				 .ifa_addr = (struct sockaddr *)&lo };
	a[1] = (struct ifaddrs){ .ifa_next = &a[2], .ifa_name = "eth0", .ifa_flags = IFF_UP,
				 .ifa_addr = (struct sockaddr *)&v6 };
	a[2] = (struct ifaddrs){ .ifa_next = &a[3], .ifa_name = "eth1", .ifa_flags = 0,
				 .ifa_addr = (struct sockaddr *)&down };
	a[3] = (struct ifaddrs){ .ifa_next = &a[4], .ifa_name = "eth2", .ifa_flags = IFF_UP,
				 .ifa_addr = NULL };
	a[4] = (struct ifaddrs){ .ifa_next = NULL, .ifa_name = "eth0", .ifa_flags = IFF_UP | IFF_RUNNING,
				 .ifa_addr = (struct sockaddr *)&eth };
	CHECK_STR(guest_pick_ipv4(a, ip, sizeof ip), "10.0.0.5",
		  "first up, non-loopback IPv4 (skips lo, IPv6, down, no address)");
	a[3].ifa_next = NULL;
	CHECK_STR(guest_pick_ipv4(a, ip, sizeof ip), "", "no such address -> empty");
	CHECK_STR(guest_pick_ipv4(NULL, ip, sizeof ip), "", "no interfaces -> empty");
}

static void test_icmp(void)
{
	static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01 };
	uint8_t pkt[ICMP_ECHO_LEN], ip[20 + ICMP_ECHO_LEN];

	CHECK_INT(icmp_checksum(rfc1071, sizeof rfc1071), 0x220d, "checksum of the RFC 1071 example");
	CHECK_INT(icmp_checksum(odd, 1), 0xfeff, "checksum pads an odd byte");
	icmp_build_echo(pkt, 0x1234, 7);
	CHECK(pkt[0] == 8 && pkt[1] == 0 && pkt[4] == 0x12 && pkt[5] == 0x34 && pkt[7] == 7,
	      "echo request: type 8, id, seq");
	CHECK_INT(icmp_checksum(pkt, sizeof pkt), 0, "echo request checksums to zero");

	pkt[0] = 0;                                   /* make it a reply */
	CHECK_INT(icmp_parse_reply(pkt, sizeof pkt, 0, 0, 0), 7, "datagram reply: seq 7");
	CHECK_INT(icmp_parse_reply(pkt, 7, 0, 0, 0), -1, "a short packet is not a reply");
	memset(ip, 0, sizeof ip);
	ip[0] = 0x45;
	memcpy(ip + 20, pkt, sizeof pkt);
	CHECK_INT(icmp_parse_reply(ip, sizeof ip, 1, 1, 0x1234), 7, "raw reply after a 20-byte IP header");
	CHECK_INT(icmp_parse_reply(ip, sizeof ip, 1, 1, 0x1235), -1, "raw reply with another id is ignored");
	ip[20] = 8;
	CHECK_INT(icmp_parse_reply(ip, sizeof ip, 1, 1, 0x1234), -1, "our own echo request is not a reply");
	ip[20] = 0;
	ip[0] = 0x65;
	CHECK_INT(icmp_parse_reply(ip, sizeof ip, 1, 1, 0x1234), -1, "not IPv4 -> ignored");
}

int main(void)
{
	test_console();
	test_ancestors();
	test_pick_ipv4();
	test_icmp();
	return harness_done();
}
