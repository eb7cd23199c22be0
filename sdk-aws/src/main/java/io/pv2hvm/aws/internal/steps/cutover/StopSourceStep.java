package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.steps.SourceRef;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;

/** Stops the source: the downtime window opens here. Rolled back by starting it again. */
public final class StopSourceStep implements Step {
    private final AwsRuntime aws;

    public StopSourceStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "stop-source";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Stop the source instance (downtime starts)", List.of(),
                List.of("source instance: stopped"));
    }

    @Override
    public void run(StepContext ctx) {
        String id = ctx.options().instanceId();
        InstanceStateName state = aws.ec2().instanceStateName(ctx, id);
        if (!ctx.has(AwsFacts.SOURCE_WAS_RUNNING)) {
            ctx.put(AwsFacts.SOURCE_WAS_RUNNING, state == InstanceStateName.RUNNING || state == InstanceStateName.PENDING);
        }
        if (state != InstanceStateName.STOPPED) {
            aws.ec2().stopInstances(r -> r.instanceIds(id));
        }
        aws.ec2().waitInstance(ctx, id, InstanceStateName.STOPPED);
    }

    @Override
    public void compensate(StepContext ctx) {
        String id = SourceRef.current(ctx);
        if (!ctx.find(AwsFacts.SOURCE_WAS_RUNNING).orElse(false)) {
            return;
        }
        if (!SourceRef.alive(aws.ec2().instanceStateName(ctx, id))) {
            return; // terminated: a describe never shows a state older than the truth as terminated
        }
        // A describe right after StopInstances may still say running; StartInstances' own answer is
        // not stale: it starts a stopped instance, keeps a running one, and refuses one still stopping.
        aws.ec2().waits().untilTrue(ctx, "source " + id + " to accept " + Ec2Action.START_INSTANCES.awsName(), aws.timeouts().instanceState(),
                () -> {
                    try {
                        aws.ec2().startInstances(r -> r
                                .instanceIds(id));
                        return true;
                    } catch (AwsCallException e) {
                        if ("IncorrectInstanceState".equals(e.errorCode())) {
                            return false; // still stopping
                        }
                        throw e;
                    }
                });
        aws.ec2().waitInstance(ctx, id, InstanceStateName.RUNNING);
    }
}
