#!/bin/sh
# pv2hvm: keeps the HVM boot configuration on the newest installed kernel. Installed by pv2hvm as
# /etc/kernel/postinst.d/zz-pv2hvm-boot and /etc/kernel/postrm.d/zz-pv2hvm-boot, which the
# guest's kernel packages run after installing or removing a kernel (after the initramfs hook,
# hence the zz- prefix). It renders /etc/pv2hvm/boot.template, the boot configuration pv2hvm
# wrote for kernel $KVER, for the newest kernel that has an initramfs and is not a Xen PV-only
# build, and replaces $TARGET atomically. Remove both hooks to manage the boot configuration
# yourself; the original PV menu.lst is never touched.
set -eu
# Without pv2hvm's files (removed by the user) there is nothing to keep current; never fail the
# kernel package's own installation for that.
[ -f /etc/pv2hvm/boot.env ] && [ -f /etc/pv2hvm/boot.template ] || exit 0
. /etc/pv2hvm/boot.env   # KVER, KERNEL, INITRD, TARGET: what the template names

literal() { printf '%s' "$1" | sed 's/[][\.*^$/&]/\\&/g'; }
kdir=${KERNEL%/*}; kbase=${KERNEL##*/}; ibase=${INITRD##*/}
kprefix=${kbase%"$KVER"}; iprefix=${ibase%%"$KVER"*}; isuffix=${ibase#*"$KVER"}

newest=
for k in "$kdir/$kprefix"*; do
  [ -f "$k" ] || continue
  v=${k##*/}; v=${v#"$kprefix"}
  [ -f "$kdir/$iprefix$v$isuffix" ] || continue
  case $v in *xen|*xenU) continue ;; esac
  if [ -f "$kdir/config-$v" ] && grep -qE '^CONFIG_X86(_64)?_XEN=y' "$kdir/config-$v"; then continue; fi
  newest=$(printf '%s\n%s\n' "$newest" "$v" | sed '/^$/d' | sort -V | tail -n 1)
done
[ -n "$newest" ] || { echo "pv2hvm: no kernel with an initramfs in $kdir; $TARGET left as it is" >&2; exit 0; }

# by file name: with /boot on a partition of its own the template names /vmlinuz-..., not /boot/vmlinuz-...;
# then the version in the lines that name neither file (the entry's title)
sed -e "s/$(literal "/$kbase")/$(literal "/$kprefix$newest")/g" \
    -e "s/$(literal "/$ibase")/$(literal "/$iprefix$newest$isuffix")/g" \
    -e "/$(literal "/$kprefix")/b" -e "/$(literal "/$iprefix")/b" \
    -e "s/$(literal "$KVER")/$(literal "$newest")/g" \
    /etc/pv2hvm/boot.template >"$TARGET.pv2hvm-new"
mv "$TARGET.pv2hvm-new" "$TARGET"
echo "pv2hvm: $TARGET now boots $newest" >&2
