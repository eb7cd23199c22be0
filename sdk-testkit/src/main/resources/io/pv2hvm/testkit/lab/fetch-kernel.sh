#!/bin/bash
# Fetches the Debian kernel and busybox the lab fixtures boot, once: downloads the packages the
# apt client resolves for linux-image-amd64 and busybox-static and extracts them under
# CACHE_DIR/kernel. Prints KVER=<version> and KERNEL_DIR=<dir> on success.
# Usage: fetch-kernel.sh CACHE_DIR
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: fetch-kernel.sh CACHE_DIR" >&2; exit 2; }
cache=$1
[[ $cache =~ ^/[A-Za-z0-9._/+-]+$ ]] || { echo "invalid cache directory: $cache" >&2; exit 2; }
out=$cache/kernel

complete() {
  [[ -s $out/kver ]] || return 1
  local kv; kv=$(cat "$out/kver")
  [[ -f $out/pkg/boot/vmlinuz-$kv && -s $out/pkg/lib/modules/$kv/modules.dep && -x $out/busybox/bin/busybox ]]
}

if ! complete; then
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/kernel.tmp.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  resolve() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
  pkg=$(resolve)
  if [[ -z $pkg ]]; then  # a fresh container may have no package lists yet
    apt-get update -qq >&2
    pkg=$(resolve)
  fi
  [[ -n $pkg ]] || { echo "cannot resolve linux-image-amd64 from the apt sources" >&2; exit 1; }
  (cd "$work" && apt-get download "$pkg" busybox-static >/dev/null)
  dpkg-deb -x "$work"/linux-image-*.deb "$work/pkg"
  dpkg-deb -x "$work"/busybox-static_*.deb "$work/busybox"
  # usrmerge layouts put modules under usr/lib; the lab looks under lib/
  if [[ ! -d $work/pkg/lib/modules && -d $work/pkg/usr/lib/modules ]]; then
    mkdir -p "$work/pkg/lib" && mv "$work/pkg/usr/lib/modules" "$work/pkg/lib/modules"
  fi
  kv=$(ls "$work/pkg/lib/modules" | head -1)
  depmod -b "$work/pkg" "$kv"
  rm -f "$work"/*.deb
  echo "$kv" >"$work/kver"
  rm -rf "$out"
  mv "$work" "$out"
  trap - EXIT
fi
echo "KVER=$(cat "$out/kver")"
echo "KERNEL_DIR=$out"
