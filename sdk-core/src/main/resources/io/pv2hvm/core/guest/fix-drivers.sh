#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# fix-drivers DEVICE KERNEL_VERSION INITRD TOOL DRIVER...
# Rebuilds the initramfs INITRD of kernel KERNEL_VERSION on the guest filesystem on DEVICE with
# the guest's own tool (update-initramfs, dracut, Red Hat's mkinitrd, or SUSE's mkinitrd as
# mkinitrd-suse), run isolated from the worker (run_in_guest: no network, a minimal /dev, no
# worker files), so it also carries DRIVERs; the original is kept once as INITRD.pv2hvm-orig.
# Checks the result lists every driver. Re-runnable: drivers are added to the tool's
# configuration only once. With --boot=DEVICE first, DEVICE is mounted on the guest's /boot.
[[ $# -ge 5 ]] || fail "usage: fix-drivers DEVICE KERNEL_VERSION INITRD TOOL DRIVER..."
dev=$1 kver=$2 initrd=$3 tool=$4; shift 4
need_block_device DEVICE "$dev"
need_word KERNEL_VERSION "$kver" '^[A-Za-z0-9._+~-]+$'
need_guest_path INITRD "$initrd"
need_word TOOL "$tool" '^(update-initramfs|dracut|mkinitrd|mkinitrd-suse)$'
for d in "$@"; do need_word DRIVER "$d" '^[a-z0-9_]+$'; done
need_tools cpio od
[[ $PV2HVM_LIVE_ROOT == / ]] || need_tools unshare capsh  # the isolation run_in_guest uses off the source
not_mounted "$dev"
scratch_dir

# The module's own file name (xen-vbd for xen_vbd, ata_piix for ata_piix): mkinitrd looks modules
# up by file name, where modprobe treats - and _ alike.
module_file() {
  local f
  local dir
  dir=$(guest_dir "/lib/modules/$kver")
  f=$(find "$dir" \( -name "$1.ko*" -o -name "${1//_/-}.ko*" \) -printf '%f\n' 2>/dev/null | head -n 1)
  [[ -n $f ]] || fail "no module file for $1 under /lib/modules/$kver on the guest"
  printf '%s\n' "${f%%.ko*}"
}

mount_guest "$dev" rw
mount_separate_boot rw
target=$(guest_file "$initrd")
[[ -f $target ]] || fail "$initrd not found on the guest"
need_plain_sibling "$target.pv2hvm-orig"

# Everything the tool needs is checked before the first write.
files=()
case $tool in
  mkinitrd)
    for d in "$@"; do files+=("$(module_file "$d")"); done ;;
  mkinitrd-suse)
    # SUSE's mkinitrd (SLES 11) names files relative to its boot directory and takes the module list
    # with -m, which replaces INITRD_MODULES of /etc/sysconfig/kernel; that variable is also what
    # the next kernel's initrd gets, so the drivers go there and -m passes the whole list.
    [[ ${initrd%/*} == /boot ]] || fail "SUSE's mkinitrd writes initrds in /boot; $initrd is elsewhere"
    kernel=$(guest_file "/boot/vmlinuz-$kver")
    [[ -f $kernel ]] || fail "/boot/vmlinuz-$kver not found on the guest for SUSE's mkinitrd -k"
    conf=$(guest_file /etc/sysconfig/kernel)
    need_plain_sibling "$conf"
    need_plain_sibling "$conf.pv2hvm-orig"
    [[ -f $conf ]] || fail "/etc/sysconfig/kernel not found on the guest, where SUSE's mkinitrd reads INITRD_MODULES"
    if grep -q '^INITRD_MODULES=' "$conf" && ! grep -qE '^INITRD_MODULES="[^"]*"[[:space:]]*$' "$conf"; then
      fail "INITRD_MODULES in /etc/sysconfig/kernel is not one double-quoted list; quote it and run again"
    fi
    mods=$(sed -n 's/^INITRD_MODULES="\([^"]*\)"[[:space:]]*$/\1/p' "$conf" | tail -n 1)
    for m in $mods; do need_word INITRD_MODULES "$m" '^[A-Za-z0-9_-]+$'; done
    for d in "$@"; do
      m=$(module_file "$d")
      [[ " $mods " == *" $m "* || " $mods " == *" $d "* ]] || mods="${mods:+$mods }$m"
    done ;;
esac

[[ -e $target.pv2hvm-orig ]] || cp -p "$target" "$target.pv2hvm-orig"
progress 0 "rebuilding $initrd with $tool (adding $*)"
case $tool in
  update-initramfs)
    mods=$(guest_file /etc/initramfs-tools/modules)
    for d in "$@"; do grep -qxF "$d" "$mods" 2>/dev/null || echo "$d" >>"$mods"; done
    run_in_guest update-initramfs -u -k "$kver" >&2 ;;
  dracut)
    conf=$(guest_file /etc/dracut.conf.d/90-pv2hvm.conf)
    mkdir -p "${conf%/*}"
    echo "add_drivers+=\" $* \"" >"$conf"
    run_in_guest dracut -f "$initrd" "$kver" >&2 ;;
  mkinitrd)
    # Red Hat's mkinitrd (RHEL/CentOS 5, Amazon Linux AMI): mkinitrd -f --with=MODULE IMAGE KERNEL_VERSION
    with=(); for f in "${files[@]}"; do with+=("--with=$f"); done
    run_in_guest mkinitrd -f "${with[@]}" "$initrd" "$kver" >&2 ;;
  mkinitrd-suse)
    [[ -e $conf.pv2hvm-orig ]] || cp -p "$conf" "$conf.pv2hvm-orig"
    if grep -q '^INITRD_MODULES=' "$conf"; then
      sed -i "s/^INITRD_MODULES=.*/INITRD_MODULES=\"$mods\"/" "$conf"
    else
      echo "INITRD_MODULES=\"$mods\"" >>"$conf"
    fi
    run_in_guest mkinitrd -b /boot -k "vmlinuz-$kver" -i "${initrd##*/}" -m "$mods" >&2 ;;
esac
# the tool may have put anything at INITRD (a link to a worker file): resolve it again
target=$(guest_file "$initrd")
[[ -f $target ]] || fail "$tool left no regular file at $initrd"
list_initramfs "$target" >"$PV2HVM_SCRATCH/list" || fail "cannot list the rebuilt $initrd"
for d in "$@"; do
  grep -qE "/(${d}|${d//_/-})\.ko(\.(xz|zst|gz))?$" "$PV2HVM_SCRATCH/list" || fail "rebuilt $initrd still lacks $d"
done
sync
progress 100 "initramfs rebuilt"
echo "DRIVERS_ADDED=$*"
