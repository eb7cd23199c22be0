#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# inspect DEVICE DRIVER...
# Reports, read-only, what a guest root volume holds, as tab-separated records on stdout:
#   layout, fs, os/boot/fstab files (raw lines, parsed by the SDK), kernels with their initramfs,
#   PV-only markers, and which of the named DRIVERs are in the initramfs, on disk, or built in;
#   last, a fingerprint of all of it (see below), which convert-as-planned compares.
# Never writes: ext3/4 are mounted with noload, XFS with norecovery.
[[ $# -ge 1 ]] || fail "usage: inspect DEVICE [DRIVER...]"
dev=$1; shift
need_block_device DEVICE "$dev"
for d in "$@"; do need_word DRIVER "$d" '^[a-z0-9_]+$'; done
need_tools blkid mount cpio od sha256sum awk
scratch_dir

# every record is also kept for the fingerprint
emit() { local IFS=$'\t'; printf '%s\n' "$*"; printf '%s\n' "$*" >>"$PV2HVM_SCRATCH/records"; }
clean() { tr -d '\r' | tr '\t' ' '; }

# menu_root_argument MENU: root= of the default entry of a GRUB legacy menu (menu.lst, grub.conf).
menu_root_argument() {
  awk '$1 ~ /^default/ { sub(/^default=?/, ""); d = ($0 ~ /^[ \t]*[0-9]+/) ? $1 + 0 : 0 }
       $1 == "title" { n++ }
       $1 == "kernel" && n == d + 1 { for (i = 3; i <= NF; i++) if ($i ~ /^root=/) { print substr($i, 6); exit } }' "$1"
}

# lvm_root: the root on a logical volume. The boot menu on a partition outside LVM (the guest's
# /boot) names it with root=/dev/mapper/VG-LV or root=/dev/VG/LV; its volume group's metadata is
# reported (lvm pv/vg/segment records) for the SDK to decide; a root LV that is one linear
# segment of a volume group with this one physical volume is mapped read-only (map_lvm_device),
# sets fsdev to the loop device and lvmpv to the physical volume. The group is never activated.
lvm_root() {
  local node d p menu arg='' name vg='' lv='' re pv g f c
  need_tools lvs pvs vgs losetup
  for node in "${plain[@]}"; do
    d=$(mktemp -d /tmp/pv2hvm-probe.XXXXXX)
    PV2HVM_TMP+=("$d")
    mount -o ro,noexec,nodev,nosuid "$node" "$d" 2>/dev/null || continue
    PV2HVM_MOUNTS+=("$d")
    for menu in /grub/menu.lst /grub/grub.conf; do
      p=$(MNT=$d guest_file "$menu")  # refuses a link out of the partition, a FIFO or a device
      if [[ -f $p ]]; then
        arg=$(menu_root_argument "$p" | head -c 256 | clean)
        emit lvm boot-menu "$node" "$menu"
        break
      fi
    done
    umount "$d"
    [[ -z $arg ]] || break
  done
  [[ -n $arg ]] || return 0
  emit lvm root-argument "$arg"
  case $arg in
    /dev/mapper/*-*) name=${arg#/dev/mapper/}; name=${name//--/$'\x01'}
      vg=${name%%-*} lv=${name#*-}; vg=${vg//$'\x01'/-} lv=${lv//$'\x01'/-} ;;
    /dev/*/*) name=${arg#/dev/}; [[ $name == */*/* ]] || { vg=${name%/*} lv=${name#*/}; } ;;
  esac
  local lvm_name='^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$'
  [[ $vg =~ $lvm_name && $lv =~ $lvm_name ]] || return 0
  emit lvm root "$vg" "$lv"
  (( ${#pvs[@]} > 0 )) || return 0
  re=$(lvm_device_regex "${pvs[@]}")
  while IFS='|' read -r p g f; do emit lvm pv "$p" "$g" "$f"; done < <(lvm_report "$re" pvs -o pv_name,vg_name,pv_fmt)
  while IFS='|' read -r g c; do emit lvm vg "$g" "$c"; done < <(lvm_report "$re" vgs -o vg_name,pv_count "$vg")
  while IFS='|' read -r name f p c; do emit lvm segment "$name" "$f" "$p" "$c"; done \
    < <(lvm_report "$re" lvs --segments -o lv_name,segtype,seg_pe_ranges,lv_attr "$vg/$lv")
  pv=
  for p in "${pvs[@]}"; do
    [[ $(lvm_report "$(lvm_device_regex "$p")" pvs -o vg_name "$p") == "$vg" ]] && pv=$p
  done
  if [[ -n $pv ]] && lvm_linear_extent "$pv" "$vg" "$lv" >/dev/null; then
    map_lvm_device "$pv" "$vg" "$lv" ro
    fsdev=$PV2HVM_LVM_LOOP lvmpv=$pv
    emit lvm mapped "$pv"
  fi
}

lvmpv=
pt=$(table_type "$dev")
if [[ -n $PV2HVM_LIVE_ROOT ]]; then
  not_mounted "$dev"  # live: DEVICE is the filesystem at the live root
  [[ -z $pt ]] || fail "$dev has a partition table; a live root is inspected only as one unpartitioned filesystem"
fi
if [[ -n $pt ]]; then
  emit layout partitioned "$pt"
  # the root is the first partition holding /etc/fstab (partition 1 on most hd00 AKIs); a /boot
  # partition does not hold one; a root in LVM is found through the boot menu (lvm_root)
  fsdev='' lvm=0 first=''
  plain=() pvs=()
  while read -r n start; do
    if [[ -z $first ]] || (( start < first )); then first=$start; fi
    node=$(partition_node "$dev" "$n")
    t=$(fs_type "$node")
    emit layout partition "$n" "${t:-none}"
    case $t in
      LVM2_member) lvm=$((lvm + 1)); pvs+=("$node") ;;
      LVM1_member) lvm=$((lvm + 1)); emit lvm pv "$node" "" lvm1 ;;
      ''|swap) ;;
      *) if [[ -z $fsdev ]] && holds_root "$node"; then fsdev=$node; emit layout root-partition "$n"; else plain+=("$node"); fi ;;
    esac
  done < <(partition_starts "$dev")
  emit layout first-sector "${first:-0}"
  emit layout lvm-partitions "$lvm"
  if [[ -z $fsdev ]]; then
    (( lvm > 0 )) || fail "no partition of $dev holds a root filesystem (one with /etc/fstab)"
    emit layout kind lvm
    lvm_root
    [[ -n $fsdev ]] || exit 0  # the SDK refuses, from the lvm records, saying why
  fi
else
  emit layout whole-disk
  fsdev=$dev
fi
emit fs device "${lvmpv:-$fsdev}"
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

# a /boot partition of this volume, mounted where the guest mounts it, so that boot menus and
# kernels below are read from it; a /boot the fstab takes from elsewhere is reported, not read
fstab=$(guest_file /etc/fstab)  # refuses a link out, a FIFO or a device where fstab should be
bootspec=$(fstab_boot_spec "$fstab")
if [[ -n $bootspec ]]; then
  bootdev=
  [[ -z $pt ]] || bootdev=$(boot_partition "$dev" "$bootspec")
  if [[ -z $bootdev ]]; then
    emit boot elsewhere "$bootspec"
  else
    emit boot device "$bootdev"
    emit boot type "$(fs_type "$bootdev")"
    emit boot uuid "$(blkid -p -s UUID -o value "$bootdev" 2>/dev/null || true)"
    emit boot label "$(blkid -p -s LABEL -o value "$bootdev" 2>/dev/null || true)"
    emit boot device-bytes "$(blockdev --getsize64 "$bootdev")"
    emit boot fs-bytes "$(fs_size_bytes "$bootdev")"
    case $(fs_type "$bootdev") in
      ext2|ext3|ext4) for f in $(ext_features "$bootdev"); do emit boot feature "$f"; done ;;
    esac
    mount_on_guest_boot "$bootdev" ro
    emit boot used-bytes "$(df -B1 --output=used "$(in_guest /boot)" | tail -1 | tr -d ' ')"
  fi
fi

for f in /etc/os-release /usr/lib/os-release /etc/redhat-release /etc/system-release /etc/SuSE-release /etc/fstab /etc/inittab \
         /boot/grub/menu.lst /boot/grub/grub.conf /boot/grub/grub.cfg /boot/grub2/grub.cfg \
         /boot/extlinux/extlinux.conf /etc/initramfs-tools/modules /etc/selinux/config /etc/network/interfaces \
         /etc/sysconfig/network-scripts/ifcfg-eth0 /etc/sysconfig/network/ifcfg-eth0; do
  p=$(guest_file "$f")
  [[ -f $p ]] || continue
  emit file-present "$f"
  # bounded: at most 256 KiB, 2000 lines of 4096 characters per file, whatever the guest holds
  head -c 262144 "$p" | head -n 2000 | cut -c 1-4096 | clean | while IFS= read -r line || [[ -n $line ]]; do emit file "$f" "$line"; done
done

# The init, and so who mounts fstab: systemd and Ubuntu's upstart (mountall) mount devices as
# they appear; sysvinit and RHEL-style upstart (rc.sysinit) mount once at boot. /sbin/init is
# resolved inside the guest. The mount is noexec, so "executable" reads the mode bits, not -x.
# Every path is resolved into a variable first: a refusal there stops the script.
init=unknown
initpath=$(in_guest /sbin/init)
initctl=$(in_guest /sbin/initctl)
initdir=$(in_guest /etc/init)
mountall=$(in_guest /sbin/mountall)
inittab=$(in_guest /etc/inittab)
executable() { [[ -f $1 ]] && [[ -n $(find "$1" -maxdepth 0 -perm /111 2>/dev/null) ]]; }
if [[ ${initpath##*/} == systemd ]]; then init=systemd
elif executable "$initctl" && [[ -d $initdir ]] && compgen -G "$initdir/*.conf" >/dev/null; then
  if executable "$mountall"; then init=upstart-mountall; else init=upstart; fi
elif [[ -f $inittab && -e $initpath ]]; then init=sysvinit
fi
emit startup init "$init"
for f in /etc/cloud/cloud.cfg /usr/bin/cloud-init; do
  p=$(in_guest "$f")
  if [[ -e $p ]]; then emit startup cloud-init yes; break; fi
done

# live: the running guest's own extlinux, which installs the BIOS boot path alongside PV-GRUB's
if [[ -n $PV2HVM_LIVE_ROOT ]] && p=$(command -v extlinux); then emit tool extlinux "$p"; fi
for t in update-initramfs dracut mkinitrd; do
  for d in /usr/sbin /sbin /usr/bin /bin; do
    p=$(in_guest "$d/$t")
    if executable "$p"; then emit tool "$t" "$d/$t"; break; fi
  done
done

boot=$(guest_dir /boot)
shopt -s nullglob
for k in "$boot"/vmlinuz-* "$boot"/vmlinux-*; do
  name=${k##*/}
  ver=${name#vmlinu[xz]-}
  [[ $ver =~ ^[A-Za-z0-9._+~-]+$ ]] || continue
  emit kernel "$ver" path "/boot/$name"
  for i in "initrd.img-$ver" "initrd-$ver.img" "initramfs-$ver.img" "initrd-$ver"; do
    p=$(guest_file "/boot/$i")
    [[ -f $p ]] || continue
    emit kernel "$ver" initrd "/boot/$i"
    if list_initramfs "$p" >"$PV2HVM_SCRATCH/list" && [[ -s $PV2HVM_SCRATCH/list ]]; then
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
  p=$(guest_file "/boot/config-$ver")
  if [[ -f $p ]]; then
    emit kernel "$ver" config present
    { grep -E '^CONFIG_X86(_64)?_XEN=y' "$p" || true; } | while read -r c; do emit kernel "$ver" pv-only-config "$c"; done
    # a PVHVM kernel unplugs the emulated disks on Xen HVM: it needs its PV block driver there
    if grep -qx 'CONFIG_XEN_PVHVM=y' "$p"; then emit kernel "$ver" xen-pvhvm CONFIG_XEN_PVHVM=y; fi
  fi
  mods=$(guest_dir "/lib/modules/$ver")
  builtin=$(guest_file "/lib/modules/$ver/modules.builtin")
  if [[ -d $mods ]]; then
    find "$mods" -name '*.ko*' -printf '%f\n' 2>/dev/null >"$PV2HVM_SCRATCH/mods" || true
    for d in "$@"; do
      if grep -qE "^(${d}|${d//_/-})\.ko" "$PV2HVM_SCRATCH/mods"; then emit kernel "$ver" module "$d"; fi
      if [[ -f $builtin ]] && grep -qE "/(${d}|${d//_/-})\.ko$" "$builtin"; then
        emit kernel "$ver" builtin "$d"
      fi
    done
  fi
done

# The fingerprint: a hash of the DRIVER arguments and of every record above, which is everything the
# SDK decides from, with the name of DEVICE replaced outside the guest's files (the trial's copy and the source's own root are
# attached under different names) and the state of the running guest left out: the used space (the
# workload changes it) and ext4's needs_recovery and orphan_present (set in a snapshot of a running
# guest, the trial's, clear after a clean stop); no decision reads them for IN_PLACE, whose jobs mount
# the filesystem read-write, replaying the journal. Equal fingerprints: the same decisions;
# convert-as-planned relies on it.
fingerprint=$( { printf '%s\n' "$@"
  grep -v -E $'^(fs|boot)\t(used-bytes\t|feature\t(needs_recovery|orphan_present)$)' "$PV2HVM_SCRATCH/records" \
    | awk -F '\t' -v d="$dev" '$1 == "file" { print; next }
        { s = $0; o = ""; while ((i = index(s, d)) > 0) { o = o substr(s, 1, i - 1) "DEVICE"; s = substr(s, i + length(d)) } print o s }'
} | sha256sum | cut -d' ' -f1)
emit fingerprint "$fingerprint"
exit 0
