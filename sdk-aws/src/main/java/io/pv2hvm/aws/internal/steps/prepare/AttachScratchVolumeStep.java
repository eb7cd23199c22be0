package io.pv2hvm.aws.internal.steps.prepare;

import io.pv2hvm.aws.internal.steps.ScratchVolumes;
import io.pv2hvm.aws.internal.steps.Temporaries;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Round;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;

/** Creates a volume from the round's root snapshot in the worker's zone and attaches it to the worker. */
public final class AttachScratchVolumeStep implements Step {
    private final AwsRuntime aws;
    private final Round round;

    public AttachScratchVolumeStep(AwsRuntime aws, Round round) {
        this.aws = aws;
        this.round = round;
    }

    @Override
    public String name() {
        return "attach-" + round.label() + "-volume";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Wait for the " + round.label() + " snapshot, create a volume from it and attach it to"
                + " the worker",
                List.of("volume from the " + round.label() + " snapshot (temporary)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        String snapshot = ctx.find(round.snapshotKey()).orElseThrow();
        aws.ec2().waitSnapshot(ctx, snapshot, aws.source(ctx).rootVolume().volumeId());
        int size = aws.source(ctx).rootVolume().sizeGiB();
        new ScratchVolumes(aws).createAttachAndFind(ctx, round.sourceVolumeRole(), snapshot, size);
    }

    @Override
    public void compensate(StepContext ctx) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        ctx.find(AwsFacts.VOLUME.of(round.sourceVolumeRole())).ifPresent(ids::add);
        ids.addAll(aws.ec2().taggedVolumes(ctx.migrationId(), round.sourceVolumeRole()));
        ids.forEach(id -> aws.ec2().detachAndDelete(ctx, id, round.sourceVolumeRole()));
    }

    /** Deletes the volume this step made, after the migration succeeded. */
    @Override
    public void cleanup(StepContext ctx) {
        Temporaries.deleteWorkerVolumes(aws, ctx, round.sourceVolumeRole());
    }
}
