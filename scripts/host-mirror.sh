#!/bin/sh
# usage: host-mirror.sh main|security
# Prints the Debian mirror this host's apt sources name (the main archive, or
# the security archive), so the build downloads from the same place apt does.
# Falls back to Debian's official redirector when the host names none (e.g.
# an Ubuntu host).
set -eu
kind=${1:-main}
: "${APT_SOURCES_DIR:=/etc/apt}"

# Emit "URI SUITE" pairs from one-line (.list) and deb822 (.sources) files.
pairs() {
	for f in "$APT_SOURCES_DIR"/sources.list "$APT_SOURCES_DIR"/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\)[[:space:]]\+\([^[:space:]]\+\).*/\2 \3/p' "$f"
	done
	for f in "$APT_SOURCES_DIR"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
		function flush() { if (uris != "" && types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no")
			{ n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
			  for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (u[i] != "" && s[j] != "") print u[i], s[j] }
			uris = suites = types = enabled = "" }
		/^[ \t]*$/ { flush(); next }
		/^[ \t]*#/ { next }
		tolower($1) == "uris:" { sub(/^[^:]*:[ \t]*/, ""); uris = $0 }
		tolower($1) == "suites:" { sub(/^[^:]*:[ \t]*/, ""); suites = $0 }
		tolower($1) == "types:" { sub(/^[^:]*:[ \t]*/, ""); types = $0 }
		tolower($1) == "enabled:" { sub(/^[^:]*:[ \t]*/, ""); enabled = tolower($0) }
		END { flush() }' "$f"
	done
}

case $kind in
main)     found=$(pairs | awk '$2 !~ /security/ && $1 ~ /debian\/?$/ { print $1; exit }')
          fallback=http://deb.debian.org/debian ;;
security) found=$(pairs | awk '$2 ~ /-security/ && $1 ~ /debian-security\/?$/ { print $1; exit }')
          fallback=http://deb.debian.org/debian-security ;;
*)        echo "usage: $0 main|security" >&2; exit 2 ;;
esac
printf '%s\n' "${found:-$fallback}" | sed 's|/*$||'
