#!/bin/bash
# xenlive-agent's own suite: unit tests, a fake xenstore integration test
# and the ASan/UBSan run (see guests/agent/README.md).
cd "$(dirname "$0")/.." || exit 1
make -s -C guests/agent check 2>&1 | grep -v ' passed, [0-9]* failed$'
exit "${PIPESTATUS[0]}"
