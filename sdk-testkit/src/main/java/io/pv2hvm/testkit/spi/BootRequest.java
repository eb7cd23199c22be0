package io.pv2hvm.testkit.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link BootHook} needs to boot an instance.
 *
 * @param instanceId         the instance
 * @param imageId            the AMI it was launched from
 * @param instanceType       for example {@code t3.micro}
 * @param virtualizationType {@code hvm} or {@code paravirtual}
 * @param hypervisor         {@code xen} or {@code nitro}
 * @param rootDeviceName     for example {@code /dev/xvda}
 * @param disks              device name → disk image file of every file-backed EBS volume
 */
public record BootRequest(String instanceId, String imageId, String instanceType, String virtualizationType,
                          String hypervisor, String rootDeviceName, Map<String, Path> disks) {

    /** The root volume's disk image, when it is file-backed. */
    public Optional<Path> rootDisk() {
        return Optional.ofNullable(disks.get(rootDeviceName));
    }
}
