package io.pv2hvm.aws.internal.steps.confirm;

import io.pv2hvm.aws.internal.steps.BootCheck;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstancePrivateIpAddress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Proves the new instance boots (status checks, clean console) and records what it became. A
 * failure here rolls the whole cutover back, down to relaunching the source from its backup.
 */
public final class VerifyNewInstanceStep implements Step {
    private final AwsRuntime aws;

    public VerifyNewInstanceStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "verify-new-instance";
    }

    @Override
    public StepDescription describe() {
        return StepDescription.readOnly("Confirm the new instance: status checks, console, IPs");
    }

    @Override
    public void run(StepContext ctx) {
        String id = ctx.find(AwsFacts.NEW_INSTANCE).orElseThrow();
        BootCheck.verify(aws, ctx, id);
        Instance i = aws.ec2().visibleInstance(ctx, id);
        List<String> ips = new ArrayList<>();
        i.networkInterfaces().stream().sorted(Comparator.comparing(n -> n.attachment() == null || n.attachment().deviceIndex() == null
                        ? Integer.MAX_VALUE : n.attachment().deviceIndex()))
                .forEach(n -> {
                    ips.add(n.privateIpAddress());
                    n.privateIpAddresses().stream().filter(p -> !Boolean.TRUE.equals(p.primary()))
                            .map(InstancePrivateIpAddress::privateIpAddress).forEach(ips::add);
                });
        // Its Elastic IPs: the describe above lists each on the private IP it is associated with
        // (an address of the account's, where an auto-assigned public IP is "amazon"'s), the same
        // associations DescribeAddresses would list for the instance, without a call of its own
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceNetworkInterfaceAssociation.html).
        i.networkInterfaces().stream().flatMap(n -> n.privateIpAddresses().stream())
                .map(InstancePrivateIpAddress::association)
                .filter(a -> a != null && a.publicIp() != null && !"amazon".equals(a.ipOwnerId()))
                .forEach(a -> ips.add(a.publicIp()));
        ctx.put(MigrationFacts.IPS_AFTER, List.copyOf(ips));
        ctx.put(MigrationFacts.VIRTUALIZATION_AFTER, i.virtualizationTypeAsString());
        SourceInstance src = aws.source(ctx);
        if (ctx.options().preservingIps() && !src.privateIps().stream().allMatch(ips::contains)) {
            ctx.warn("Not every private IP of the source is on " + id + ": expected " + src.privateIps() + ", got " + ips);
        }
        // Launched without them (see NewInstanceRequest#withoutProtections): now that nothing will
        // stop or terminate it, the new instance gets the source's protections.
        if (src.behaviour().disableApiStop()) {
            aws.ec2().modifyInstanceAttribute(r -> r
                    .instanceId(id).disableApiStop(v -> v.value(true)));
        }
        if (src.terminationProtection()) {
            aws.ec2().modifyInstanceAttribute(r -> r
                    .instanceId(id).disableApiTermination(v -> v.value(true)));
        }
    }
}
