# attach-image IMAGE ro|rw
# Attaches a disk image file to a free loop device and prints LOOP=<device>.
[[ $# -eq 2 ]] || fail "usage: attach-image IMAGE ro|rw"
img=$1 mode=$2
need_word IMAGE "$img" '^/[A-Za-z0-9/_.+@-]+$'
need_word MODE "$mode" '^(ro|rw)$'
[[ -f $img ]] || fail "$img is not a regular file"
need_tools losetup
if [[ $mode == ro ]]; then loop=$(losetup -f --show -r "$img"); else loop=$(losetup -f --show "$img"); fi
echo "LOOP=$loop"
