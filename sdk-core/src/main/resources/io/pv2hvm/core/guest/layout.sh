# pv2hvm worker library, layouts: prepended after lib.sh. Partitioned PV roots (hd00 AKIs) and
# a /boot on a partition of its own. A job given --boot=DEVICE before its own arguments mounts
# DEVICE on the guest's /boot right after the root (mount_separate_boot), so what it writes under
# /boot lands where the guest's bootloader and kernel packages look.
# A job given --lvm-root=VG/LV reads its DEVICE argument as the LVM physical volume holding the
# guest's root logical volume LV of volume group VG and works on the LV instead, through a loop
# device over the LV's extents (map_lvm_root, at the end of this file).
# shellcheck shell=bash
# shellcheck disable=SC2034  # read by the header of a job script run alone: set, layout.sh is loaded
PV2HVM_LAYOUT=1
PV2HVM_BOOT_DEVICE=
PV2HVM_LVM_ROOT=
while [[ ${1:-} == --boot=* || ${1:-} == --lvm-root=* ]]; do
  case $1 in
    --boot=*) PV2HVM_BOOT_DEVICE=${1#--boot=}; need_block_device BOOT "$PV2HVM_BOOT_DEVICE" ;;
    --lvm-root=*) PV2HVM_LVM_ROOT=${1#--lvm-root=}
      need_word LVM_ROOT "$PV2HVM_LVM_ROOT" '^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}/[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$' ;;
  esac
  shift
done
[[ -z $PV2HVM_LIVE_ROOT || ( -z $PV2HVM_BOOT_DEVICE && -z $PV2HVM_LVM_ROOT ) ]] \
  || fail "a live root (--live-root) is one whole-volume filesystem: no --boot or --lvm-root"

# mount_on_guest_boot DEVICE ro|rw: mounts DEVICE on the guest's /boot under MNT (read-only
# mounts replay no journal). The guest's /boot must be a real directory inside the guest.
mount_on_guest_boot() {
  local dev=$1 mode=$2 dir type opts
  dir=$(in_guest /boot)
  [[ $dir == "$MNT"/* && -d $dir && ! -L $dir ]] || fail "the guest has no /boot directory to mount $dev on"
  type=$(fs_type "$dev")
  case $type:$mode in
    ext3:ro|ext4:ro) opts=ro,noexec,noload ;;
    xfs:ro) opts=ro,noexec,norecovery ;;
    *:ro) opts=ro,noexec ;;
    *) opts=$mode ;;
  esac
  opts+=,nodev,nosuid  # the guest's device nodes and setuid files stay inert, as in mount_guest
  mount -t "${type:-auto}" -o "$opts" "$dev" "$dir" || fail "cannot mount $dev on the guest's /boot ($type, $opts)"
  PV2HVM_MOUNTS+=("$dir")
}

# mount_separate_boot ro|rw: after mount_guest, the --boot device (if given) on the guest's /boot.
mount_separate_boot() {
  [[ -n $PV2HVM_BOOT_DEVICE ]] || return 0
  not_mounted "$PV2HVM_BOOT_DEVICE"
  mount_on_guest_boot "$PV2HVM_BOOT_DEVICE" "$1"
}

# partition_starts DISK: "NUMBER START_SECTOR" for each partition in DISK's table.
partition_starts() {
  partx -g -o NR,START "$1" 2>/dev/null | awk 'NF == 2 { print $1, $2 }'
}

# fstab_boot_spec FSTAB: the device field of the fstab entry mounting /boot, if any.
fstab_boot_spec() {
  awk '$1 !~ /^#/ && $2 == "/boot" { print $1; exit }' "$1" 2>/dev/null || true
}

# holds_root DEVICE: whether the filesystem on DEVICE is a root (has /etc/fstab). Mounted
# read-only without journal replay and released at once; an unmountable one is not a root.
holds_root() {
  local dir opts found=1
  case $(fs_type "$1") in ext3|ext4) opts=ro,noload ;; xfs) opts=ro,norecovery ;; *) opts=ro ;; esac
  opts+=,noexec,nodev,nosuid
  dir=$(mktemp -d /tmp/pv2hvm-probe.XXXXXX)
  PV2HVM_TMP+=("$dir")
  mount -o "$opts" "$1" "$dir" 2>/dev/null || return 1
  # a link at etc or etc/fstab could name the worker's own file: not a root
  [[ -d $dir/etc && ! -L $dir/etc && -f $dir/etc/fstab && ! -L $dir/etc/fstab ]] && found=0
  umount "$dir"
  return $found
}

# boot_partition DISK SPEC: the node of the partition of DISK that fstab's /boot SPEC names
# (UUID=, LABEL=, /dev/disk/by-uuid/..., or /dev/xvdaN, /dev/sdaN, /dev/hdaN: partition N of the
# root disk, as the hd00 AKIs name it); prints nothing when SPEC is not on DISK.
boot_partition() {
  local disk=$1 spec=$2 n node
  while read -r n _; do
    node=$(partition_node "$disk" "$n")
    case $spec in
      UUID=*) [[ $(blkid -p -s UUID -o value "$node" 2>/dev/null) == "${spec#UUID=}" ]] ;;
      LABEL=*) [[ $(blkid -p -s LABEL -o value "$node" 2>/dev/null) == "${spec#LABEL=}" ]] ;;
      /dev/disk/by-uuid/*) [[ $(blkid -p -s UUID -o value "$node" 2>/dev/null) == "${spec##*/}" ]] ;;
      *) [[ $spec =~ ^/dev/(xvd|sd|hd)a([0-9]+)$ && ${BASH_REMATCH[2]} == "$n" ]] ;;
    esac && { echo "$node"; return 0; }
  done < <(partition_starts "$disk")
  return 0
}

# LVM roots (RHEL/CentOS 5-6 installs: /boot on partition 1, the root on a logical volume of a
# volume group on partition 2). The volume group is never activated: the worker may have no
# device-mapper, and tables built from a guest's metadata, or its VG names clashing with the
# worker's own, have no place on the worker. lvm2's reporting commands read the metadata
# read-only, scanning only the devices named; a linear LV of one segment is then just a range of
# its physical volume, which a loop device maps.

# lvm_report FILTER_REGEX COMMAND ARG...: an lvm2 report (pvs, vgs, lvs) without headings, fields
# split by '|', sizes in bytes, scanning only the devices whose path matches FILTER_REGEX.
lvm_report() {
  local re=$1; shift
  LVM_SUPPRESS_FD_WARNINGS=1 "$@" --readonly --noheadings --units b --nosuffix --separator '|' \
    --config "devices { filter = [ \"a%$re%\", \"r%.*%\" ] use_devicesfile = 0 }" 2>/dev/null | sed 's/^ *//'
}

# lvm_device_regex DEVICE...: an lvm2 filter pattern accepting exactly these device paths.
lvm_device_regex() {
  local d re=
  for d in "$@"; do re+=${re:+|}${d//./[.]}; done
  echo "^($re)\$"
}

# lvm_linear_extent PV VG LV: "OFFSET SIZE" in bytes of logical volume LV on physical volume PV
# when LV is one linear segment of a plain volume (no snapshot origin, not thin) on PV, and PV is
# the only physical volume of VG with lvm2 metadata; returns 1, printing nothing, otherwise.
lvm_linear_extent() {
  local pv=$1 vg=$2 lv=$3 re name pe_start pvvg fmt count rows seg range attr extent size first last
  re=$(lvm_device_regex "$pv")
  IFS='|' read -r name pe_start pvvg fmt < <(lvm_report "$re" pvs -o pv_name,pe_start,vg_name,pv_fmt "$pv") || return 1
  [[ $name == "$pv" && $pvvg == "$vg" && $fmt == lvm2 && $pe_start =~ ^[0-9]+$ ]] || return 1
  count=$(lvm_report "$re" vgs -o pv_count "$vg")
  [[ $count == 1 ]] || return 1
  rows=$(lvm_report "$re" lvs --segments -o segtype,seg_pe_ranges,vg_extent_size,seg_size_pe,lv_attr "$vg/$lv")
  [[ -n $rows && $rows != *$'\n'* ]] || return 1
  IFS='|' read -r seg range extent size attr <<<"$rows"
  [[ $seg == linear && $attr == -* && $extent =~ ^[0-9]+$ && $size =~ ^[0-9]+$ ]] || return 1
  [[ $range =~ ^(.+):([0-9]+)-([0-9]+)$ && ${BASH_REMATCH[1]} == "$pv" ]] || return 1
  first=${BASH_REMATCH[2]} last=${BASH_REMATCH[3]}
  (( last - first + 1 == size )) || return 1
  echo "$(( pe_start + first * extent )) $(( size * extent ))"
}

# map_lvm_device PV VG LV ro|rw: maps logical volume LV of VG on PV through a loop device
# (read-only for ro), detached on exit; sets PV2HVM_LVM_LOOP.
PV2HVM_LVM_LOOP=
map_lvm_device() {
  local ext offset size
  need_tools lvs pvs vgs losetup
  ext=$(lvm_linear_extent "$1" "$2" "$3") || fail "the root logical volume $2/$3 on $1 is not one linear segment of a volume group with this one physical volume; run inspect for the reason"
  read -r offset size <<<"$ext"
  # shellcheck disable=SC2046  # unquoted on purpose: -r, or no argument at all
  PV2HVM_LVM_LOOP=$(losetup -f --show $([[ $4 == ro ]] && echo -r) -o "$offset" --sizelimit "$size" "$1") \
    || fail "cannot map $2/$3 on $1 through a loop device"
  PV2HVM_LOOPS+=("$PV2HVM_LVM_LOOP")
}

# --lvm-root=VG/LV given: the job's DEVICE (its first argument, the physical volume) becomes the
# loop device of the root LV, mapped read-write (the jobs given the option write the guest's root).
if [[ -n $PV2HVM_LVM_ROOT ]]; then
  need_block_device DEVICE "${1:-}"
  not_mounted "$1"
  map_lvm_device "$1" "${PV2HVM_LVM_ROOT%%/*}" "${PV2HVM_LVM_ROOT#*/}" rw
  set -- "$PV2HVM_LVM_LOOP" "${@:2}"
fi
