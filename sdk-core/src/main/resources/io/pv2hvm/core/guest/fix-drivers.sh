# fix-drivers DEVICE KERNEL_VERSION INITRD TOOL DRIVER...
# Rebuilds the initramfs INITRD of kernel KERNEL_VERSION on the guest filesystem on DEVICE with
# the guest's own tool (update-initramfs, dracut or mkinitrd), run isolated from the worker
# (run_in_guest: no network, a minimal /dev, no worker files), so it also
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
need_tools unshare capsh cpio od
not_mounted "$dev"
scratch_dir

mount_guest "$dev" rw
mount_separate_boot rw
target=$(guest_file "$initrd")
[[ -f $target ]] || fail "$initrd not found on the guest"
need_plain_sibling "$target.pv2hvm-orig"
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
    with=(); for d in "$@"; do with+=("--with=$d"); done
    run_in_guest mkinitrd -f "${with[@]}" "$initrd" "$kver" >&2 ;;
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
