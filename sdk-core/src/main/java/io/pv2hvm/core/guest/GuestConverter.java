package io.pv2hvm.core.guest;

import io.pv2hvm.core.CommandFailedException;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.guest.internal.ConversionPlan;
import io.pv2hvm.core.guest.internal.FstabRewriter;
import io.pv2hvm.core.guest.internal.HvmBootConfig;
import io.pv2hvm.core.guest.internal.ProgressLines;
import io.pv2hvm.core.guest.internal.ScriptOutput;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.spi.ProgressSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Converts a PV guest root volume, attached to a worker, into one that boots under HVM BIOS.
 * Inspects first and refuses (a {@link io.pv2hvm.core.GuestIncompatibleException}) before
 * writing anything when the guest cannot boot on the target: a PV-only kernel, a filesystem the
 * strategy cannot handle, missing drivers with the driver fix disabled.
 *
 * <pre>{@code
 * ConversionResult r = GuestConverter.on(transport)
 *         .forTarget(TargetPlatform.NITRO)
 *         .reportingTo(progress)
 *         .partitionCopy("/dev/xvdf", "/dev/xvdg");
 * }</pre>
 *
 * Immutable: each {@code with}-style method returns a new converter.
 */
public final class GuestConverter {
    private static final Logger LOG = LoggerFactory.getLogger(GuestConverter.class);

    private final CommandTransport transport;
    private final TargetPlatform target;
    private final boolean fixDrivers;
    private final ProgressSink progress;

    private GuestConverter(CommandTransport transport, TargetPlatform target, boolean fixDrivers, ProgressSink progress) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.target = Objects.requireNonNull(target, "target");
        this.fixDrivers = fixDrivers;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** A converter working through {@code transport}, for Nitro, fixing drivers, reporting nowhere. */
    public static GuestConverter on(CommandTransport transport) {
        return new GuestConverter(transport, TargetPlatform.NITRO, true, ProgressSink.none());
    }

    /** The same converter for another target platform. */
    public GuestConverter forTarget(TargetPlatform platform) {
        return new GuestConverter(transport, platform, fixDrivers, progress);
    }

    /**
     * The same converter with the driver fix on or off. On (the default), an initramfs lacking
     * the target's drivers is rebuilt in a chroot with the guest's own tool, keeping the old one;
     * off, such a guest is refused.
     */
    public GuestConverter fixingDrivers(boolean enabled) {
        return new GuestConverter(transport, target, enabled, progress);
    }

    /** The same converter reporting progress (0-100 over the whole conversion) to {@code sink}. */
    public GuestConverter reportingTo(ProgressSink sink) {
        return new GuestConverter(transport, target, fixDrivers, sink);
    }

    /**
     * Inspects {@code device} and decides whether {@code strategy} can convert it, writing nothing.
     *
     * @return what inspection found
     * @throws io.pv2hvm.core.GuestIncompatibleException naming every blocker and its fix
     */
    public GuestFacts check(ConversionStrategy strategy, String device) {
        GuestFacts facts = GuestInspector.on(transport).inspect(device);
        ConversionPlan.decide(facts, strategy, target, fixDrivers);
        return facts;
    }

    /** Converts with {@code strategy}; {@code targetDevice} is ignored for {@code IN_PLACE} and required for {@code PARTITION_COPY}. */
    public ConversionResult convert(ConversionStrategy strategy, String sourceDevice, String targetDevice) {
        return switch (Objects.requireNonNull(strategy, "strategy")) {
            case IN_PLACE -> inPlace(sourceDevice);
            case PARTITION_COPY -> partitionCopy(sourceDevice, targetDevice);
        };
    }

    /** {@link ConversionStrategy#IN_PLACE}: makes {@code device} itself bootable, writing a few hundred KiB. */
    public ConversionResult inPlace(String device) {
        WorkerScript.device(device);
        GuestFacts facts = GuestInspector.on(transport).inspect(device);
        ConversionPlan plan = ConversionPlan.decide(facts, ConversionStrategy.IN_PLACE, target, fixDrivers);
        progress.report(5, "inspected " + device + ": " + facts.os().name() + ", kernel " + plan.kernel().version());
        List<String> warnings = new ArrayList<>(plan.warnings());
        String uuid = facts.filesystem().uuid();

        fixDriversIfNeeded(plan, device, 5, 60);
        HvmBootConfig boot = new HvmBootConfig(plan.entry(), uuid);
        warnings.addAll(boot.warnings());
        run(WorkerScript.INSTALL_EXTLINUX.command(device, boot.extlinuxConf()), "Installing extlinux on " + device, 60, 90);
        warnings.addAll(writeFstab(facts, device, uuid, 90, 100));
        progress.report(100, device + " boots under HVM with extlinux");
        return new ConversionResult(ConversionStrategy.IN_PLACE, device, device, uuid, plan.kernel().version(),
                plan.driversToAdd(), warnings, facts);
    }

    /**
     * {@link ConversionStrategy#PARTITION_COPY}: lays out {@code targetDevice} as a partitioned HVM
     * disk holding a copy of {@code sourceDevice}'s filesystem; the source is only read.
     */
    public ConversionResult partitionCopy(String sourceDevice, String targetDevice) {
        WorkerScript.device(sourceDevice);
        WorkerScript.device(targetDevice);
        if (sourceDevice.equals(targetDevice)) {
            throw new InvalidSpecException("PARTITION_COPY needs a target volume other than the source " + sourceDevice + ".");
        }
        GuestFacts facts = GuestInspector.on(transport).inspect(sourceDevice);
        ConversionPlan plan = ConversionPlan.decide(facts, ConversionStrategy.PARTITION_COPY, target, fixDrivers);
        progress.report(2, "inspected " + sourceDevice + ": " + facts.os().name() + ", kernel " + plan.kernel().version());
        List<String> warnings = new ArrayList<>(plan.warnings());
        String uuid = facts.filesystem().uuid();

        CommandResult copy = run(WorkerScript.PARTITION_COPY.command(sourceDevice, targetDevice),
                "Copying " + sourceDevice + " into a partition of " + targetDevice, 2, 75);
        String partition = ScriptOutput.value(copy.stdout(), "PARTITION")
                .orElseThrow(() -> new CommandFailedException("partition-copy on " + transport.describe(), 0,
                        "the script did not report the partition it created"));
        WorkerScript.device(partition);

        fixDriversIfNeeded(plan, partition, 75, 90);
        HvmBootConfig boot = new HvmBootConfig(plan.entry(), uuid);
        warnings.addAll(boot.warnings());
        run(WorkerScript.INSTALL_GRUB.command(targetDevice, partition, boot.grubCfg(facts.filesystem().type())),
                "Installing GRUB2 on " + targetDevice, 90, 97);
        warnings.addAll(writeFstab(facts, partition, uuid, 97, 100));
        progress.report(100, targetDevice + " boots under HVM with GRUB2");
        return new ConversionResult(ConversionStrategy.PARTITION_COPY, targetDevice, partition, uuid,
                plan.kernel().version(), plan.driversToAdd(), warnings, facts);
    }

    private void fixDriversIfNeeded(ConversionPlan plan, String device, double from, double to) {
        if (plan.driversToAdd().isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(device, WorkerScript.word(plan.kernel().version()),
                WorkerScript.guestPath(plan.entry().initrd().orElseThrow()), plan.initramfsTool()));
        plan.driversToAdd().forEach(d -> args.add(WorkerScript.word(d)));
        run(WorkerScript.FIX_DRIVERS.command(args), "Adding " + plan.driversToAdd() + " to the initramfs on " + device, from, to);
    }

    private List<String> writeFstab(GuestFacts facts, String device, String uuid, double from, double to) {
        FstabRewriter rewriter = new FstabRewriter();
        List<String> original = facts.fstab().stream().map(FstabEntry::toLine).toList();
        String content = String.join("\n", rewriter.rewrite(original, "UUID=" + uuid));
        run(WorkerScript.WRITE_FSTAB.command(device, content), "Rewriting /etc/fstab on " + device, from, to);
        return rewriter.warnings();
    }

    private CommandResult run(Command command, String what, double from, double to) {
        LOG.info("{} on {}", what, transport.describe());
        Consumer<OutputLine> log = line -> LOG.debug("[{}] {}", command.argv().size() > 3 ? command.argv().get(3) : "worker", line.text());
        return transport.exec(command, new ProgressLines(progress, from, to, log)).orThrow(what + " on " + transport.describe());
    }
}
