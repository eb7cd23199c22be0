package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;

import java.util.List;

/**
 * Gives the new instance the source's security groups back once it has started again with its
 * data volumes attached. Only a new instance that {@link LaunchHvmInstanceStep} launched in the
 * trial's quarantine group (a guest that mounts fstab once, with data volumes) has anything to
 * restore: its first boot, without the volumes, could neither serve nor reach anything. Only the
 * primary interface was quarantined; secondary interfaces move over with their own groups while
 * the instance is stopped. Re-runnable: setting the same groups again changes nothing.
 */
public final class ReleaseQuarantineStep implements Step {
    private final AwsRuntime aws;

    public ReleaseQuarantineStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "restore-security-groups";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Guests that mount fstab once at boot (sysvinit), with data volumes: give the new"
                + " instance the source's security groups, now that it has started with its volumes", List.of(),
                List.of("new instance's primary interface: the source's security groups"));
    }

    @Override
    public void run(StepContext ctx) {
        if (ctx.find(AwsFacts.NEW_INSTANCE_QUARANTINED).isEmpty()) {
            return;
        }
        SourceInstance src = aws.source(ctx);
        String id = ctx.find(AwsFacts.NEW_INSTANCE).orElseThrow();
        List<String> groups = src.primaryInterface().map(SourceInstance.NetworkInterface::securityGroupIds)
                .filter(g -> !g.isEmpty()).orElse(src.securityGroupIds());
        Instance now = aws.ec2().visibleInstance(ctx, id);
        InstanceNetworkInterface primary = now.networkInterfaces().stream()
                .filter(n -> n.attachment() != null && Integer.valueOf(0).equals(n.attachment().deviceIndex())).findFirst()
                .orElseThrow(() -> new MigrationException("The new instance " + id + " shows no primary network interface;"
                        + " give it the security groups " + groups + " by hand."));
        aws.ec2().modifyNetworkInterfaceAttribute(r -> r
                .networkInterfaceId(primary.networkInterfaceId()).groups(groups));
    }

    @Override
    public void compensate(StepContext ctx) {
        // Nothing of its own: the launch step's compensation terminates the new instance.
    }
}
