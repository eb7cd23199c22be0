package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.steps.ScratchVolumes;
import io.pv2hvm.aws.internal.steps.SourceRef;
import io.pv2hvm.aws.internal.steps.Workers;
import io.pv2hvm.aws.internal.steps.ClientTokens;
import io.pv2hvm.aws.internal.steps.prepare.LaunchWorkerStep;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.Tags;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.Volume;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Moves the stopped source's own root volume to the worker, so the final round converts it where
 * it is instead of waiting for a volume made from the final snapshot: that snapshot was started
 * before (an EBS snapshot holds the data as it was when it was requested, later writes do not
 * change it: https://docs.aws.amazon.com/ebs/latest/userguide/ebs-creating-snapshot.html), so the
 * backup image keeps the PV data. Only used when the source is terminated afterwards (kept IPs):
 * a source that stays keeps its root untouched.
 *
 * <p>Compensation, while the source exists: a root the conversion never wrote to goes back to the
 * source as it was; a converted one stays detached, tagged {@code converted-source-root} and
 * reported, and the source gets a new root made from the final snapshot with the original's type,
 * IOPS, throughput, encryption and tags. After the termination the source is relaunched from its
 * backup image instead ({@link TerminateSourceStep}), and the converted original is kept.
 */
public final class MoveSourceRootStep implements Step {
    private final AwsRuntime aws;

    public MoveSourceRootStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "move-source-root-to-worker";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Detach the stopped source's root volume (its final snapshot already holds its"
                + " data) and attach it to the worker, to be converted there in place", List.of(),
                List.of("source root volume: moved to the worker, converted to HVM and kept (a rollback before the"
                        + " termination gives the source a root made from the final snapshot)"));
    }

    @Override
    public void run(StepContext ctx) {
        String root = aws.source(ctx).rootVolume().volumeId();
        ctx.put(AwsFacts.SOURCE_ROOT_ON_WORKER, root);
        String worker = aws.worker(ctx);
        Volume v = aws.ec2().volume(root).orElseThrow();
        if (v.attachments().stream().noneMatch(a -> worker.equals(a.instanceId()))) {
            aws.ec2().detachAndWait(ctx, root, Optional.of(v));
        }
        new ScratchVolumes(aws).attachExisting(ctx, root);
    }

    /**
     * Detaches the source's own root, converted on the worker, for the user once the migration has
     * succeeded (the worker may be the user's own, which is never terminated). Runs before
     * {@link LaunchWorkerStep#cleanup}, as this step comes later. Idempotent: a root no longer on the
     * worker is left as it is.
     */
    @Override
    public void cleanup(StepContext ctx) {
        detachForCleanup(aws, ctx);
    }

    /**
     * {@link #cleanup}, also called before a cleanup hook terminates the worker early
     * ({@link Workers#terminateForCleanup}): the root must not leave the worker by a termination.
     * Once done (journaled), or once cleanup has terminated the worker, there is nothing to do and
     * nothing to describe.
     */
    public static void detachForCleanup(AwsRuntime aws, StepContext ctx) {
        if (ctx.has(AwsFacts.WORKER_TERMINATED) || ctx.has(AwsFacts.SOURCE_ROOT_OFF_WORKER)) {
            return;
        }
        ctx.find(AwsFacts.SOURCE_ROOT_ON_WORKER).ifPresent(root -> {
            var described = aws.ec2().volume(root);
            if (described.map(v -> v.attachments().stream().anyMatch(a -> a.instanceId().equals(ctx.find(AwsFacts.WORKER)
                    .orElse(null)))).orElse(false)) {
                aws.ec2().detachAndWait(ctx, root, described); // just described: no second describe
            }
            ctx.put(AwsFacts.SOURCE_ROOT_OFF_WORKER, true);
        });
    }

    @Override
    public void compensate(StepContext ctx) {
        String root = ctx.find(AwsFacts.SOURCE_ROOT_ON_WORKER).orElse(null);
        if (root == null) {
            return;
        }
        boolean converted = ctx.find(AwsFacts.SOURCE_ROOT_CONVERTED).isPresent();
        String source = SourceRef.current(ctx);
        if (SourceRef.terminated(ctx) || !SourceRef.alive(aws.ec2().instanceStateName(ctx, source))) {
            detachFromWorker(ctx, root);
            if (converted) {
                warnKept(ctx, root);
            }
            return;
        }
        SourceInstance src = aws.source(ctx);
        if (rootAttached(ctx, source, src.rootDeviceName())) {
            return; // a crashed compensation had already given the source its root back
        }
        detachFromWorker(ctx, root);
        String newRoot = converted ? restoredRoot(ctx, src, root) : root;
        Volume v = aws.ec2().waitVolume(ctx, newRoot, VolumeState.AVAILABLE, VolumeState.IN_USE);
        if (v.attachments().stream().noneMatch(a -> source.equals(a.instanceId()))) {
            try {
                aws.ec2().attachVolume(r -> r.volumeId(newRoot)
                        .instanceId(source).device(src.rootDeviceName()));
            } catch (AwsCallException e) {
                if (!"VolumeInUse".equals(e.errorCode())) {
                    throw e; // VolumeInUse: a stale describe missed the attach a crashed compensation made
                }
            }
        }
        aws.ec2().waitAttached(ctx, newRoot, source);
        if (converted) {
            warnKept(ctx, root);
        }
    }

    private boolean rootAttached(StepContext ctx, String source, String device) {
        return aws.ec2().visibleInstance(ctx, source).blockDeviceMappings().stream()
                .anyMatch(m -> device.equals(m.deviceName()));
    }

    private void detachFromWorker(StepContext ctx, String root) {
        String worker = ctx.find(AwsFacts.WORKER).orElse(null);
        Optional<Volume> described = aws.ec2().volume(root);
        boolean onWorker = described.map(v -> v.attachments().stream()
                .anyMatch(a -> a.instanceId().equals(worker))).orElse(false);
        if (onWorker) {
            aws.ec2().detachAndWait(ctx, root, described);
        }
    }

    /**
     * A volume from the final snapshot (completed first) in the source's zone, shaped like the
     * original root; found again by its client token after a crash.
     */
    private String restoredRoot(StepContext ctx, SourceInstance src, String original) {
        String made = ctx.find(AwsFacts.RESTORED_SOURCE_ROOT).orElse(null);
        if (made == null) {
            String snapshot = ctx.find(AwsFacts.FINAL_SNAPSHOT).orElseThrow();
            aws.ec2().waitSnapshot(ctx, snapshot, original);
            SourceInstance.Volume like = src.rootVolume();
            // The original's own tags (its Name too), then ours; aws: tags are reserved.
            List<Tag> tags = new ArrayList<>(aws.ec2().volume(original).map(Volume::tags).orElse(List.of()).stream()
                    .filter(t -> !t.key().startsWith("aws:") && !t.key().startsWith("pv2hvm:")).toList());
            aws.ec2().tags(ctx, ResourceType.VOLUME, Roles.RESTORED_SOURCE_ROOT).tags().stream()
                    .filter(t -> tags.stream().noneMatch(mine -> mine.key().equals(t.key()))).forEach(tags::add);
            made = aws.ec2().createVolume(r -> {
                r.availabilityZone(src.availabilityZone()).snapshotId(snapshot).size(like.sizeGiB())
                        .volumeType(like.volumeType()).clientToken(ClientTokens.of(ctx, "restored-source-root"))
                        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VOLUME).tags(tags)
                                .build());
                // io1/io2 need their IOPS, gp3 may carry IOPS and throughput; gp2 and standard take neither.
                if (like.iops() != null && !"gp2".equals(like.volumeType()) && !"standard".equals(like.volumeType())) {
                    r.iops(like.iops());
                }
                if (like.throughput() != null) {
                    r.throughput(like.throughput());
                }
                // A volume from an encrypted snapshot is encrypted with the snapshot's key by itself.
            }).volumeId();
            ctx.resourceCreated(new Resource("volume", made, Roles.RESTORED_SOURCE_ROOT));
            ctx.put(AwsFacts.RESTORED_SOURCE_ROOT, made);
        }
        return made;
    }

    private static void warnKept(StepContext ctx, String root) {
        ctx.warn("The source's original root volume " + root + " was kept, converted to HVM (tagged "
                + Tags.ROLE + "=" + Roles.CONVERTED_SOURCE_ROOT + "); its PV data is in the final snapshot"
                + ctx.find(AwsFacts.FINAL_SNAPSHOT).map(s -> " " + s).orElse("")
                + ". Delete it when you no longer need it.");
    }

    /** Tags the source's own root as converted, just before the conversion writes to it. */
    public static void markConverted(AwsRuntime aws, StepContext ctx, String root) {
        ctx.put(AwsFacts.SOURCE_ROOT_CONVERTED, root);
        // Only our two tags: the volume's own Name and other tags stay as the user set them.
        List<Tag> ours = aws.ec2().tags(ctx, ResourceType.VOLUME, Roles.CONVERTED_SOURCE_ROOT).tags().stream()
                .filter(t -> t.key().startsWith("pv2hvm:")).toList();
        aws.ec2().createTags(r -> r.resources(root).tags(ours));
    }
}
