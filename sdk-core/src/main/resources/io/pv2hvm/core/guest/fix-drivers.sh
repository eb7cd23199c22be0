# fix-drivers DEVICE KERNEL_VERSION INITRD TOOL DRIVER...
# Rebuilds the initramfs INITRD of kernel KERNEL_VERSION on the guest filesystem on DEVICE with
# the guest's own tool (update-initramfs, dracut or mkinitrd) run in a chroot, so it also
# carries DRIVERs; the original is kept once as INITRD.pv2hvm-orig. Checks the result lists
# every driver. Re-runnable: drivers are added to the tool's configuration only once.
# With --boot=DEVICE first, DEVICE is mounted on the guest's /boot (a /boot partition).
[[ $# -ge 5 ]] || fail "usage: fix-drivers DEVICE KERNEL_VERSION INITRD TOOL DRIVER..."
dev=$1 kver=$2 initrd=$3 tool=$4; shift 4
need_block_device DEVICE "$dev"
need_word KERNEL_VERSION "$kver" '^[A-Za-z0-9._+~-]+$'
need_guest_path INITRD "$initrd"
need_word TOOL "$tool" '^(update-initramfs|dracut|mkinitrd)$'
for d in "$@"; do need_word DRIVER "$d" '^[a-z0-9_]+$'; done
need_tools chroot cpio od
not_mounted "$dev"
scratch_dir

mount_guest "$dev" rw
mount_separate_boot rw
target=$(in_guest "$initrd")
[[ -f $target ]] || fail "$initrd not found on the guest"
need_plain_sibling "$target.pv2hvm-orig"
[[ -e $target.pv2hvm-orig ]] || cp -p "$target" "$target.pv2hvm-orig"
bind_into_guest
progress 0 "rebuilding $initrd with $tool (adding $*)"
case $tool in
  update-initramfs)
    mods=$(in_guest /etc/initramfs-tools/modules)
    for d in "$@"; do grep -qxF "$d" "$mods" 2>/dev/null || echo "$d" >>"$mods"; done
    chroot "$MNT" update-initramfs -u -k "$kver" >&2 ;;
  dracut)
    mkdir -p "$MNT/etc/dracut.conf.d"
    echo "add_drivers+=\" $* \"" >"$MNT/etc/dracut.conf.d/90-pv2hvm.conf"
    chroot "$MNT" dracut -f "$initrd" "$kver" >&2 ;;
  mkinitrd)
    with=(); for d in "$@"; do with+=("--with=$d"); done
    chroot "$MNT" mkinitrd -f "${with[@]}" "$initrd" "$kver" >&2 ;;
esac
list_initramfs "$target" >"$PV2HVM_SCRATCH/list" || fail "cannot list the rebuilt $initrd"
for d in "$@"; do
  grep -qE "/(${d}|${d//_/-})\.ko(\.(xz|zst|gz))?$" "$PV2HVM_SCRATCH/list" || fail "rebuilt $initrd still lacks $d"
done
sync
progress 100 "initramfs rebuilt"
echo "DRIVERS_ADDED=$*"
