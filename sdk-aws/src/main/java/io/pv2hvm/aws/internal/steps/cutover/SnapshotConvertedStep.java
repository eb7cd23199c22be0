package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Round;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Image;

import java.util.List;

/**
 * Starts the snapshot of the converted volume without waiting: EBS captures the data at the call
 * (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-creating-snapshot.html), so the backup
 * image is registered while it completes, and the final image's registration waits for it. Of
 * the source's own root it is incremental to the final snapshot.
 */
public final class SnapshotConvertedStep implements Step {
    private final AwsRuntime aws;

    public SnapshotConvertedStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "snapshot-converted-root";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Start a snapshot of the converted volume (the final image is registered from it)",
                List.of("snapshot of the converted volume (kept: it backs the HVM image)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        String volume = ctx.find(Round.FINAL.convertedVolumeKey()).orElseThrow();
        aws.ec2().startSnapshot(ctx, volume, Round.FINAL.imageSnapshotRole(),
                "pv2hvm " + Round.FINAL.imageSnapshotRole() + " of " + ctx.options().instanceId());
    }

    @Override
    public void compensate(StepContext ctx) {
        boolean imageMade = ctx.find(AwsFacts.HVM_IMAGE).or(() -> aws.ec2().taggedImage(ctx.migrationId(),
                Round.FINAL.imageRole()).map(Image::imageId)).isPresent();
        if (imageMade) {
            return; // it backs the HVM image, which register-final-image keeps or deletes with it
        }
        ctx.find(AwsFacts.SNAPSHOT.of(Round.FINAL.imageSnapshotRole()))
                .ifPresent(id -> aws.ec2().deleteSnapshot(ctx, id, Round.FINAL.imageSnapshotRole()));
    }
}
