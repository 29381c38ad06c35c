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
# Memory given to dom0, in MiB (fixed: dom0 does not balloon).
DOM0_MEM ?= 256
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
# Bridge guests and dom0 share, and dom0's address on it.
BRIDGE ?= xenbr0
BRIDGE_NET ?= 10.73.0
# Guests: memory (MiB) each instance gets by default, and the least it may get.
DEBIAN_MEM ?= 48
DEBIAN_MIN_MEM ?= 36
CENTOS_MEM ?= 64
CENTOS_MIN_MEM ?= 48
# CentOS Stream release and mirror the CentOS guest is built from (with dnf).
CENTOS_RELEASE ?= 9
CENTOS_MIRROR ?= https://mirror.stream.centos.org
# Repositories for the CentOS guest as "name=url ..." (empty: BaseOS and
# AppStream under CENTOS_MIRROR); tests point this at a local repository.
CENTOS_REPOS ?=
# Packages, signing keys and GPG checking for the CentOS guest (empty: the
# builder's defaults, see guests/centos/README.md).
CENTOS_PACKAGES ?=
CENTOS_GPGKEY ?=
CENTOS_GPGCHECK ?= 1
# 1: a guest that cannot be built (e.g. mirror unreachable) fails the build.
REQUIRE_GUESTS ?= 0
