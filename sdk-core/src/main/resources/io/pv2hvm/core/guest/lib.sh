# pv2hvm worker library: prepended to every guest script by the SDK. Defines validation,
# progress reporting, and mounts that are always released (EXIT trap), so a script that fails
# or is killed leaves no mount behind.
set -euo pipefail
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

PV2HVM_JOB=${0##*/}
PV2HVM_MOUNTS=()
PV2HVM_TMP=()
PV2HVM_SCRATCH=

fail() { echo "pv2hvm ($PV2HVM_JOB): $*" >&2; exit 1; }

pv2hvm_cleanup() {
  local rc=$? i
  for ((i = ${#PV2HVM_MOUNTS[@]} - 1; i >= 0; i--)); do
    mountpoint -q "${PV2HVM_MOUNTS[i]}" 2>/dev/null && { umount "${PV2HVM_MOUNTS[i]}" 2>/dev/null || umount -l "${PV2HVM_MOUNTS[i]}"; }
  done
  for i in "${PV2HVM_TMP[@]}"; do rmdir "$i" 2>/dev/null || true; done
  [[ -n $PV2HVM_SCRATCH ]] && rm -rf "$PV2HVM_SCRATCH"
  exit "$rc"
}
trap pv2hvm_cleanup EXIT
trap 'exit 130' INT TERM HUP

# need_block_device NAME VALUE: an absolute /dev path to an existing block device.
need_block_device() {
  [[ $2 =~ ^/dev/[A-Za-z0-9/_.-]+$ && $2 != *..* ]] || fail "$1 '$2' is not a device path like /dev/xvdf"
  [[ -b $2 ]] || fail "$1 $2 is not a block device"
}
# need_guest_path NAME VALUE: an absolute path inside the guest, no '..', no odd characters.
need_guest_path() {
  [[ $2 =~ ^/[A-Za-z0-9/_.+@-]+$ && $2 != *..* ]] || fail "$1 '$2' is not a plain absolute path"
}
need_word() { # NAME VALUE REGEX
  [[ $2 =~ $3 ]] || fail "$1 '$2' is not valid (expected $3)"
}
need_text() { # NAME VALUE: non-empty text of bounded size (written to a file, never evaluated)
  [[ -n $2 && ${#2} -le 65536 ]] || fail "$1 must be non-empty text of at most 64 KiB"
}
need_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || fail "tool '$t' is not installed on the worker"; done
}
not_mounted() {
  ! grep -q "^$1[p0-9]* " /proc/mounts || fail "$1 (or one of its partitions) is mounted on the worker; refusing to touch it"
}

progress() { echo "PV2HVM-PROGRESS $1 ${*:2}"; }

fs_type() { blkid -p -s TYPE -o value "$1" 2>/dev/null || true; }
table_type() { blkid -p -s PTTYPE -o value "$1" 2>/dev/null || true; }
# fs_size_bytes DEVICE: the size the ext2/3/4 or XFS filesystem claims, as a plain integer
# (printf %.0f: mawk prints products above 2^31 in exponent notation, which bash cannot compare).
fs_size_bytes() {
  case $(fs_type "$1") in
    ext2|ext3|ext4)
      dumpe2fs -h "$1" 2>/dev/null | awk -F: '/^Block count:/ { c = $2 } /^Block size:/ { s = $2 } END { printf "%.0f\n", c * s }' ;;
    xfs)
      xfs_db -r -c 'sb 0' -c 'p dblocks' -c 'p blocksize' "$1" 2>/dev/null \
        | awk -F' = ' '$1 == "dblocks" { c = $2 } $1 == "blocksize" { s = $2 } END { printf "%.0f\n", c * s }' ;;
    *) blockdev --getsize64 "$1" ;;
  esac
}
ext_features() { dumpe2fs -h "$1" 2>/dev/null | sed -n 's/^Filesystem features:[[:space:]]*//p'; }

# partition_node DISK N: the device node of partition N, creating it from the table if the
# kernel did not (kernels without msdos partition parsing, loop devices without -P).
partition_node() {
  local disk=$1 n=$2 node i
  if [[ $disk =~ [0-9]$ ]]; then node=${disk}p$n; else node=$disk$n; fi
  for ((i = 0; i < 20; i++)); do [[ -b $node ]] && break; sleep 0.1; done
  if [[ ! -b $node ]]; then
    partx -a "$disk" >/dev/null 2>&1 || partx -u "$disk" >/dev/null 2>&1 || true
    for ((i = 0; i < 50; i++)); do [[ -b $node ]] && break; sleep 0.1; done
  fi
  [[ -b $node ]] || fail "no device node for partition $n of $disk"
  echo "$node"
}

# mount_guest DEVICE ro|rw: mounts the guest filesystem on a fresh directory, sets MNT.
# Read-only mounts never replay a journal or log (noload / norecovery), so inspection writes nothing.
mount_guest() {
  local dev=$1 mode=$2 type opts
  type=$(fs_type "$dev")
  case $type:$mode in
    ext2:ro) opts=ro ;;
    ext3:ro|ext4:ro) opts=ro,noload ;;
    xfs:ro) opts=ro,norecovery ;;
    *:ro) opts=ro ;;
    *:rw) opts=rw ;;
  esac
  MNT=$(mktemp -d /tmp/pv2hvm-mnt.XXXXXX)
  PV2HVM_TMP+=("$MNT")
  mount -t "${type:-auto}" -o "$opts" "$dev" "$MNT" || fail "cannot mount $dev ($type, $opts)"
  PV2HVM_MOUNTS+=("$MNT")
}
# bind_into_guest: /dev, /proc and /sys inside MNT, for a chroot; released by the trap.
bind_into_guest() {
  local d
  for d in dev proc sys; do
    mount --bind "/$d" "$MNT/$d"
    PV2HVM_MOUNTS+=("$MNT/$d")
  done
}

# in_guest PATH: the host path of guest path PATH under MNT, following symlinks as the guest
# would (an absolute link target is relative to the guest's root, never the worker's).
in_guest() {
  local rest=${1#/} cur= comp target hops=0
  while [[ -n $rest ]]; do
    comp=${rest%%/*}
    if [[ $rest == */* ]]; then rest=${rest#*/}; else rest=; fi
    case $comp in
      ''|.) continue ;;
      ..) cur=${cur%/*}; continue ;;
    esac
    if [[ -L $MNT$cur/$comp ]]; then
      ((++hops <= 40)) || { echo "$MNT$cur/$comp"; return; }
      target=$(readlink "$MNT$cur/$comp")
      if [[ $target == /* ]]; then cur=; rest=${target#/}${rest:+/$rest}
      else rest=$target${rest:+/$rest}; fi
    else
      cur=$cur/$comp
    fi
  done
  echo "$MNT$cur"
}

# list_initramfs FILE: the paths inside an initramfs (gzip, zstd, xz, lzma, bzip2, lz4, or an
# uncompressed early cpio followed by one of those).
list_initramfs() {
  local f=$1 magic off skip
  magic=$(head -c 6 "$f" | od -An -tx1 | tr -d ' \n')
  case $magic in
    303730373031*|303730373032*)
      cpio -t --quiet <"$f" 2>/dev/null || true
      off=$(grep -obUaF 'TRAILER!!!' "$f" | tail -1 | cut -d: -f1)
      [[ -n $off ]] || return 0
      skip=$(tail -c +$((off + 11)) "$f" | od -An -tx1 -v -w1 | awk '$1 != "00" { print NR - 1; exit }')
      [[ -n $skip ]] || return 0
      tail -c +$((off + 11 + skip)) "$f" >"$PV2HVM_SCRATCH/initramfs.rest"
      list_initramfs "$PV2HVM_SCRATCH/initramfs.rest"
      return ;;
    1f8b*) gzip -dc <"$f" ;;
    28b52ffd*) zstd -dc <"$f" ;;
    fd377a585a00) xz -dc <"$f" ;;
    5d0000*) xz -dc --format=lzma <"$f" ;;
    425a68*) bzip2 -dc <"$f" ;;
    02214c18*) lz4 -dc <"$f" ;;
    *) return 1 ;;
  esac 2>/dev/null | cpio -t --quiet 2>/dev/null
}
scratch_dir() { PV2HVM_SCRATCH=$(mktemp -d /tmp/pv2hvm-scratch.XXXXXX); }

# need_plain_sibling HOSTPATH: a name pv2hvm adds beside a guest file must be absent or a regular
# file. The guest owns that directory: a link there (even a dangling one) would take a write, a
# copy or a move out of the guest's root onto the worker.
need_plain_sibling() {
  if [[ -L $1 ]] || { [[ -e $1 ]] && [[ ! -f $1 ]]; }; then
    fail "refusing: ${1##*/} in the guest is a link or not a regular file; remove it and run again"
  fi
}

# write_guest_file HOSTPATH TEXT: atomically replaces a file, keeping the original once as
# HOSTPATH.pv2hvm-orig so a re-run never overwrites the real original with our own version.
write_guest_file() {
  local path=$1 text=$2
  need_plain_sibling "$path.pv2hvm-orig"
  need_plain_sibling "$path.pv2hvm-new"
  if [[ -e $path && ! -e $path.pv2hvm-orig ]]; then cp -p "$path" "$path.pv2hvm-orig"; fi
  printf '%s\n' "$text" >"$path.pv2hvm-new"
  mv -T "$path.pv2hvm-new" "$path"
}

# keep_original_by_move HOSTPATH: renames a guest file (or link) to HOSTPATH.pv2hvm-orig, never
# through a link the guest put at that name.
keep_original_by_move() {
  need_plain_sibling "$1.pv2hvm-orig"
  mv -T "$1" "$1.pv2hvm-orig"
}
