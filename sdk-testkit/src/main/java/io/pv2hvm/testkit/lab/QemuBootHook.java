package io.pv2hvm.testkit.lab;

import io.pv2hvm.testkit.spi.BootHook;
import io.pv2hvm.testkit.spi.BootRequest;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Boots every HVM instance the emulator launches from a file-backed root volume in QEMU under
 * BIOS, the way EC2 would: an IDE disk on Xen types, NVMe on Nitro types. The serial log becomes
 * the instance's console output; a boot without the lab guest's marker fails its status check.
 * Instances without a file-backed root (a worker from a stock image) boot instantly.
 */
public final class QemuBootHook implements BootHook {
    private final QemuBoot qemu;
    private final Map<String, BootResult> boots = new ConcurrentHashMap<>();

    /** A hook booting with {@code qemu}. */
    public QemuBootHook(QemuBoot qemu) {
        this.qemu = qemu;
    }

    @Override
    public io.pv2hvm.testkit.spi.BootResult boot(BootRequest request) {
        Optional<Path> root = request.rootDisk();
        if (root.isEmpty() || !"hvm".equals(request.virtualizationType())) {
            return io.pv2hvm.testkit.spi.BootResult.booted(request.instanceId() + " login:\n");
        }
        QemuBoot.Disk disk = "nitro".equals(request.hypervisor()) ? QemuBoot.Disk.NVME : QemuBoot.Disk.IDE;
        BootResult result = qemu.bios(root.get(), disk, request.instanceId());
        boots.put(request.instanceId(), result);
        String log = result.serialLog();
        return result.marker().isPresent()
                ? io.pv2hvm.testkit.spi.BootResult.booted(log)
                : io.pv2hvm.testkit.spi.BootResult.failed(log + "\n" + result.describe());
    }

    /** The QEMU boot of an instance, if the hook booted it. */
    public Optional<BootResult> bootOf(String instanceId) {
        return Optional.ofNullable(boots.get(instanceId));
    }

    /** Every QEMU boot so far, by instance id. */
    public Map<String, BootResult> boots() {
        return Map.copyOf(boots);
    }
}
