package io.pv2hvm.aws.internal.steps.convert;

import io.pv2hvm.aws.internal.steps.ScratchVolumes;
import io.pv2hvm.aws.internal.steps.DataVolumeNames;
import io.pv2hvm.aws.internal.steps.Temporaries;
import io.pv2hvm.aws.internal.steps.TargetTypes;
import io.pv2hvm.aws.internal.steps.cutover.MoveSourceRootStep;
import io.pv2hvm.aws.internal.steps.verify.PrepareFinalTargetStep;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Round;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.ResyncRefusedException;
import io.pv2hvm.core.guest.ConversionRecipe;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.Snapshot;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Inspects the guest on the worker and makes the bootable HVM copy. The trial round chooses the
 * strategy and proves the guest can run on the target (refusing before any write if not); the
 * final round repeats the same recipe on the stopped source's data.
 */
public final class ConvertStep implements Step {
    private static final Logger LOG = LoggerFactory.getLogger(ConvertStep.class);
    private final AwsRuntime aws;
    private final Round round;
    private final GuestConversion guest;

    public ConvertStep(AwsRuntime aws, Round round, GuestConversion guest) {
        this.aws = aws;
        this.round = round;
        this.guest = guest;
    }

    @Override
    public String name() {
        return "convert-" + round.label();
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Inspect the guest and make a bootable HVM copy ("
                + (round == Round.TRIAL ? "trial; a guest without nvme or ena moves to a Xen HVM type (t2, m4, c4,"
                + " r4) when no type was named" : "final, same recipe; with kept IPs IN_PLACE converts the stopped"
                + " source's own root volume after its final snapshot, PARTITION_COPY copies from it") + ")",
                round == Round.TRIAL ? List.of("with PARTITION_COPY: an empty volume 1 GiB larger than the root (temporary)")
                        : List.of(), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        String sourceVolume = sourceVolume(ctx);
        ScratchVolumes volumes = new ScratchVolumes(aws);
        if (round == Round.FINAL && convertedAsPlanned(ctx, volumes, sourceVolume)) {
            return;
        }
        String inspected = volumes.locate(ctx, sourceVolume);
        String sourceDevice = inspected;
        CommandTransport transport = aws.transport(ctx);
        TargetPlatform nitroOrXen = targetPlatform(ctx);
        ConversionStrategy chosen = strategy(ctx, transport, inspected, nitroOrXen);
        GuestFacts checked;
        try {
            checked = guest.check(transport, chosen, sourceDevice, nitroOrXen);
        } catch (GuestIncompatibleException e) {
            if (!mayFallBackToXen(ctx, nitroOrXen)) {
                throw e;
            }
            chosen = strategy(ctx, transport, inspected, TargetPlatform.XEN_HVM);
            try {
                checked = guest.check(transport, chosen, sourceDevice, TargetPlatform.XEN_HVM);
            } catch (GuestIncompatibleException onXenToo) {
                throw e;
            }
            switchToXen(ctx, e);
            nitroOrXen = TargetPlatform.XEN_HVM;
        }
        TargetPlatform platform = nitroOrXen;
        ConversionStrategy strategy = chosen;
        GuestFacts facts = checked;
        ctx.put(AwsFacts.STRATEGY, strategy);
        ctx.put(AwsFacts.GUEST_MOUNTS_ONCE, facts.mountsFstabOnce());

        if (strategy == ConversionStrategy.PARTITION_COPY && round == Round.FINAL) {
            Optional<Resynced> resynced = resyncTrialTarget(ctx, volumes, transport, inspected, platform);
            if (resynced.isPresent()) {
                ctx.put(AwsFacts.GUEST_HAS_ENA, hasEna(facts, resynced.get().result()));
                ctx.put(round.convertedVolumeKey(), resynced.get().volumeId());
                return;
            }
        }
        String targetVolume = sourceVolume;
        String targetDevice = null;
        if (strategy == ConversionStrategy.PARTITION_COPY) {
            targetDevice = volumes.createAttachAndFind(ctx, round.targetVolumeRole(), null, targetGiB(aws, ctx));
            targetVolume = ctx.find(AwsFacts.VOLUME.of(round.targetVolumeRole())).orElseThrow();
            sourceDevice = volumes.locate(ctx, sourceVolume); // the attach may have restarted the worker
        }
        if (strategy == ConversionStrategy.IN_PLACE && round == Round.FINAL
                && sourceVolume.equals(ctx.find(AwsFacts.SOURCE_ROOT_ON_WORKER).orElse(null))) {
            // The first write to the source's own root: from here on a rollback restores it from the final snapshot.
            MoveSourceRootStep.markConverted(aws, ctx, sourceVolume);
        }
        ConversionResult result = convert(ctx, transport, strategy, sourceDevice, targetDevice, platform);
        if (round == Round.TRIAL && strategy == ConversionStrategy.IN_PLACE) {
            result.recipe().ifPresent(r -> ctx.put(AwsFacts.CONVERSION_RECIPE, r));
        }
        result.warnings().forEach(ctx::warn);
        ctx.put(AwsFacts.GUEST_HAS_ENA, hasEna(facts, result));
        ctx.put(round.convertedVolumeKey(), targetVolume);
    }

    /**
     * IN_PLACE's final round as one worker command, with the recipe the trial round's conversion left:
     * the command finds the volume, inspects it and converts only if the guest is still the one the
     * trial inspected (see {@link GuestConversion#convertAsPlanned}). False, with nothing written, where
     * there is no recipe or the guest changed since the trial (or was converted by a command whose
     * answer was lost): the round then checks and converts with separate commands, as without a recipe.
     */
    private boolean convertedAsPlanned(StepContext ctx, ScratchVolumes volumes, String sourceVolume) {
        TargetPlatform platform = targetPlatform(ctx);
        Optional<ConversionRecipe> recipe = ctx.find(AwsFacts.CONVERSION_RECIPE)
                .filter(r -> r.target() == platform && r.strategy() == ConversionStrategy.IN_PLACE
                        && ctx.find(AwsFacts.STRATEGY).equals(Optional.of(ConversionStrategy.IN_PLACE)));
        if (recipe.isEmpty()) {
            return false;
        }
        if (sourceVolume.equals(ctx.find(AwsFacts.SOURCE_ROOT_ON_WORKER).orElse(null))) {
            // The command may write to the source's own root: from here on a rollback restores it from the final snapshot.
            MoveSourceRootStep.markConverted(aws, ctx, sourceVolume);
        }
        Optional<ConversionResult> converted = guest.convertAsPlanned(aws.transport(ctx), volumes.lookup(ctx, sourceVolume),
                recipe.get(), DataVolumeNames.of(ctx, aws.source(ctx)), ctx.progressSink());
        if (converted.isEmpty()) {
            LOG.info("The guest on {} changed since the trial round (or was converted already): checking and converting"
                    + " it with separate commands", sourceVolume);
            return false;
        }
        ConversionResult result = converted.get();
        ctx.put(AwsFacts.GUEST_MOUNTS_ONCE, result.facts().mountsFstabOnce());
        result.warnings().forEach(ctx::warn);
        ctx.put(AwsFacts.GUEST_HAS_ENA, hasEna(result.facts(), result));
        ctx.put(round.convertedVolumeKey(), sourceVolume);
        return true;
    }

    /** The platform preflight chose for the new instance (journaled): Nitro, else Xen HVM. */
    public static TargetPlatform targetPlatform(StepContext ctx) {
        return ctx.find(AwsFacts.TARGET_NITRO).orElse(false)
                ? TargetPlatform.NITRO : TargetPlatform.XEN_HVM;
    }

    /**
     * The volume this round converts: the trial's scratch copy, or in the final round the stopped
     * source's own root where {@link MoveSourceRootStep} moved it to the worker (else a volume from
     * the final snapshot).
     */
    private String sourceVolume(StepContext ctx) {
        return ctx.find(AwsFacts.SOURCE_ROOT_ON_WORKER).filter(v -> round == Round.FINAL)
                .or(() -> ctx.find(AwsFacts.VOLUME.of(round.sourceVolumeRole()))).orElseThrow();
    }

    /**
     * The conversion itself. The seam of the final PARTITION_COPY round: today a full copy from the
     * source root into the empty target made before the stop ({@link PrepareFinalTargetStep}); a
     * resync that copies only what changed since the trial into the trial's converted target (kept
     * on the worker until cleanup, role {@code scratch-target-volume}) belongs here.
     */
    /** The trial's target after the final round's resync, and what the resync did. */
    private record Resynced(String volumeId, ConversionResult result) {
    }

    /**
     * PARTITION_COPY's final round, incremental: the trial's converted target (still on the worker)
     * is brought to the stopped source's data and converted again, so only what changed since the
     * trial snapshot is copied and the final image's snapshot is incremental to the trial's. Empty
     * when there is no such target, or when the worker refuses it before writing (then the round
     * copies in full into the target prepared before the stop).
     */
    private Optional<Resynced> resyncTrialTarget(StepContext ctx, ScratchVolumes volumes, CommandTransport transport,
                                               String sourceDevice, TargetPlatform platform) {
        Optional<String> trialTarget = ctx.find(AwsFacts.VOLUME.of(Round.TRIAL.targetVolumeRole()));
        Optional<Instant> trialStart = ctx.find(AwsFacts.TRIAL_SNAPSHOT).flatMap(aws.ec2()::snapshot)
                .map(Snapshot::startTime);
        if (trialTarget.isEmpty() || trialStart.isEmpty() || !attachedToWorker(ctx, trialTarget.get())) {
            return Optional.empty();
        }
        ConversionResult result;
        try {
            String targetDevice = volumes.locate(ctx, trialTarget.get());
            result = guest.resync(transport, sourceDevice, targetDevice, trialStart.get(), platform,
                    DataVolumeNames.of(ctx, aws.source(ctx)), ctx.progressSink());
        } catch (ResyncRefusedException e) {
            ctx.warn("The final round copies in full: " + e.getMessage());
            return Optional.empty();
        }
        result.warnings().forEach(ctx::warn);
        return Optional.of(new Resynced(trialTarget.get(), result));
    }

    private boolean attachedToWorker(StepContext ctx, String volumeId) {
        String worker = aws.worker(ctx);
        return aws.ec2().volume(volumeId).map(v -> v.attachments().stream()
                .anyMatch(a -> worker.equals(a.instanceId()))).orElse(false);
    }

    private ConversionResult convert(StepContext ctx, CommandTransport transport, ConversionStrategy strategy,
                                     String sourceDevice, String targetDevice, TargetPlatform platform) {
        return guest.convert(transport, strategy, sourceDevice, targetDevice, platform,
                DataVolumeNames.of(ctx, aws.source(ctx)), ctx.progressSink());
    }

    /**
     * A PARTITION_COPY target is one GiB larger than the source: room for the partition table
     * without shrinking the copy (a same-size target costs ext a second pass, and XFS cannot shrink at all).
     */
    public static int targetGiB(AwsRuntime aws, StepContext ctx) {
        return aws.source(ctx).rootVolume().sizeGiB() + 1;
    }

    private ConversionStrategy strategy(StepContext ctx, CommandTransport transport, String device,
                                        TargetPlatform platform) {
        return ctx.find(AwsFacts.STRATEGY)
                .orElseGet(() -> ctx.options().strategy().orElseGet(() -> GuestConversion.choose(
                        guest.inspect(transport, device), platform)));
    }

    /**
     * A guest that cannot run on Nitro (no nvme or ena driver to add) may still run on Xen HVM:
     * only in the trial round, before anything is kept, and only when the user named no type.
     */
    private boolean mayFallBackToXen(StepContext ctx, TargetPlatform platform) {
        return round == Round.TRIAL && ctx.options().instanceType().isEmpty() && platform == TargetPlatform.NITRO
                && !ctx.has(AwsFacts.STRATEGY);
    }

    private void switchToXen(StepContext ctx, GuestIncompatibleException why) {
        SourceInstance src = aws.source(ctx);
        String nitro = ctx.find(MigrationFacts.TARGET_INSTANCE_TYPE).orElse(src.instanceType());
        TargetTypes types = new TargetTypes(aws);
        InstanceTypeInfo xen = types.xenStandIn(nitro, src, ctx.options().preservingIps()).orElseThrow(() ->
                new GuestIncompatibleException(why.getMessage() + " No " + TargetTypes.xenFamily(nitro) + " (Xen HVM)"
                        + " type holds what " + src.instanceId() + " keeps either; name a type with withInstanceType(...)."));
        TargetTypes.journal(ctx, xen, src);
        ctx.warn("The guest cannot run on " + nitro + " (Nitro): " + why.getMessage() + " The new instance will be "
                + xen.instanceTypeAsString() + " (Xen HVM, no nvme or ena needed) instead. To use a Nitro type, add"
                + " the drivers to the guest's kernel first, or name a type with withInstanceType(...).");
    }

    /**
     * Deletes the round's target volume after the migration succeeded: this step's, also when
     * {@link PrepareFinalTargetStep} made it early for the final round (one owner per role, so no
     * volume is deleted twice).
     */
    @Override
    public void cleanup(StepContext ctx) {
        Temporaries.deleteWorkerVolumes(aws, ctx, round.targetVolumeRole());
    }

    @Override
    public void compensate(StepContext ctx) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        ctx.find(AwsFacts.VOLUME.of(round.targetVolumeRole())).ifPresent(ids::add);
        ids.addAll(aws.ec2().taggedVolumes(ctx.migrationId(), round.targetVolumeRole()));
        ids.forEach(id -> aws.ec2().detachAndDelete(ctx, id, round.targetVolumeRole()));
    }

    /** Whether the booted kernel will have the ENA driver: built in, as a module, or added by the driver fix. */
    public static boolean hasEna(GuestFacts facts, ConversionResult result) {
        Set<String> drivers = new HashSet<>(result.driversAdded());
        facts.defaultKernel().ifPresent((GuestKernel k) -> {
            drivers.addAll(k.builtinDrivers());
            drivers.addAll(k.moduleDrivers());
            drivers.addAll(k.initramfsDrivers());
        });
        return drivers.contains("ena");
    }
}
