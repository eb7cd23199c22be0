#!/bin/sh
# pv2hvm lab init: prints one marker line saying which kernel booted, which device is the root
# filesystem, and whether /etc/fstab's root entry resolves to that device; then powers off.
# POSIX sh with tools present in both busybox and Debian minbase.
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev 2>/dev/null
rootdev=$(awk '$2 == "/" && $1 != "rootfs" { d = $1 } END { print d }' /proc/mounts)
rootreal=$(readlink -f "$rootdev")
spec=$(awk '$1 !~ /^#/ && $2 == "/" { print $1; exit }' /etc/fstab)
case $spec in
  UUID=*|LABEL=*) fdev=$(findfs "$spec" 2>/dev/null) ;;
  *) fdev=$spec ;;
esac
if [ -z "$spec" ]; then fstab=none
elif [ -z "$fdev" ] || [ ! -b "$fdev" ]; then fstab=missing
elif [ "$(readlink -f "$fdev")" = "$rootreal" ]; then fstab=ok
else fstab=mismatch
fi
echo "PV2HVM-MARKER kernel=$(uname -r) root=$rootreal fstab=$fstab spec=$spec"
sync
echo o >/proc/sysrq-trigger
sleep 30
