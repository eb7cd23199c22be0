package io.pv2hvm.aws.internal.steps.prepare;

import io.pv2hvm.aws.internal.steps.Temporaries;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.Ec2Resources;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Starts a snapshot of each of the running source's data volumes, so the trial instance boots with
 * copies of them at the same device names and its guest runs its real fstab. Crash-consistent is
 * enough: the copies only have to mount. Like the root snapshot, it only starts them; the trial
 * waits for them.
 */
public final class SnapshotDataVolumesStep implements Step {
    private final AwsRuntime aws;

    public SnapshotDataVolumesStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "snapshot-data-volumes";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Start a snapshot of each data volume of the running source, for the trial's copies",
                List.of("a snapshot per data volume (temporary)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        for (SourceInstance.Volume v : src.dataVolumes()) {
            if (ctx.find(AwsFacts.DATA_SNAPSHOT.of(v.volumeId())).isPresent()) {
                continue;
            }
            // CreateSnapshot takes no client token: look for this volume's tagged snapshot first.
            String id = tagged(ctx, v.volumeId()).orElseGet(() -> aws.ec2()
                    .createSnapshot(r -> r.volumeId(v.volumeId())
                            .description("pv2hvm trial copy of " + v.deviceName() + " of " + src.instanceId()
                                    + " (" + ctx.migrationId() + ")")
                            .tagSpecifications(aws.ec2().tags(ctx, ResourceType.SNAPSHOT, Roles.TRIAL_DATA_SNAPSHOT)))
                    .snapshotId());
            ctx.resourceCreated(new Resource("snapshot", id, Roles.TRIAL_DATA_SNAPSHOT));
            ctx.put(AwsFacts.DATA_SNAPSHOT.of(v.volumeId()), id);
        }
    }

    private java.util.Optional<String> tagged(StepContext ctx, String volumeId) {
        List<Filter> filters = new ArrayList<>(Ec2Resources.taggedFilters(ctx.migrationId(), Roles.TRIAL_DATA_SNAPSHOT));
        filters.add(Filter.builder().name("volume-id").values(volumeId).build());
        return aws.ec2().describeSnapshots(r -> r
                .ownerIds("self").filters(filters)).snapshots().stream().map(Snapshot::snapshotId).findFirst();
    }

    /** Deletes the trial snapshots of the data volumes after the migration succeeded. */
    @Override
    public void cleanup(StepContext ctx) {
        Temporaries.journaled(ctx, "snapshot", Roles.TRIAL_DATA_SNAPSHOT)
                .forEach(id -> aws.ec2().deleteSnapshot(ctx, id, Roles.TRIAL_DATA_SNAPSHOT));
    }

    @Override
    public void compensate(StepContext ctx) {
        Set<String> ids = new LinkedHashSet<>();
        aws.source(ctx).dataVolumes().forEach(v -> ctx.find(AwsFacts.DATA_SNAPSHOT.of(v.volumeId())).ifPresent(ids::add));
        ids.addAll(aws.ec2().taggedSnapshots(ctx.migrationId(), Roles.TRIAL_DATA_SNAPSHOT));
        ids.forEach(id -> aws.ec2().deleteSnapshot(ctx, id, Roles.TRIAL_DATA_SNAPSHOT));
    }
}
