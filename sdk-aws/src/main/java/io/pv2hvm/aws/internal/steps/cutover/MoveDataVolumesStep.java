package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.steps.SourceRef;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
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

    private MoveDataVolumesStep(AwsRuntime aws, boolean toNewInstance) {
        this.aws = aws;
        this.toNewInstance = toNewInstance;
    }

    /** The step that detaches the data volumes from the stopped source. */
    public static MoveDataVolumesStep fromSource(AwsRuntime aws) {
        return new MoveDataVolumesStep(aws, false);
    }

    /** The step that attaches the data volumes to the new instance at their device names. */
    public static MoveDataVolumesStep toNewInstance(AwsRuntime aws) {
        return new MoveDataVolumesStep(aws, true);
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
            attachAll(ctx, ctx.find(AwsFacts.NEW_INSTANCE).orElseThrow());
        } else {
            detachAll(ctx);
        }
    }

    @Override
    public void compensate(StepContext ctx) {
        if (toNewInstance) {
            // Never pull mounted filesystems out from under a running guest: stop it first.
            ctx.find(AwsFacts.NEW_INSTANCE).filter(id -> aws.ec2().instanceStateName(ctx, id) == InstanceStateName.RUNNING
                    || aws.ec2().instanceStateName(ctx, id) == InstanceStateName.PENDING).ifPresent(id -> {
                aws.ec2().stopInstances(r -> r.instanceIds(id));
                aws.ec2().waitInstance(ctx, id, InstanceStateName.STOPPED);
            });
            detachAll(ctx);
        } else {
            String source = SourceRef.current(ctx);
            if (SourceRef.alive(aws.ec2().instanceStateName(ctx, source))) {
                attachAll(ctx, source);
            }
        }
    }

    private void detachAll(StepContext ctx) {
        for (SourceInstance.Volume v : aws.source(ctx).dataVolumes()) {
            aws.ec2().detachAndWait(ctx, v.volumeId());
        }
    }

    /**
     * PV instances may name volumes like partitions ({@code /dev/sdf1}); HVM device names are whole
     * disks ({@code /dev/sdf}): https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/device_naming.html.
     * The guest finds its filesystems by UUID or label after conversion, not by these names.
     */
    public static String hvmDeviceName(String pvName) {
        return pvName.replaceFirst("^(/dev/(?:sd|xvd)[a-z]{1,2})[0-9]+$", "$1");
    }

    private void attachAll(StepContext ctx, String instanceId) {
        for (SourceInstance.Volume v : aws.source(ctx).dataVolumes()) {
            var volume = aws.ec2().volume(v.volumeId()).orElseThrow();
            boolean already = volume.attachments().stream().anyMatch(a -> instanceId.equals(a.instanceId()));
            if (!already) {
                aws.ec2().detachAndWait(ctx, v.volumeId());
                boolean toHvm = instanceId.equals(ctx.find(AwsFacts.NEW_INSTANCE).orElse(null));
                String device = toHvm ? hvmDeviceName(v.deviceName()) : v.deviceName();
                aws.ec2().attachVolume(r -> r
                        .volumeId(v.volumeId()).instanceId(instanceId).device(device));
            }
            aws.ec2().waitAttached(ctx, v.volumeId(), instanceId);
        }
    }
}
