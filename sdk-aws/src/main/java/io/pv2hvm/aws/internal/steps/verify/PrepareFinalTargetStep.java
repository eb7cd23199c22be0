package io.pv2hvm.aws.internal.steps.verify;

import io.pv2hvm.aws.internal.steps.ScratchVolumes;
import io.pv2hvm.aws.internal.steps.convert.ConvertStep;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Round;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;

/**
 * For PARTITION_COPY, creates the final round's empty target volume and attaches it to the worker
 * while the source still serves, so the downtime window does not pay CreateVolume and the attach.
 * Does nothing for IN_PLACE. The volume is temporary and the final conversion's: its cleanup hook
 * ({@link ConvertStep#cleanup}) or compensation deletes it, so this step needs neither.
 */
public final class PrepareFinalTargetStep implements Step {
    private final AwsRuntime aws;

    public PrepareFinalTargetStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "prepare-final-target-volume";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("With PARTITION_COPY, create the final conversion's empty target volume and attach"
                + " it to the worker before the source stops",
                List.of("with PARTITION_COPY: an empty volume 1 GiB larger than the root (temporary)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        boolean partitionCopy = ctx.find(AwsFacts.STRATEGY)
                .orElseThrow() == ConversionStrategy.PARTITION_COPY;
        if (partitionCopy) {
            new ScratchVolumes(aws).createAttachAndFind(ctx, Round.FINAL.targetVolumeRole(), null,
                    ConvertStep.targetGiB(aws, ctx));
        }
    }

    @Override
    public void compensate(StepContext ctx) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        ctx.find(AwsFacts.VOLUME.of(Round.FINAL.targetVolumeRole())).ifPresent(ids::add);
        ids.addAll(aws.ec2().taggedVolumes(ctx.migrationId(), Round.FINAL.targetVolumeRole()));
        ids.forEach(id -> aws.ec2().detachAndDelete(ctx, id, Round.FINAL.targetVolumeRole()));
    }
}
