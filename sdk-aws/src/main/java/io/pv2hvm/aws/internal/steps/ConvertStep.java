package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.FactKeys;
import io.pv2hvm.aws.internal.Round;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Inspects the guest on the worker and makes the bootable HVM copy. The trial round chooses the
 * strategy and proves the guest can run on the target (refusing before any write if not); the
 * final round repeats the same recipe on the stopped source's data.
 */
public final class ConvertStep implements Step {
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
                + (round == Round.TRIAL ? "trial" : "final, same recipe") + ")",
                List.of("with PARTITION_COPY: an empty volume of the root's size (temporary)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        String sourceVolume = ctx.fact(FactKeys.volume(round.sourceVolumeRole())).orElseThrow();
        String sourceDevice = ctx.fact(FactKeys.device(sourceVolume)).orElseThrow();
        CommandTransport transport = aws.transport(ctx);
        TargetPlatform platform = Boolean.parseBoolean(ctx.fact(FactKeys.TARGET_NITRO).orElse("false"))
                ? TargetPlatform.NITRO : TargetPlatform.XEN_HVM;
        ConversionStrategy strategy = ctx.fact(FactKeys.STRATEGY).map(ConversionStrategy::valueOf)
                .orElseGet(() -> ctx.spec().strategy().orElseGet(() -> GuestConversion.choose(
                        guest.inspect(transport, sourceDevice), platform)));
        GuestFacts facts = guest.check(transport, strategy, sourceDevice, platform);
        ctx.putFact(FactKeys.STRATEGY, strategy.name());

        String targetVolume = sourceVolume;
        String targetDevice = null;
        if (strategy == ConversionStrategy.PARTITION_COPY) {
            int size = aws.source(ctx).rootVolume().sizeGiB();
            targetDevice = new ScratchVolumes(aws).createAttachAndFind(ctx, round.targetVolumeRole(), null, size);
            targetVolume = ctx.fact(FactKeys.volume(round.targetVolumeRole())).orElseThrow();
        }
        ConversionResult result = guest.convert(transport, strategy, sourceDevice, targetDevice, platform,
                ctx.progressSink());
        result.warnings().forEach(ctx::warn);
        ctx.putFact(FactKeys.GUEST_HAS_ENA, Boolean.toString(hasEna(facts, result)));
        ctx.putFact(round.convertedVolumeFact(), targetVolume);
    }

    @Override
    public void compensate(StepContext ctx) {
        ctx.fact(FactKeys.volume(round.targetVolumeRole()))
                .ifPresent(id -> aws.ec2().detachAndDelete(ctx, id, round.targetVolumeRole()));
    }

    /** Whether the booted kernel will have the ENA driver: built in, as a module, or added by the driver fix. */
    private static boolean hasEna(GuestFacts facts, ConversionResult result) {
        Set<String> drivers = new HashSet<>(result.driversAdded());
        facts.defaultKernel().ifPresent((GuestKernel k) -> {
            drivers.addAll(k.builtinDrivers());
            drivers.addAll(k.moduleDrivers());
            drivers.addAll(k.initramfsDrivers());
        });
        return drivers.contains("ena");
    }
}
