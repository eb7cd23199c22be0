package io.pv2hvm.aws.internal.steps.prepare;

import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.steps.ClientTokens;
import io.pv2hvm.aws.internal.steps.WorkerImages;
import io.pv2hvm.aws.internal.steps.WorkerTools;
import io.pv2hvm.aws.internal.steps.Workers;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.aws.internal.SsmAction;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.List;

/**
 * Gets the worker: the user's instance, or a new one in the source's subnet (so its AZ) from, in
 * order of preference, the image the spec names, this account's prepared worker image (tagged
 * {@code pv2hvm:role=worker-image}, tools baked in), or Ubuntu 24.04 named by Canonical's public
 * SSM parameter; then makes sure its tools are installed.
 */
public final class LaunchWorkerStep implements Step {

    private final AwsRuntime aws;

    public LaunchWorkerStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "launch-worker";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Get a worker instance in the source's availability zone and install its tools",
                List.of("worker instance " + aws.settings().workerInstanceType() + " (temporary, terminated in cleanup)"),
                List.of());
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        String workerId;
        if (ctx.options().worker().instanceId().isPresent()) {
            workerId = ctx.options().worker().instanceId().get();
            ctx.put(AwsFacts.WORKER_LAUNCHED, false);
        } else {
            // Which image a worker boots is looked up once per fleet: every migration launches the same one.
            String image = ctx.options().worker().imageId()
                    .or(() -> aws.ec2().reads().once("worker image", () -> WorkerImages.newest(aws.ec2())
                            .map(software.amazon.awssdk.services.ec2.model.Image::imageId)))
                    .orElseGet(() -> aws.ec2().reads().once(SsmAction.GET_PARAMETER.awsName() + " " + aws.settings().workerImageParameter(),
                            () -> aws.ec2().calls().call(SsmAction.GET_PARAMETER, () -> aws.ssm().getParameter(
                            r -> r.name(aws.settings().workerImageParameter()))).parameter().value()));
            Responses.require(image, SsmAction.GET_PARAMETER, "Parameter.Value", aws.settings().workerImageParameter());
            String subnet = aws.settings().workerSubnetId() != null ? aws.settings().workerSubnetId() : src.subnetId();
            // The client token makes a re-run after a crash return the same instance instead of a second one.
            Instance launched = Responses.first(aws.ec2().runInstances(r -> {
                r.imageId(image).instanceType(aws.settings().workerInstanceType()).minCount(1).maxCount(1)
                        .subnetId(subnet).clientToken(ClientTokens.of(ctx, "worker"))
                        .tagSpecifications(aws.ec2().tags(ctx, ResourceType.INSTANCE, Roles.WORKER),
                                aws.ec2().tags(ctx, ResourceType.VOLUME, Roles.WORKER));
                aws.settings().instanceProfile().ifPresent(p -> r.iamInstanceProfile(p.startsWith("arn:")
                        ? b -> b.arn(p) : b -> b.name(p)));
                if (aws.settings().workerKeyName() != null) {
                    r.keyName(aws.settings().workerKeyName());
                }
                if (!aws.settings().workerSecurityGroupIds().isEmpty()) {
                    r.securityGroupIds(aws.settings().workerSecurityGroupIds());
                }
            }).instances(), Ec2Action.RUN_INSTANCES, "worker");
            workerId = Responses.require(launched.instanceId(), Ec2Action.RUN_INSTANCES, "Instances.InstanceId", "worker");
            ctx.resourceCreated(new Resource("instance", workerId, Roles.WORKER));
            ctx.put(AwsFacts.WORKER_LAUNCHED, true);
        }
        ctx.put(AwsFacts.WORKER, workerId);
        aws.ec2().waitInstance(ctx, workerId, InstanceStateName.RUNNING);
        WorkerTools.install(aws.transport(ctx), workerId, aws.timeouts().command());
    }

    @Override
    public void compensate(StepContext ctx) {
        if (!ctx.find(AwsFacts.WORKER_LAUNCHED).orElse(true)) {
            return; // the user's own worker is never terminated
        }
        Workers.terminateLaunched(aws, ctx);
    }

    /**
     * Terminates the worker this migration launched once the migration has succeeded (the user's
     * own worker is never terminated), unless a hook that deleted the worker's scratch volumes
     * already did ({@link Workers#terminateForCleanup}).
     */
    @Override
    public void cleanup(StepContext ctx) {
        Workers.terminateForCleanup(aws, ctx);
    }
}
