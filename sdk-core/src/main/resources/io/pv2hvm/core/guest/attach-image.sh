#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# attach-image IMAGE ro|rw
# Attaches a disk image file to a free loop device and prints LOOP=<device>.
[[ $# -eq 2 ]] || fail "usage: attach-image IMAGE ro|rw"
img=$1 mode=$2
need_word IMAGE "$img" '^/[A-Za-z0-9/_.+@-]+$'
need_word MODE "$mode" '^(ro|rw)$'
[[ -f $img ]] || fail "$img is not a regular file"
need_tools losetup
if [[ $mode == ro ]]; then loop=$(losetup -f --show -r "$img"); else loop=$(losetup -f --show "$img"); fi
echo "LOOP=$loop"
