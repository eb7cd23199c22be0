#!/bin/sh
# pv2hvm lab initramfs: loads the modules listed in /modorder, finds root= (device, UUID= or
# LABEL=), mounts it and switches to it. Stands in for a distribution's initramfs: what it can
# mount depends only on which driver modules it carries.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modorder); do insmod "$m" 2>/dev/null; done
root=; flags=ro; init=/sbin/init
for a in $(cat /proc/cmdline); do
  case $a in root=*) root=${a#root=} ;; rw) flags=rw ;; init=*) init=${a#init=} ;; esac
done
dev=; i=0
while [ $i -lt 100 ]; do
  case $root in LABEL=*|UUID=*) dev=$(findfs "$root" 2>/dev/null) ;; *) dev=$root ;; esac
  [ -n "$dev" ] && [ -b "$dev" ] && break
  dev=; sleep 0.1; i=$((i + 1))
done
if [ -z "$dev" ] || ! mount -o "$flags" "$dev" /newroot; then
  echo "INITRAMFS-FAIL cannot mount root=$root; block devices: $(ls /sys/class/block | tr '\n' ' ')"
  echo o >/proc/sysrq-trigger
  sleep 30
fi
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot "$init"
