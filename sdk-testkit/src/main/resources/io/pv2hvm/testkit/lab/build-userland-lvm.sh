#!/bin/bash
# Re-lays the lab's built sysvinit userland (SOURCE, an unpartitioned ext4 PV root) as a RHEL/CentOS
# installer would have: an msdos label, partition 1 (1 MiB, 256 MiB ext4) /boot, partition 2 an
# LVM physical volume of volume group VolGroup00 whose linear logical volume LogVol00 holds the root.
# The guest gets lvm2 with its own apt (in a chroot) and an initramfs that activates the group;
# fstab mounts / from /dev/mapper/VolGroup00-LogVol00 and /boot by UUID; menu.lst on the /boot
# partition (PV-GRUB "root (hd0,0)") boots root=/dev/mapper/VolGroup00-LogVol00. The group is
# written without device-mapper (lvcreate --driverloaded n; lvm2 scans only this image's
# partition), the root filesystem copied in at the LV's first extent.
# Outputs: OUT (the disk image), OUT.data-f and OUT.data-g (copies of SOURCE's data volumes),
# OUT.boot/ (the PV-GRUB stand-in: kernel, the new initrd, cmdline), OUT.facts (SOURCE's, plus
# LVM_ROOT=). The guest also serves /cgi-bin/root: "root-source=" and the device / is mounted from.
# Usage: build-userland-lvm.sh SOURCE OUT
set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: build-userland-lvm.sh SOURCE OUT" >&2; exit 2; }
src=$1 out=$2
[[ $src =~ ^/[A-Za-z0-9._/+-]+$ && -f $src && -f $src.facts && -d $src.boot ]] || { echo "invalid source image: $src" >&2; exit 2; }
[[ $out =~ ^/[A-Za-z0-9._/+-]+$ ]] || { echo "invalid output path: $out" >&2; exit 2; }

vg=VolGroup00 lv=LogVol00
mib=1048576
work=$(mktemp -d "${out%/*}/.userland-lvm.XXXXXX")
r=$work/root loop= pvloop=
cleanup() {
  local m
  for m in "$r/proc" "$r/sys" "$r/dev"; do mountpoint -q "$m" 2>/dev/null && umount -l "$m"; done
  mountpoint -q "$r" 2>/dev/null && umount "$r"
  [[ -z $pvloop ]] || losetup -d "$pvloop" 2>/dev/null
  [[ -z $loop ]] || losetup -d "$loop" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
in_root() { chroot "$r" env DEBIAN_FRONTEND=noninteractive LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
kv=$(sed -n 's/^KVER=//p' "$src.facts")
[[ $kv =~ ^[A-Za-z0-9._+~-]+$ ]] || { echo "no KVER in $src.facts" >&2; exit 1; }

cp --sparse=always "$src" "$work/root.img"
root_bytes=$(stat -c %s "$work/root.img")
mkdir -p "$r" "$work/boot"
loop=$(losetup -f --show "$work/root.img")
mount "$loop" "$r"
mount --bind /dev "$r/dev"; mount -t proc proc "$r/proc"; mount -t sysfs sysfs "$r/sys"
in_root apt-get -qq update >&2
in_root apt-get -qq -y --no-install-recommends install lvm2 >&2
# the initramfs-tools hook of lvm2 adds dm-mod and the lvm tools; its local-top script activates root='s group
in_root update-initramfs -u -k "$kv" >&2
umount "$r/sys" "$r/proc" "$r/dev"
# where the guest's root is mounted from, served beside its page (the PV boot has no console login)
cat >"$r/var/www/cgi-bin/root" <<'PAGE'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "root-source=$(findmnt -no SOURCE /)"
PAGE
chmod 755 "$r/var/www/cgi-bin/root"

printf '# /etc/fstab: static file system information.\n/dev/mapper/%s-%s  /  ext4  defaults,noatime  0  1\nBOOTSPEC  /boot  ext4  defaults  0  2\n' \
  "$vg" "$lv" >"$work/fstab.head"
grep -vE '^[[:space:]]*(#|$)|[[:space:]]/[[:space:]]' "$r/etc/fstab" >"$work/fstab.tail"
cp -a "$r/boot/." "$work/boot/"
rm -rf "${r:?}/boot/"*
printf 'default 0\ntimeout 1\n\ntitle Debian GNU/Linux, kernel %s (LVM root)\nroot (hd0,0)\nkernel /vmlinuz-%s root=/dev/mapper/%s-%s ro console=hvc0\ninitrd /initrd.img-%s\n' \
  "$kv" "$kv" "$vg" "$lv" "$kv" >"$work/boot/grub/menu.lst"
cp "$work/boot/vmlinuz-$kv" "$work/vmlinuz"; cp "$work/boot/initrd.img-$kv" "$work/initrd"

truncate -s 256M "$work/bootfs.img"
mkfs.ext4 -q -F -L pvboot -d "$work/boot" "$work/bootfs.img"
boot_uuid=$(blkid -p -s UUID -o value "$work/bootfs.img")
{ sed "s/^BOOTSPEC/UUID=$boot_uuid/" "$work/fstab.head"; cat "$work/fstab.tail"; } >"$r/etc/fstab"
umount "$r"
losetup -d "$loop"; loop=

rm -f "$out.tmp"
pv_bytes=$(( root_bytes + 8 * mib ))
truncate -s $(( 257 * mib + pv_bytes )) "$out.tmp"
printf 'start=2048, size=%d, type=83, bootable\nstart=%d, size=%d, type=8e\n' $(( 256 * 2048 )) $(( 257 * 2048 )) \
  $(( pv_bytes / 512 )) | sfdisk -q "$out.tmp"
dd if="$work/bootfs.img" of="$out.tmp" bs=4M oflag=seek_bytes seek=$mib conv=notrunc,sparse status=none
export LVM_SUPPRESS_FD_WARNINGS=1
pvloop=$(losetup -f --show -o $(( 257 * mib )) --sizelimit "$pv_bytes" "$out.tmp")
only="devices { filter = [ \"a%^$pvloop\$%\", \"r%.*%\" ] use_devicesfile = 0 }"  # never the worker's own groups
pvcreate --config "$only" -q -ff -y "$pvloop" >/dev/null
vgcreate --config "$only" -q "$vg" "$pvloop" >/dev/null
lvcreate --config "$only" --driverloaded n -q -an -Zn -L $(( root_bytes / mib ))M -n "$lv" "$vg" >/dev/null 2>&1
seg=$(lvs --config "$only" --readonly --noheadings --units b --nosuffix -o segtype,seg_pe_ranges "$vg/$lv" 2>/dev/null | tr -s ' ')
pe_start=$(pvs --config "$only" --readonly --noheadings --units b --nosuffix -o pe_start "$pvloop" 2>/dev/null | tr -d ' ')
[[ $seg == " linear $pvloop:0-"* && $pe_start =~ ^[0-9]+$ ]] || { echo "unexpected LVM layout: '$seg' pe_start '$pe_start'" >&2; exit 1; }
losetup -d "$pvloop"; pvloop=
dd if="$work/root.img" of="$out.tmp" bs=4M oflag=seek_bytes seek=$(( 257 * mib + pe_start )) conv=notrunc,sparse status=none

rm -rf "$out.boot" && mkdir "$out.boot"
mv "$work/vmlinuz" "$work/initrd" "$out.boot/"
echo "root=/dev/mapper/$vg-$lv ro console=ttyS0 lab.pv=1" >"$out.boot/cmdline"
cp --sparse=always "$src.data-f" "$out.data-f"
cp --sparse=always "$src.data-g" "$out.data-g"
{ cat "$src.facts"; echo "LVM_ROOT=/dev/mapper/$vg-$lv"; echo "BOOT_UUID=$boot_uuid"; } >"$out.facts"
mv "$out.tmp" "$out"
echo "IMAGE=$out"
