#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# install-grub DISK PARTITION CONFIG [GRUB_DIR]
# PARTITION_COPY boot, and IN_PLACE on an already partitioned volume: puts GRUB2 (i386-pc, from the worker) on DISK: boot.img in the MBR (the
# partition table stays), a core.img that finds /boot/grub by filesystem UUID in the gap before
# partition 1, the GRUB modules in /boot/grub/i386-pc on PARTITION, and CONFIG as
# /boot/grub/grub.cfg. Builds the image with grub-mkimage and places it itself, as
# grub-bios-setup would, because grub-install cannot map loop or freshly attached devices to
# BIOS drives on every worker. Re-runnable: every run writes the same bytes again.
# GRUB_DIR is where GRUB lives on PARTITION: /boot/grub (default), or /grub when PARTITION is a
# /boot partition of its own. The core image must fit before the first partition (an existing
# hd00-style disk keeps its partitions; GPT has its header there, so only an msdos label will do).
[[ $# -eq 3 || $# -eq 4 ]] || fail "usage: install-grub DISK PARTITION CONFIG [GRUB_DIR]"
disk=$1 part=$2 conf=$3 grubdir=${4:-/boot/grub}
need_word GRUB_DIR "$grubdir" '^(/boot/grub|/grub)$'
need_block_device DISK "$disk"
need_block_device PARTITION "$part"
need_text CONFIG "$conf"
[[ $part == "$disk"* ]] || fail "$part is not a partition of $disk"
mkimage='' dir=''
for t in grub-mkimage grub2-mkimage; do command -v "$t" >/dev/null 2>&1 && { mkimage=$t; break; }; done
for d in /usr/lib/grub/i386-pc /usr/lib/grub2/i386-pc; do [[ -f $d/boot.img ]] && { dir=$d; break; }; done
[[ -n $mkimage && -n $dir ]] || fail "GRUB for i386-pc is not installed on the worker (grub-pc-bin / grub2-pc-modules)"
need_tools dd blkid
not_mounted "$disk"
uuid=$(blkid -p -s UUID -o value "$part")
[[ $uuid =~ ^[0-9A-Fa-f-]+$ ]] || fail "no filesystem UUID on $part"
[[ $(table_type "$disk") == dos ]] || fail "$disk has no msdos partition table; GRUB's core image goes in the gap an msdos label leaves"
start=$(partition_starts "$disk" | awk 'NR == 1 || $2 < m { m = $2 } END { print m }')
[[ $start =~ ^[0-9]+$ ]] || fail "cannot read the start of the first partition on $disk"
scratch_dir

cat >"$PV2HVM_SCRATCH/early.cfg" <<CFG
search.fs_uuid $uuid root
set prefix=(\$root)$grubdir
CFG
"$mkimage" -O i386-pc -d "$dir" -c "$PV2HVM_SCRATCH/early.cfg" -o "$PV2HVM_SCRATCH/core.img" -p "$grubdir" \
  biosdisk part_msdos ext2 xfs search search_fs_uuid normal linux serial terminal echo test configfile gzio >&2
core_sectors=$(( ($(stat -c %s "$PV2HVM_SCRATCH/core.img") + 511) / 512 ))
(( core_sectors < start )) || fail "core.img ($core_sectors sectors) does not fit before the first partition (sector $start)"

mount_guest "$part" rw
mods=$(guest_dir "$grubdir/i386-pc")
cfg=$(guest_file "$grubdir/grub.cfg")
mkdir -p "$mods"
# the directory is the guest's: never write through a name it holds (a link to a worker file)
cp --remove-destination "$dir"/*.mod "$dir"/*.lst "$mods/"
write_guest_file "$cfg" "$conf"
# boot code only (440 bytes): the disk signature and partition table after it stay
dd if="$dir/boot.img" of="$disk" bs=440 count=1 conv=notrunc,fsync status=none
dd if="$PV2HVM_SCRATCH/core.img" of="$disk" bs=512 seek=1 conv=notrunc,fsync status=none
sync
echo "BOOTLOADER=grub2"
