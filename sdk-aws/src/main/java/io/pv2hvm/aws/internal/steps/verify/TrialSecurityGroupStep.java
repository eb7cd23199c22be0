package io.pv2hvm.aws.internal.steps.verify;

import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.steps.Temporaries;
import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import java.util.List;
import java.util.Optional;

/**
 * Creates the trial instance's quarantine: a security group in the source's VPC that admits only
 * the worker (which runs the health command) and allows no outbound traffic. The trial is a live
 * clone of production; in the source's own groups its cron jobs, queue consumers and outbound
 * mail would act on the world beside the source. Security groups are stateful, so the worker's
 * requests are still answered. Cleanup deletes the group once the trial is gone.
 */
public final class TrialSecurityGroupStep implements Step {
    private final AwsRuntime aws;

    public TrialSecurityGroupStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "create-trial-security-group";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Create the trial's quarantine security group: inbound from the worker only,"
                + " no outbound", List.of("security group in the source's VPC (temporary)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        String groupName = "pv2hvm-trial-" + ctx.migrationId();
        String group = ctx.find(AwsFacts.TRIAL_SECURITY_GROUP).orElseGet(() -> {
            // CreateSecurityGroup takes no client token: a re-run after a crash, or a retried create,
            // finds the group by its name. A run that began at preflight in this process and never
            // tagged this role cannot have one: it creates at once (Ec2Resources#mayHave), and a
            // group of that name all the same (InvalidGroup.Duplicate) is found by its name then.
            String id = (aws.ec2().mayHave(ctx.migrationId(), Roles.TRIAL_SECURITY_GROUP)
                    ? existing(src.vpcId(), groupName) : Optional.<String>empty())
                    .orElseGet(() -> create(ctx, src, groupName));
            ctx.resourceCreated(new Resource("security-group", id, Roles.TRIAL_SECURITY_GROUP));
            ctx.put(AwsFacts.TRIAL_SECURITY_GROUP, id);
            return id;
        });
        String worker = ctx.find(AwsFacts.WORKER).orElseThrow();
        String workerIp = Responses.require(aws.ec2().visibleInstance(ctx, worker).privateIpAddress(), Ec2Action.DESCRIBE_INSTANCES,
                "Reservations.Instances.PrivateIpAddress", worker);
        // A just-created group may not be visible yet (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html).
        SecurityGroup g = aws.ec2().waits().until(ctx, "security group " + group + " to be visible", aws.timeouts().volume(),
                () -> describe(group));
        IpPermission fromWorker = IpPermission.builder().ipProtocol("-1")
                .ipRanges(r -> r.cidrIp(workerIp + "/32").description("pv2hvm worker")).build();
        boolean admitted = g.ipPermissions().stream().anyMatch(p -> "-1".equals(p.ipProtocol())
                && p.ipRanges().stream().anyMatch(r -> (workerIp + "/32").equals(r.cidrIp())));
        // The describe may be stale (a resumed step, eventual consistency): a rule already there, or
        // one already revoked, is the state this step wants.
        if (!admitted) {
            tolerating("InvalidPermission.Duplicate", () -> aws.ec2().authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(fromWorker)));
        }
        // A new group allows all outbound traffic (IPv4, and IPv6 in a dual-stack VPC): revoke
        // exactly what it has.
        if (!g.ipPermissionsEgress().isEmpty()) {
            List<IpPermission> egress = g.ipPermissionsEgress().stream().map(p -> p.toBuilder()
                    .ipRanges(p.ipRanges().stream().map(r -> r.toBuilder().description(null).build()).toList()).build()).toList();
            tolerating("InvalidPermission.NotFound", () -> aws.ec2().revokeSecurityGroupEgress(r -> r.groupId(group).ipPermissions(egress)));
        }
    }

    private String create(StepContext ctx, SourceInstance src, String groupName) {
        try {
            return aws.ec2().createSecurityGroup(r -> r
                    .groupName(groupName).vpcId(src.vpcId())
                    .description("pv2hvm quarantine of the trial instance of " + src.instanceId())
                    .tagSpecifications(aws.ec2().tags(ctx, ResourceType.SECURITY_GROUP, Roles.TRIAL_SECURITY_GROUP)))
                    .groupId();
        } catch (AwsCallException e) {
            if (!"InvalidGroup.Duplicate".equals(e.errorCode())) {
                throw e;
            }
            // Ours (the name holds the migration id), made by an earlier attempt; a describe right
            // after may not show it yet (eventual consistency), so look for the visibility grace.
            return aws.ec2().waits().within(ctx, aws.ec2().visibility(), () -> existing(src.vpcId(), groupName))
                    .orElseThrow(() -> e);
        }
    }

    private static void tolerating(String errorCode, Runnable call) {
        try {
            call.run();
        } catch (AwsCallException e) {
            if (!errorCode.equals(e.errorCode())) {
                throw e;
            }
        }
    }

    private Optional<SecurityGroup> describe(String group) {
        try {
            return aws.ec2().describeSecurityGroups(r -> r.groupIds(group)).securityGroups().stream().findFirst();
        } catch (AwsCallException e) {
            if ("InvalidGroup.NotFound".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<String> existing(String vpcId, String groupName) {
        return aws.ec2().describeSecurityGroups(r -> r
                .filters(Filter.builder().name("vpc-id").values(vpcId).build(),
                        Filter.builder().name("group-name").values(groupName).build()))
                .securityGroups().stream().map(SecurityGroup::groupId).findFirst();
    }

    /** Deletes the quarantine group after the migration succeeded; the trial instance in it is already gone. */
    @Override
    public void cleanup(StepContext ctx) {
        Temporaries.journaled(ctx, "security-group", Roles.TRIAL_SECURITY_GROUP)
                .forEach(id -> aws.ec2().deleteSecurityGroup(ctx, id, Roles.TRIAL_SECURITY_GROUP));
    }

    @Override
    public void compensate(StepContext ctx) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        ctx.find(AwsFacts.TRIAL_SECURITY_GROUP).ifPresent(ids::add);
        ids.addAll(aws.ec2().taggedSecurityGroups(ctx.migrationId(), Roles.TRIAL_SECURITY_GROUP));
        ids.forEach(id -> aws.ec2().deleteSecurityGroup(ctx, id, Roles.TRIAL_SECURITY_GROUP));
    }
}
