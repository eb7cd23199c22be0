#!/bin/bash
# The seeds' manual procedure, for the benchmark only: e2fsck -f and resize2fs -M on the SOURCE
# (it is modified!), dd of the shrunk filesystem into partition 1 (at 1 MiB) of TARGET, resize2fs
# to grow it. Bootloader and config edits are left out (they cost seconds, not gigabytes).
# Usage: seeds-recipe.sh SOURCE_DEVICE TARGET_DEVICE
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: seeds-recipe.sh SOURCE TARGET" >&2; exit 2; }
src=$1 dst=$2
for d in "$src" "$dst"; do
  [[ $d =~ ^/dev/[a-z0-9/]+$ && -b $d ]] || { echo "not a block device: $d" >&2; exit 2; }
done
e2fsck -fy "$src" >/dev/null 2>&1 || (( $? <= 1 ))
resize2fs -M "$src" >/dev/null 2>&1
bytes=$(dumpe2fs -h "$src" 2>/dev/null | awk -F: '/^Block count:/ { c = $2 } /^Block size:/ { s = $2 } END { printf "%.0f\n", c * s }')
parted -s "$dst" mklabel msdos mkpart primary 1MiB 100%
part=${dst}p1
for ((i = 0; i < 20; i++)); do [[ -b $part ]] && break; sleep 0.1; done
[[ -b $part ]] || partx -a "$dst"
dd if="$src" of="$part" bs=4M count=$(( (bytes + 4194303) / 4194304 )) iflag=fullblock status=none
e2fsck -fy "$part" >/dev/null 2>&1 || (( $? <= 1 ))
resize2fs "$part" >/dev/null 2>&1
sync
echo "COPIED_BYTES=$bytes"
