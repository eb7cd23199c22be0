package io.pv2hvm.testkit;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.BootEntry;
import io.pv2hvm.core.guest.ConversionPreview;
import io.pv2hvm.core.guest.ConversionRecipe;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.DeviceLookup;
import io.pv2hvm.core.guest.DataVolumes;
import io.pv2hvm.core.guest.GuestChange;
import io.pv2hvm.core.guest.FstabEntry;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestFilesystem;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.GuestOs;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.ProgressSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A guest that exists only as inspection facts, for control-plane tests and the sandbox where no
 * disk can be touched. Whether a strategy can convert it is decided by the same rules as for a
 * real guest; only the disk writes are skipped, and every result says it was simulated.
 */
public final class SimulatedGuest implements GuestConversion {
    private final String filesystem;
    private final Set<String> drivers;
    private final String pvOnlyReason;
    private final List<FstabEntry> dataEntries;
    private final AtomicInteger conversions = new AtomicInteger();
    private final AtomicInteger liveChanges = new AtomicInteger();
    private final AtomicReference<List<String>> lastFstab = new AtomicReference<>(List.of());

    private SimulatedGuest(String filesystem, Set<String> drivers, String pvOnlyReason) {
        this(filesystem, drivers, pvOnlyReason, List.of());
    }

    private SimulatedGuest(String filesystem, Set<String> drivers, String pvOnlyReason, List<FstabEntry> dataEntries) {
        this.filesystem = filesystem;
        this.drivers = Set.copyOf(drivers);
        this.pvOnlyReason = pvOnlyReason;
        this.dataEntries = List.copyOf(dataEntries);
    }

    /** The same guest with one more fstab entry, e.g. {@code /dev/xvdf} on {@code /data} (ext4, defaults). */
    public SimulatedGuest withFstabEntry(String spec, String mountPoint) {
        List<FstabEntry> entries = new ArrayList<>(dataEntries);
        entries.add(new FstabEntry(spec, mountPoint, "ext4", "defaults", 0, 2));
        return new SimulatedGuest(filesystem, drivers, pvOnlyReason, entries);
    }

    /**
     * The fstab the last simulated conversion would have written: the guest's entries rewritten by
     * the same rules as a real conversion, with the data volumes it was given. Empty before any.
     */
    public List<String> lastFstab() {
        return lastFstab.get();
    }

    /** A CentOS-6-like guest on unpartitioned ext4 whose kernel has every driver a target may need. */
    public static SimulatedGuest typical() {
        return new SimulatedGuest("ext4", Set.of("xen_blkfront", "ata_piix", "nvme", "ena"), "");
    }

    /** The same guest with only these drivers (as modules and in the initramfs). */
    public SimulatedGuest withDrivers(String... names) {
        return new SimulatedGuest(filesystem, Set.of(names), pvOnlyReason, dataEntries);
    }

    /** The same guest on another root filesystem type, e.g. {@code xfs}. */
    public SimulatedGuest onFilesystem(String type) {
        return new SimulatedGuest(type, drivers, pvOnlyReason, dataEntries);
    }

    /** The same guest with a kernel that can only run paravirtual. */
    public SimulatedGuest withPvOnlyKernel() {
        return new SimulatedGuest(filesystem, drivers, "CONFIG_X86_XEN=y (kernel-xen)", dataEntries);
    }

    /** How many conversions were simulated. */
    public int conversions() {
        return conversions.get();
    }

    @Override
    public GuestFacts inspect(CommandTransport transport, String device) {
        GuestKernel kernel = new GuestKernel("2.6.32-754.el6.x86_64", "/boot/vmlinuz-2.6.32-754.el6.x86_64",
                Optional.of("/boot/initramfs-2.6.32-754.el6.x86_64.img"), pvOnlyReason, true, drivers, drivers, Set.of());
        BootEntry entry = new BootEntry("CentOS (2.6.32-754.el6.x86_64)", kernel.path(), kernel.initrd(),
                List.of("ro", "root=/dev/xvda1", "console=hvc0"));
        return new GuestFacts(device, false,
                new GuestFilesystem(device, filesystem, "7d0a8f6e-8c1e-4c55-9a5b-2f7f1c3b9d10", "/", Set.of(),
                        8L << 30, 2L << 30, 8L << 30, 4096),
                new GuestOs("centos", "6.10", "CentOS release 6.10 (Final)", "/etc/redhat-release"),
                "/boot/grub/menu.lst", Optional.of(entry), List.of(kernel),
                fstab(), List.of("hvc0"),
                Set.of("dracut"));
    }

    @Override
    public GuestFacts check(CommandTransport transport, ConversionStrategy strategy, String device,
                            TargetPlatform target) {
        GuestFacts facts = inspect(transport, device);
        ConversionPreview.of(facts, strategy, target, DataVolumes.none());
        return facts;
    }

    @Override
    public ConversionResult convert(CommandTransport transport, ConversionStrategy strategy, String sourceDevice,
                                    String targetDevice, TargetPlatform target, DataVolumes dataVolumes,
                                    ProgressSink progress) {
        GuestFacts facts = inspect(transport, sourceDevice);
        ConversionPreview preview = ConversionPreview.of(facts, strategy, target, dataVolumes);
        for (int p = 0; p <= 100; p += 25) {
            progress.report(p, "simulated " + strategy);
        }
        conversions.incrementAndGet();
        List<String> warnings = new ArrayList<>(preview.warnings());
        warnings.add("The guest conversion was simulated: no disk was written (SimulatedGuest).");
        lastFstab.set(preview.fstab());
        warnings.addAll(preview.fstabWarnings());
        List<GuestChange> changes = preview.changes();
        String bootDisk = strategy == ConversionStrategy.IN_PLACE ? sourceDevice : targetDevice;
        Optional<ConversionRecipe> recipe = strategy == ConversionStrategy.IN_PLACE
                ? Optional.of(ConversionRecipe.simulated(strategy, target, fingerprint(transport))) : Optional.empty();
        return new ConversionResult(strategy, bootDisk, bootDisk, facts.filesystem().uuid(),
                facts.kernels().get(0).version(), preview.driversToAdd(), warnings, facts, changes, recipe);
    }

    /**
     * IN_PLACE's final round as the real conversion sends it: ONE worker command (finding the device,
     * inspecting and converting inside it), converting only while the guest's fingerprint is the
     * recipe's; else nothing is converted and the caller checks and converts with separate commands.
     */
    @Override
    public Optional<ConversionResult> convertAsPlanned(CommandTransport transport, DeviceLookup device,
                                                       ConversionRecipe recipe, DataVolumes dataVolumes,
                                                       ProgressSink progress) {
        transport.exec(Command.bash(": " + PLANNED_COMMAND).withTimeout(Duration.ofMinutes(45)).notIdempotent())
                .orThrow("simulated convert-as-planned");
        if (!recipe.fingerprint().equals(fingerprint(transport))) {
            return Optional.empty();
        }
        return Optional.of(convert(transport, ConversionStrategy.IN_PLACE, PLANNED_DEVICE, null, recipe.target(),
                dataVolumes, progress));
    }

    /** What the simulated one-command final round sends (the real one runs convert-as-planned). */
    public static final String PLANNED_COMMAND = "pv2hvm-simulated-convert-as-planned";
    private static final String PLANNED_DEVICE = "/dev/xvdf";

    /** The simulated inspection's fingerprint: a hash of what it finds, the device's name left out, as inspect's. */
    private String fingerprint(CommandTransport transport) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(inspect(transport, "/dev/fingerprinted").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * DUAL_BOOT on the simulated running source: the source is reached for real through
     * {@code sourceTransport} (over SSM in the emulator, which refuses a source whose agent is not
     * online), the guest is decided by the same rules as a real one (a simulated source has
     * extlinux), and the disk writes are skipped.
     */
    @Override
    public ConversionResult dualBoot(CommandTransport sourceTransport, String liveRoot, TargetPlatform target,
                                     DataVolumes dataVolumes, ProgressSink progress) {
        sourceTransport.exec(GuestConversion.liveRootCommand(liveRoot))
                .orThrow("Finding the live root's device on " + sourceTransport.describe());
        GuestFacts inspected = inspect(sourceTransport, "/dev/xvda1");
        Set<String> tools = new java.util.HashSet<>(inspected.initramfsTools());
        tools.add("extlinux");
        GuestFacts facts = new GuestFacts(inspected.device(), inspected.partitioned(), inspected.filesystem(), inspected.os(),
                inspected.bootConfig(), inspected.defaultEntry(), inspected.kernels(), inspected.fstab(), inspected.consoles(),
                tools, inspected.startup(), inspected.layout());
        ConversionPreview preview = ConversionPreview.of(facts, ConversionStrategy.DUAL_BOOT, target, dataVolumes);
        progress.report(100, "simulated " + ConversionStrategy.DUAL_BOOT);
        liveChanges.incrementAndGet();
        List<String> warnings = new ArrayList<>(preview.warnings());
        warnings.add("The running source's DUAL_BOOT change was simulated: no file on it was written (SimulatedGuest).");
        lastFstab.set(preview.fstab());
        warnings.addAll(preview.fstabWarnings());
        List<GuestChange> changes = new ArrayList<>(preview.changes());
        changes.add(new GuestChange("/boot/extlinux/extlinux.conf", "HVM boot entry for extlinux, beside PV-GRUB's unchanged menu.lst"));
        return new ConversionResult(ConversionStrategy.DUAL_BOOT, facts.device(), facts.device(), facts.filesystem().uuid(),
                facts.kernels().get(0).version(), preview.driversToAdd(), warnings, facts, changes);
    }

    /** How many DUAL_BOOT live changes of a running source were simulated. */
    public int liveChanges() {
        return liveChanges.get();
    }

    private List<FstabEntry> fstab() {
        List<FstabEntry> entries = new ArrayList<>();
        entries.add(new FstabEntry("/dev/xvda1", "/", filesystem, "defaults", 1, 1));
        entries.addAll(dataEntries);
        return entries;
    }
}
