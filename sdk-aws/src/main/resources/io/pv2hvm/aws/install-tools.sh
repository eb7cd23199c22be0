#!/bin/bash
# Installs the conversion tools on an apt-based worker (Ubuntu 24.04 by default) unless they are
# all present already (a prepared worker image, a re-run), so a worker without a route to a
# package mirror fails with a clear exit status instead of a half-installed toolset.
# Usage: install-tools.sh            (no arguments)
# Exit: 0 tools present; 42 no package mirror reachable; 43 packages installed but tools missing;
#       44 no apt-get on this image.
# PV2HVM_APT_TIMEOUT (default 600) bounds the wait for the dpkg lock cloud-init holds at first boot.
set -euo pipefail

[ $# -eq 0 ] || { echo "install-tools: takes no arguments, got $*" >&2; exit 2; }
lock_timeout=${PV2HVM_APT_TIMEOUT:-600}
[[ $lock_timeout =~ ^[0-9]{1,5}$ ]] || { echo "install-tools: bad PV2HVM_APT_TIMEOUT '$lock_timeout'" >&2; exit 2; }

tools=(extlinux grub-install parted mkfs.xfs e2image xfs_copy sfdisk capsh unshare rsync)
# Ubuntu 24.04 (noble) and Debian 12 package names; extlinux is in Ubuntu's universe component,
# which Canonical's EC2 images enable.
packages=(extlinux syslinux-common grub-pc-bin grub2-common parted xfsprogs e2fsprogs fdisk libcap2-bin rsync)

missing() {
  local t out=()
  for t in "${tools[@]}"; do command -v "$t" >/dev/null 2>&1 || out+=("$t"); done
  echo "${out[*]}"
}

need=$(missing)
if [ -z "$need" ]; then
  echo "pv2hvm-tools: present"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || {
  echo "pv2hvm-no-apt: missing tools ($need) and this image has no apt-get" >&2; exit 44; }

export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a
apt_opts=(-o "DPkg::Lock::Timeout=$lock_timeout" -o Acquire::Retries=2
          -o Acquire::http::Timeout=20 -o Acquire::https::Timeout=20)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# apt-get update exits 0 when no index could be fetched; --error-on=any (apt >= 2.1.16) and the
# log's "Failed to fetch" lines both catch a worker that cannot reach any mirror.
if ! apt-get "${apt_opts[@]}" --error-on=any update >"$log" 2>&1 \
   || grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$log"; then
  echo "pv2hvm-no-mirror: the worker cannot reach a package mirror to install $need" >&2
  grep -E '^(W|E):' "$log" | head -n 5 >&2 || true
  exit 42
fi
if ! apt-get "${apt_opts[@]}" install -y -q --no-install-recommends "${packages[@]}" >"$log" 2>&1; then
  if grep -qE 'Could not (connect|resolve)|Failed to fetch|Temporary failure resolving' "$log"; then
    echo "pv2hvm-no-mirror: package downloads failed while installing $need" >&2
    grep -E '^(W|E):' "$log" | head -n 5 >&2 || true
    exit 42
  fi
  tail -n 20 "$log" >&2
  exit 43
fi
need=$(missing)
[ -z "$need" ] || { echo "pv2hvm-tools-missing: installed ${packages[*]} but still missing $need" >&2; exit 43; }
echo "pv2hvm-tools: installed"
