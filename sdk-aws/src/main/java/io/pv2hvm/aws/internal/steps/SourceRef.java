package io.pv2hvm.aws.internal.steps;

import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import java.util.EnumSet;
import java.util.Set;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.spi.StepContext;

/**
 * The instance that currently stands for the source: the original, or, after a rollback that had
 * to relaunch it from the backup image, the relaunched one.
 */
public final class SourceRef {
    private static final Set<InstanceStateName> ALIVE = EnumSet.of(InstanceStateName.RUNNING, InstanceStateName.STOPPED,
            InstanceStateName.STOPPING, InstanceStateName.PENDING);

    private SourceRef() {
    }

    public static String current(StepContext ctx) {
        return ctx.get(MigrationFacts.CURRENT_SOURCE_ID);
    }

    /** Whether the original source was (or is being) terminated: from then on, recovery copies are never deleted. */
    public static boolean terminated(StepContext ctx) {
        return ctx.has(AwsFacts.SOURCE_TERMINATED);
    }

    /** Whether an instance can still take part (running, stopped, or on its way there). */
    public static boolean alive(InstanceStateName state) {
        return ALIVE.contains(state);
    }
}
