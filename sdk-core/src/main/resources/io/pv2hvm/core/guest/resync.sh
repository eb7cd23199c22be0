#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# resync SOURCE TARGET CUTOFF
# PARTITION_COPY's final round, incremental: brings the filesystem in partition 1 of TARGET (the
# trial round's target, already laid out, copied and converted by partition-copy and the
# conversion jobs) to the content of the stopped source's bare filesystem on SOURCE, writing
# only what differs. The SDK then runs the conversion's jobs again (fix-drivers, install-grub,
# adapt-guest, write-fstab), as after partition-copy: the files they edit come back from SOURCE
# here, and their .pv2hvm-orig copies, absent from SOURCE, are deleted, so each job keeps the
# source's current original again.
# Why rsync -aHAXS --numeric-ids --delete: it copies only files that differ, keeping hard links
# (-H), ACLs (-A), extended attributes including SELinux labels (-X), holes of sparse files (-S),
# device nodes, owners by number and times (-a), and deletes what the source no longer has. A
# block-level copy (e2image) would write the whole used filesystem again.
# Which files differ: rsync's quick check compares size and modification time only, and a file
# rewritten with the same size and its mtime set back (tar -x, cp -p, rsync -t, touch -r, some
# databases) passes it. The inode change time (ctime) cannot be set from user space and moves on
# every change of content or metadata, so a first pass copies whole (--ignore-times) every source
# inode whose ctime is not older than CUTOFF (seconds since the epoch: the trial snapshot's start
# less a margin for the source's clock, which stamped the ctimes; the SDK passes it), found by
# find -newerct; the second pass is rsync's quick check with --delete over the whole tree. Files
# older than CUTOFF were in the trial snapshot as they are now. Writes stay of the order of the
# change (what changed after CUTOFF), reads are the metadata of both trees plus that change.
# The source's clock is judged from its own ctimes: a ctime more than 10 minutes after the
# worker's clock (the source stopped before this runs) means it ran ahead at some point and may
# have been stepped back since; no ctime since CUTOFF means it ran behind by more than the margin
# (a system that ran through the snapshot and stopped changes some inode at least). Either way
# its ctimes are not trusted and the single pass compares every file's content (--checksum): all
# data read on both sides, still only the difference written. CLOCK= says which. Not caught: a
# clock behind by more than the margin but by less than the time from the snapshot to the stop
# (its last changes still fall after CUTOFF, earlier ones before it).
# SOURCE is only read, through a read-only loop device, mounted read-only, nodev, nosuid, noexec;
# rsync copies its symbolic links as links and never follows one (no -L/-k/-K), and stays on it
# (-x). TARGET's tree is guest content too: where it holds a link and SOURCE a directory, rsync
# (without -K) replaces the link, never writing through it; it is mounted nodev, nosuid. A changed
# file is written whole (rsync's default between local paths). A source whose journal needs recovery (not cleanly stopped) is refused: without replaying
# it, the view would miss recent writes; the full conversion copies every block then.
# Refuses (PV2HVM-NOT-RESYNCABLE on stderr), before writing anything, a TARGET that is not a
# converted copy of this SOURCE: not one msdos partition from 1 MiB, another filesystem type or
# UUID, no GRUB2 boot code (a copy the conversion never finished), or too small for the source's
# used data.
# Prints PV2HVM-PROGRESS lines, then CLOCK= (ctime or checksum), CHANGED= (source inodes whose
# ctime is not older than CUTOFF), FILES=, DELETED=, BYTES= (what rsync transferred, both passes)
# and PARTITION=<node>. Re-runnable: a re-run only finishes what an interrupted one left.
[[ $# -eq 3 ]] || fail "usage: resync SOURCE TARGET CUTOFF"
src=$1 dst=$2 cutoff=$3
# no leading zero: bash arithmetic would read it as octal
[[ $cutoff =~ ^[1-9][0-9]{0,11}$ ]] || fail "CUTOFF '$cutoff' is not a time in seconds since the epoch"
now=$(date +%s)
(( cutoff >= 946684800 && cutoff <= now )) || fail "CUTOFF $cutoff is not between 2000-01-01 and the worker's clock ($now)"
need_block_device SOURCE "$src"
need_block_device TARGET "$dst"
[[ $(readlink -f "$src") != $(readlink -f "$dst") ]] || fail "SOURCE and TARGET are the same device"
need_tools rsync find losetup blkid partx blockdev mount
not_mounted "$src"
not_mounted "$dst"

# not_resyncable WHY: the target or source is not fit for an incremental round; the SDK raises a
# ResyncRefusedException telling the caller to run the full conversion.
not_resyncable() {
  printf 'PV2HVM-NOT-RESYNCABLE\t%s\n' "${1//[[:cntrl:]]/?}" >&2
  fail "$1"
}

[[ -z $(table_type "$src") ]] || not_resyncable "$src has a partition table; resync expects the source's bare root filesystem"
type=$(fs_type "$src")
case $type in
  ext2|ext3|ext4|xfs) ;;
  *) not_resyncable "$src holds a '${type:-unknown}' filesystem; resync handles ext2/3/4 and XFS" ;;
esac
if [[ $type == ext* && " $(ext_features "$src") " == *" needs_recovery "* ]]; then
  not_resyncable "the filesystem on $src was not cleanly unmounted (its journal needs recovery); a read-only view would miss the journal's writes: run the full PARTITION_COPY conversion, which copies every block"
fi
uuid=$(blkid -p -s UUID -o value "$src")
[[ $uuid =~ ^[0-9A-Fa-f-]+$ ]] || not_resyncable "no filesystem UUID on $src"

# the source, read-only down to the block device: a journal or log that needs replaying makes the
# mount fail instead of being replayed (ext4 and XFS refuse recovery on a read-only device)
ro=$(losetup -f --show -r "$src") || fail "cannot attach $src read-only through a loop device"
PV2HVM_LOOPS+=("$ro")
opts=ro,noexec,nodev,nosuid
target_opts=rw,noatime,nodev,nosuid
# partition-copy's xfs_copy -d duplicates the UUID, which XFS refuses to mount twice without nouuid
[[ $type == xfs ]] && { opts+=,nouuid; target_opts+=,nouuid; }
SRC=$(mktemp -d /tmp/pv2hvm-src.XXXXXX)
PV2HVM_TMP+=("$SRC")
mount -t "$type" -o "$opts" "$ro" "$SRC" \
  || not_resyncable "cannot mount $src read-only without replaying its journal or log (not cleanly unmounted?): run the full PARTITION_COPY conversion, which copies every block"
PV2HVM_MOUNTS+=("$SRC")

# the target must be what partition-copy made of this source
[[ $(table_type "$dst") == dos ]] || not_resyncable "$dst has no msdos partition table: it is not a PARTITION_COPY target"
layout=$(partition_starts "$dst" | tr '\n' ' ')
[[ $layout == "1 2048 " ]] || not_resyncable "$dst is not laid out as PARTITION_COPY lays out its target (one partition from 1 MiB); its partitions (number, start sector): ${layout:-none}"
part=$(partition_node "$dst" 1)
not_mounted "$part"
part_type=$(fs_type "$part") part_uuid=$(blkid -p -s UUID -o value "$part" 2>/dev/null || true)
[[ $part_type == "$type" ]] || not_resyncable "partition 1 of $dst holds '${part_type:-no}' filesystem, the source $src '$type': it is not a copy of this source"
[[ $part_uuid == "$uuid" ]] || not_resyncable "partition 1 of $dst holds filesystem UUID '$part_uuid', the source $src '$uuid': it is not a copy of this source"
# GRUB2's boot code in the MBR: install-grub ran, so partition-copy had finished (it zeroes the first
# MiB before it copies). Outside the filesystem, rsync never removes it: a resync interrupted
# before the conversion's jobs ran again can be run again.
boot_code=$(head -c 440 "$dst" | tr -c 'A-Za-z' ' ')
[[ $boot_code == *GRUB* ]] || not_resyncable "$dst has no GRUB2 boot code in its MBR: a copy the conversion never finished; run the full PARTITION_COPY conversion"

MNT=$(mktemp -d /tmp/pv2hvm-mnt.XXXXXX)
PV2HVM_TMP+=("$MNT")
# first read-only without replaying anything, so a refusal leaves the target as it was
case $type in ext2) check_opts=ro ;; ext*) check_opts=ro,noload ;; xfs) check_opts=ro,norecovery,nouuid ;; esac
mount -t "$type" -o "$check_opts,noexec,nodev,nosuid" "$part" "$MNT" || fail "cannot mount $part ($type, $check_opts)"
PV2HVM_MOUNTS+=("$MNT")
used=$(df -B1 --output=used "$SRC" | tail -1 | tr -d ' ')
size=$(df -B1 --output=size "$MNT" | tail -1 | tr -d ' ')
[[ $used =~ ^[0-9]+$ && $size =~ ^[0-9]+$ ]] || fail "cannot read the filesystems' sizes"
(( used < size )) || not_resyncable "the source holds $used bytes, more than the $size bytes of the target's filesystem on $part; run the full conversion onto a larger target"
umount "$MNT"
mount -t "$type" -o "$target_opts" "$part" "$MNT" || fail "cannot mount $part ($type, $target_opts)"

progress 0 "comparing $src with $part"
scratch_dir
# -newerct @T is strictly after T: one second earlier keeps every ctime within the second of CUTOFF;
# the root itself is left out (the second pass sets its attributes)
find "$SRC" -xdev -mindepth 1 -newerct "@$((cutoff - 1))" -printf '%P\0' >"$PV2HVM_SCRATCH/changed" \
  || fail "cannot list the files of $src changed since $cutoff"
changed=$(tr -cd '\0' <"$PV2HVM_SCRATCH/changed" | wc -c)
ahead=$(find "$SRC" -xdev -newerct "@$((now + 600))" -printf x -quit) || fail "cannot read the change times of $src"
rsync_opts=(-aHAXS --numeric-ids -x --stats)
: >"$PV2HVM_SCRATCH/stats"
if [[ -n $ahead ]] || (( changed == 0 )); then
  clock=checksum
  if [[ -n $ahead ]]; then
    echo "pv2hvm: $src holds change times after the worker's clock ($now + 600 s): its clock ran ahead; comparing every file's content" >&2
  else
    echo "pv2hvm: nothing on $src changed since $cutoff: its clock may run behind; comparing every file's content" >&2
  fi
  rsync "${rsync_opts[@]}" --delete --checksum "$SRC/" "$MNT/" >>"$PV2HVM_SCRATCH/stats" || fail "rsync from $src to $part failed"
else
  clock=ctime
  progress 0 "copying the $changed files of $src changed since $cutoff"
  # --files-from: only the listed paths (directories without their content) and their parents
  rsync "${rsync_opts[@]}" --ignore-times --files-from="$PV2HVM_SCRATCH/changed" --from0 "$SRC/" "$MNT/" \
    >>"$PV2HVM_SCRATCH/stats" || fail "rsync of the files changed since $cutoff from $src to $part failed"
  progress 50 "comparing $src with $part"
  rsync "${rsync_opts[@]}" --delete "$SRC/" "$MNT/" >>"$PV2HVM_SCRATCH/stats" || fail "rsync from $src to $part failed"
fi
cat "$PV2HVM_SCRATCH/stats" >&2
sync
progress 100 "resync done"
echo "CLOCK=$clock"
echo "CHANGED=$changed"
awk -F': ' '
  /^Number of regular files transferred/ { n = $2; gsub(/,/, "", n); files += n }
  /^Number of deleted files/ { n = $2; sub(/ .*/, "", n); gsub(/,/, "", n); deleted += n }
  /^Total transferred file size/ { n = $2; sub(/ .*/, "", n); gsub(/,/, "", n); bytes += n }
  END { printf "FILES=%d\nDELETED=%d\nBYTES=%.0f\n", files, deleted, bytes }' "$PV2HVM_SCRATCH/stats"
echo "PARTITION=$part"
