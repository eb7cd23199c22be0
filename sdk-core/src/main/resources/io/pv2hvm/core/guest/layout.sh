# pv2hvm worker library, layouts: prepended after lib.sh. Partitioned PV roots (hd00 AKIs) and
# a /boot on a partition of its own. A job given --boot=DEVICE before its own arguments mounts
# DEVICE on the guest's /boot right after the root (mount_separate_boot), so what it writes under
# /boot lands where the guest's bootloader and kernel packages look.
PV2HVM_BOOT_DEVICE=
if [[ ${1:-} == --boot=* ]]; then
  PV2HVM_BOOT_DEVICE=${1#--boot=}
  shift
  need_block_device BOOT "$PV2HVM_BOOT_DEVICE"
fi

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
  local disk=$1 spec=$2 n start node
  while read -r n start; do
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
