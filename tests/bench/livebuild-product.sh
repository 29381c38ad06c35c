#!/bin/bash
# usage: tests/bench/livebuild-product.sh
# Prints the directory holding the live-build comparison image and its guest
# (tests/bench/livebuild.sh's output), building it first when the cache
# ($CACHE/products/livebuild-KEY) does not have it.  KEY covers livebuild.sh,
# the mirrors and the suite.
STAGE=live-build
. "$(dirname "$0")/../../scripts/lib.sh"
: "${MIRROR:=$("$TOP/scripts/host-mirror.sh" main)}" "${SECURITY_MIRROR:=$("$TOP/scripts/host-mirror.sh" security)}" "${SUITE:=bookworm}"
export MIRROR SECURITY_MIRROR SUITE
inputs=(-f tests/bench/livebuild.sh -v MIRROR SECURITY_MIRROR SUITE)
dir=$(product_path livebuild "${inputs[@]}")
if [ ! -f "$dir/.complete" ]; then
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/xenlive-lb.XXXXXX")
	on_exit "rm -rf '$scratch'"
	# cached_product copies its product to an output directory; the product is big
	# and the cache copy is what we use, so that copy goes to a scratch place
	cached_product livebuild "$scratch/copy" "${inputs[@]}" -- "$TOP/tests/bench/livebuild.sh"
fi
echo "$dir"
