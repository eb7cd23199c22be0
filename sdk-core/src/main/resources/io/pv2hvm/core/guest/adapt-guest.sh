#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# adapt-guest DEVICE KEEP_CLOUD_INIT BOOT_TARGET KVER KERNEL INITRD BOOT_TEMPLATE HOOK
# Makes the converted guest on DEVICE serve under HVM, beyond booting:
#   network   neutralises what pins eth0 to the PV instance's MAC: MAC-matching rules in
#             70-persistent-net.rules, the persistent-net generator (overridden in /etc), MAC
#             matches in systemd .link files, HWADDR=/MACADDR= in ifcfg-* files
#   consoles  moves hvc0/xvc0 gettys (inittab, systemd units, upstart jobs) to ttyS0; with
#             --live-root (DUAL_BOOT: the same filesystem still boots as PV) adds a ttyS0 getty beside them
#   kernels   installs HOOK as /etc/kernel/postinst.d and postrm.d hooks that render BOOT_TEMPLATE
#             (the boot configuration written for kernel KVER, whose KERNEL and INITRD it names)
#             into BOOT_TARGET for the newest kernel, so the guest's own kernel updates keep booting
#   cloud-init with KEEP_CLOUD_INIT=yes, trusts its cached instance (manual_cache_clean), so the
#             new instance id does not re-run per-instance modules (user-data scripts, SSH host keys);
#             https://docs.cloud-init.io/en/latest/explanation/first_boot.html ("trust")
#   SELinux   schedules /.autorelabel when the guest labels files, for the files changed here
# Every changed file keeps its original once as FILE.pv2hvm-orig. Paths are resolved inside the
# guest; one that leads out of it is refused. Prints CHANGE<TAB>path<TAB>reason per change.
[[ $# -eq 8 ]] || fail "usage: adapt-guest DEVICE KEEP_CLOUD_INIT BOOT_TARGET KVER KERNEL INITRD BOOT_TEMPLATE HOOK"
dev=$1 keep_ci=$2 target=$3 kver=$4 kernel=$5 initrd=$6 template=$7 hook=$8
need_block_device DEVICE "$dev"
need_word KEEP_CLOUD_INIT "$keep_ci" '^(yes|no)$'
need_guest_path BOOT_TARGET "$target"
need_word KVER "$kver" '^[A-Za-z0-9._+~-]+$'
need_guest_path KERNEL "$kernel"
need_guest_path INITRD "$initrd"
need_text BOOT_TEMPLATE "$template"
need_text HOOK "$hook"
not_mounted "$dev"
mount_guest "$dev" rw

change() { printf 'CHANGE\t%s\t%s\n' "$1" "$2"; }
# edit GUESTPATH REASON SED...: applies sed to a guest file; records and keeps the original if it changed
edit() {
  local g=$1 why=$2 p new; shift 2
  p=$(guest_file "$g")
  [[ -f $p ]] || return 0
  new=$(sed "$@" "$p")
  [[ $new != "$(cat "$p")" ]] || return 0
  write_guest_file "$p" "$new"
  change "$g" "$why"
}
# create GUESTPATH MODE TEXT REASON: writes a file pv2hvm owns (kept original if one was there)
create() {
  local p; p=$(guest_file "$1")
  mkdir -p "${p%/*}"
  [[ -f $p && $(cat "$p") == "$(printf '%s\n' "$3")" ]] || { write_guest_file "$p" "$3"; change "$1" "$4"; }
  chmod "$2" "$p"
}
shopt -s nullglob

# --- network identity
edit /etc/udev/rules.d/70-persistent-net.rules "commented out rules naming interfaces by the PV instance's MAC" \
  -e '/^[^#].*ATTR{address}==/s/^/# pv2hvm: /'
for gen in /lib/udev/rules.d/75-persistent-net-generator.rules /usr/lib/udev/rules.d/75-persistent-net-generator.rules; do
  p=$(guest_file "$gen")
  if [[ -f $p ]]; then
    create /etc/udev/rules.d/75-persistent-net-generator.rules 644 \
      "# pv2hvm: overrides $gen, which would pin each new MAC to a new name (eth1, ...)" \
      "disabled the persistent-net generator, so the new NIC keeps eth0"
    break
  fi
done
netdir=$(guest_dir /etc/systemd/network)
for f in "$netdir"/*.link; do
  g=/etc/systemd/network/${f##*/}
  p=$(guest_file "$g")
  [[ -f $p ]] && grep -qiE '^[[:space:]]*(MACAddress|PermanentMACAddress)=' "$p" || continue
  edit "$g" "commented out a .link file matching the PV instance's MAC" -e '/^[^#]/s/^/# pv2hvm: /'
done
for d in /etc/sysconfig/network-scripts /etc/sysconfig/network; do
  dir=$(guest_dir "$d")
  for f in "$dir"/ifcfg-*; do
    [[ $f == *.pv2hvm-orig ]] && continue
    edit "$d/${f##*/}" "removed HWADDR/MACADDR pinning the interface to the PV instance's MAC" \
      -E -e 's/^[[:space:]]*(HWADDR|MACADDR)=/# pv2hvm: &/'
  done
done

# --- consoles
if [[ -z $PV2HVM_LIVE_ROOT ]]; then
  inittab=$(guest_file /etc/inittab)
  if [[ -f $inittab ]] && grep -qE '^[^#].*getty.*\bttyS0\b' "$inittab"; then
    edit /etc/inittab "commented out the Xen console getty (hvc0/xvc0); a ttyS0 getty is already there" \
      -E -e '/^[^#].*getty.*\b(hvc0|xvc0)\b/s/^/# pv2hvm: /'
  else
    edit /etc/inittab "moved the Xen console getty (hvc0/xvc0) to ttyS0" -E -e '/^[^#].*getty/s/\b(hvc0|xvc0)\b/ttyS0/'
  fi
  for wants in /etc/systemd/system/getty.target.wants /etc/systemd/system/multi-user.target.wants; do
    dir=$(guest_dir "$wants")
    for f in "$dir"/serial-getty@hvc0.service "$dir"/serial-getty@xvc0.service; do
      [[ -L $f || -f $f ]] || continue
      keep_original_by_move "$f"
      ln -sfn /lib/systemd/system/serial-getty@.service "$dir/serial-getty@ttyS0.service"
      change "$wants/${f##*/}" "replaced by serial-getty@ttyS0.service (the HVM serial console); original kept as ${f##*/}.pv2hvm-orig"
    done
  done
  for tty in hvc0 xvc0; do
    job=$(guest_file "/etc/init/$tty.conf")
    [[ -f $job ]] || continue
    ttys0=$(guest_file /etc/init/ttyS0.conf)
    [[ -f $ttys0 ]] || create /etc/init/ttyS0.conf 644 "$(sed "s/\b$tty\b/ttyS0/g" "$job")" \
      "upstart getty on ttyS0, from /etc/init/$tty.conf"
    keep_original_by_move "$job"
    change "/etc/init/$tty.conf" "disabled the Xen console job (kept as $tty.conf.pv2hvm-orig); ttyS0.conf runs instead"
  done
else
  # live (DUAL_BOOT): the same filesystem still boots as PV, so the Xen console's getty stays and a
  # ttyS0 getty is added beside it; each boot's console is the one that exists there
  inittab=$(guest_file /etc/inittab)
  if [[ -f $inittab ]] && ! grep -qE '^[^#].*getty.*\bttyS0\b' "$inittab"; then
    xen=$(grep -E '^[^#].*getty.*\b(hvc0|xvc0)\b' "$inittab" | head -n 1 || true)
    if [[ -n $xen ]]; then
      write_guest_file "$inittab" "$(cat "$inittab")"$'\n'"$(sed -E -e 's/^[^:]*:/pvS0:/' -e 's/\b(hvc0|xvc0)\b/ttyS0/' <<<"$xen")"
      change /etc/inittab "added a getty on ttyS0 (the HVM serial console) beside the Xen console's"
    fi
  fi
  for wants in /etc/systemd/system/getty.target.wants /etc/systemd/system/multi-user.target.wants; do
    dir=$(guest_dir "$wants")
    for f in "$dir"/serial-getty@hvc0.service "$dir"/serial-getty@xvc0.service; do
      [[ -L $f || -f $f ]] || continue
      [[ -e $dir/serial-getty@ttyS0.service || -L $dir/serial-getty@ttyS0.service ]] && break
      ln -s /lib/systemd/system/serial-getty@.service "$dir/serial-getty@ttyS0.service"
      change "$wants/serial-getty@ttyS0.service" "added a getty on ttyS0 (the HVM serial console) beside ${f##*/}"
      break
    done
  done
  for tty in hvc0 xvc0; do
    job=$(guest_file "/etc/init/$tty.conf")
    [[ -f $job ]] || continue
    ttys0=$(guest_file /etc/init/ttyS0.conf)
    [[ -f $ttys0 ]] || create /etc/init/ttyS0.conf 644 "$(sed "s/\b$tty\b/ttyS0/g" "$job")" \
      "upstart getty on ttyS0 (the HVM serial console), from /etc/init/$tty.conf, which stays for PV"
  done
fi

# --- kernel updates keep the HVM boot configuration current
create /etc/pv2hvm/boot.template 644 "$template" "the HVM boot configuration, which the kernel hooks render for the newest kernel"
create /etc/pv2hvm/boot.env 644 "$(printf 'KVER=%q\nKERNEL=%q\nINITRD=%q\nTARGET=%q' "$kver" "$kernel" "$initrd" "$target")" \
  "what boot.template names, for the kernel hooks"
for d in postinst.d postrm.d; do
  create "/etc/kernel/$d/zz-pv2hvm-boot" 755 "$hook" "keeps $target on the newest kernel when the guest installs or removes one"
done

# --- cloud-init keeps its instance
cloudcfg=$(guest_file /etc/cloud/cloud.cfg)
cloudcfgd=$(guest_dir /etc/cloud/cloud.cfg.d)
if [[ $keep_ci == yes && ( -e $cloudcfg || -d $cloudcfgd ) ]]; then
  create /etc/cloud/cloud.cfg.d/99-pv2hvm-keep-instance.cfg 644 \
    "$(printf '%s\n' "# pv2hvm: keep this guest's cloud-init instance after the move to HVM, so the new instance id" \
      "# does not re-run per-instance modules (user-data scripts, SSH host keys). Delete this file to" \
      "# let cloud-init treat the next boot as a new instance." "manual_cache_clean: true")" \
    "cloud-init trusts its cached instance: user-data scripts do not run again and SSH host keys stay"
fi

# --- SELinux: the files written above need the guest's labels
sel=$(guest_file /etc/selinux/config)
if [[ -f $sel ]] && grep -qE '^[[:space:]]*SELINUX=["'"'"']?(enforcing|permissive)' "$sel"; then
  create /.autorelabel 644 "" "SELinux is on: the first boot relabels the filesystem (restores the labels of the files changed here; takes minutes on large roots)"
fi
sync
