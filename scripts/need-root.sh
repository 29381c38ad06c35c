#!/bin/sh
# usage: need-root.sh TARGET — stops, before anything is done, unless root.
if [ "$(id -u)" != 0 ]; then
	echo "make $1: error: needs root (it installs packages and builds a root file system); run: sudo make $1" >&2
	exit 1
fi
