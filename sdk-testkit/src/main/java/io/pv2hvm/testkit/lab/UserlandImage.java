package io.pv2hvm.testkit.lab;

import java.nio.file.Path;

/**
 * A built {@link UserlandFixture}, in the lab cache. Never modify these files: copy them.
 *
 * @param fixture        which guest
 * @param root           the PV root volume image (unpartitioned ext4)
 * @param dataF          the data volume the guest's fstab mounts as {@code /dev/xvdf} on {@code /data}
 * @param dataG          the data volume it mounts by UUID on {@code /data2}
 * @param pvBoot         the PV-GRUB stand-in: {@code vmlinuz}, {@code initrd}, {@code cmdline}
 * @param kernel         the kernel the guest boots
 * @param updateKernel   the newer kernel waiting in {@code /root/kernel-update}
 */
public record UserlandImage(UserlandFixture fixture, Path root, Path dataF, Path dataG, Path pvBoot, String kernel,
                            String updateKernel) {
}
