package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.steps.SourceRef;
import software.amazon.awssdk.services.ec2.model.AttachmentStatus;
import software.amazon.awssdk.services.ec2.model.NetworkInterfaceStatus;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;

import java.util.List;
import java.util.Optional;

/**
 * Moves secondary network interfaces (which keep all their addresses while detached) from the
 * source to the new instance at the same device indexes. The primary interface cannot be moved
 * (OperationNotPermitted); its addresses are recreated at launch instead.
 */
public final class MoveSecondaryInterfacesStep implements Step {
    private final AwsRuntime aws;
    private final boolean toNewInstance;

    private MoveSecondaryInterfacesStep(AwsRuntime aws, boolean toNewInstance) {
        this.aws = aws;
        this.toNewInstance = toNewInstance;
    }

    /** The step that detaches the secondary network interfaces from the stopped source. */
    public static MoveSecondaryInterfacesStep fromSource(AwsRuntime aws) {
        return new MoveSecondaryInterfacesStep(aws, false);
    }

    /** The step that attaches the secondary network interfaces to the new instance. */
    public static MoveSecondaryInterfacesStep toNewInstance(AwsRuntime aws) {
        return new MoveSecondaryInterfacesStep(aws, true);
    }

    @Override
    public String name() {
        return toNewInstance ? "attach-secondary-interfaces" : "detach-secondary-interfaces";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription(toNewInstance ? "Attach the secondary network interfaces to the new instance"
                : "Detach the secondary network interfaces from the stopped source", List.of(),
                List.of("secondary network interfaces: " + (toNewInstance ? "attached to the new instance" : "detached")));
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
            detachAll(ctx);
        } else {
            String source = SourceRef.current(ctx);
            if (SourceRef.alive(aws.ec2().instanceStateName(ctx, source))) {
                attachAll(ctx, source);
            }
        }
    }

    private void detachAll(StepContext ctx) {
        for (SourceInstance.NetworkInterface eni : aws.source(ctx).secondaryInterfaces()) {
            Optional<NetworkInterface> now = describe(eni.networkInterfaceId());
            if (now.isPresent() && now.get().attachment() != null
                    && now.get().attachment().status() != AttachmentStatus.DETACHED) {
                String attachment = now.get().attachment().attachmentId();
                aws.ec2().detachNetworkInterface(r -> r
                        .attachmentId(attachment));
            }
            aws.ec2().waits().untilTrue(ctx, "interface " + eni.networkInterfaceId() + " to be detached",
                    aws.timeouts().volume(), () -> describe(eni.networkInterfaceId())
                            .map(n -> n.status() == NetworkInterfaceStatus.AVAILABLE).orElse(true));
        }
    }

    private void attachAll(StepContext ctx, String instanceId) {
        for (SourceInstance.NetworkInterface eni : aws.source(ctx).secondaryInterfaces()) {
            Optional<NetworkInterface> now = describe(eni.networkInterfaceId());
            boolean already = now.map(n -> n.attachment() != null && instanceId.equals(n.attachment().instanceId()))
                    .orElse(false);
            if (!already) {
                aws.ec2().attachNetworkInterface(r -> r
                        .networkInterfaceId(eni.networkInterfaceId()).instanceId(instanceId)
                        .deviceIndex(eni.deviceIndex()));
            }
            aws.ec2().waits().untilTrue(ctx, "interface " + eni.networkInterfaceId() + " to attach to " + instanceId,
                    aws.timeouts().volume(), () -> describe(eni.networkInterfaceId()).map(n -> n.attachment() != null
                            && instanceId.equals(n.attachment().instanceId())
                            && n.attachment().status() == AttachmentStatus.ATTACHED).orElse(false));
        }
    }

    private Optional<NetworkInterface> describe(String id) {
        return aws.ec2().describeNetworkInterfaces(r -> r
                .networkInterfaceIds(id)).networkInterfaces().stream().findFirst();
    }
}
