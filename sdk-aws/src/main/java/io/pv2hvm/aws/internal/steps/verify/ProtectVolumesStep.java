package io.pv2hvm.aws.internal.steps.verify;

import io.pv2hvm.aws.internal.steps.SourceRef;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMappingSpecification;

import java.util.List;

/**
 * Turns DeleteOnTermination off for every volume and secondary interface of the source, so that
 * terminating it (to free its IPs) deletes nothing. Rolled back to the original flags.
 */
public final class ProtectVolumesStep implements Step {
    private final AwsRuntime aws;

    public ProtectVolumesStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "protect-volumes";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Set DeleteOnTermination=false on every volume and secondary network interface",
                List.of(), List.of("source volumes and secondary interfaces: DeleteOnTermination=false"));
    }

    @Override
    public void run(StepContext ctx) {
        apply(ctx, false);
    }

    @Override
    public void compensate(StepContext ctx) {
        if (!SourceRef.terminated(ctx) && SourceRef.alive(aws.ec2().instanceStateName(ctx, ctx.options().instanceId()))) {
            apply(ctx, true);
        }
    }

    /** Sets the flags: all false, or (restore) each volume's original value. */
    private void apply(StepContext ctx, boolean restore) {
        SourceInstance src = aws.source(ctx);
        String id = src.instanceId();
        List<InstanceBlockDeviceMappingSpecification> mappings = src.volumes().stream().map(v ->
                InstanceBlockDeviceMappingSpecification.builder().deviceName(v.deviceName())
                        .ebs(e -> e.volumeId(v.volumeId()).deleteOnTermination(restore && v.deleteOnTermination()))
                        .build()).toList();
        aws.ec2().modifyInstanceAttribute(r -> r
                .instanceId(id).blockDeviceMappings(mappings));
        for (SourceInstance.NetworkInterface eni : src.secondaryInterfaces()) {
            // The attachment id changes when an interface is detached and attached again: ask for the current one.
            aws.ec2().describeNetworkInterfaces(r -> r
                    .networkInterfaceIds(eni.networkInterfaceId())).networkInterfaces().stream().findFirst()
                    .filter(n -> n.attachment() != null && id.equals(n.attachment().instanceId()))
                    .ifPresent(n -> aws.ec2().modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(eni.networkInterfaceId())
                                    .attachment(a -> a.attachmentId(n.attachment().attachmentId())
                                            .deleteOnTermination(restore && eni.deleteOnTermination()))));
        }
    }
}
