#!/bin/bash
# Prints the block device on this worker that holds an attached EBS volume.
# Usage: find-device.sh <volume-id> <attach-device-name>
# Looks, in order, for: the udev by-id link (NVMe and newer Xen kernels), an NVMe controller
# whose serial is the volume id without its dash, the Xen rename /dev/sdX -> /dev/xvdX, and the
# RHEL/CentOS 6 shift by four letters (/dev/sdf -> /dev/xvdj).
# PV2HVM_DEV_ROOT (default "") prefixes every path, so tests can point it at a fake /dev and /sys.
set -euo pipefail

volume=${1:-}
attached=${2:-}
[[ $volume =~ ^vol-[0-9a-f]{8,17}$ ]] || { echo "find-device: bad volume id '$volume'" >&2; exit 2; }
[[ $attached =~ ^/dev/(sd|xvd)[a-z]{1,2}$ ]] || { echo "find-device: bad device name '$attached'" >&2; exit 2; }
root=${PV2HVM_DEV_ROOT:-}
serial=${volume/-/}

for link in "$root"/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_"$serial" "$root"/dev/disk/by-id/*"$serial"; do
  if [ -e "$link" ]; then readlink -f "$link"; exit 0; fi
done

for s in "$root"/sys/block/nvme*/device/serial; do
  [ -e "$s" ] || continue
  if [ "$(tr -d ' \n' < "$s")" = "$serial" ]; then
    dev=$(basename "$(dirname "$(dirname "$s")")")
    echo "/dev/$dev"; exit 0
  fi
done

letter=${attached##*/}; letter=${letter#sd}; letter=${letter#xvd}
for candidate in "/dev/xvd$letter" "/dev/sd$letter"; do
  if [ -b "$root$candidate" ]; then echo "$candidate"; exit 0; fi
done
if [ ${#letter} -eq 1 ]; then
  shifted=$(echo "$letter" | tr 'a-v' 'e-z')
  if [ -b "$root/dev/xvd$shifted" ]; then echo "/dev/xvd$shifted"; exit 0; fi
fi

echo "find-device: volume $volume (attached as $attached) is not visible on this worker" >&2
exit 1
