package io.pv2hvm.core.guest;

import io.pv2hvm.core.CommandFailedException;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.ResyncRefusedException;
import io.pv2hvm.core.guest.internal.ConversionPlan;
import io.pv2hvm.core.guest.internal.FstabRewriter;
import io.pv2hvm.core.guest.internal.HvmBootConfig;
import io.pv2hvm.core.guest.internal.NvmeIoTimeout;
import io.pv2hvm.core.guest.internal.PlannedJobs;
import io.pv2hvm.core.guest.internal.ProgressLines;
import io.pv2hvm.core.guest.internal.ScriptOutput;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.internal.UntrustedText;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.spi.ProgressSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    private static final String EXTLINUX_CONF = "/boot/extlinux/extlinux.conf";
    private static final String GRUB_CFG = "/boot/grub/grub.cfg";

    private final CommandTransport transport;
    private final TargetPlatform target;
    private final boolean fixDrivers;
    private final ProgressSink progress;
    private final boolean keepCloudInitInstance;
    private final DataVolumes dataVolumes;

    private GuestConverter(CommandTransport transport, TargetPlatform target, boolean fixDrivers, ProgressSink progress,
                           boolean keepCloudInitInstance, DataVolumes dataVolumes) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.target = Objects.requireNonNull(target, "target");
        this.fixDrivers = fixDrivers;
        this.progress = Objects.requireNonNull(progress, "progress");
        this.keepCloudInitInstance = keepCloudInitInstance;
        this.dataVolumes = Objects.requireNonNull(dataVolumes, "dataVolumes");
    }

    private GuestConverter(CommandTransport transport, TargetPlatform target, boolean fixDrivers, ProgressSink progress) {
        this(transport, target, fixDrivers, progress, true, DataVolumes.none());
    }

    /**
     * A converter working through {@code transport}, for Nitro, fixing drivers, keeping cloud-init's
     * instance, knowing no data volumes, reporting nowhere.
     */
    public static GuestConverter on(CommandTransport transport) {
        return new GuestConverter(transport, TargetPlatform.NITRO, true, ProgressSink.none());
    }

    /** The same converter for another target platform. */
    public GuestConverter forTarget(TargetPlatform platform) {
        return new GuestConverter(transport, platform, fixDrivers, progress, keepCloudInitInstance, dataVolumes);
    }

    /**
     * The same converter with cloud-init's instance kept (the default) or not. Kept, a guest with
     * cloud-init gets {@code manual_cache_clean: true} in
     * {@code /etc/cloud/cloud.cfg.d/99-pv2hvm-keep-instance.cfg}: cloud-init trusts its cached
     * instance, so the new instance id does not run user-data scripts again or replace the SSH host
     * keys; it then also ignores the new instance's metadata until that file is deleted. Not kept,
     * cloud-init sees a new instance and runs its per-instance modules again.
     */
    public GuestConverter keepingCloudInitInstance(boolean keep) {
        return new GuestConverter(transport, target, fixDrivers, progress, keep, dataVolumes);
    }

    /**
     * The same converter knowing the guest's data volumes: {@code specs} maps a device name the
     * guest's fstab uses (e.g. {@code /dev/xvdf}) to what identifies that volume, read from it
     * ({@code UUID=...} or {@code LABEL=...}). Such fstab entries are rewritten to it, since Nitro
     * calls the volume {@code /dev/nvmeXn1}.
     *
     * @throws InvalidSpecException for a malformed device name or identifier
     */
    public GuestConverter withDataVolumes(Map<String, String> specs) {
        DataVolumes volumes = DataVolumes.none();
        for (Map.Entry<String, String> e : specs.entrySet()) {
            volumes = volumes.identified(e.getKey(), e.getValue());
        }
        return withDataVolumes(volumes);
    }

    /**
     * The same converter knowing the guest's data volumes: entries naming an identified volume's
     * device are rewritten to its {@code UUID=}/{@code LABEL=}; entries of a volume kept by name
     * stay as they are, with the init's no-fail option and the reason in the change record.
     */
    public GuestConverter withDataVolumes(DataVolumes volumes) {
        return new GuestConverter(transport, target, fixDrivers, progress, keepCloudInitInstance,
                Objects.requireNonNull(volumes, "volumes"));
    }

    /**
     * The same converter with the driver fix on or off. On (the default), an initramfs lacking
     * the target's drivers is rebuilt with the guest's own tool, keeping the old one; the tool runs
     * isolated from the worker (no network, a minimal /dev, no worker files, few capabilities);
     * off, such a guest is refused.
     */
    public GuestConverter fixingDrivers(boolean enabled) {
        return new GuestConverter(transport, target, enabled, progress, keepCloudInitInstance, dataVolumes);
    }

    /** The same converter reporting progress (0-100 over the whole conversion) to {@code sink}. */
    public GuestConverter reportingTo(ProgressSink sink) {
        return new GuestConverter(transport, target, fixDrivers, sink, keepCloudInitInstance, dataVolumes);
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
            case DUAL_BOOT -> throw new InvalidSpecException("DUAL_BOOT prepares a running source, not a volume on a"
                    + " worker: call dualBoot(liveRoot) through a transport to the source.");
        };
    }

    /**
     * {@link ConversionStrategy#IN_PLACE}: makes {@code device} itself bootable, writing a few hundred KiB.
     * An unpartitioned volume gets extlinux in its filesystem's boot sector; an already partitioned
     * one (root on a partition, {@code /boot} on the root or on a partition of its own) gets GRUB2
     * in its MBR and the gap before its first partition, and keeps its partitions.
     */
    public ConversionResult inPlace(String device) {
        WorkerScript.device(device);
        GuestInspector.Inspection inspection = GuestInspector.on(transport).inspectRecorded(device);
        GuestFacts facts = inspection.facts();
        ConversionPlan plan = ConversionPlan.decide(facts, ConversionStrategy.IN_PLACE, target, fixDrivers);
        progress.report(5, "inspected " + device + ": " + facts.os().name() + ", kernel " + plan.kernel().version());
        List<String> warnings = new ArrayList<>(plan.warnings());
        warnings.addAll(networkWarnings(facts));
        String uuid = facts.filesystem().uuid();
        if (facts.layout().kind() != GuestLayout.Kind.WHOLE_DISK) {
            return grubInPlace(device, facts, plan, warnings);
        }

        List<GuestChange> changes = new ArrayList<>();
        fixDriversIfNeeded(plan, device, 5, 60, changes);
        HvmBootConfig boot = new HvmBootConfig(plan.entry(), uuid, extraArguments(facts, plan));
        warnings.addAll(boot.warnings());
        run(WorkerScript.INSTALL_EXTLINUX.command(device, boot.extlinuxConf()), "Installing extlinux on " + device, 60, 85);
        changes.add(new GuestChange(EXTLINUX_CONF, "HVM boot entry for extlinux: root by UUID, console on ttyS0" + argsNote(facts)));
        nvmeTimeoutChange(EXTLINUX_CONF, plan, boot).ifPresent(changes::add);
        adapt(plan, facts, device, EXTLINUX_CONF, boot.extlinuxConf(), 85, 95, changes);
        warnings.addAll(writeFstab(facts, device, uuid, 95, 100, changes));
        progress.report(100, device + " boots under HVM with extlinux");
        return new ConversionResult(ConversionStrategy.IN_PLACE, device, device, uuid, plan.kernel().version(),
                plan.driversToAdd(), warnings, facts, changes, recipe(inspection, device));
    }

    /** The jobs a planned conversion may run: those of {@link #inPlace} on an unpartitioned volume. */
    private static final Set<WorkerScript> PLANNED_JOBS = EnumSet.of(WorkerScript.FIX_DRIVERS,
            WorkerScript.INSTALL_EXTLINUX, WorkerScript.ADAPT_GUEST, WorkerScript.WRITE_FSTAB);

    /** The recipe of an extlinux IN_PLACE conversion: its inspection, the device's own record generalised. */
    private Optional<ConversionRecipe> recipe(GuestInspector.Inspection inspection, String device) {
        String deviceRecord = "fs\tdevice\t" + device;
        return inspection.fingerprint().map(fingerprint -> new ConversionRecipe(ConversionStrategy.IN_PLACE, target,
                fingerprint, inspection.records().lines().map(l -> l.equals(deviceRecord)
                        ? "fs\tdevice\t" + ConversionRecipe.PLACEHOLDER : l).collect(Collectors.joining("\n", "", "\n"))));
    }

    /**
     * {@link #inPlace} again, in one worker command, on the guest {@code recipe} was made from (the
     * trial round's copy of the same source, or a resend): the command finds the device with
     * {@code lookup}, inspects it, and only when the inspection's fingerprint equals the recipe's runs
     * the jobs that {@link #inPlace} derives from the recipe's inspection, the same job scripts with
     * the same arguments. Where {@link #inPlace} sends one command per job (inspect, extlinux, adapt,
     * fstab, and the driver fix when needed), this sends one.
     *
     * @return the result, as {@link #inPlace} would return it; empty when the guest is not the one the
     *         recipe inspected (a kernel, fstab, initramfs... changed, or it is converted already), the
     *         recipe is for another strategy or platform, or its guest would be refused: nothing is
     *         written then, and {@link #check} and {@link #inPlace} decide as without a recipe
     */
    public Optional<ConversionResult> inPlaceAsPlanned(DeviceLookup lookup, ConversionRecipe recipe) {
        if (recipe.strategy() != ConversionStrategy.IN_PLACE || recipe.target() != target) {
            return Optional.empty();
        }
        String placeholder = ConversionRecipe.PLACEHOLDER;
        PlannedJobs planned = PlannedJobs.collecting("the plan for " + transport.describe(), recipe.records(placeholder));
        try {
            new GuestConverter(planned, target, fixDrivers, ProgressSink.none(), keepCloudInitInstance, dataVolumes)
                    .inPlace(placeholder);
        } catch (GuestIncompatibleException e) {
            return Optional.empty();
        }
        List<WorkerScript> jobs = new ArrayList<>(List.of(WorkerScript.INSPECT));
        List<String> args = new ArrayList<>(List.of(recipe.fingerprint(), placeholder, Integer.toString(lookup.args().size())));
        args.addAll(lookup.args());
        List<String> inspect = GuestInspector.arguments(placeholder);
        args.addAll(List.of("inspect", Integer.toString(inspect.size())));
        args.addAll(inspect);
        for (Command c : planned.commands()) {
            WorkerScript job = WorkerScript.of(c).filter(PLANNED_JOBS::contains).orElse(null);
            if (job == null) {
                return Optional.empty();
            }
            jobs.add(job);
            List<String> jobArgs = c.argv().subList(4, c.argv().size());
            args.addAll(List.of(job.jobName(), Integer.toString(jobArgs.size())));
            args.addAll(jobArgs);
        }
        CommandResult r = run(WorkerScript.asPlanned(lookup.script(), jobs, args), "Converting in place as the trial round"
                + " planned", 0, 100);
        int jobsStart = r.stdout().indexOf("PV2HVM-JOB\t");
        String header = jobsStart < 0 ? r.stdout() : r.stdout().substring(0, jobsStart); // the script's own lines
        String device = WorkerScript.device(ScriptOutput.value(header, "DEVICE").orElseThrow(() ->
                new CommandFailedException("convert-as-planned on " + transport.describe(), 0, "no DEVICE= line")));
        if (!ScriptOutput.value(header, "PLAN").orElse("").equals("applied")) {
            LOG.info("{} is not the guest the trial round inspected (fingerprint {}, the trial's {}): nothing written",
                    device, ScriptOutput.value(header, "FINGERPRINT").orElse("?"), recipe.fingerprint());
            return Optional.empty();
        }
        List<String> outputs = jobOutputs(r.stdout());
        PlannedJobs replayed = PlannedJobs.replaying("the answer of " + transport.describe(), recipe.records(device), outputs);
        ConversionResult result = new GuestConverter(replayed, target, fixDrivers, ProgressSink.none(), keepCloudInitInstance,
                dataVolumes).inPlace(device);
        List<List<String>> sent = planned.commands().stream().map(c -> c.argv().stream()
                .map(a -> a.equals(placeholder) ? device : a).toList()).toList();
        if (outputs.size() != sent.size() || !sent.equals(replayed.commands().stream().map(Command::argv).toList())) {
            throw new IllegalStateException("the planned conversion of " + device + " derived other jobs than it sent");
        }
        return Optional.of(result);
    }

    /** What each job printed inside convert-as-planned's output, in order. */
    private static List<String> jobOutputs(String stdout) {
        List<String> outputs = new ArrayList<>();
        StringBuilder current = null;
        for (String line : stdout.split("\n", -1)) {
            if (line.startsWith("PV2HVM-JOB\t")) {
                if (current != null) {
                    outputs.add(current.toString());
                }
                current = new StringBuilder();
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            outputs.add(current.toString());
        }
        return outputs;
    }

    /**
     * {@link ConversionStrategy#DUAL_BOOT}: prepares the <em>running</em> guest whose root filesystem
     * is mounted read-write at {@code liveRoot} ({@code /} when this converter's transport reaches
     * the source itself) to boot both ways: PV-GRUB keeps reading {@code /boot/grub/menu.lst},
     * untouched; extlinux is installed beside it, into the boot sector of the same unpartitioned
     * filesystem, with the HVM console and root by UUID in {@code /boot/extlinux/extlinux.conf} only;
     * the initramfs carries the target's drivers and Xen's block driver; fstab names the root by UUID;
     * a getty runs on {@code ttyS0} beside the Xen console's; MAC pinning is removed. The same jobs as
     * {@link #inPlace}, run in their live mode (they never mount or unmount the live root). Every
     * refusal, of the layout, the filesystem, the kernel, the drivers or a missing extlinux on the
     * source, comes before the first write.
     *
     * @throws io.pv2hvm.core.GuestIncompatibleException naming every blocker and the alternative strategy
     */
    public ConversionResult dualBoot(String liveRoot) {
        String option = WorkerScript.liveRootOption(liveRoot);
        CommandResult found = run(WorkerScript.LIVE_ROOT.command(option), "Finding the live root's device", 0, 2);
        String device = WorkerScript.device(ScriptOutput.value(found.stdout(), "DEVICE")
                .orElseThrow(() -> new CommandFailedException("live-root on " + transport.describe(), 0,
                        "the script did not report the live root's device")));
        Optional<String> partition = ScriptOutput.value(found.stdout(), "PARTITION");
        Optional<String> mapped = ScriptOutput.value(found.stdout(), "MAPPED");
        if (partition.isPresent() || mapped.isPresent()) {
            throw new GuestIncompatibleException("Cannot prepare " + liveRoot + " on " + transport.describe()
                    + " with DUAL_BOOT for " + target + ": its root " + device + " is "
                    + (partition.isPresent() ? "partition " + UntrustedText.line(partition.get()) + " of a partitioned disk"
                    : "a device-mapper volume (" + UntrustedText.line(mapped.get()) + ", e.g. LVM)")
                    + ", and DUAL_BOOT installs extlinux into the boot sector of an unpartitioned filesystem, which BIOS"
                    + " reads as the disk's first sector. Use IN_PLACE or PARTITION_COPY instead: they convert a copy on"
                    + " the worker and leave the running source unchanged.");
        }
        GuestFacts facts = GuestInspector.on(transport).inspectLive(liveRoot, device);
        ConversionPlan plan = ConversionPlan.decide(facts, ConversionStrategy.DUAL_BOOT, target, fixDrivers);
        progress.report(5, "inspected the live root " + device + ": " + facts.os().name() + ", kernel " + plan.kernel().version());
        List<String> warnings = new ArrayList<>(plan.warnings());
        warnings.addAll(networkWarnings(facts));
        String uuid = facts.filesystem().uuid();
        List<String> live = List.of(option);

        List<GuestChange> changes = new ArrayList<>();
        fixDriversIfNeeded(plan, device, live, 5, 60, changes);
        HvmBootConfig boot = new HvmBootConfig(plan.entry(), uuid, extraArguments(facts, plan));
        warnings.addAll(boot.warnings());
        List<String> extlinux = new ArrayList<>(live);
        extlinux.addAll(List.of(device, boot.extlinuxConf()));
        run(WorkerScript.INSTALL_EXTLINUX.command(extlinux), "Installing extlinux beside PV-GRUB on the live " + device, 60, 85);
        changes.add(new GuestChange(EXTLINUX_CONF, "HVM boot entry for extlinux, beside PV-GRUB's unchanged " + facts.bootConfig()
                + ": root by UUID, console on ttyS0" + argsNote(facts)));
        nvmeTimeoutChange(EXTLINUX_CONF, plan, boot).ifPresent(changes::add);
        adapt(plan, facts, device, live, EXTLINUX_CONF, boot.extlinuxConf(), 85, 95, changes);
        warnings.addAll(writeFstab(facts, device, live, "UUID=" + uuid, 95, 100, changes));
        progress.report(100, device + " boots as PV (PV-GRUB, " + facts.bootConfig() + ") and as HVM (extlinux)");
        return new ConversionResult(ConversionStrategy.DUAL_BOOT, device, device, uuid, plan.kernel().version(),
                plan.driversToAdd(), warnings, facts, changes);
    }

    /** IN_PLACE on a partitioned volume: GRUB2 in the MBR and the gap, its files where the guest's /boot is. */
    private ConversionResult grubInPlace(String device, GuestFacts facts, ConversionPlan plan, List<String> warnings) {
        String root = WorkerScript.device(facts.filesystem().device());
        String uuid = facts.filesystem().uuid();
        Optional<GuestFilesystem> boot = facts.layout().boot();
        List<GuestChange> changes = new ArrayList<>();
        List<String> rootOptions = lvmRootOption(facts);
        List<String> fixOptions = new ArrayList<>(bootOption(facts));
        fixOptions.addAll(rootOptions);
        fixDriversIfNeeded(plan, root, fixOptions, 5, 60, changes);
        // an LVM root keeps the guest's root= (its initramfs activates the group and creates that device)
        String rootSpec = facts.layout().lvmRoot().map(LvmRoot::mapperPath).orElse("UUID=" + uuid);
        HvmBootConfig config = new HvmBootConfig(plan.entry(), uuid, rootSpec, extraArguments(facts, plan));
        warnings.addAll(config.warnings());
        String grubCfg = boot.isPresent() ? config.grubCfgOnSeparateBoot(boot.get().type(), boot.get().uuid())
                : config.grubCfg(facts.filesystem().type());
        String grubPartition = WorkerScript.device(boot.map(GuestFilesystem::device).orElse(root));
        run(WorkerScript.INSTALL_GRUB.command(device, grubPartition, grubCfg, boot.isPresent() ? "/grub" : "/boot/grub"),
                "Installing GRUB2 on " + device + ", keeping its partitions", 60, 85);
        changes.add(new GuestChange(GRUB_CFG, "HVM boot entry for GRUB2" + (boot.isPresent() ? " on the /boot partition" : "")
                + ": root " + (rootSpec.startsWith("UUID=") ? "by UUID" : "on " + rootSpec + " as before") + ", console on ttyS0"
                + argsNote(facts)));
        nvmeTimeoutChange(GRUB_CFG, plan, config).ifPresent(changes::add);
        adapt(plan, facts, root, rootOptions, GRUB_CFG, grubCfg, 85, 95, changes);
        warnings.addAll(writeFstab(facts, root, rootOptions, rootSpec, 95, 100, changes));
        progress.report(100, device + " boots under HVM with GRUB2 from its partition table");
        return new ConversionResult(ConversionStrategy.IN_PLACE, device, root, uuid, plan.kernel().version(),
                plan.driversToAdd(), warnings, facts, changes);
    }

    /**
     * {@code --lvm-root=VG/LV} for the jobs that work on the root filesystem, when it is on a
     * logical volume: they get its physical volume and map the LV's extents themselves.
     */
    private static List<String> lvmRootOption(GuestFacts facts) {
        return facts.layout().lvmRoot().map(l -> List.of("--lvm-root=" + WorkerScript.word(l.volumeGroup()) + "/"
                + WorkerScript.word(l.logicalVolume()))).orElse(List.of());
    }

    /** {@code --boot=DEVICE} for the jobs that write under /boot, when /boot is a partition of its own. */
    private static List<String> bootOption(GuestFacts facts) {
        return facts.layout().boot().map(b -> List.of("--boot=" + WorkerScript.device(b.device()))).orElse(List.of());
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
        warnings.addAll(networkWarnings(facts));

        // the root filesystem: the volume itself, or (hd00 AKIs) the partition holding it
        String sourceRoot = WorkerScript.device(facts.filesystem().device());
        CommandResult copy = run(WorkerScript.PARTITION_COPY.command(sourceRoot, targetDevice),
                "Copying " + sourceRoot + " into a partition of " + targetDevice, 2, 75);
        String partition = ScriptOutput.value(copy.stdout(), "PARTITION")
                .orElseThrow(() -> new CommandFailedException("partition-copy on " + transport.describe(), 0,
                        "the script did not report the partition it created"));
        WorkerScript.device(partition);
        return convertCopy(facts, plan, warnings, targetDevice, partition);
    }

    /**
     * How much earlier than the trial snapshot's start the final round's cut-off lies: the source's
     * clock stamps the change times that {@link #resync} compares with the cut-off, and may lag
     * the clock that stamped the snapshot's start (EC2's) by that much. 10 minutes is far beyond the
     * drift of an instance's clock kept by NTP or the Xen hypervisor (seconds) and costs only the
     * files changed in the 10 minutes before the snapshot, copied again. A clock ahead (a change
     * time after the worker's clock) or so far behind that nothing is stamped after the cut-off
     * makes {@link #resync} compare every file's content; a clock behind by more than this margin
     * but by less than the time from the snapshot to the stop is not caught.
     */
    public static final Duration SOURCE_CLOCK_MARGIN = Duration.ofMinutes(10);

    /**
     * PARTITION_COPY's final round, incremental: brings {@code targetDevice}, the trial round's
     * already converted PARTITION_COPY target of this same source, to the content of the stopped
     * {@code sourceDevice}, copying only the files that changed (and deleting those the source no
     * longer has), then applies the conversion's edits and installs GRUB2 again exactly as
     * {@link #partitionCopy} does. Writes of the order of the change plus the conversion's few MiB,
     * where {@link #partitionCopy} writes the whole used filesystem. The source is only read.
     *
     * <p>Which files changed: every file whose inode change time (ctime, which user space cannot
     * set back) is not older than {@code changedSince} is copied whole, whatever its size and
     * modification time; the others are compared by size and modification time (rsync's quick
     * check). Pass the trial snapshot's start less {@link #SOURCE_CLOCK_MARGIN}, as
     * {@link GuestConversion#resync} does. When the source's clock cannot be trusted (a change
     * time more than 10 minutes after the worker's clock, or none since {@code changedSince}),
     * every file's content is compared instead: all data read, still only the difference written.
     *
     * @param changedSince the cut-off: the trial snapshot's start less the source clock's margin;
     *        not after the worker's clock, whole seconds (a fraction is dropped, which only widens it)
     * @throws ResyncRefusedException before writing, when {@code targetDevice} is not the converted
     *         copy of this source (another layout, filesystem type or UUID, an unfinished conversion)
     *         or the source's journal needs recovery: convert in full with {@link #partitionCopy} then
     * @throws io.pv2hvm.core.GuestIncompatibleException when the guest cannot be converted, as for
     *         {@link #partitionCopy}
     */
    public ConversionResult resync(String sourceDevice, String targetDevice, Instant changedSince) {
        WorkerScript.device(sourceDevice);
        WorkerScript.device(targetDevice);
        if (sourceDevice.equals(targetDevice)) {
            throw new InvalidSpecException("resync needs the trial's target volume, not the source " + sourceDevice + ".");
        }
        Objects.requireNonNull(changedSince, "changedSince");
        if (changedSince.isBefore(Instant.parse("2000-01-01T00:00:00Z"))) {
            throw new InvalidSpecException("resync's cut-off " + changedSince + " is not the start of a trial snapshot.");
        }
        String cutoff = Long.toString(changedSince.getEpochSecond());
        // the guest is inspected again: its kernels, fstab or network setup may have changed since the trial
        GuestFacts facts = GuestInspector.on(transport).inspect(sourceDevice);
        ConversionPlan plan = ConversionPlan.decide(facts, ConversionStrategy.PARTITION_COPY, target, fixDrivers);
        progress.report(2, "inspected " + sourceDevice + ": " + facts.os().name() + ", kernel " + plan.kernel().version());
        List<String> warnings = new ArrayList<>(plan.warnings());
        warnings.addAll(networkWarnings(facts));

        String sourceRoot = WorkerScript.device(facts.filesystem().device());
        CommandResult sync = run(WorkerScript.RESYNC.command(sourceRoot, targetDevice, cutoff),
                "Copying what changed on " + sourceRoot + " into the converted copy on " + targetDevice, 2, 75);
        String partition = ScriptOutput.value(sync.stdout(), "PARTITION")
                .orElseThrow(() -> new CommandFailedException("resync on " + transport.describe(), 0,
                        "the script did not report the partition it brought up to date"));
        WorkerScript.device(partition);
        String clock = ScriptOutput.value(sync.stdout(), "CLOCK").orElse("?");
        if (clock.equals("checksum")) {
            warnings.add("The source's change times were not trusted (its clock ran ahead of the worker's, or nothing"
                    + " changed since " + changedSince + "): the final round compared the content of every file.");
        }
        progress.report(75, "resynced " + partition + ": " + ScriptOutput.value(sync.stdout(), "FILES").orElse("?")
                + " files (" + ScriptOutput.value(sync.stdout(), "BYTES").orElse("?") + " bytes) copied, "
                + ScriptOutput.value(sync.stdout(), "DELETED").orElse("?") + " deleted, "
                + (clock.equals("ctime") ? ScriptOutput.value(sync.stdout(), "CHANGED").orElse("?")
                        + " changed since " + changedSince + " copied whole" : "every file's content compared"));
        return convertCopy(facts, plan, warnings, targetDevice, partition);
    }

    /** The conversion's edits on a copy of the source in partition 1 of {@code targetDevice}: drivers, GRUB2, guest, fstab. */
    private ConversionResult convertCopy(GuestFacts facts, ConversionPlan plan, List<String> warnings, String targetDevice,
                                         String partition) {
        String uuid = facts.filesystem().uuid();
        List<GuestChange> changes = new ArrayList<>();
        fixDriversIfNeeded(plan, partition, 75, 88, changes);
        HvmBootConfig boot = new HvmBootConfig(plan.entry(), uuid, extraArguments(facts, plan));
        warnings.addAll(boot.warnings());
        String grubCfg = boot.grubCfg(facts.filesystem().type());
        run(WorkerScript.INSTALL_GRUB.command(targetDevice, partition, grubCfg), "Installing GRUB2 on " + targetDevice, 88, 93);
        changes.add(new GuestChange(GRUB_CFG, "HVM boot entry for GRUB2: root by UUID, console on ttyS0" + argsNote(facts)));
        nvmeTimeoutChange(GRUB_CFG, plan, boot).ifPresent(changes::add);
        adapt(plan, facts, partition, GRUB_CFG, grubCfg, 93, 97, changes);
        warnings.addAll(writeFstab(facts, partition, uuid, 97, 100, changes));
        progress.report(100, targetDevice + " boots under HVM with GRUB2");
        return new ConversionResult(ConversionStrategy.PARTITION_COPY, targetDevice, partition, uuid,
                plan.kernel().version(), plan.driversToAdd(), warnings, facts, changes);
    }

    private void fixDriversIfNeeded(ConversionPlan plan, String device, double from, double to, List<GuestChange> changes) {
        fixDriversIfNeeded(plan, device, List.of(), from, to, changes);
    }

    private void fixDriversIfNeeded(ConversionPlan plan, String device, List<String> options, double from, double to,
                                    List<GuestChange> changes) {
        if (plan.driversToAdd().isEmpty()) {
            return;
        }
        String initrd = WorkerScript.guestPath(plan.entry().initrd().orElseThrow());
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of(device, WorkerScript.word(plan.kernel().version()),
                initrd, plan.initramfsTool()));
        plan.driversToAdd().forEach(d -> args.add(WorkerScript.word(d)));
        run(WorkerScript.FIX_DRIVERS.command(args), "Adding " + plan.driversToAdd() + " to the initramfs on " + device, from, to);
        changes.add(new GuestChange(initrd, "rebuilt with " + plan.initramfsTool() + " to carry " + String.join(", ", plan.driversToAdd())
                + ", which " + target + " needs; the guest's configuration now lists them for its next kernels too"));
        if (plan.initramfsTool().equals("mkinitrd-suse")) {
            changes.add(new GuestChange("/etc/sysconfig/kernel", "INITRD_MODULES now lists " + String.join(", ", plan.driversToAdd())
                    + ", so SUSE's mkinitrd puts them in the next kernels' initrds too"));
        }
    }

    /** Network identity, consoles, kernel hooks, cloud-init and SELinux: what makes the converted guest serve. */
    private void adapt(ConversionPlan plan, GuestFacts facts, String device, String bootTarget, String bootConfig,
                       double from, double to, List<GuestChange> changes) {
        adapt(plan, facts, device, List.of(), bootTarget, bootConfig, from, to, changes);
    }

    private void adapt(ConversionPlan plan, GuestFacts facts, String device, List<String> options, String bootTarget,
                       String bootConfig, double from, double to, List<GuestChange> changes) {
        String kernel = WorkerScript.guestPath(plan.entry().kernel());
        // a kernel without initramfs: the hook then looks for the kernel image itself in the initrd's place
        String initrd = WorkerScript.guestPath(plan.entry().initrd().orElse(kernel));
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of(device, keepCloudInitInstance ? "yes" : "no", bootTarget,
                WorkerScript.word(plan.kernel().version()), kernel, initrd, bootConfig, WorkerScript.guestResource("kernel-hook.sh")));
        CommandResult r = run(WorkerScript.ADAPT_GUEST.command(args),
                "Adapting network, consoles, kernel hooks and cloud-init on " + device, from, to);
        for (String line : r.stdout().split("\n")) {
            String[] f = line.split("\t", 3);
            if (f.length == 3 && f[0].equals("CHANGE")) {
                changes.add(new GuestChange(UntrustedText.line(f[1]), UntrustedText.line(f[2])));
            }
        }
    }

    /** What pv2hvm leaves to the user about the guest's network: a static eth0 keeps working only with its old address. */
    private static List<String> networkWarnings(GuestFacts facts) {
        if (!facts.startup().staticEth0()) {
            return List.of();
        }
        return List.of("eth0 has a static address in the guest's network configuration: it works under HVM only if the new"
                + " instance keeps the same private IP and subnet (preservingIps()); otherwise switch it to DHCP"
                + " (BOOTPROTO=dhcp, or 'iface eth0 inet dhcp') before migrating.");
    }

    private List<String> extraArguments(GuestFacts facts, ConversionPlan plan) {
        List<String> args = new ArrayList<>();
        // the guest configures eth0: keep that name on ENA/ixgbevf, where predictable naming would say ens5
        if (facts.startup().namesEth0()) {
            args.addAll(List.of("net.ifnames=0", "biosdevname=0"));
        }
        if (target == TargetPlatform.NITRO) {
            args.addAll(NvmeIoTimeout.argumentsFor(plan.kernel().version()));
        }
        return args;
    }

    /** The change the NVMe I/O timeout made, when the boot entry carries pv2hvm's value (the guest's own setting wins). */
    private Optional<GuestChange> nvmeTimeoutChange(String bootTarget, ConversionPlan plan, HvmBootConfig boot) {
        if (target != TargetPlatform.NITRO) {
            return Optional.empty();
        }
        List<String> set = NvmeIoTimeout.argumentsFor(plan.kernel().version()).stream()
                .filter(a -> boot.arguments().contains(a)).toList();
        if (set.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GuestChange(bootTarget, String.join(" ", set) + " on the kernel command line: on Nitro"
                + " EBS volumes are NVMe devices, whose driver fails an I/O after 30 s by default (the filesystem may go"
                + " read-only); AWS recommends the highest timeout the kernel takes. Kept for the guest's next kernels"
                + " by its kernel hook"));
    }

    private static String argsNote(GuestFacts facts) {
        return facts.startup().namesEth0() ? ", net.ifnames=0 biosdevname=0 (the network configuration names eth0)" : "";
    }

    private List<String> writeFstab(GuestFacts facts, String device, String uuid, double from, double to, List<GuestChange> changes) {
        return writeFstab(facts, device, List.of(), "UUID=" + uuid, from, to, changes);
    }

    private List<String> writeFstab(GuestFacts facts, String device, List<String> options, String rootSpec, double from, double to,
                                    List<GuestChange> changes) {
        FstabRewriter rewriter = new FstabRewriter(facts.startup(), dataVolumes.identified(), dataVolumes.keptByName());
        List<String> original = facts.fstab().stream().map(FstabEntry::toLine).toList();
        String bootSpec = facts.layout().boot().map(b -> "UUID=" + b.uuid()).orElse("");
        String content = String.join("\n", rewriter.rewrite(original, rootSpec, bootSpec));
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of(device, content));
        run(WorkerScript.WRITE_FSTAB.command(args), "Rewriting /etc/fstab on " + device, from, to);
        rewriter.changes().forEach(c -> changes.add(new GuestChange("/etc/fstab", c)));
        return rewriter.warnings();
    }

    private CommandResult run(Command command, String what, double from, double to) {
        LOG.info("{} on {}", what, transport.describe());
        Consumer<OutputLine> log = line -> LOG.debug("[{}] {}", command.argv().size() > 3 ? command.argv().get(3) : "worker",
                UntrustedText.line(line.text()));
        return ScriptOutput.orThrow(transport.exec(command, new ProgressLines(progress, from, to, log)), what + " on " + transport.describe());
    }
}
