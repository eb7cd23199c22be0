#!/bin/bash
# Builds a full-userland PV guest: Debian bookworm (minbase, docs and locales dropped) booting
# through its own init (systemd or sysvinit-core) and serving a page with busybox httpd, dressed
# as an EC2 PV root with the legacy traits pv2hvm must handle:
#   - unpartitioned ext4 root, PV-GRUB /boot/grub/menu.lst, console=hvc0, fstab by device name
#   - an hvc0 getty (systemd unit or inittab line) and no ttyS0 getty
#   - 70-persistent-net.rules and a systemd .link file (udev reads it under both inits) pinning
#     eth0 to the PV instance's MAC, ifupdown configuring eth0 by DHCP
#   - two data volumes: /dev/xvdf by device name on /data, a second by UUID on /data2
#   - systemd only: cloud-init with the NoCloud datasource (seed on the root) and a per-instance
#     user-data script that appends a line to /var/lib/lab/userdata-runs
#   - a newer kernel (bookworm-backports) downloaded into /root/kernel-update, to be installed
#     offline by the guest's own apt after conversion
# Outputs: OUT (the root image), OUT.data-f and OUT.data-g (data volume images), OUT.boot/ (the
# PV-GRUB stand-in: kernel, initrd, cmdline with root=LABEL=pvroot console=ttyS0 lab.pv=1, which
# turns on the udev rule naming the IDE data disks /dev/xvdf and /dev/xvdg as Xen would) and
# OUT.facts (MAC=, KVER=, UPDATE_KVER=, DATA_G_UUID=). Written to temporary names and renamed.
# Usage: build-userland.sh CACHE_DIR OUT INIT PV_MAC
set -euo pipefail

[[ $# -eq 4 ]] || { echo "usage: build-userland.sh CACHE_DIR OUT INIT PV_MAC" >&2; exit 2; }
cache=$1 out=$2 init=$3 mac=$4
[[ $cache =~ ^/[A-Za-z0-9._/+-]+$ ]] || { echo "invalid cache directory: $cache" >&2; exit 2; }
[[ $out =~ ^/[A-Za-z0-9._/+-]+$ ]] || { echo "invalid output path: $out" >&2; exit 2; }
[[ $init =~ ^(systemd|sysvinit)$ ]] || { echo "invalid init: $init (systemd or sysvinit)" >&2; exit 2; }
[[ $mac =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || { echo "invalid MAC: $mac" >&2; exit 2; }

mirror=http://deb.debian.org/debian
work=$(mktemp -d "${out%/*}/.userland.XXXXXX")
r=$work/root
cleanup() {
  local m
  for m in "$r/proc" "$r/sys" "$r/dev"; do mountpoint -q "$m" 2>/dev/null && umount -l "$m"; done
  rm -rf "$work"
}
trap cleanup EXIT
in_root() { chroot "$r" env DEBIAN_FRONTEND=noninteractive LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

common=linux-image-amd64,initramfs-tools,udev,kmod,ifupdown,isc-dhcp-client,busybox,procps,iproute2,netbase,login,passwd
case $init in
  systemd) pkgs=$common,systemd-sysv ;;   # cloud-init below, by apt: debootstrap resolves no virtual packages
  sysvinit) pkgs=$common,sysvinit-core,sysv-rc,initscripts,orphan-sysvinit-scripts ;;
esac
mkdir -p "$cache/debootstrap-debs"
# INITRD=No: the kernel's initramfs hook skips its (slow, MODULES=most) build; the PV-style one is made below
exec 9>"$cache/debootstrap-debs.lock"
flock 9   # one debootstrap at a time writes the shared package cache
INITRD=No debootstrap --variant=minbase --cache-dir="$cache/debootstrap-debs" --include="$pkgs" bookworm "$r" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
flock -u 9
kv=$(ls "$r/usr/lib/modules" | head -1)

mount --bind /dev "$r/dev"; mount -t proc proc "$r/proc"; mount -t sysfs sysfs "$r/sys"

# The next kernel, as the guest would fetch it; installed later, offline, by the guest itself.
echo "deb $mirror bookworm-backports main" >"$r/etc/apt/sources.list.d/backports.list"
in_root apt-get -qq update >&2
if [[ $init == systemd ]]; then
  in_root apt-get -qq -y --no-install-recommends install cloud-init >&2
fi
next=$(in_root apt-cache show linux-image-amd64/bookworm-backports | sed -n 's/^Depends: \(linux-image-[^ ,]*\).*/\1/p' | head -1)
[[ -n $next ]] || { echo "cannot resolve linux-image-amd64 from bookworm-backports" >&2; exit 1; }
mkdir -p "$r/root/kernel-update"
# and linux-base from the same suite, which the backports kernel pre-depends on (bookworm's own is new enough today)
(cd "$r/root/kernel-update" && in_root sh -c "cd /root/kernel-update && apt-get -qq download $next linux-base/bookworm-backports") >&2
next_kv=${next#linux-image-}
rm -f "$r/etc/apt/sources.list.d/backports.list"
in_root apt-get clean
rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin

# Small: no docs, locales, man pages, or driver families no lab boot needs.
md=$r/usr/lib/modules/$kv/kernel
rm -rf "$md"/drivers/{gpu,media,net/wireless,infiniband,staging,bluetooth,iio,isdn} "$md"/sound \
       "$r"/usr/share/{doc,locale,man,info}/*
in_root depmod "$kv"
# What an old PV guest's initramfs carries: Xen and IDE disk drivers, no nvme.
sed -i 's/^MODULES=.*/MODULES=list/' "$r/etc/initramfs-tools/initramfs.conf"
printf '%s\n' ext4 crc32c_generic libata ata_piix ata_generic sd_mod xen-blkfront >"$r/etc/initramfs-tools/modules"
mode=-c; [[ -e $r/boot/initrd.img-$kv ]] && mode=-u
in_root update-initramfs "$mode" -k "$kv" >"$work/initramfs.log" 2>&1 || { cat "$work/initramfs.log" >&2; exit 1; }

name=lab-$init
echo "$name" >"$r/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$name" >"$r/etc/hosts"
in_root passwd -d root >/dev/null   # the lab logs in on the serial console without a password

# Network: eth0 by DHCP, pinned to the PV instance's MAC twice over.
cat >"$r/etc/network/interfaces" <<'NET'
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet dhcp
NET
mkdir -p "$r/etc/udev/rules.d" "$r/etc/systemd/network"
cat >"$r/etc/udev/rules.d/70-persistent-net.rules" <<RULES
# This file was automatically generated by the /lib/udev/write_net_rules
# program, run by the persistent-net-generator.rules rules file.
# PCI device 0xXXXX:0xXXXX (vif)
SUBSYSTEM=="net", ACTION=="add", DRIVERS=="?*", ATTR{address}=="$mac", ATTR{dev_id}=="0x0", ATTR{type}=="1", KERNEL=="eth*", NAME="eth0"
RULES
printf '[Match]\nMACAddress=%s\n\n[Link]\nName=eth0\n' "$mac" >"$r/etc/systemd/network/10-eth0.link"

# Lab scaffolding for the PV stand-in boot only (kernel argument lab.pv=1): Xen's data disk names.
cat >"$r/etc/udev/rules.d/60-lab-pv-names.rules" <<'RULES'
IMPORT{cmdline}="lab.pv"
SUBSYSTEM=="block", ENV{lab.pv}=="1", KERNEL=="sd*", KERNELS=="0:0:1:0", SYMLINK+="xvdf"
SUBSYSTEM=="block", ENV{lab.pv}=="1", KERNEL=="sd*", KERNELS=="1:0:0:0", SYMLINK+="xvdg"
RULES

# Data volumes: small ext4 images, each holding a file that names it.
mkdir -p "$work/df" "$work/dg" "$r/data" "$r/data2"
echo data-f >"$work/df/volume-id"; echo data-g >"$work/dg/volume-id"
truncate -s 32M "$work/data-f" "$work/data-g"
mkfs.ext4 -q -F -d "$work/df" "$work/data-f"
mkfs.ext4 -q -F -d "$work/dg" "$work/data-g"
g_uuid=$(blkid -p -s UUID -o value "$work/data-g")
cat >"$r/etc/fstab" <<FSTAB
# /etc/fstab: static file system information.
/dev/xvda1      /       ext4  defaults,noatime  0  1
proc            /proc   proc  defaults          0  0
/dev/xvdf       /data   ext4  defaults          0  2
UUID=$g_uuid  /data2  ext4  defaults  0  2
FSTAB

# The page: who serves, on which kernel, under which init, with which volumes mounted.
mkdir -p "$r/var/www/cgi-bin" "$r/var/lib/lab"
cat >"$r/var/www/cgi-bin/page" <<'PAGE'
#!/bin/sh
vol() { if mountpoint -q "$1"; then cat "$1/volume-id"; else echo missing; fi; }
runs=0; [ -f /var/lib/lab/userdata-runs ] && runs=$(wc -l </var/lib/lab/userdata-runs)
printf 'Content-Type: text/plain\r\n\r\n'
echo "guest=$(cat /proc/sys/kernel/hostname)"
echo "kernel=$(uname -r)"
echo "init=$(cat /proc/1/comm)"
echo "data=$(vol /data)"
echo "data2=$(vol /data2)"
echo "mac=$(cat /sys/class/net/eth0/address 2>/dev/null || echo none)"
echo "userdata-runs=$runs"
PAGE
chmod 755 "$r/var/www/cgi-bin/page"
case $init in
  systemd)
    cat >"$r/etc/systemd/system/lab-web.service" <<'UNIT'
[Unit]
Description=lab web page (busybox httpd)
After=network-online.target local-fs.target
Wants=network-online.target

[Service]
ExecStart=/bin/busybox httpd -f -p 80 -h /var/www

[Install]
WantedBy=multi-user.target
UNIT
    in_root systemctl enable lab-web.service networking.service >/dev/null
    # the PV console getty; no ttyS0 getty is enabled
    in_root systemctl enable serial-getty@hvc0.service >/dev/null \
      || ln -sf /lib/systemd/system/serial-getty@.service "$r/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service"
    # cloud-init: NoCloud seed on the root; network left to ifupdown
    mkdir -p "$r/var/lib/cloud/seed/nocloud" "$r/etc/cloud/cloud.cfg.d"
    printf 'datasource_list: [ NoCloud, None ]\nnetwork: {config: disabled}\n' >"$r/etc/cloud/cloud.cfg.d/90-lab.cfg"
    printf 'instance-id: i-0pv00000000000001\nlocal-hostname: %s\n' "$name" >"$r/var/lib/cloud/seed/nocloud/meta-data"
    printf '#!/bin/sh\necho "$(cat /proc/sys/kernel/random/boot_id)" >>/var/lib/lab/userdata-runs\n' \
      >"$r/var/lib/cloud/seed/nocloud/user-data"
    ;;
  sysvinit)
    cat >"$r/etc/init.d/lab-web" <<'INIT'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          lab-web
# Required-Start:    $network $local_fs $remote_fs
# Required-Stop:     $network $local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: lab web page (busybox httpd)
### END INIT INFO
case "$1" in
  start) /bin/busybox httpd -p 80 -h /var/www ;;
  stop) pkill -f 'busybox httpd' || true ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
INIT
    chmod 755 "$r/etc/init.d/lab-web"
    in_root update-rc.d lab-web defaults >/dev/null
    # the PV console getty, as on Xen PV guests; the stock ttyS0 line stays commented out
    echo 'h0:2345:respawn:/sbin/getty -L 115200 hvc0 vt102' >>"$r/etc/inittab"
    ;;
esac
umount "$r/sys" "$r/proc" "$r/dev"

cat >"$r/boot/grub-menu.tmp" <<MENU
default 0
timeout 1

title Debian GNU/Linux, kernel $kv
root (hd0)
kernel /boot/vmlinuz-$kv root=/dev/xvda1 ro console=hvc0
initrd /boot/initrd.img-$kv
MENU
mkdir -p "$r/boot/grub"; mv "$r/boot/grub-menu.tmp" "$r/boot/grub/menu.lst"

rm -rf "$out.boot"; mkdir -p "$work/boot"
cp "$r/boot/vmlinuz-$kv" "$work/boot/vmlinuz"; cp "$r/boot/initrd.img-$kv" "$work/boot/initrd"
echo "root=LABEL=pvroot ro console=ttyS0 lab.pv=1" >"$work/boot/cmdline"   # sdX names follow probe order
printf 'MAC=%s\nKVER=%s\nUPDATE_KVER=%s\nDATA_G_UUID=%s\n' "$mac" "$kv" "$next_kv" "$g_uuid" >"$work/facts"

truncate -s 2048M "$work/root.img"
mkfs.ext4 -q -F -b 4096 -L pvroot -d "$r" "$work/root.img"
mv "$work/data-f" "$out.data-f"; mv "$work/data-g" "$out.data-g"; mv "$work/boot" "$out.boot"; mv "$work/facts" "$out.facts"
mv "$work/root.img" "$out"
echo "FIXTURE=$out"
