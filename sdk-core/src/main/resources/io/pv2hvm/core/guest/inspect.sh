# inspect DEVICE DRIVER...
# Reports, read-only, what a guest root volume holds, as tab-separated records on stdout:
#   layout, fs, os/boot/fstab files (raw lines, parsed by the SDK), kernels with their initramfs,
#   PV-only markers, and which of the named DRIVERs are in the initramfs, on disk, or built in.
# Never writes: ext3/4 are mounted with noload, XFS with norecovery.
[[ $# -ge 1 ]] || fail "usage: inspect DEVICE [DRIVER...]"
dev=$1; shift
need_block_device DEVICE "$dev"
for d in "$@"; do need_word DRIVER "$d" '^[a-z0-9_]+$'; done
need_tools blkid mount cpio od
scratch_dir

emit() { local IFS=$'\t'; printf '%s\n' "$*"; }
clean() { tr -d '\r' | tr '\t' ' '; }

pt=$(table_type "$dev")
if [[ -n $pt ]]; then
  emit layout partitioned "$pt"
  fsdev=$(partition_node "$dev" 1)
else
  emit layout whole-disk
  fsdev=$dev
fi
emit fs device "$fsdev"
type=$(fs_type "$fsdev")
[[ -n $type ]] || fail "no filesystem found on $fsdev"
emit fs type "$type"
emit fs uuid "$(blkid -p -s UUID -o value "$fsdev" 2>/dev/null || true)"
emit fs label "$(blkid -p -s LABEL -o value "$fsdev" 2>/dev/null || true)"
emit fs device-bytes "$(blockdev --getsize64 "$fsdev")"
emit fs fs-bytes "$(fs_size_bytes "$fsdev")"
case $type in
  ext2|ext3|ext4)
    for f in $(ext_features "$fsdev"); do emit fs feature "$f"; done
    emit fs block-size "$(dumpe2fs -h "$fsdev" 2>/dev/null | sed -n 's/^Block size:[[:space:]]*//p')" ;;
  xfs)
    xfs_db -r -c version "$fsdev" 2>/dev/null | sed -n 's/^versionnum \[[^]]*\] = //p' | tr ',' '\n' \
      | while read -r f; do if [[ -n $f ]]; then emit fs feature "${f,,}"; fi; done
    emit fs block-size "$(xfs_db -r -c 'sb 0' -c 'p blocksize' "$fsdev" 2>/dev/null | sed -n 's/^blocksize = //p')" ;;
esac

mount_guest "$fsdev" ro
emit fs used-bytes "$(df -B1 --output=used "$MNT" | tail -1 | tr -d ' ')"

for f in /etc/os-release /usr/lib/os-release /etc/redhat-release /etc/system-release /etc/SuSE-release /etc/fstab /etc/inittab \
         /boot/grub/menu.lst /boot/grub/grub.conf /boot/grub/grub.cfg /boot/grub2/grub.cfg \
         /boot/extlinux/extlinux.conf /etc/initramfs-tools/modules /etc/selinux/config /etc/network/interfaces \
         /etc/sysconfig/network-scripts/ifcfg-eth0 /etc/sysconfig/network/ifcfg-eth0; do
  p=$(in_guest "$f")
  [[ -f $p ]] || continue
  emit file-present "$f"
  head -n 2000 "$p" | clean | while IFS= read -r line || [[ -n $line ]]; do emit file "$f" "$line"; done
done

# The init, and so who mounts fstab: systemd and Ubuntu's upstart (mountall) mount devices as
# they appear; sysvinit and RHEL-style upstart (rc.sysinit) mount once at boot. /sbin/init is
# resolved inside the guest.
init=unknown
initpath=$(in_guest /sbin/init)
if [[ ${initpath##*/} == systemd ]]; then init=systemd
elif [[ -x $(in_guest /sbin/initctl) && -d $(in_guest /etc/init) ]] && compgen -G "$(in_guest /etc/init)/*.conf" >/dev/null; then
  if [[ -x $(in_guest /sbin/mountall) ]]; then init=upstart-mountall; else init=upstart; fi
elif [[ -f $(in_guest /etc/inittab) && -e $initpath ]]; then init=sysvinit
fi
emit startup init "$init"
for f in /etc/cloud/cloud.cfg /usr/bin/cloud-init; do
  if [[ -e $(in_guest "$f") ]]; then emit startup cloud-init yes; break; fi
done

for t in update-initramfs dracut mkinitrd; do
  for d in /usr/sbin /sbin /usr/bin /bin; do
    if [[ -x $(in_guest "$d/$t") ]]; then emit tool "$t" "$d/$t"; break; fi
  done
done

boot=$(in_guest /boot)
shopt -s nullglob
for k in "$boot"/vmlinuz-* "$boot"/vmlinux-*; do
  name=${k##*/}
  ver=${name#vmlinu[xz]-}
  [[ $ver =~ ^[A-Za-z0-9._+~-]+$ ]] || continue
  emit kernel "$ver" path "/boot/$name"
  for i in "initrd.img-$ver" "initrd-$ver.img" "initramfs-$ver.img" "initrd-$ver"; do
    [[ -f $boot/$i ]] || continue
    emit kernel "$ver" initrd "/boot/$i"
    if list_initramfs "$boot/$i" >"$PV2HVM_SCRATCH/list" && [[ -s $PV2HVM_SCRATCH/list ]]; then
      emit kernel "$ver" initramfs-listed yes
      for d in "$@"; do
        pat="/${d}.ko|/${d//_/-}.ko"
        if grep -qE "(${pat//./\\.})(\.(xz|zst|gz))?$" "$PV2HVM_SCRATCH/list"; then emit kernel "$ver" initramfs-driver "$d"; fi
      done
    else
      emit kernel "$ver" initramfs-listed no
    fi
    break
  done
  if [[ -f $boot/config-$ver ]]; then
    emit kernel "$ver" config present
    { grep -E '^CONFIG_X86(_64)?_XEN=y' "$boot/config-$ver" || true; } | while read -r c; do emit kernel "$ver" pv-only-config "$c"; done
    # a PVHVM kernel unplugs the emulated disks on Xen HVM: it needs its PV block driver there
    if grep -qx 'CONFIG_XEN_PVHVM=y' "$boot/config-$ver"; then emit kernel "$ver" xen-pvhvm CONFIG_XEN_PVHVM=y; fi
  fi
  mods=$(in_guest "/lib/modules/$ver")
  if [[ -d $mods ]]; then
    find "$mods" -name '*.ko*' -printf '%f\n' 2>/dev/null >"$PV2HVM_SCRATCH/mods" || true
    for d in "$@"; do
      if grep -qE "^(${d}|${d//_/-})\.ko" "$PV2HVM_SCRATCH/mods"; then emit kernel "$ver" module "$d"; fi
      if [[ -f $mods/modules.builtin ]] && grep -qE "/(${d}|${d//_/-})\.ko$" "$mods/modules.builtin"; then
        emit kernel "$ver" builtin "$d"
      fi
    done
  fi
done
exit 0
