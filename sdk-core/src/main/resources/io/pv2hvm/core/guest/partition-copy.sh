#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# partition-copy SOURCE TARGET
# Lays out TARGET as an HVM disk: msdos label, partition 1 from 1 MiB to the end, holding a copy
# of the unpartitioned filesystem on SOURCE grown to fill it. Copies only used blocks (e2image
# for ext2/3/4, xfs_copy for XFS; dd for anything else). SOURCE is only read. When TARGET is
# no larger than SOURCE, an ext filesystem is copied to TARGET, shrunk by the 1 MiB the label
# needs and moved in place; XFS cannot shrink, so it needs TARGET >= SOURCE + 1 MiB.
# Prints PV2HVM-PROGRESS lines while copying and PARTITION=<node> at the end. Re-runnable:
# every run rebuilds TARGET from SOURCE.
[[ $# -eq 2 ]] || fail "usage: partition-copy SOURCE TARGET"
src=$1 dst=$2
need_block_device SOURCE "$src"
need_block_device TARGET "$dst"
[[ $(readlink -f "$src") != $(readlink -f "$dst") ]] || fail "SOURCE and TARGET are the same device"
need_tools parted partx blockdev blkid dd
not_mounted "$dst"
[[ -z $(table_type "$src") ]] || fail "$src already has a partition table; PARTITION_COPY expects a PV whole-disk filesystem"

type=$(fs_type "$src")
src_bytes=$(blockdev --getsize64 "$src")
dst_bytes=$(blockdev --getsize64 "$dst")
offset=1048576
part_bytes=$(( (dst_bytes - offset) / 512 * 512 ))
(( part_bytes > 0 )) || fail "$dst is too small for a partition"
case $type in
  ext2|ext3|ext4)
    fs_bytes=$(fs_size_bytes "$src")
    # an unreplayed journal can reference blocks the bitmaps do not show yet: copy everything
    method=e2image
    [[ " $(ext_features "$src") " == *" needs_recovery "* ]] && method='dd' ;;
  xfs) method=xfs_copy; fs_bytes=$(fs_size_bytes "$src") ;;
  *) method='dd'; fs_bytes=$src_bytes ;;
esac

# refuse what cannot fit before writing anything
case $method in
  xfs_copy) (( fs_bytes <= part_bytes )) || fail "XFS cannot shrink: $dst needs at least $((fs_bytes + offset)) bytes (source filesystem $fs_bytes bytes + 1 MiB for the label)" ;;
  dd) (( fs_bytes <= part_bytes )) || fail "$dst is too small: a $type filesystem of $fs_bytes bytes copied whole needs $((fs_bytes + offset)) bytes" ;;
esac

# e2image -p / xfs_copy / dd status=progress -> PV2HVM-PROGRESS lines (scaled into FROM..TO)
report() { # FROM TO LABEL
  tr '\r' '\n' | awk -v from="$1" -v to="$2" -v label="$3" '
    match($0, /\(([0-9.]+)%\)/) { p = substr($0, RSTART + 1, RLENGTH - 3) }
    /^ *[0-9]+%/ { p = $1; sub(/%.*/, "", p) }
    /bytes .* copied/ { split($0, a, " "); if (total > 0) p = 100 * a[1] / total }
    p != "" && p != last { printf "PV2HVM-PROGRESS %.1f %s\n", from + (to - from) * p / 100, label; fflush(); last = p }
  ' total="$fs_bytes"
}

progress 0 "copying $type filesystem ($method)"
case $method in
  e2image)
    need_tools e2image e2fsck resize2fs
    if (( fs_bytes <= part_bytes )); then
      e2image -ra -p -O "$offset" "$src" "$dst" 2> >(report 0 90 "copying used blocks")
    else
      # same-size target: copy, shrink by what the label takes, then move the filesystem up 1 MiB
      e2image -ra -p "$src" "$dst" 2> >(report 0 45 "copying used blocks")
      e2fsck -fy "$dst" >&2 || (( $? <= 1 )) || fail "e2fsck on the copy failed"
      resize2fs "$dst" "$(( part_bytes / 1024 ))K" >&2
      e2image -ra -p -O "$offset" "$dst" 2> >(report 45 90 "moving the filesystem after the label")
    fi ;;
  *) : ;;  # xfs_copy and dd copy into the partition below
esac
wait

# the first MiB may still hold the copy's old superblock: a stale whole-disk signature with
# the same UUID would let the guest find its root on the disk instead of the partition
dd if=/dev/zero of="$dst" bs=1M count=1 conv=notrunc,fsync status=none
parted -s "$dst" mklabel msdos mkpart primary 1MiB 100% set 1 boot on
part=$(partition_node "$dst" 1)

case $method in
  xfs_copy)
    need_tools xfs_copy xfs_growfs
    xfs_copy -d "$src" "$part" > >(report 0 90 "copying used blocks") 2>&1 ;;
  dd)
    [[ $type =~ ^ext ]] && progress 0 "journal needs recovery: copying all blocks"
    dd if="$src" of="$part" bs=4M count="$(( (fs_bytes + 4194303) / 4194304 ))" iflag=fullblock status=progress 2> >(report 0 90 "copying all blocks") ;;
esac
wait

progress 90 "growing the filesystem to the partition"
case $type in
  ext2|ext3|ext4) e2fsck -fy "$part" >&2 || (( $? <= 1 )) || fail "e2fsck on $part failed"; resize2fs "$part" >&2 ;;
  xfs) mount_guest "$part" rw; xfs_growfs "$MNT" >&2; umount "$MNT" ;;
esac
sync
blockdev --flushbufs "$dst" 2>/dev/null || true
progress 100 "partition copy done"
echo "PARTITION=$part"
