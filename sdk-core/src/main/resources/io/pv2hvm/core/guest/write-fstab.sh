#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# write-fstab DEVICE CONTENT
# Replaces /etc/fstab on the guest filesystem on DEVICE, keeping the original once as
# /etc/fstab.pv2hvm-orig. Re-runnable: the backup is never overwritten.
[[ $# -eq 2 ]] || fail "usage: write-fstab DEVICE CONTENT"
dev=$1 content=$2
need_block_device DEVICE "$dev"
need_text CONTENT "$content"
not_mounted "$dev"
mount_guest "$dev" rw
fstab=$(guest_file /etc/fstab)
write_guest_file "$fstab" "$content"
sync
echo "FSTAB=written"
