/* Unit tests: guest names, MACs, the config handed to libxl. */
#include "harness.h"

#include "guestcfg.h"

#include <stdlib.h>
#include <unistd.h>

static void test_names(void)
{
	static const struct { const char *have[5]; size_t n; const char *want; } t[] = {
		{ { NULL }, 0, "debian-1" },
		{ { "debian-1", "debian-2" }, 2, "debian-3" },
		{ { "debian-2" }, 1, "debian-1" },
		{ { "debian-1", "debian-3", "Domain-0" }, 3, "debian-2" },
		{ { "debian-01", "debianx-1", "centos-1", "debian-1x" }, 4, "debian-1" },
		{ { "debian-1", "debian-2", "debian-3", "debian-4", "debian-5" }, 5, "debian-6" },
		{ { "debian-99999999999999999999", "debian-1" }, 2, "debian-2" },
	};
	char out[GUEST_NAME_MAX];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		guestcfg_alloc_name("debian", t[i].have, t[i].n, out, sizeof out);
		CHECK_STR(out, t[i].want, "name allocation case %zu picks the lowest free number", i);
	}
	CHECK(guestcfg_name_ok("debian-1") && guestcfg_name_ok("my_guest.2"), "plain names are ok");
	CHECK(!guestcfg_name_ok("") && !guestcfg_name_ok("a b") && !guestcfg_name_ok("a/b") &&
	      !guestcfg_name_ok("x'y"), "empty names, blanks, slashes and quotes are refused");
}

static void test_mac(void)
{
	uint8_t a[6], b[6], c[6];

	setenv("XENLIVE_MACHINE_FILE", "/nonexistent", 1);      /* machine a */
	guestcfg_mac("debian-1", a);
	guestcfg_mac("debian-1", b);
	guestcfg_mac("debian-2", c);
	CHECK(a[0] == 0x00 && a[1] == 0x16 && a[2] == 0x3e, "MAC uses Xen's OUI 00:16:3e");
	CHECK(!memcmp(a, b, 6), "the same name gives the same MAC");
	CHECK(memcmp(a, c, 6) != 0, "different names give different MACs");
	CHECK((a[3] & 0x80) == 0 && (c[3] & 0x80) == 0, "fourth byte keeps bit 7 clear (like xl)");
	int distinct = 1;
	uint8_t seen[64][6];
	for (int i = 0; i < 64; i++) {
		char name[32];
		snprintf(name, sizeof name, "centos-%d", i + 1);
		guestcfg_mac(name, seen[i]);
		for (int j = 0; j < i; j++)
			if (!memcmp(seen[i], seen[j], 6))
				distinct = 0;
	}
	CHECK(distinct, "64 guest names give 64 distinct MACs");
	guestcfg_mac_of('a', "debian-1", b);
	CHECK(!memcmp(a, b, 6), "on machine a (the default) a guest's MAC is its name's alone");
	guestcfg_mac_of('b', "debian-1", c);
	CHECK(memcmp(a, c, 6) != 0 && c[0] == 0x00 && c[1] == 0x16 && c[2] == 0x3e && (c[3] & 0x80) == 0,
	      "debian-1 of xenlive-b has another MAC than debian-1 of xenlive-a (they meet in LAN mode)");
}

static void test_build(void)
{
	struct catalog_entry e = {
		.id = "debian", .name = "Debian", .image = "/m/g/debian.sqfs", .memory_mib = 48,
		.min_memory_mib = 32, .kernel = "/m/g/kernel/vmlinux.gz",
		.ramdisk = "/m/g/kernel/initrd.gz", .cmdline = "console=hvc0 quiet",
	};
	struct guestcfg g;
	char err[256] = "", want[128];

	CHECK_INT(guestcfg_build(&e, 0, "debian-3", "xenbr0", &g, err, sizeof err), 0, "config builds");
	CHECK_INT(g.memory_mib, 48, "memory defaults to the catalogue's");
	CHECK_STR(g.disk, "format=raw,vdev=xvda,access=ro,script=xenlive-block,target=/m/g/debian.sqfs",
		  "disk is the shared read-only image");
	snprintf(want, sizeof want, "bridge=xenbr0,script=xenlive-vif,mac=00:16:3e:%02x:%02x:%02x", g.mac[3], g.mac[4], g.mac[5]);
	CHECK_STR(g.vif, want, "vif is on xenbr0 with the name's MAC");
	CHECK_STR(g.cmdline, "console=hvc0 quiet xenlive.name=debian-3",
		  "cmdline gets xenlive.name=NAME appended");
	CHECK_STR(g.kernel, "/m/g/kernel/vmlinux.gz", "kernel from the catalogue");
	CHECK_STR(g.ramdisk, "/m/g/kernel/initrd.gz", "ramdisk from the catalogue");
	CHECK_STR(g.distro, "debian", "distro recorded");
	CHECK_INT(g.vcpus, 1, "one vCPU");

	CHECK_INT(guestcfg_build(&e, 64, "debian-3", "xenbr0", &g, err, sizeof err), 0, "more memory is fine");
	CHECK_INT(g.memory_mib, 64, "asked-for memory used");
	CHECK_INT(guestcfg_build(&e, 32, "debian-3", "xenbr0", &g, err, sizeof err), 0, "the minimum is fine");
	CHECK_INT(guestcfg_build(&e, 31, "debian-3", "xenbr0", &g, err, sizeof err), -1,
		  "memory below the distro's minimum is refused");
	CHECK_STR(err, "debian needs at least 32 MiB of memory (asked for 31 MiB)",
		  "and the error says the minimum");
	CHECK_INT(guestcfg_build(&e, 0, "bad name", "xenbr0", &g, err, sizeof err), -1, "a bad name is refused");
	CHECK_CONTAINS(err, "invalid guest name", "with a clear error");
	CHECK_INT(guestcfg_build(&e, 0, "debian-3", "br1", &g, err, sizeof err), 0,
		  "another bridge builds");
	CHECK_CONTAINS(g.vif, "bridge=br1,", "the vif joins the bridge asked for");
	CHECK_STR(g.bridge, "br1", "and the config records it (libxl's nic)");
	CHECK_INT(guestcfg_build(&e, 0, "debian-3", "br 1;x", &g, err, sizeof err), -1,
		  "a bridge that is no interface name is refused");

	struct catalog_entry bare = e;
	bare.cmdline[0] = '\0';
	guestcfg_build(&bare, 0, "debian-1", "xenbr0", &g, err, sizeof err);
	CHECK_STR(g.cmdline, "xenlive.name=debian-1", "no leading blank when cmdline is empty");

	/* Files. */
	guestcfg_build(&e, 0, "debian-1", "xenbr0", &g, err, sizeof err);
	CHECK_INT(guestcfg_check_files(&g, err, sizeof err), -1, "a missing image is noticed");
	CHECK_CONTAINS(err, "missing image /m/g/debian.sqfs", "and named");
	char dir[] = "/tmp/livetop-cfg-XXXXXX", img[300], ker[300];
	if (mkdtemp(dir)) {
		snprintf(img, sizeof img, "%s/img", dir);
		snprintf(ker, sizeof ker, "%s/kernel", dir);
		fclose(fopen(img, "w"));
		snprintf(g.image, sizeof g.image, "%s", img);
		snprintf(g.kernel, sizeof g.kernel, "%s", ker);
		g.ramdisk[0] = '\0';
		CHECK_INT(guestcfg_check_files(&g, err, sizeof err), -1, "a missing kernel is noticed");
		CHECK_CONTAINS(err, "missing kernel", "and named");
		fclose(fopen(ker, "w"));
		CHECK_INT(guestcfg_check_files(&g, err, sizeof err), 0, "all files present passes");
		unlink(img);
		unlink(ker);
		rmdir(dir);
	}

	/* xl.cfg rendering for --dry-run. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	guestcfg_build(&e, 0, "debian-2", "xenbr0", &g, err, sizeof err);
	guestcfg_write_xl(&g, f);
	fclose(f);
	CHECK_CONTAINS(buf, "name = \"debian-2\"\n", "xl.cfg has the name");
	CHECK_CONTAINS(buf, "type = \"pv\"\n", "xl.cfg is a PV guest");
	CHECK_CONTAINS(buf, "memory = 48\n", "xl.cfg has the memory");
	CHECK_CONTAINS(buf, "disk = [ 'format=raw,vdev=xvda,access=ro,script=xenlive-block,target=/m/g/debian.sqfs' ]",
		       "xl.cfg has the disk");
	CHECK_CONTAINS(buf, "vif = [ 'bridge=xenbr0,script=xenlive-vif,mac=00:16:3e:", "xl.cfg has the vif");
	free(buf);
}

int main(void)
{
	test_names();
	test_mac();
	test_build();
	return harness_done();
}
