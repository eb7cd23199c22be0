package io.pv2hvm.testkit.lab;

import io.pv2hvm.testkit.spi.BootHook;
import io.pv2hvm.testkit.spi.BootRequest;
import io.pv2hvm.testkit.spi.BootResult;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Boots every HVM instance the emulator launches from a file-backed root volume as a
 * full-userland guest ({@link UserlandFixture}) in QEMU under BIOS, as EC2 would: the root disk
 * first and the instance's other volumes after it in device-name order (IDE on Xen types, NVMe
 * on Nitro types), a NIC with a MAC of the instance's own. The boot passes when the guest serves
 * its page over HTTP; the page and the console become the instance's. QEMU is stopped once the
 * page is read. The guest writes its root volume, as an instance does; its data volumes are opened
 * with {@code snapshot=on}. A boot that hangs in I/O is power-cycled once ({@link LiveGuest#httpGet}).
 * Instances without a file-backed root (a worker from a stock image) boot instantly.
 */
public final class ServingBootHook implements BootHook {
    /** The guest's page, as the lab fixtures serve it. */
    public static final String PAGE = "/cgi-bin/page";

    private final Path logDir;
    private final Duration limit;
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final Map<String, LiveGuest> running = new ConcurrentHashMap<>();

    /** A hook logging consoles into {@code logDir}, giving each guest {@code limit} to serve its page. */
    public ServingBootHook(Path logDir, Duration limit) {
        this.logDir = logDir;
        this.limit = limit;
    }

    @Override
    public BootResult boot(BootRequest request) {
        Optional<Path> root = request.rootDisk();
        if (root.isEmpty() || !"hvm".equals(request.virtualizationType())) {
            return BootResult.booted(request.instanceId() + " login:\n");
        }
        QemuBoot.Disk disk = "nitro".equals(request.hypervisor()) ? QemuBoot.Disk.NVME : QemuBoot.Disk.IDE;
        List<Path> data = new ArrayList<>();
        request.disks().entrySet().stream().filter(e -> !e.getKey().equals(request.rootDeviceName()))
                .sorted(Map.Entry.comparingByKey()).forEach(e -> data.add(e.getValue()));
        String id = request.instanceId();
        // A new boot of the same instance means it was stopped and started: its previous boot is over
        // (the emulator ignores that boot's late result).
        LiveGuest previous = running.remove(id);
        if (previous != null) {
            previous.close();
        }
        LiveGuest guest = LiveGuest.start(logDir, id, LiveGuest.Options.bios(disk, macOf(id)), root.get(), data);
        running.put(id, guest);
        try {
            String page = guest.httpGet(PAGE, limit);
            pages.put(id, page);
            return BootResult.booted(guest.consoleLog());
        } catch (LiveGuest.LabTimeoutException e) {
            return BootResult.failed(guest.consoleLog() + "\n" + e.getMessage());
        } finally {
            // exactly one of this thread and a superseding boot closes it
            if (running.remove(id, guest)) {
                guest.close();
            }
        }
    }

    /** The page the instance served when it booted, if it booted here and served. */
    public Optional<String> pageOf(String instanceId) {
        return Optional.ofNullable(pages.get(instanceId));
    }

    /** Every instance that served its page, with the page. */
    public Map<String, String> pages() {
        return Map.copyOf(pages);
    }

    /**
     * A locally administered MAC of the instance's own (from its id), as a new instance gets a new
     * NIC: never the PV instance's {@code 52:54:00:0a:...} that the fixtures pin.
     */
    static String macOf(String instanceId) {
        String hex = instanceId.replaceAll("[^0-9a-f]", "");
        String tail = (hex.length() >= 4 ? hex.substring(hex.length() - 4) : String.format("%04x", instanceId.hashCode() & 0xffff));
        return "52:54:00:0c:" + tail.substring(0, 2) + ":" + tail.substring(2, 4);
    }
}
