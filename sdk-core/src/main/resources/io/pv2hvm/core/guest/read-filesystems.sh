#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# read-filesystems DEVICE
# Prints what identifies each filesystem on the data volume at DEVICE, read-only (blkid's
# low-level probe; nothing is mounted or written): one line per node, tab-separated,
#   FS <partition number, 0 for the whole volume> <TYPE> <UUID> <LABEL>
# with empty fields for what the node lacks. An LVM or RAID member reports its member TYPE
# (LVM2_member, linux_raid_member) and an unformatted volume an empty TYPE: the caller keeps
# such fstab entries by name.
[[ $# -eq 1 ]] || fail "usage: read-filesystems DEVICE"
dev=$1
need_block_device DEVICE "$dev"
need_tools blkid partx
probe() { # NODE N
  local type uuid label
  type=$(blkid -p -s TYPE -o value "$1" 2>/dev/null || true)
  uuid=$(blkid -p -s UUID -o value "$1" 2>/dev/null || true)
  label=$(blkid -p -s LABEL -o value "$1" 2>/dev/null || true)
  printf 'FS\t%s\t%s\t%s\t%s\n' "$2" "$type" "$uuid" "$label"
}
if [[ -n $(table_type "$dev") ]]; then
  for n in $(partx -g -o NR "$dev" 2>/dev/null); do
    probe "$(partition_node "$dev" "$n")" "$n"
  done
else
  probe "$dev" 0
fi
