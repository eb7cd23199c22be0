#!/bin/sh
# upload TARGET MODE SIZE: SshTransport's upload, run as `sh -c` on the exec request's command line
# (RemoteShell drops these header lines). Standard input goes to a temporary file next to TARGET,
# whose size is checked against SIZE before it gets the octal MODE and is renamed over TARGET, so a
# dropped connection never leaves a half-written file in place. Exit 75: fewer bytes arrived.
set -eu
target=$1; mode=$2; size=$3
tmp=$(mktemp "$(dirname -- "$target")/.pv2hvm-upload.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
cat > "$tmp"
got=$(wc -c < "$tmp")
if [ "$got" -ne "$size" ]; then echo "pv2hvm upload: received $got of $size bytes" >&2; exit 75; fi
chmod "$mode" "$tmp"
mv -f -- "$tmp" "$target"
trap - EXIT
