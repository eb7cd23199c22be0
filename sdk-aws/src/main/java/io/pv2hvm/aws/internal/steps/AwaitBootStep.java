package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.FactKeys;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

/**
 * Waits until the new instance's guest has booted: the end of the downtime window. Status checks
 * lag the boot by minutes, so they are confirmed afterwards, outside the window.
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
        return StepDescription.readOnly("Wait until the new instance's guest has booted (downtime ends)");
    }

    @Override
    public void run(StepContext ctx) {
        BootCheck.awaitBoot(aws, ctx, ctx.fact(FactKeys.NEW_INSTANCE).orElseThrow());
    }
}
