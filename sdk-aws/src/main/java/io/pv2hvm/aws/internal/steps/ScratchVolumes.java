package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.guest.DeviceLookup;
import io.pv2hvm.core.spi.StepContext;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;
import software.amazon.awssdk.services.ec2.model.VolumeState;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Creating, attaching and locating the worker's scratch volumes. */
public final class ScratchVolumes {
    private final AwsRuntime aws;

    public ScratchVolumes(AwsRuntime aws) {
        this.aws = aws;
    }

    /**
     * Creates a volume (from {@code snapshotId}, or empty when null) in the worker's zone, attaches
     * it to the worker and journals the device it appears as. Safe to re-run: each part looks at
     * the journal first.
     */
    public String createAttachAndFind(StepContext ctx, String role, String snapshotId, int sizeGiB) {
        return createAttachAndFind(ctx, role, role, snapshotId, sizeGiB);
    }

    /**
     * As above, for one of several volumes of the same role: {@code key} (unique within the
     * migration) names its journal fact and client token; the role is its tag.
     */
    public String createAttachAndFind(StepContext ctx, String role, String key, String snapshotId, int sizeGiB) {
        String worker = aws.worker(ctx);
        if (aws.ec2().instanceStateName(ctx, worker) == InstanceStateName.STOPPED
                && ctx.find(AwsFacts.WORKER_LAUNCHED).orElse(false)) {
            // A crash while the worker was stopped for a Marketplace-coded attach: start it again.
            aws.ec2().startInstances(r -> r.instanceIds(worker));
        }
        Instance w = aws.ec2().waitInstance(ctx, worker, InstanceStateName.RUNNING);
        String az = Responses.availabilityZone(w);
        String volumeId = ctx.find(AwsFacts.VOLUME.of(key)).orElse(null);
        if (volumeId == null) {
            String id = aws.ec2().createVolume(r -> {
                r.availabilityZone(az).volumeType("gp3").clientToken(ClientTokens.of(ctx, key))
                        .tagSpecifications(aws.ec2().tags(ctx, ResourceType.VOLUME, role));
                if (snapshotId != null) {
                    r.snapshotId(snapshotId);
                }
                if (snapshotId == null || sizeGiB > 0) {
                    r.size(Math.max(1, sizeGiB));
                }
                // An empty volume is encrypted as the source's root was, with the same key, so the
                // converted copy, its snapshots and images stay encrypted with it (volumes from a
                // snapshot inherit its key by themselves).
                aws.source(ctx).rootVolumeIfAny().filter(v -> snapshotId == null && v.encrypted())
                        .ifPresent(v -> r.encrypted(true).kmsKeyId(v.kmsKeyId()));
            }).volumeId();
            ctx.resourceCreated(new Resource("volume", id, role));
            ctx.put(AwsFacts.VOLUME.of(key), id);
            volumeId = id;
        }
        return attachAndFind(ctx, worker, volumeId);
    }

    /**
     * Attaches an existing volume (detached, in the worker's zone) to the worker and finds its
     * device; safe to re-run once it is attached.
     */
    /**
     * Attaches an existing volume to the worker and waits until EC2 says it is attached; the
     * step that uses it finds its device ({@link #locate}), so the window pays for one lookup
     * on the worker, not two.
     */
    public void attachExisting(StepContext ctx, String volumeId) {
        String worker = aws.worker(ctx);
        aws.ec2().waitInstance(ctx, worker, InstanceStateName.RUNNING);
        attachAndWait(ctx, worker, volumeId);
    }

    private String attachAndFind(StepContext ctx, String worker, String vol) {
        attachAndWait(ctx, worker, vol);
        return locate(ctx, vol);
    }

    private void attachAndWait(StepContext ctx, String worker, String vol) {
        Volume v = aws.ec2().waitVolume(ctx, vol, VolumeState.AVAILABLE, VolumeState.IN_USE);
        if (v.attachments().stream().noneMatch(a -> worker.equals(a.instanceId()))) {
            attach(ctx, worker, vol);
        }
        aws.ec2().waitAttached(ctx, vol, worker);
    }

    /**
     * The device a volume attached to the worker appears as, looked up now: kernel names such as
     * /dev/nvme1n1 can change when the worker restarts, so they are never taken from the journal.
     * The EC2 device name the lookup starts from is the one this run's attach wait saw, when no
     * detach came since ({@link io.pv2hvm.aws.internal.Ec2Resources#attachmentSeen}); else a describe.
     */
    public String locate(StepContext ctx, String volumeId) {
        String worker = aws.worker(ctx);
        String attachedAs = attachedAs(ctx, volumeId);
        return aws.transport(ctx).exec(ScriptCommands.of("find-device.sh", volumeId, attachedAs)
                .withTimeout(aws.timeouts().command())).orThrow("Finding " + volumeId + " on worker " + worker)
                .stdout().strip();
    }

    /**
     * What finds that device inside another worker command (find-device, as {@link #locate} runs it),
     * so that the lookup costs no round trip of its own.
     */
    public DeviceLookup lookup(StepContext ctx, String volumeId) {
        return DeviceLookup.byScript(ScriptCommands.text("find-device.sh"), List.of(volumeId, attachedAs(ctx, volumeId)));
    }

    private String attachedAs(StepContext ctx, String volumeId) {
        String worker = aws.worker(ctx);
        return aws.ec2().attachmentSeen(volumeId, worker).map(VolumeAttachment::device).orElseGet(() ->
                aws.ec2().volume(volumeId).orElseThrow().attachments().stream()
                .filter(a -> worker.equals(a.instanceId())).map(VolumeAttachment::device).findFirst()
                .orElseThrow(() -> new MigrationException("Volume " + volumeId + " is not attached to worker " + worker)));
    }

    private void attach(StepContext ctx, String worker, String volumeId) {
        Instance w = aws.ec2().visibleInstance(ctx, worker);
        Set<String> used = w.blockDeviceMappings().stream().map(InstanceBlockDeviceMapping::deviceName)
                .collect(Collectors.toSet());
        String device = null;
        for (char c = 'f'; c <= 'p'; c++) {
            if (!used.contains("/dev/sd" + c) && !used.contains("/dev/xvd" + c)) {
                device = "/dev/sd" + c;
                break;
            }
        }
        if (device == null) {
            throw new MigrationException("Worker " + worker + " has no free device name between /dev/sdf and /dev/sdp.");
        }
        String name = device;
        boolean productCoded = !aws.source(ctx).rootVolume().productCodes().isEmpty();
        if (productCoded) {
            // Marketplace-coded volumes attach only to a stopped instance.
            aws.ec2().stopInstances(r -> r.instanceIds(worker));
            aws.ec2().waitInstance(ctx, worker, InstanceStateName.STOPPED);
        }
        aws.ec2().attachVolume(r -> r.volumeId(volumeId).instanceId(worker).device(name));
        if (productCoded) {
            aws.ec2().startInstances(r -> r.instanceIds(worker));
            aws.ec2().waitInstance(ctx, worker, InstanceStateName.RUNNING);
        }
    }
}
