package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.steps.BootCheck;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

/**
 * Waits until the new instance serves: the end of the downtime window. It serves when the user's
 * health command passes against it (where one is given), else when EC2's instance reachability
 * check passes; console text alone does not end the window. The remaining status checks and the
 * console scan are confirmed afterwards, outside the window.
 */
public final class AwaitBootStep implements Step {
    private final AwsRuntime aws;

    public AwaitBootStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "await-new-instance-boot";
    }

    @Override
    public StepDescription describe() {
        return StepDescription.readOnly("Wait until the new instance serves: health command passes, or EC2's"
                + " reachability check (downtime ends)");
    }

    @Override
    public void run(StepContext ctx) {
        BootCheck.awaitServing(aws, ctx, ctx.find(AwsFacts.NEW_INSTANCE).orElseThrow());
    }
}
