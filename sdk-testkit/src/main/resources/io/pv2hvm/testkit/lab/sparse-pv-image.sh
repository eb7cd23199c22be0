#!/bin/bash
# Turns IMAGE, a sparse copy of an ext lab fixture, into a SIZE_GIB PV image for write
# measurements: extends the file (sparse), grows the filesystem, and writes one file of
# /dev/urandom data (incompressible) of FILL_PERCENT% of the filesystem's size into /data.
# Before returning it waits until ext4 has initialized the inode tables of the groups the grow
# added, as on a volume in service. Otherwise every read-write mount (the conversion's too)
# restarts that lazy init after a random delay of up to 5 s, and whatever it zeroes while the
# mount lasts (up to 32 MiB per GiB for these images) counts as written: the measurement would
# depend on timing.
# Usage: sparse-pv-image.sh IMAGE SIZE_GIB FILL_PERCENT
# Prints FS_BYTES=<filesystem size>, INODE_TABLE_BYTES=<all inode tables> and USED_BYTES=<df used>.
set -euo pipefail
[[ $# -eq 3 ]] || { echo "usage: sparse-pv-image.sh IMAGE SIZE_GIB FILL_PERCENT" >&2; exit 2; }
img=$1 gib=$2 percent=$3

truncate -s "${gib}G" "$img"
e2fsck -fy "$img" >/dev/null 2>&1 || (( $? <= 1 ))
resize2fs "$img" >/dev/null 2>&1
fs_bytes=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Block count:/ { c = $2 } /^Block size:/ { s = $2 } END { printf "%.0f\n", c * s }')
itable_bytes=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Inode count:/ { c = $2 } /^Inode size:/ { s = $2 } END { printf "%.0f\n", c * s }')

mnt=$(mktemp -d)
loop=$(losetup -f --show "$img")
trap 'umount "$mnt" 2>/dev/null || true; losetup -d "$loop"; rmdir "$mnt"' EXIT
uninitialized_groups() { { dumpe2fs "$loop" 2>/dev/null || true; } | grep '^Group [0-9]' | grep -vc ITABLE_ZEROED || true; }

# init_itable=0: the lazy init thread does not pause between groups
mount -o init_itable=0 "$loop" "$mnt"
mkdir -p "$mnt/data"
dd if=/dev/urandom of="$mnt/data/random.bin" bs=1M count=$(( fs_bytes * percent / 100 / 1048576 )) status=none
sync -f "$mnt"
for (( i = 0; i < 1200 && $(uninitialized_groups) > 0; i++ )); do sleep 0.5; done
used=$(df -B1 --output=used "$mnt" | tail -1 | tr -d ' ')
umount "$mnt"
left=$(uninitialized_groups)
(( left == 0 )) || { echo "$left block groups of $img still have uninitialized inode tables" >&2; exit 1; }
echo "FS_BYTES=$fs_bytes"
echo "INODE_TABLE_BYTES=$itable_bytes"
echo "USED_BYTES=$used"
