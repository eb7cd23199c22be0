#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# live-root --live-root=DIR
# Reports, read-only, which block device holds the filesystem mounted at the live root DIR (/ on
# a running source): DEVICE=/dev/NAME, and PARTITION=N when that device is partition N of a
# partitioned disk (DUAL_BOOT refuses it: extlinux needs the filesystem's own boot sector to be
# the disk's first sector). Nothing is mounted or written.
[[ -n $PV2HVM_LIVE_ROOT && $# -eq 0 ]] || fail "usage: live-root --live-root=DIR"
mm=$(mountpoint -d "$PV2HVM_LIVE_ROOT")
[[ $mm =~ ^[0-9]+:[0-9]+$ ]] || fail "cannot read the device number of $PV2HVM_LIVE_ROOT"
sys=/sys/dev/block/$mm
[[ -e $sys/uevent ]] || fail "$PV2HVM_LIVE_ROOT is not on a block device (device $mm); DUAL_BOOT needs an EBS root"
name=$(sed -n 's/^DEVNAME=//p' "$sys/uevent")
[[ $name =~ ^[A-Za-z0-9/_.-]+$ && $name != *..* ]] || fail "device $mm has no usable name ('$name')"
[[ -b /dev/$name ]] || fail "/dev/$name (device $mm) is not a block device node"
echo "DEVICE=/dev/$name"
echo "FSTYPE=$(fs_type "/dev/$name")"
if [[ -e $sys/partition ]]; then echo "PARTITION=$(cat "$sys/partition")"; fi
if [[ -e $sys/dm/name ]]; then echo "MAPPED=$(cat "$sys/dm/name")"; fi
