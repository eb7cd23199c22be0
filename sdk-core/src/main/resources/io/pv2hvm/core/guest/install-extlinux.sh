#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# install-extlinux DEVICE CONFIG
# IN_PLACE boot: writes /boot/extlinux/extlinux.conf and installs extlinux into the boot sector
# of the unpartitioned ext2/3/4 filesystem on DEVICE, which BIOS then loads as the disk's MBR.
# Writes a few hundred KiB whatever the volume size. Re-running reinstalls the same thing.
[[ $# -eq 2 ]] || fail "usage: install-extlinux DEVICE CONFIG"
dev=$1 conf=$2
need_block_device DEVICE "$dev"
need_text CONFIG "$conf"
need_tools extlinux blkid dumpe2fs
not_mounted "$dev"
[[ -z $(table_type "$dev") ]] || fail "$dev has a partition table; IN_PLACE needs an unpartitioned volume"
type=$(fs_type "$dev")
[[ $type =~ ^ext[234]$ ]] || fail "$dev holds ${type:-no filesystem}; extlinux in place needs ext2/3/4 (XFS has no free boot sector)"
[[ " $(ext_features "$dev") " != *" inline_data "* ]] || fail "$dev uses ext4 inline_data, which extlinux cannot read"

mount_guest "$dev" rw
dir=$(guest_dir /boot/extlinux)
conf_file=$(guest_file /boot/extlinux/extlinux.conf)
mkdir -p "$dir"
# extlinux opens these by name and writes through whatever is there: a guest link would aim it at the worker
for f in ldlinux.sys ldlinux.c32; do need_plain_sibling "$dir/$f"; done
write_guest_file "$conf_file" "$conf"
extlinux --install "$dir" >&2
sync
echo "BOOTLOADER=extlinux"
