#!/bin/bash
# Builds one PV-style guest disk image, the way EC2 PV root volumes look: an unpartitioned
# filesystem, a PV-GRUB /boot/grub/menu.lst, an fstab naming /dev/xvda1, console=hvc0.
# Variants:
#   busybox      real Debian kernel, a busybox initramfs carrying exactly MODULES, the lab's
#                marker init as /sbin/init
#   pv-only      the same image dressed as CentOS 5 with a kernel-xen (CONFIG_X86_64_XEN=y)
#                as the default entry; only inspection should ever see it
#   debootstrap  a minimal Debian bookworm with its own initramfs-tools, MODULES=list without
#                nvme, so the initramfs cannot find an NVMe root until rebuilt
# The image is written to OUT.tmp and renamed, so a cache never holds half an image. Next to it,
# OUT.boot/ holds the default entry's kernel, initrd and command line as a PV-GRUB stand-in
# would pass them to QEMU (root=/dev/sda, console=ttyS0).
# Usage: build-fixture.sh CACHE_DIR OUT FSTYPE FEATURES SIZE_MIB VARIANT MODULES
#   FEATURES: mkfs -O list, or "-" for the tool's defaults. MODULES: space-separated list.
set -euo pipefail

[[ $# -eq 7 ]] || { echo "usage: build-fixture.sh CACHE_DIR OUT FSTYPE FEATURES SIZE_MIB VARIANT MODULES" >&2; exit 2; }
cache=$1 out=$2 fstype=$3 features=$4 size_mib=$5 variant=$6 modules=$7
[[ $cache =~ ^/[A-Za-z0-9._/+-]+$ ]] || { echo "invalid cache directory: $cache" >&2; exit 2; }
[[ $out =~ ^/[A-Za-z0-9._/+-]+$ ]] || { echo "invalid output path: $out" >&2; exit 2; }
[[ $fstype =~ ^(ext2|ext3|ext4|xfs)$ ]] || { echo "unsupported filesystem: $fstype" >&2; exit 2; }
[[ $features =~ ^(-|[a-z0-9_^,=]+)$ ]] || { echo "invalid feature list: $features" >&2; exit 2; }
[[ $size_mib =~ ^[0-9]{2,6}$ ]] || { echo "invalid size: $size_mib" >&2; exit 2; }
[[ $variant =~ ^(busybox|pv-only|debootstrap)$ ]] || { echo "invalid variant: $variant" >&2; exit 2; }
[[ $modules =~ ^[a-z0-9_\ -]+$ ]] || { echo "invalid module list: $modules" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
kdir=$cache/kernel
kv=$(cat "$kdir/kver")
work=$(mktemp -d "${out%/*}/.fixture.XXXXXX")
mnt=$work/mnt
loop=
cleanup() {
  for m in "$mnt/root/proc" "$mnt/root/sys" "$mnt/root/dev" "$mnt"; do
    mountpoint -q "$m" 2>/dev/null && umount -l "$m"
  done
  [[ -n $loop ]] && losetup -d "$loop" 2>/dev/null
  rm -rf "$work" "$out.tmp" "$out.boot.tmp"
}
trap cleanup EXIT
stage=$work/root

# The busybox initramfs: the modules' dependency closure, in load order, from the host's kmod.
build_initramfs() {
  local d=$work/initramfs f m
  mkdir -p "$d"/{bin,dev,proc,sys,newroot,lib/modules/"$kv"}
  cp "$kdir/busybox/bin/busybox" "$d/bin/busybox"
  for a in sh mount umount switch_root insmod findfs cat echo sleep ls mkdir tr; do ln -s busybox "$d/bin/$a"; done
  for m in $modules; do
    modprobe -d "$kdir/pkg" -S "$kv" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
  done | awk '!seen[$0]++' | while read -r f; do
    cp "$f" "$d/lib/modules/$kv/"
    echo "/lib/modules/$kv/${f##*/}" >>"$d/modorder"
  done
  install -m 755 "$here/initramfs-init.sh" "$d/init"
  (cd "$d" && find . | cpio -o -H newc --quiet | gzip -1) >"$1"
}

stage_busybox() {
  local r=$stage a
  mkdir -p "$r"/{bin,sbin,etc,dev,proc,sys,tmp,root,boot/grub,lib/modules/"$kv"/extra}
  cp "$kdir/busybox/bin/busybox" "$r/bin/busybox"
  for a in sh mount umount cat echo awk readlink findfs uname sync sleep ls grep sed; do ln -s busybox "$r/bin/$a"; done
  install -m 755 "$here/marker-init.sh" "$r/sbin/init"
  cp "$kdir/pkg/boot/vmlinuz-$kv" "$kdir/pkg/boot/config-$kv" "$r/boot/"
  # the driver modules on the root filesystem, as a guest has them under /lib/modules
  local m
  for m in $modules; do
    modprobe -d "$kdir/pkg" -S "$kv" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
  done | sort -u | xargs -r cp -t "$r/lib/modules/$kv/extra/"
  cp "$kdir/pkg/lib/modules/$kv/modules.builtin" "$r/lib/modules/$kv/"
  build_initramfs "$r/boot/initrd.img-$kv"
  printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n' >"$r/etc/os-release"
  write_pv_config "$r" "/boot/vmlinuz-$kv" "/boot/initrd.img-$kv" "Debian GNU/Linux, kernel $kv"
}

# Dresses the busybox image as CentOS 5 whose default kernel is kernel-xen.
stage_pv_only() {
  stage_busybox
  local r=$stage xv=2.6.18-419.el5xen
  mv "$r/boot/vmlinuz-$kv" "$r/boot/vmlinuz-$xv"
  mv "$r/boot/initrd.img-$kv" "$r/boot/initrd-$xv.img"
  printf 'CONFIG_X86_64=y\nCONFIG_X86_64_XEN=y\nCONFIG_XEN=y\n' >"$r/boot/config-$xv"
  rm -f "$r/boot/config-$kv" "$r/etc/os-release"
  echo 'CentOS release 5.11 (Final)' >"$r/etc/redhat-release"
  write_pv_config "$r" "/boot/vmlinuz-$xv" "/boot/initrd-$xv.img" "CentOS (${xv})"
  ln -s menu.lst "$r/boot/grub/grub.conf"
}

stage_debootstrap() {
  local r=$stage debs=$cache/debootstrap-debs
  mkdir -p "$debs"
  debootstrap --variant=minbase --cache-dir="$debs" --include=linux-image-amd64,initramfs-tools \
    bookworm "$r" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  local dkv; dkv=$(ls "$r/usr/lib/modules" | head -1)
  # Drop driver families no test needs, to keep the image small; nvme and ena stay on disk.
  local md=$r/usr/lib/modules/$dkv/kernel
  rm -rf "$md"/drivers/{gpu,media,net/wireless,infiniband,staging,usb,bluetooth,iio,hid,input,mfd,isdn} \
         "$md"/sound "$md"/net "$r"/var/cache/apt/*.bin "$r"/usr/share/{doc,locale,man}/*
  chroot "$r" depmod "$dkv"
  install -m 755 "$here/marker-init.sh" "$r/sbin/init"
  # What an old PV guest's initramfs carries: Xen and IDE disk drivers, no nvme.
  sed -i 's/^MODULES=.*/MODULES=list/' "$r/etc/initramfs-tools/initramfs.conf"
  printf '%s\n' $modules >"$r/etc/initramfs-tools/modules"
  mount --bind /dev "$r/dev"; mount -t proc proc "$r/proc"; mount -t sysfs sysfs "$r/sys"
  chroot "$r" update-initramfs -u -k "$dkv" >"$work/update-initramfs.log" 2>&1 \
    || { cat "$work/update-initramfs.log" >&2; exit 1; }
  umount "$r/sys" "$r/proc" "$r/dev"
  echo "debian-lab" >"$r/etc/hostname"
  write_pv_config "$r" "/boot/vmlinuz-$dkv" "/boot/initrd.img-$dkv" "Debian GNU/Linux, kernel $dkv"
}

# PV-GRUB menu.lst, device-name fstab, Xen console.
write_pv_config() { # root kernel initrd title
  mkdir -p "$1/boot/grub"
  cat >"$1/boot/grub/menu.lst" <<MENU
default 0
timeout 1
hiddenmenu

title $4
root (hd0)
kernel $2 root=/dev/xvda1 ro console=hvc0
initrd $3
MENU
  cat >"$1/etc/fstab" <<FSTAB
# /etc/fstab: static file system information.
/dev/xvda1  /      $fstype  defaults,noatime  0  1
proc        /proc  proc     defaults          0  0
FSTAB
}

case $variant in
  busybox) stage_busybox ;;
  pv-only) stage_pv_only ;;
  debootstrap) stage_debootstrap ;;
esac

# PV-GRUB stand-in: the default entry's files and arguments, device names mapped for QEMU
rm -rf "$out.boot.tmp" "$out.boot"; mkdir -p "$out.boot.tmp"
kline=$(awk '$1 == "kernel" { $1 = ""; print; exit }' "$stage/boot/grub/menu.lst")
initrd=$(awk '$1 == "initrd" { print $2; exit }' "$stage/boot/grub/menu.lst")
kpath=$(echo $kline | cut -d' ' -f1)
cp "$stage$kpath" "$out.boot.tmp/vmlinuz"
cp "$stage$initrd" "$out.boot.tmp/initrd"
echo $kline | cut -d' ' -f2- | sed -e 's#root=/dev/xvda1#root=/dev/sda#' -e 's#console=hvc0#console=ttyS0#' >"$out.boot.tmp/cmdline"
mv "$out.boot.tmp" "$out.boot"

rm -f "$out.tmp"
truncate -s "${size_mib}M" "$out.tmp"
opts=()
[[ $features != - ]] && opts=(-O "$features")
case $fstype in
  ext*) mkfs."$fstype" -q -F -b 4096 -L pvroot "${opts[@]}" -d "$stage" "$out.tmp" ;;
  xfs)
    mkfs.xfs -q -f -L pvroot "${opts[@]}" "$out.tmp"
    loop=$(losetup -f --show "$out.tmp")
    mkdir -p "$mnt"; mount "$loop" "$mnt"
    cp -a "$stage/." "$mnt/"
    umount "$mnt"; losetup -d "$loop"; loop=
    ;;
esac
mv "$out.tmp" "$out"
echo "FIXTURE=$out"
