#!/bin/bash
# usage: config-check.sh
# Validates the configuration (from the environment, set by the Makefile)
# before anything is downloaded: every error names the variable to change.
STAGE=config
. "$(dirname "$0")/lib.sh"

# suite -> the Xen release it ships
declare -A xen_of=([bookworm]=4.17)

[ -n "${xen_of[$SUITE]:-}" ] ||
	die "unknown SUITE '$SUITE' (supported: ${!xen_of[*]})"
[ "$XEN_VERSION" = "${xen_of[$SUITE]}" ] ||
	die "unknown XEN_VERSION '$XEN_VERSION' for SUITE $SUITE (it ships ${xen_of[$SUITE]})"
num() { case $2 in ''|*[!0-9]*) die "$1 must be a number of MiB, not '$2'" ;; esac; }
num DOM0_MEM "$DOM0_MEM"
[ "$DOM0_MEM" -ge 128 ] || die "DOM0_MEM=$DOM0_MEM is too small (at least 128 MiB)"
case $DOM0_MEM_PCT in ''|*[!0-9]*) die "DOM0_MEM_PCT must be a whole percentage, not '$DOM0_MEM_PCT'" ;; esac
[ "$DOM0_MEM_PCT" -le 50 ] || die "DOM0_MEM_PCT=$DOM0_MEM_PCT is too large (at most 50% of the host for dom0)"
for m in $DOM0_MEM_CHOICES; do num DOM0_MEM_CHOICES "$m"; done
num DOM0_VCPUS "$DOM0_VCPUS"
num MENU_TIMEOUT "$MENU_TIMEOUT"
num SOURCE_DATE_EPOCH "$SOURCE_DATE_EPOCH"
case $ISO_LABEL in ''|*[!A-Z0-9_]*) die "ISO_LABEL must be A-Z, 0-9, _ (got '$ISO_LABEL')" ;; esac
[ "${#ISO_LABEL}" -le 32 ] || die "ISO_LABEL is longer than 32 characters"
case $MIRROR in http://*|https://*|file:/*) ;; *) die "MIRROR must be an http(s):// or file:/ URL (got '$MIRROR')" ;; esac
case $BRIDGE in [a-z]*[!a-z0-9_]* | [!a-z]* | '') die "BRIDGE must be a network interface name of a-z, 0-9, _ (got '$BRIDGE')" ;; esac
[ "${#BRIDGE}" -le 15 ] || die "BRIDGE is longer than 15 characters (Linux's limit for an interface name)"
num STOCK_MEM "$STOCK_MEM"
num STOCK_MIN_MEM "$STOCK_MIN_MEM"
# three_octets NAME EXAMPLE: NAME's value is the first three octets of an address
three_octets() {
	local o1 o2 o3 rest o
	IFS=. read -r o1 o2 o3 rest <<< "${!1}"
	for o in "$o1" "$o2" "$o3"; do
		case $o:$rest in [0-9]: | [1-9][0-9]: | 1[0-9][0-9]: | 2[0-4][0-9]: | 25[0-5]:) ;;
		*) die "$1 must be the first three octets, e.g. $2 (got '${!1}')" ;; esac
	done
}
three_octets BRIDGE_NET 10.73.0
three_octets SERVE_NET 10.74.0
[ "${SERVE_NET%.*}" != "${BRIDGE_NET%.*}" ] ||
	die "SERVE_NET=$SERVE_NET lies in the guests' network ${BRIDGE_NET%.*}.0.0/16 (BRIDGE_NET): pick another, e.g. 10.74.0"
IFS=. read -r _ _ o3 _ <<< "$BRIDGE_NET"
[ $((o3 % 16)) = 0 ] || die "BRIDGE_NET=$BRIDGE_NET does not start a /20: its third octet must be a multiple of 16 (e.g. 10.73.0, 10.73.16)"
exit 0
