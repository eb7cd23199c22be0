package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.steps.NewInstanceRequest;
import io.pv2hvm.aws.internal.steps.SourceRef;
import io.pv2hvm.aws.internal.steps.ClientTokens;
import io.pv2hvm.aws.internal.steps.register.RegisterImageStep;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.List;
import java.util.Optional;

/**
 * Launches the HVM instance from the final image with the source's configuration, and with its
 * private IPs when they are kept. The launch is tried as soon as the source is terminated: EC2
 * refuses an IP still in use ({@code InvalidIPAddress.InUse}), and then the step waits until no
 * interface holds it and launches again, until the IP-release timeout.
 */
public final class LaunchHvmInstanceStep implements Step {
    private final AwsRuntime aws;

    public LaunchHvmInstanceStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "launch-hvm-instance";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Wait until the final image is available and the source's private IP is free;"
                + " launch the HVM instance with the source's configuration",
                List.of("HVM instance (kept)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        String image = ctx.find(AwsFacts.HVM_IMAGE).orElseThrow();
        String type = ctx.find(MigrationFacts.TARGET_INSTANCE_TYPE).orElse(src.instanceType());
        String id = ctx.find(AwsFacts.NEW_INSTANCE).or(() -> adopted(ctx)).orElseGet(() -> {
            // The final image was registered without waiting; the source terminates meanwhile.
            aws.ec2().waitImage(ctx, image);
            boolean sourceTerminated = SourceRef.terminated(ctx);
            if (sourceTerminated) {
                aws.ec2().waitInstance(ctx, src.instanceId(), InstanceStateName.TERMINATED);
                ctx.resourceDeleted(new Resource("instance", src.instanceId(), "source"));
            }
            var request = NewInstanceRequest.like(src).withoutProtections().image(image).type(type).keepingIps(ctx.options().preservingIps())
                    .rootDevice(RegisterImageStep.ROOT_DEVICE)
                    .ebsOptimized(ctx.find(AwsFacts.TARGET_EBS_OPTIMIZED)
                            .orElse(src.ebsOptimized()))
                    .cpuCredits(ctx.find(AwsFacts.TARGET_CPU_CREDITS).filter(c -> !c.isEmpty()).orElse(null))
                    .quarantinedIn(quarantine(ctx))
                    .clientToken(ClientTokens.of(ctx, "hvm"))
                    .extraTags(aws.ec2().tags(ctx, ResourceType.INSTANCE, Roles.NEW_INSTANCE)).build();
            Instance launched = aws.ec2().waits().until(ctx, "EC2 to accept the source's IPs for the new instance",
                    aws.timeouts().ipRelease(), () -> {
                        try {
                            return Optional.of(Responses.first(aws.ec2().runInstances(request).instances(), Ec2Action.RUN_INSTANCES,
                                    "the HVM instance"));
                        } catch (AwsCallException e) {
                            if ("InvalidIPAddress.InUse".equals(e.errorCode())) {
                                // The launch itself is the first look at the IP: the source was
                                // terminated minutes ago (the final image was built meanwhile), so
                                // it is usually free. If not, wait with describes, not launches
                                // (RunInstances has the smallest rate bucket), and launch again.
                                if (sourceTerminated) {
                                    src.primaryInterface().ifPresent(eni -> aws.ec2().waitIpFree(ctx, eni.subnetId(),
                                            eni.primaryPrivateIp()));
                                }
                                return Optional.empty();
                            }
                            throw e;
                        }
                    });
            ctx.resourceCreated(new Resource("instance", launched.instanceId(), Roles.NEW_INSTANCE));
            ctx.put(AwsFacts.NEW_INSTANCE, launched.instanceId());
            return launched.instanceId();
        });
        Instance running = aws.ec2().waitInstance(ctx, id, InstanceStateName.RUNNING);
        SourceDestCheck.carryOver(aws, src, id);
        recordReplacements(ctx, src, running, image);
        ctx.put(MigrationFacts.NEW_INSTANCE_ID, id);
    }

    /**
     * The trial's quarantine group when the new instance's first boot must not serve: a guest that
     * mounts fstab once boots first without its data volumes (EC2 attaches existing volumes only to
     * a running or stopped instance), at the production IP, and its services could start and write
     * into the empty mount points. In the quarantine group nothing but the worker reaches it and it
     * reaches nothing; {@link ReleaseQuarantineStep} restores the source's groups once it has
     * started again with its volumes. Null otherwise (the source's groups from the start).
     */
    private String quarantine(StepContext ctx) {
        if (!HoldForDataVolumesStep.needed(aws, ctx)) {
            return null;
        }
        String group = ctx.find(AwsFacts.TRIAL_SECURITY_GROUP).orElseThrow(() -> new IllegalStateException(
                "the trial's quarantine group is not in the journal; it is created before the trial"));
        ctx.put(AwsFacts.NEW_INSTANCE_QUARANTINED, group);
        return group;
    }

    /**
     * The HVM instance a run killed after RunInstances returned had launched, before it could
     * journal it: it holds the source's IP, so waiting for the IP to be free would wait for ever.
     */
    private Optional<String> adopted(StepContext ctx) {
        Optional<String> found = aws.ec2().taggedInstances(ctx.migrationId(), Roles.NEW_INSTANCE).stream()
                .map(Instance::instanceId).findFirst();
        found.ifPresent(id -> {
            ctx.resourceCreated(new Resource("instance", id, Roles.NEW_INSTANCE));
            ctx.put(AwsFacts.NEW_INSTANCE, id);
            quarantine(ctx);  // it was launched into the quarantine group if the hold needs one: restore-security-groups must know
        });
        return found;
    }

    /** Old id to new id, for MigrationResult.idMap(): the instance, its root volume, its primary interface, the image. */
    private static void recordReplacements(StepContext ctx, SourceInstance src, Instance now, String image) {
        ctx.put(MigrationFacts.REPLACED_BY.of(src.instanceId()), now.instanceId());
        src.rootVolumeIfAny().ifPresent(old -> now.blockDeviceMappings().stream()
                .filter(m -> RegisterImageStep.ROOT_DEVICE.equals(m.deviceName()) && m.ebs() != null).findFirst()
                .ifPresent(m -> ctx.put(MigrationFacts.REPLACED_BY.of(old.volumeId()), m.ebs().volumeId())));
        src.primaryInterface().ifPresent(old -> now.networkInterfaces().stream()
                .filter(n -> n.attachment() != null && Integer.valueOf(0).equals(n.attachment().deviceIndex()))
                .findFirst().ifPresent(n -> ctx.put(MigrationFacts.REPLACED_BY.of(old.networkInterfaceId()),
                        n.networkInterfaceId())));
        if (src.imageId() != null) {
            ctx.put(MigrationFacts.REPLACED_BY.of(src.imageId()), image);
        }
    }

    @Override
    public void compensate(StepContext ctx) {
        ctx.find(AwsFacts.NEW_INSTANCE).ifPresent(id -> aws.ec2().terminateAndWait(ctx, id, Roles.NEW_INSTANCE));
        // Launched but not journaled (a crash in between): found by its tags.
        aws.ec2().taggedInstances(ctx.migrationId(), Roles.NEW_INSTANCE)
                .forEach(i -> aws.ec2().terminateAndWait(ctx, i.instanceId(), Roles.NEW_INSTANCE));
    }
}
