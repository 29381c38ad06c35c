# xenlive build configuration: every tunable, one line each.
# Override any of them on the command line: make DOM0_MEM=384 MIRROR=http://...

# Debian suite the image is assembled from (supported: bookworm).
SUITE ?= bookworm
# Xen release; must be the one SUITE ships (bookworm ships 4.17).
XEN_VERSION ?= 4.17
# Debian archive mirror; default: the one this host's apt sources name.
MIRROR ?= $(shell scripts/host-mirror.sh main)
# Debian security archive (empty: no security updates).
SECURITY_MIRROR ?= $(shell scripts/host-mirror.sh security)
# Download and build cache, outside the checkout; kept by `make clean`.
CACHE ?= /var/cache/xenlive
# Memory given to dom0 by the default boot entries: DOM0_MEM MiB plus
# DOM0_MEM_PCT percent of the host's memory (0: exactly DOM0_MEM), fixed at
# boot (dom0 does not balloon).  Each running guest costs dom0 ~2.6 MiB; 11%
# keeps room for one for every ~26 MiB Xen can give (the smallest Debian guest).
DOM0_MEM ?= 160
DOM0_MEM_PCT ?= 11
# Alternative dom0 memory sizes offered in the boot menu, in MiB.
DOM0_MEM_CHOICES ?= 384 512
# Virtual CPUs for dom0 (the rest of the machine's CPUs run guests too).
DOM0_VCPUS ?= 2
# Serial port settings for Xen's console (first serial port).
SERIAL ?= com1=115200,8n1
# Screen mode Xen sets before dom0 starts (Xen's vga= option), for every boot
# entry but Safe mode (VGA text): a framebuffer size every PC and projector
# shows; dom0 then picks a font for it (rootfs/.../screen-font).
XEN_VGA ?= gfx-1024x768x32
# Extra Xen command-line options appended to every boot entry.
XEN_EXTRA ?=
# ISO9660 volume label; dom0 finds its boot medium by it.
ISO_LABEL ?= XENLIVE
# Seconds the boot menu waits before starting the default entry.
MENU_TIMEOUT ?= 3
# Timestamp for every file in the image, for reproducible builds.
SOURCE_DATE_EPOCH ?= 1767225600
# Bridge guests and dom0 share, and the network on it: BRIDGE_NET is the
# first three octets of a /20 (the third a multiple of 16); dom0 is .1 and
# guests get .10-.250 of each of its 16 blocks of 256 (3856 addresses).
# That is machine a's; machine b takes the next /20, and so on, in
# BRIDGE_NET's /16, which all xenlive machines on one cable share (LAN mode).
BRIDGE ?= xenbr0
BRIDGE_NET ?= 10.73.0
# Netboot (xenlive-serve): on a cable with no DHCP server, the serving
# machine takes SERVE_NET.1/24 and hands out SERVE_NET.10-.250 to the PCs
# booting from it (first three octets; with a DHCP server on the cable,
# that server's addresses are used and SERVE_NET is not).
SERVE_NET ?= 10.74.0
# Guests: each distro is a folder guests/ID/ whose descriptor (guests/ID/distro)
# holds its memory default and minimum (overridden as ID_MEM, ID_MIN_MEM:
# make DEBIAN_MEM=64) and names the settings its build reads, which are set
# on make's command line too: make CENTOS_MIRROR=... (guests/centos/README.md).
# Debian's source package the guests' own kernel is compiled from.
GUEST_KERNEL_SOURCE ?= linux-source-6.1
# Memory (MiB) of the Debian guest on Debian's own kernel (the stock-kernel
# fallback entry), and the least it may get.
STOCK_MEM ?= 128
STOCK_MIN_MEM ?= 96
# 1: a guest that cannot be built (e.g. mirror unreachable) fails the build.
REQUIRE_GUESTS ?= 0
