# pv2hvm worker library: prepended to every guest script by the SDK. Defines validation,
# progress reporting, and mounts that are always released (EXIT trap), so a script that fails
# or is killed leaves no mount behind.
# shellcheck shell=bash
set -euo pipefail
# shellcheck disable=SC2034  # read by the header of a job script run alone: set, lib.sh is loaded
PV2HVM_LIB=1
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

PV2HVM_JOB=${0##*/}
PV2HVM_MOUNTS=()
PV2HVM_TMP=()
PV2HVM_LOOPS=()
PV2HVM_SCRATCH=

fail() { echo "pv2hvm ($PV2HVM_JOB): $*" >&2; exit 1; }
# refuse GUESTPATH FOUND WHY: stops on hostile guest content. The first line is for the SDK
# (UnsafeGuestException: the guest path and what was found there), the second for people.
refuse() {
  printf 'PV2HVM-REFUSED\t%s\t%s\n' "${1//[[:cntrl:]]/?}" "${2//[[:cntrl:]]/?}" >&2
  fail "refusing: ${3//[[:cntrl:]]/?}"
}

pv2hvm_cleanup() {
  local rc=$? i
  for ((i = ${#PV2HVM_MOUNTS[@]} - 1; i >= 0; i--)); do
    mountpoint -q "${PV2HVM_MOUNTS[i]}" 2>/dev/null && { umount "${PV2HVM_MOUNTS[i]}" 2>/dev/null || umount -l "${PV2HVM_MOUNTS[i]}"; }
  done
  for i in "${PV2HVM_LOOPS[@]}"; do losetup -d "$i" 2>/dev/null || true; done
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
  if [[ -n $PV2HVM_LIVE_ROOT ]]; then
    # live: the device must be the very filesystem mounted at the live root, nothing else
    [[ $(mountpoint -x "$1" 2>/dev/null) == "$(mountpoint -d "$PV2HVM_LIVE_ROOT")" ]] \
      || fail "$1 is not the filesystem mounted at the live root $PV2HVM_LIVE_ROOT; refusing to touch it"
    return 0
  fi
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
# The guest's disk is hostile input: always nodev (a device node the guest planted cannot open a
# worker disk) and nosuid (no setuid or file-capability binary of the guest gains anything); noexec
# too while only inspecting, since nothing of the guest runs then.
mount_guest() {
  local dev=$1 mode=$2 type opts
  if [[ -n $PV2HVM_LIVE_ROOT ]]; then
    # live: the running guest's own root, used as it is; never mounted or unmounted here
    [[ $mode == ro || ,$(awk -v m="$PV2HVM_LIVE_ROOT" '$2 == m { o = $4 } END { print o }' /proc/mounts), == *,rw,* ]] \
      || fail "the live root $PV2HVM_LIVE_ROOT is mounted read-only; remount it read-write to prepare it"
    MNT=$PV2HVM_LIVE_ROOT
    return 0
  fi
  type=$(fs_type "$dev")
  case $type:$mode in
    ext2:ro) opts=ro,noexec ;;
    ext3:ro|ext4:ro) opts=ro,noexec,noload ;;
    xfs:ro) opts=ro,noexec,norecovery ;;
    *:ro) opts=ro,noexec ;;
    *:rw) opts=rw ;;
  esac
  opts+=,nodev,nosuid
  MNT=$(mktemp -d /tmp/pv2hvm-mnt.XXXXXX)
  PV2HVM_TMP+=("$MNT")
  mount -t "${type:-auto}" -o "$opts" "$dev" "$MNT" || fail "cannot mount $dev ($type, $opts)"
  PV2HVM_MOUNTS+=("$MNT")
}

# run_in_guest TOOL ARG...: runs the guest's own TOOL (e.g. update-initramfs) with the guest as
# its root, isolated from the worker, in new namespaces (unshare): no network (only a down
# loopback, so no instance metadata, no worker credentials, no listener on the worker), its own
# PIDs, IPC and hostname, and a private mount table holding only the guest, a /dev with just null,
# zero, full, random and urandom (a tmpfs mounted nodev: a node the tool creates opens nothing),
# a read-only /proc of its own PID namespace and a read-only /sys; an empty environment and
# stdin. Root inside keeps only the capabilities an initramfs build needs (chown, dac_override,
# fowner, fsetid, setuid, setgid, mknod): without sys_admin it cannot mount or remount, without
# sys_chroot it cannot leave the chroot, without dac_read_search it cannot open worker files by
# handle, without sys_module it cannot load a module into the worker's kernel.
# Why unshare + capsh, not systemd-nspawn: both ship on the worker image (util-linux, libcap2-bin)
# and on the operator's machine for convert-image, need no systemd as PID 1 or machine
# registration, and nspawn keeps cap_sys_admin by default; a throwaway VM would cost a boot per
# rebuild. Refuses a guest whose /dev, /proc or /sys is not a plain directory.
run_in_guest() {
  local d p
  if [[ $PV2HVM_LIVE_ROOT == / ]]; then
    # live on the source itself: the guest's tool runs as its package manager would run it
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root TERM=dumb "$@" </dev/null
    return
  fi
  need_tools unshare capsh
  for d in dev proc sys; do
    p=$(in_guest "/$d") || exit 1
    [[ $p == "$MNT/$d" && -d $p ]] \
      || refuse "/$d" "$(kind_of "$MNT/$d")" "/$d in the guest is not a plain directory ($(kind_of "$MNT/$d")); the guest's tools run only with their own /$d"
  done
  unshare --net --mount --pid --ipc --uts --fork --kill-child --propagation private \
    bash -c "$PV2HVM_JAIL" pv2hvm-jail "$MNT" "$@" </dev/null
}
# The part of run_in_guest that runs inside the new namespaces: builds /dev, /proc and /sys over
# the guest's (in the private mount table only), then capsh chroots and only then drops
# sys_chroot from the bounding set, so the tool it executes never has it.
PV2HVM_JAIL='set -euo pipefail
root=$1; shift
mount -t tmpfs -o nosuid,nodev,noexec,mode=0755,size=64k pv2hvm-dev "$root/dev"
for n in null zero full random urandom; do : >"$root/dev/$n"; mount --bind "/dev/$n" "$root/dev/$n"; done
ln -s /proc/self/fd "$root/dev/fd"
mount -t proc -o ro,nosuid,nodev,noexec proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
keep=" cap_chown cap_dac_override cap_fowner cap_fsetid cap_setgid cap_setuid cap_mknod cap_sys_chroot "
drop=
for c in $(capsh --print | sed -n "s/^Bounding set =//p" | tr , " "); do [[ $keep == *" $c "* ]] || drop+=${drop:+,}$c; done
exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root TERM=dumb \
  capsh --drop="$drop" --chroot="$root" --drop=cap_sys_chroot --shell=/bin/sh -- -c '"'"'exec "$@"'"'"' pv2hvm-guest-tool "$@"'

# kind_of HOSTPATH: what is at a path, in words, for refusals ("a symbolic link", "a block special file").
kind_of() {
  if [[ -L $1 ]]; then echo "a symbolic link"
  elif [[ -e $1 ]]; then echo "a $(stat -c %F "$1")"
  else echo "nothing"; fi
}

# in_guest PATH: the host path of guest path PATH under MNT, resolved here component by component
# as the guest would (an absolute link target starts again at the guest's root, never the
# worker's). Refuses, stopping the script, a '..' that would climb above the guest's root, more
# than 40 links on the way (a loop), or a component on the way that is not a directory: never an
# unresolved path. Call it as p=$(in_guest ...) in a plain assignment, so a refusal stops the
# caller too (inside [[ ]] or 'local p=$(...)' it would not).
in_guest() {
  local rest=${1#/} cur='' comp target hops=0
  while [[ -n $rest ]]; do
    comp=${rest%%/*}
    if [[ $rest == */* ]]; then rest=${rest#*/}; else rest=; fi
    case $comp in
      ''|.) continue ;;
      ..) [[ -n $cur ]] || refuse "$1" "a path leading out of the guest's root" "guest path $1 leads out of the guest's root ('..' above /)"
          cur=${cur%/*}; continue ;;
    esac
    if [[ -L $MNT$cur/$comp ]]; then
      ((++hops <= 40)) || refuse "$1" "a symbolic link loop" "guest path $1 meets more than 40 symbolic links (a loop), last $cur/$comp"
      target=$(readlink "$MNT$cur/$comp")
      if [[ $target == /* ]]; then cur=; rest=${target#/}${rest:+/$rest}
      else rest=$target${rest:+/$rest}; fi
    elif [[ -n $rest && -e $MNT$cur/$comp && ! -d $MNT$cur/$comp ]]; then
      refuse "$1" "$(kind_of "$MNT$cur/$comp") at $cur/$comp" "$cur/$comp on the way to guest path $1 is $(kind_of "$MNT$cur/$comp"), not a directory"
    else
      cur=$cur/$comp
    fi
  done
  echo "$MNT$cur"
}
# guest_file PATH: in_guest for a file; also refuses when something other than a regular file
# (a device node, a FIFO, a directory) is there. Nothing there is fine: the caller may create it.
guest_file() {
  local p
  p=$(in_guest "$1") || exit 1   # a subshell of $(...) does not inherit set -e
  [[ ! -e $p || -f $p ]] || refuse "$1" "$(kind_of "$p")" "$1 in the guest is $(kind_of "$p"), not a regular file; pv2hvm reads and writes only regular files there"
  echo "$p"
}
# guest_dir PATH: in_guest for a directory; refuses anything else there. Nothing there is fine.
guest_dir() {
  local p
  p=$(in_guest "$1") || exit 1   # a subshell of $(...) does not inherit set -e
  [[ ! -e $p || -d $p ]] || refuse "$1" "$(kind_of "$p")" "$1 in the guest is $(kind_of "$p"), not a directory"
  echo "$p"
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
    refuse "${1#"$MNT"}" "$(kind_of "$1")" "${1##*/} in the guest is a link or not a regular file; remove it and run again"
  fi
}

# write_guest_file HOSTPATH TEXT: atomically replaces a file, keeping the original once as
# HOSTPATH.pv2hvm-orig so a re-run never overwrites the real original with our own version.
write_guest_file() {
  local path=$1 text=$2
  need_plain_sibling "$path.pv2hvm-orig"
  need_plain_sibling "$path.pv2hvm-new"
  [[ -d ${path%/*} ]] || refuse "${path#"$MNT"}" "no directory ${path%/*}" "${path#"$MNT"} in the guest has no directory to hold it (a dangling link on the way?)"
  [[ ! -e $path || ( -f $path && ! -L $path ) ]] || refuse "${path#"$MNT"}" "$(kind_of "$path")" "${path#"$MNT"} in the guest is $(kind_of "$path"), not a regular file"
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

# --live-root=DIR, before a job's other arguments: the guest is a RUNNING system whose root
# filesystem (the job's DEVICE) is mounted read-write at DIR: / when the job runs on the source
# itself (DUAL_BOOT), a mount point in the lab. mount_guest then uses DIR as it is and never
# mounts or unmounts it, and not_mounted instead requires DEVICE to be that filesystem.
PV2HVM_LIVE_ROOT=
if [[ ${1:-} == --live-root=* ]]; then
  PV2HVM_LIVE_ROOT=${1#--live-root=}
  [[ $PV2HVM_LIVE_ROOT =~ ^/[A-Za-z0-9/_.-]*$ && $PV2HVM_LIVE_ROOT != *..* ]] \
    || fail "LIVE_ROOT '$PV2HVM_LIVE_ROOT' is not a plain absolute directory"
  [[ $PV2HVM_LIVE_ROOT == / ]] || PV2HVM_LIVE_ROOT=${PV2HVM_LIVE_ROOT%/}
  mountpoint -q "$PV2HVM_LIVE_ROOT" || fail "the live root $PV2HVM_LIVE_ROOT is not a mount point"
  shift
fi
