package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.Tags;
import io.pv2hvm.aws.WorkerImage;
import io.pv2hvm.aws.internal.AwsSettings;
import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.Ec2Resources;
import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.internal.SsmAction;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.Sleeper;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The account's prepared worker image: found by its tags, or built once by launching the default
 * worker image, installing the tools, and creating an AMI from it. Every resource it creates is
 * tagged ({@code pv2hvm:role}, {@code pv2hvm:migration-id} = the build's id) so a crashed build
 * is found by {@code sweep}; the builder instance is always terminated.
 */
public final class WorkerImages {
    /** {@code pv2hvm:role} of the prepared image and its snapshot. */
    public static final String ROLE = "worker-image";
    /** {@code pv2hvm:role} of the temporary instance the image is built on. */
    public static final String BUILDER_ROLE = "worker-image-builder";
    /** Tag naming the tools' version ({@link WorkerTools#VERSION}); only a matching image is reused. */
    public static final String TOOLS_VERSION_TAG = "pv2hvm:tools-version";
    /** Tag listing the installed packages. */
    public static final String TOOLS_TAG = "pv2hvm:tools";
    /** Tag naming the image the worker image was built from. */
    public static final String BASE_IMAGE_TAG = "pv2hvm:base-image";

    private WorkerImages() {
    }

    /** This account's newest available worker image with the current tools, if any. */
    public static Optional<Image> newest(Ec2Resources ec2) {
        return ec2.describeImages(r -> r.owners("self").filters(
                Filter.builder().name("tag:" + Tags.ROLE).values(ROLE).build(),
                Filter.builder().name("tag:" + TOOLS_VERSION_TAG).values(WorkerTools.VERSION).build(),
                Filter.builder().name("state").values(ImageState.AVAILABLE.toString()).build()))
                .images().stream().max(Comparator.comparing(i -> i.creationDate() == null ? "" : i.creationDate()));
    }

    /**
     * Returns the newest worker image, building one when there is none: launch the default
     * image ({@code settings.workerImageParameter()}) with the worker's profile, subnet, groups
     * and type; install the tools; CreateImage; wait until it is available; terminate the builder.
     */
    public static WorkerImage findOrBuild(Ec2Resources ec2, SsmClient ssm, AwsSettings settings,
                                          Function<String, CommandTransport> transports, Sleeper sleeper, Clock clock) {
        Optional<Image> found = newest(ec2);
        if (found.isPresent()) {
            Image i = found.get();
            return new WorkerImage(i.imageId(), i.name(), Ec2Resources.tagMap(i.tags()).get(BASE_IMAGE_TAG), true);
        }
        String base = ec2.calls().call(SsmAction.GET_PARAMETER, () -> ssm.getParameter(
                r -> r.name(settings.workerImageParameter()))).parameter().value();
        String buildId = "worker-image-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
                .format(clock.instant());
        String builder = Responses.first(ec2.runInstances(r -> {
            r.imageId(base).instanceType(settings.workerInstanceType()).minCount(1).maxCount(1).clientToken(buildId)
                    .tagSpecifications(tags(ResourceType.INSTANCE, buildId, BUILDER_ROLE, List.of()),
                            tags(ResourceType.VOLUME, buildId, BUILDER_ROLE, List.of()));
            if (settings.workerSubnetId() != null) {
                r.subnetId(settings.workerSubnetId());
            }
            settings.instanceProfile().ifPresent(p -> r.iamInstanceProfile(p.startsWith("arn:")
                    ? b -> b.arn(p) : b -> b.name(p)));
            if (settings.workerKeyName() != null) {
                r.keyName(settings.workerKeyName());
            }
            if (!settings.workerSecurityGroupIds().isEmpty()) {
                r.securityGroupIds(settings.workerSecurityGroupIds());
            }
        }).instances(), Ec2Action.RUN_INSTANCES, BUILDER_ROLE).instanceId();
        String imageId = null;
        try {
            await(sleeper, clock, ec2.timeouts().poll(), ec2.timeouts().instanceState(), "builder " + builder
                    + " running", () -> ec2.instance(builder).map(Responses::stateName).map(InstanceStateName.RUNNING.toString()::equals)
                    .orElse(false));
            WorkerTools.install(transports.apply(builder), builder, ec2.timeouts().command());
            String name = "pv2hvm-worker-tools-v" + WorkerTools.VERSION + "-" + buildId.substring("worker-image-".length());
            List<Tag> extra = List.of(tag(TOOLS_VERSION_TAG, WorkerTools.VERSION),
                    tag(TOOLS_TAG, String.join(" ", WorkerTools.PACKAGES)), tag(BASE_IMAGE_TAG, base));
            String created = ec2.createImage(r -> r.instanceId(builder)
                    .name(name).description("pv2hvm worker: " + base + " with " + String.join(" ", WorkerTools.PACKAGES))
                    .tagSpecifications(tags(ResourceType.IMAGE, buildId, ROLE, extra),
                            tags(ResourceType.SNAPSHOT, buildId, ROLE, extra))).imageId();
            imageId = created;
            await(sleeper, clock, ec2.timeouts().poll(), ec2.timeouts().image(), "worker image " + created
                    + " available", () -> ec2.image(created).map(i -> {
                        if (i.state() == ImageState.FAILED) {
                            throw new MigrationException("Worker image " + created + " failed: "
                                    + (i.stateReason() == null ? "no reason given" : i.stateReason().message()));
                        }
                        return i.state() == ImageState.AVAILABLE;
                    }).orElse(false));
            return new WorkerImage(created, name, base, false);
        } catch (RuntimeException e) {
            if (imageId != null) {
                deregisterQuietly(ec2, imageId);
            }
            throw e;
        } finally {
            // No step context here: TerminateInstances straight away (idempotent on EC2), no state read first.
            ec2.terminateInstances(r -> r.instanceIds(builder));
        }
    }

    private static void deregisterQuietly(Ec2Resources ec2, String imageId) {
        try {
            List<String> snapshots = ec2.image(imageId).map(i -> i.blockDeviceMappings().stream()
                    .filter(m -> m.ebs() != null && m.ebs().snapshotId() != null).map(m -> m.ebs().snapshotId()).toList())
                    .orElse(List.of());
            ec2.deregisterImage(r -> r.imageId(imageId));
            for (String s : snapshots) {
                ec2.deleteSnapshot(r -> r.snapshotId(s));
            }
        } catch (RuntimeException ignored) {
            // Best effort: the tags let sweep find what is left.
        }
    }

    private static TagSpecification tags(ResourceType type, String buildId, String role, List<Tag> extra) {
        List<Tag> all = new ArrayList<>(List.of(tag(Tags.MIGRATION_ID, buildId), tag(Tags.ROLE, role),
                tag("Name", "pv2hvm " + role)));
        all.addAll(extra);
        return TagSpecification.builder().resourceType(type).tags(all).build();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    /** Polls {@code done} until true; the deadline counts the clock and the time slept. */
    private static void await(Sleeper sleeper, Clock clock, Duration poll, Duration timeout, String what,
                              Supplier<Boolean> done) {
        Instant deadline = clock.instant().plus(timeout);
        Duration slept = Duration.ZERO;
        while (!done.get()) {
            if (!clock.instant().isBefore(deadline) || slept.compareTo(timeout) >= 0) {
                throw new MigrationException("Timed out after " + timeout + " waiting for " + what + ".", null, true);
            }
            try {
                sleeper.sleep(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException("Interrupted waiting for " + what, e, false);
            }
            slept = slept.plus(poll);
        }
    }
}
