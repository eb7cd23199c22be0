package io.pv2hvm.aws.internal.steps.prepare;

import io.pv2hvm.aws.internal.steps.DataVolumeNames;
import io.pv2hvm.aws.internal.steps.convert.ConvertStep;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;
import java.util.function.Function;

/**
 * DUAL_BOOT's live change: through the transport to the running source (SSM on the source, or
 * SSH), prepares its root to boot both as PV and as HVM ({@link GuestConversion#dualBoot}), after
 * {@link PreChangeSnapshotStep} kept the root as it was. The guest refuses, before its first
 * write, whatever cannot boot both ways. A rollback does not undo the change: the source still
 * boots PV with it; the pre-change snapshot and each file's {@code .pv2hvm-orig} are the way back.
 */
public final class PrepareSourceStep implements Step {
    /** What the live change does on the running source, for the plan: nothing here is a guess. */
    static final List<String> CHANGES = List.of(
            "the running source's root (through the source transport, while it serves): extlinux installed into the"
                    + " boot sector of its unpartitioned ext2/3/4 root filesystem and /boot/extlinux/extlinux.conf"
                    + " written (root by UUID, console=ttyS0); /boot/grub/menu.lst is not changed, so PV-GRUB boots"
                    + " it as before",
            "the running source's /etc/fstab: the root and identified data volumes by UUID (original kept as"
                    + " /etc/fstab.pv2hvm-orig)",
            "the running source's initramfs of its default kernel, when it lacks the target's drivers (nvme, ena on"
                    + " Nitro) or Xen's block driver: rebuilt with the guest's own tool (original kept as .pv2hvm-orig)",
            "the running source's gettys: one on ttyS0 added beside the Xen console's; MAC-pinning network rules"
                    + " commented out; kernel hooks that keep extlinux.conf on the newest kernel; cloud-init told to keep"
                    + " its instance",
            "not undone by a rollback (the source still boots PV with it): the pre-change snapshot is the way back");

    private final AwsRuntime aws;
    private final GuestConversion guest;
    private final Function<String, CommandTransport> sourceTransports;

    public PrepareSourceStep(AwsRuntime aws, GuestConversion guest, Function<String, CommandTransport> sourceTransports) {
        this.aws = aws;
        this.guest = guest;
        this.sourceTransports = sourceTransports;
    }

    @Override
    public String name() {
        return "prepare-source-dual-boot";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Prepare the running source to boot both as PV and as HVM (DUAL_BOOT, opt-in: this"
                + " changes production before the stop, so nothing is converted inside the downtime window)",
                List.of(), CHANGES);
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        String backup = ctx.find(AwsFacts.SNAPSHOT.of(Roles.PRE_CHANGE_SNAPSHOT)).orElseThrow(() -> new IllegalStateException(
                "No pre-change snapshot of " + src.instanceId() + " is journaled; the live change never runs without one."));
        TargetPlatform platform = ConvertStep.targetPlatform(ctx);
        CommandTransport transport = sourceTransports.apply(src.instanceId());
        if (transport instanceof io.pv2hvm.aws.SsmTransport ssm) {
            transport = ssm.reportingWaitsTo(ctx::waitingFor);
        }
        // journaled before the source is touched: a crash from here on may have left it changed
        ctx.put(AwsFacts.SOURCE_CHANGED_LIVE, true);
        ConversionResult result = guest.dualBoot(transport, "/", platform, DataVolumeNames.of(ctx, src), ctx.progressSink());
        result.warnings().forEach(ctx::warn);
        ctx.put(AwsFacts.STRATEGY, ConversionStrategy.DUAL_BOOT);
        ctx.put(AwsFacts.GUEST_MOUNTS_ONCE, result.facts().mountsFstabOnce());
        ctx.put(AwsFacts.GUEST_HAS_ENA, ConvertStep.hasEna(result.facts(), result));
        ctx.warn("The running source " + src.instanceId() + " was changed to boot both as PV and as HVM ("
                + result.changes().size() + " changes; each changed file's original is kept as FILE.pv2hvm-orig);"
                + " snapshot " + backup + " keeps its root as it was before.");
    }

    @Override
    public void compensate(StepContext ctx) {
        if (ctx.has(AwsFacts.SOURCE_CHANGED_LIVE)) {
            // The fact is journaled before the first command, so the change may not have begun (e.g. SSH refused).
            boolean finished = ctx.find(AwsFacts.STRATEGY).filter(ConversionStrategy.DUAL_BOOT::equals).isPresent();
            ctx.warn("The running source's DUAL_BOOT change " + (finished ? "was not undone"
                    : "may have been begun (the step stopped while changing it) and was not undone")
                    + ": it still boots PV with it. To undo it,"
                    + " restore each FILE.pv2hvm-orig, or stop the source and attach a volume made from the pre-change"
                    + " snapshot " + ctx.find(AwsFacts.SNAPSHOT.of(Roles.PRE_CHANGE_SNAPSHOT)).orElse("(none)") + " as its root.");
        }
    }
}
