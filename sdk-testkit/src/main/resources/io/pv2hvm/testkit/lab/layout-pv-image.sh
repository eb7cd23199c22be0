#!/bin/bash
# Re-lays SOURCE, the lab's unpartitioned busybox ext4 fixture, as an already partitioned PV
# root volume, as the hd00 AKIs boot them (PV-GRUB "root (hd0,0)"), into OUT:
#   partitioned     msdos label, root on partition 1 from 1 MiB, /boot on the root
#   partitioned-63  the same with partition 1 at sector 63 (fdisk before 2008): no room for GRUB2
#   separate-boot   partition 1 (1 MiB, 64 MiB ext2) is /boot, partition 2 the root, fstab by
#                   device name (/dev/xvda1 /boot, /dev/xvda2 /), menu.lst on the /boot partition
#   lvm             partition 1 /boot as above, partition 2 an LVM physical volume of volume group
#                   VG whose linear logical volume "root" holds the root filesystem; menu.lst and
#                   fstab name it /dev/mapper/VG-root, as RHEL/CentOS installers do
#   lvm-segments    the same, the root LV in two segments (another LV between them)
#   lvm-spanning    the same, VG also spanning a second volume that is not part of OUT
#   lvm-boot-inside one partition, an LVM physical volume; /boot (menu.lst) inside the root LV
# Its /sbin/init becomes a wrapper that mounts /boot as the guest's fstab says, prints
# "PV2HVM-BOOTMOUNT ok dev=<device>" (or "none", or "failed ...") and runs the lab's marker init.
# Usage: layout-pv-image.sh SOURCE OUT LAYOUT VG
set -euo pipefail
[[ $# -eq 4 ]] || { echo "usage: layout-pv-image.sh SOURCE OUT LAYOUT VG" >&2; exit 2; }
src=$1 out=$2 layout=$3 vg=$4
[[ $src =~ ^/[A-Za-z0-9._/+-]+$ && -f $src ]] || { echo "invalid source image: $src" >&2; exit 2; }
[[ $out =~ ^/[A-Za-z0-9._/+-]+$ ]] || { echo "invalid output path: $out" >&2; exit 2; }
[[ $layout =~ ^(partitioned|partitioned-63|separate-boot|lvm|lvm-segments|lvm-spanning|lvm-boot-inside|btrfs)$ ]] || { echo "invalid layout: $layout" >&2; exit 2; }
[[ $vg =~ ^[a-z][a-z0-9_]{2,30}$ ]] || { echo "invalid volume group name: $vg" >&2; exit 2; }

work=$(mktemp -d "${out%/*}/.layout.XXXXXX")
loop='' loop2='' loop3=''
cleanup() {
  mountpoint -q "$work/mnt" 2>/dev/null && umount "$work/mnt"
  [[ -n $loop ]] && losetup -d "$loop" 2>/dev/null
  [[ -n $loop2 ]] && losetup -d "$loop2" 2>/dev/null
  [[ -n $loop3 ]] && losetup -d "$loop3" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/mnt" "$work/boot"
root_bytes=$(stat -c %s "$src")
mib=1048576

# the guest edits happen on a copy of the root filesystem, mounted from a loop device
cp --sparse=always "$src" "$work/root.img"
loop=$(losetup -f --show "$work/root.img")
mount "$loop" "$work/mnt"
r=$work/mnt
mv "$r/sbin/init" "$r/sbin/init.marker"
cat >"$r/sbin/init" <<'INIT'
#!/bin/sh
# lab: mounts /boot as /etc/fstab says, reports it, then runs the marker init
PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev 2>/dev/null
spec=$(awk '$1 !~ /^#/ && $2 == "/boot" { print $1; exit }' /etc/fstab)
if [ -z "$spec" ]; then
  boot=none
else
  case $spec in UUID=*|LABEL=*) dev=$(findfs "$spec" 2>/dev/null) ;; *) dev=$spec ;; esac
  if [ -n "$dev" ] && mount -o ro "$dev" /boot && [ -f "/boot/vmlinuz-$(uname -r)" ]; then
    boot="ok dev=$(readlink -f "$dev")"
  else
    boot="failed spec=$spec dev=$dev"
  fi
fi
echo "PV2HVM-BOOTMOUNT $boot"
exec /sbin/init.marker
INIT
chmod 755 "$r/sbin/init"
kernel=$(awk '$1 == "kernel" { print $2; exit }' "$r/boot/grub/menu.lst")
initrd=$(awk '$1 == "initrd" { print $2; exit }' "$r/boot/grub/menu.lst")
title=$(awk '$1 == "title" { $1 = ""; sub(/^ /, ""); print; exit }' "$r/boot/grub/menu.lst")
menu() { # FILE ROOTDEV PREFIX: PV-GRUB menu for (hd0,0), kernels under PREFIX
  printf 'default 0\ntimeout 1\nhiddenmenu\n\ntitle %s\nroot (hd0,0)\nkernel %s root=%s ro console=hvc0\ninitrd %s\n' \
    "$title" "$3${kernel#/boot}" "$2" "$3${initrd#/boot}" >"$1"
}
case $layout in
  partitioned|partitioned-63)
    menu "$r/boot/grub/menu.lst" /dev/xvda1 /boot ;;
  separate-boot|lvm|lvm-segments|lvm-spanning)
    rootdev=/dev/xvda2
    [[ $layout == separate-boot ]] || rootdev=/dev/mapper/$vg-root
    cp -a "$r/boot/." "$work/boot/"
    rm -rf "${r:?}/boot/"*
    menu "$work/boot/grub/menu.lst" "$rootdev" ""
    printf '# /etc/fstab: static file system information.\n%s  /      ext4  defaults,noatime  0  1\n/dev/xvda1  /boot  ext2  defaults          0  2\nproc        /proc  proc  defaults          0  0\n' "$rootdev" >"$r/etc/fstab"
    ;;
  lvm-boot-inside)
    menu "$r/boot/grub/menu.lst" "/dev/mapper/$vg-root" /boot
    printf '/dev/mapper/%s-root  /  ext4  defaults  0  1\n' "$vg" >"$r/etc/fstab"
    ;;
esac
if [[ $layout == btrfs ]]; then
  truncate -s "$root_bytes" "$out"
  mkfs.btrfs -q -f -L pvroot -r "$r" "$out" >/dev/null
fi
umount "$r"
losetup -d "$loop"; loop=

[[ $layout == btrfs ]] || rm -f "$out"
case $layout in
  partitioned|partitioned-63)
    start=2048; [[ $layout == partitioned-63 ]] && start=63
    truncate -s $(( start * 512 + root_bytes + mib )) "$out"
    echo "start=$start, size=$(( root_bytes / 512 )), type=83, bootable" | sfdisk -q "$out"
    dd if="$work/root.img" of="$out" bs=4M oflag=seek_bytes seek=$(( start * 512 )) conv=notrunc,sparse status=none
    ;;
  lvm-boot-inside)
    truncate -s $(( mib + root_bytes + 8 * mib )) "$out"
    echo "start=2048, size=$(( (root_bytes + 8 * mib) / 512 )), type=8e" | sfdisk -q "$out"
    export LVM_SUPPRESS_FD_WARNINGS=1
    loop2=$(losetup -f --show -o $mib --sizelimit $(( root_bytes + 8 * mib )) "$out")
    pvcreate -q -ff -y "$loop2" >/dev/null
    vgcreate -q "$vg" "$loop2" >/dev/null
    lvcreate --driverloaded n -q -an -Zn -L $(( root_bytes / mib ))M -n root "$vg" >/dev/null 2>&1
    pe_start=$(pvs --driverloaded n --noheadings --units b --nosuffix -o pe_start "$loop2" 2>/dev/null | tr -d ' ')
    [[ $pe_start =~ ^[0-9]+$ ]] || { echo "cannot read pe_start of the LVM physical volume" >&2; exit 1; }
    losetup -d "$loop2"; loop2=
    dd if="$work/root.img" of="$out" bs=4M oflag=seek_bytes seek=$(( mib + pe_start )) conv=notrunc,sparse status=none
    ;;
  separate-boot|lvm|lvm-segments|lvm-spanning)
    truncate -s 64M "$work/bootfs.img"
    mkfs.ext2 -q -F -L pvboot -d "$work/boot" "$work/bootfs.img"
    truncate -s $(( 65 * mib + root_bytes + 8 * mib )) "$out"
    printf 'start=2048, size=%d, type=83, bootable\nstart=%d, size=%d, type=%s\n' $(( 64 * 2048 )) $(( 65 * 2048 )) \
      $(( (root_bytes + 8 * mib) / 512 )) "$([[ $layout == lvm* ]] && echo 8e || echo 83)" | sfdisk -q "$out"
    dd if="$work/bootfs.img" of="$out" bs=4M oflag=seek_bytes seek=$mib conv=notrunc,sparse status=none
    if [[ $layout == separate-boot ]]; then
      dd if="$work/root.img" of="$out" bs=4M oflag=seek_bytes seek=$(( 65 * mib )) conv=notrunc,sparse status=none
    else
      # a real LVM physical volume, volume group and linear logical volume "root" holding the root
      # filesystem; written without device-mapper (--driverloaded n: lab hosts may lack it), so the
      # filesystem goes in by offset: a first linear segment starts at the volume's pe_start
      export LVM_SUPPRESS_FD_WARNINGS=1
      loop2=$(losetup -f --show -o $(( 65 * mib )) --sizelimit $(( root_bytes + 8 * mib )) "$out")
      pvcreate -q -ff -y "$loop2" >/dev/null
      if [[ $layout == lvm-spanning ]]; then
        # the VG's second physical volume is another volume, gone once this script ends
        truncate -s 16M "$work/second.img"
        loop3=$(losetup -f --show "$work/second.img")
        pvcreate -q -ff -y "$loop3" >/dev/null
        vgcreate -q "$vg" "$loop2" "$loop3" >/dev/null
      else
        vgcreate -q "$vg" "$loop2" >/dev/null
      fi
      if [[ $layout == lvm-segments ]]; then
        lvcreate --driverloaded n -q -an -Zn -L $(( root_bytes / mib - 4 ))M -n root "$vg" "$loop2" >/dev/null 2>&1
        lvcreate --driverloaded n -q -an -Zn -L 4M -n other "$vg" "$loop2" >/dev/null 2>&1
        lvextend --driverloaded n -q -L +4M "$vg/root" "$loop2" >/dev/null 2>&1
      else
        lvcreate --driverloaded n -q -an -Zn -L $(( root_bytes / mib ))M -n root "$vg" "$loop2" >/dev/null 2>&1
      fi
      [[ -z $loop3 ]] || { losetup -d "$loop3"; loop3=; }
      pe_start=$(pvs --driverloaded n --noheadings --units b --nosuffix -o pe_start "$loop2" 2>/dev/null | tr -d ' ')
      [[ $pe_start =~ ^[0-9]+$ ]] || { echo "cannot read pe_start of the LVM physical volume" >&2; exit 1; }
      losetup -d "$loop2"; loop2=
      dd if="$work/root.img" of="$out" bs=4M oflag=seek_bytes seek=$(( 65 * mib + pe_start )) conv=notrunc,sparse status=none
    fi
    ;;
esac
echo "IMAGE=$out"
