package io.pv2hvm.testkit.lab;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the guest lab needs on this machine: root, loop devices, QEMU and the disk tools. Tests
 * check it through {@code @RequiresLab} of {@code pv2hvm-sdk-testkit-junit5} (skip when something
 * is missing, fail instead when {@code -Dpv2hvm.lab.required=true}); the sandbox, to choose its guest.
 */
public final class LabPrerequisites {
    /** The system property that turns a missing prerequisite from a skip into a failure. */
    public static final String REQUIRED_PROPERTY = "pv2hvm.lab.required";

    private static final List<String> TOOLS = List.of(
            "qemu-system-x86_64", "losetup", "partx", "parted", "blkid", "mkfs.ext4", "mkfs.xfs", "e2image", "e2fsck",
            "resize2fs", "dumpe2fs", "xfs_copy", "xfs_db", "xfs_growfs", "extlinux", "grub-mkimage", "cpio", "zstd",
            "modprobe", "depmod", "debootstrap", "apt-get", "dpkg-deb", "chroot", "unshare", "capsh", "rsync", "setfacl", "setfattr",
            "getfattr");

    private LabPrerequisites() {
    }

    /** What is missing on this machine for the lab; empty when the lab can run. */
    public static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (loop devices and mounts need it)");
        }
        if (!Files.exists(Path.of("/dev/loop-control"))) {
            missing.add("/dev/loop-control (loop device support)");
        }
        for (String tool : TOOLS) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!Files.isRegularFile(Path.of("/usr/lib/grub/i386-pc/boot.img"))) {
            missing.add("GRUB i386-pc images (grub-pc-bin)");
        }
        return missing;
    }

    private static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
