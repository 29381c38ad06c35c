#!/bin/bash
# livetop's own suite: unit tests, CLI, the tmux TUI test with the fake
# backend, and the ASan/UBSan run (see monitor/README.md).
cd "$(dirname "$0")/.." || exit 1
make -s -C monitor check 2>&1 | grep -v ' passed, [0-9]* failed$'
exit "${PIPESTATUS[0]}"
