#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# detach-image LOOP
# Releases a loop device attached by attach-image (its partitions go with it). Re-runnable.
[[ $# -eq 1 ]] || fail "usage: detach-image LOOP"
loop=$1
need_word LOOP "$loop" '^/dev/loop[0-9]+$'
[[ -b $loop ]] || exit 0
partx -d "$loop" >/dev/null 2>&1 || true
losetup -d "$loop" 2>/dev/null || ! losetup "$loop" >/dev/null 2>&1 || fail "cannot detach $loop"
echo "DETACHED=$loop"
