package io.pv2hvm.aws.internal.steps.prepare;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;

/**
 * DUAL_BOOT's backup of the running source's root before anything on it changes: a snapshot,
 * tagged and journaled, awaited until it completed (a snapshot in {@code error} would leave the
 * live change without a way back), and kept whatever happens: a rollback does not undo the live
 * change, and this snapshot is how to undo it (a volume from it, swapped in as the root).
 */
public final class PreChangeSnapshotStep implements Step {
    private final AwsRuntime aws;

    public PreChangeSnapshotStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "snapshot-root-before-change";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Snapshot the running source's root volume before it is changed, and wait until it completed",
                List.of("snapshot of the root volume as it was before the change (kept: the way back to the unchanged source)"),
                List.of());
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        String volume = src.rootVolume().volumeId();
        String id = aws.ec2().snapshotAndWait(ctx, volume, Roles.PRE_CHANGE_SNAPSHOT,
                "pv2hvm " + Roles.PRE_CHANGE_SNAPSHOT + " of " + src.instanceId() + " (" + ctx.migrationId() + ")");
        ctx.put(AwsFacts.SNAPSHOT.of(Roles.PRE_CHANGE_SNAPSHOT), id);
    }

    @Override
    public void compensate(StepContext ctx) {
        ctx.find(AwsFacts.SNAPSHOT.of(Roles.PRE_CHANGE_SNAPSHOT)).ifPresent(id -> ctx.warn("Snapshot " + id + " of the source's"
                + " root as it was before DUAL_BOOT changed it was kept: make a volume of it and attach it as the"
                + " stopped source's root to undo the change."));
    }
}
