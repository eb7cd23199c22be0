package io.pv2hvm.aws.internal.steps.prepare;

import io.pv2hvm.aws.internal.steps.Temporaries;
import io.pv2hvm.aws.internal.steps.SourceRef;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.aws.internal.Round;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;

/**
 * Snapshots the source root: for the trial while the source runs (crash-consistent is enough to
 * prove the recipe), or, in cutover, of the stopped source (the data that moves). It only starts
 * the snapshot: EBS captures the data at the call, so the steps after it run while it completes,
 * and the first step that needs the snapshot waits for it.
 */
public final class SnapshotRootStep implements Step {
    private final AwsRuntime aws;
    private final boolean finalSnapshot;

    private SnapshotRootStep(AwsRuntime aws, Round round) {
        this.aws = aws;
        this.finalSnapshot = round == Round.FINAL;
    }

    /** The snapshot of the running source's root that the trial converts (temporary). */
    public static SnapshotRootStep trial(AwsRuntime aws) {
        return new SnapshotRootStep(aws, Round.TRIAL);
    }

    /** The snapshot of the stopped source's root in the cutover (kept: it backs the backup image). */
    public static SnapshotRootStep finalRound(AwsRuntime aws) {
        return new SnapshotRootStep(aws, Round.FINAL);
    }

    @Override
    public String name() {
        return finalSnapshot ? "snapshot-stopped-root" : "snapshot-root";
    }

    @Override
    public StepDescription describe() {
        return finalSnapshot
                ? new StepDescription("Start a snapshot of the stopped source's root volume",
                        List.of("snapshot of the root volume (kept: it backs the backup image)"), List.of())
                : new StepDescription("Start a snapshot of the running source's root volume for a trial conversion",
                        List.of("snapshot of the root volume (temporary)"), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        SourceInstance src = aws.source(ctx);
        String role = finalSnapshot ? Roles.FINAL_SNAPSHOT : Roles.TRIAL_SNAPSHOT;
        String id = aws.ec2().startSnapshot(ctx, src.rootVolume().volumeId(), role,
                "pv2hvm " + role + " of " + src.instanceId() + " (" + ctx.migrationId() + ")");
        ctx.put(finalSnapshot ? AwsFacts.FINAL_SNAPSHOT : AwsFacts.TRIAL_SNAPSHOT, id);
    }

    /** Deletes the trial snapshot after the migration succeeded; the final one backs the backup image. */
    @Override
    public void cleanup(StepContext ctx) {
        if (!finalSnapshot) {
            Temporaries.journaled(ctx, "snapshot", Roles.TRIAL_SNAPSHOT)
                    .forEach(id -> aws.ec2().deleteSnapshot(ctx, id, Roles.TRIAL_SNAPSHOT));
        }
    }

    @Override
    public void compensate(StepContext ctx) {
        if (finalSnapshot && SourceRef.terminated(ctx)) {
            return; // it backs the backup image of the terminated source
        }
        if (finalSnapshot && ctx.has(AwsFacts.SOURCE_ROOT_CONVERTED)) {
            // The source's original root was converted: this is the only copy of its PV data made
            // before the migration wrote to it (the source runs on a volume restored from it). Kept.
            ctx.find(AwsFacts.FINAL_SNAPSHOT).ifPresent(id -> ctx.warn("Final snapshot " + id + " of the source's"
                    + " root as it was before the conversion was kept."));
            return;
        }
        String role = finalSnapshot ? Roles.FINAL_SNAPSHOT : Roles.TRIAL_SNAPSHOT;
        ctx.find(AwsFacts.SNAPSHOT.of(role)).ifPresent(id -> aws.ec2().deleteSnapshot(ctx, id, role));
    }
}
