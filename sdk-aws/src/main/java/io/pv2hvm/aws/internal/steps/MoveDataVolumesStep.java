package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.FactKeys;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;

/**
 * Moves the data volumes: detached from the stopped source (compensation: reattached), or
 * attached to the new instance at their original device names (compensation: detached again).
 */
public final class MoveDataVolumesStep implements Step {
    private final AwsRuntime aws;
    private final boolean toNewInstance;

    public MoveDataVolumesStep(AwsRuntime aws, boolean toNewInstance) {
        this.aws = aws;
        this.toNewInstance = toNewInstance;
    }

    @Override
    public String name() {
        return toNewInstance ? "attach-data-volumes" : "detach-data-volumes";
    }

    @Override
    public StepDescription describe() {
        return toNewInstance
                ? new StepDescription("Attach the data volumes to the new instance at their device names", List.of(),
                        List.of("data volumes: attached to the new instance"))
                : new StepDescription("Detach the data volumes from the stopped source", List.of(),
                        List.of("data volumes: detached from the source"));
    }

    @Override
    public void run(StepContext ctx) {
        if (toNewInstance) {
            attachAll(ctx, ctx.fact(FactKeys.NEW_INSTANCE).orElseThrow());
        } else {
            detachAll(ctx);
        }
    }

    @Override
    public void compensate(StepContext ctx) {
        if (toNewInstance) {
            detachAll(ctx);
        } else {
            String source = SourceRef.current(ctx);
            if (!"terminated".equals(aws.ec2().instanceState(source))) {
                attachAll(ctx, source);
            }
        }
    }

    private void detachAll(StepContext ctx) {
        for (SourceInstance.Volume v : aws.source(ctx).dataVolumes()) {
            aws.ec2().detachAndWait(ctx, v.volumeId());
        }
    }

    private void attachAll(StepContext ctx, String instanceId) {
        for (SourceInstance.Volume v : aws.source(ctx).dataVolumes()) {
            var volume = aws.ec2().volume(v.volumeId()).orElseThrow();
            boolean already = volume.attachments().stream().anyMatch(a -> instanceId.equals(a.instanceId()));
            if (!already) {
                aws.ec2().detachAndWait(ctx, v.volumeId());
                aws.ec2().calls().call("AttachVolume", () -> aws.ec2().ec2().attachVolume(r -> r
                        .volumeId(v.volumeId()).instanceId(instanceId).device(v.deviceName())));
            }
            aws.ec2().waitAttached(ctx, v.volumeId(), instanceId);
        }
    }
}
