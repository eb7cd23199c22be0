package io.pv2hvm.aws.internal.steps.preflight;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.SsmAction;
import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;

import java.util.List;

/**
 * DUAL_BOOT over SSM, read-only: the running source's SSM agent must be online now, or the
 * migration is refused before anything is created or changed. A source that has run for a while
 * has registered if it ever will (SSM answers SendCommand to an instance that is not online with
 * InvalidInstanceId: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html).
 */
public final class SourceOnSsmCheckStep implements Step {
    private final AwsRuntime aws;

    public SourceOnSsmCheckStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "check-source-ssm-agent";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Check that the running source's SSM agent is online (DUAL_BOOT reaches the source"
                + " over SSM); read-only", List.of(), List.of());
    }

    @Override
    public void run(StepContext ctx) {
        String source = ctx.options().instanceId();
        List<InstanceInformation> info = aws.ec2().calls().call(SsmAction.DESCRIBE_INSTANCE_INFORMATION, () -> aws.ssm()
                .describeInstanceInformation(r -> r.filters(InstanceInformationStringFilter.builder().key("InstanceIds")
                        .values(source).build()))).instanceInformationList();
        String ping = info.isEmpty() ? "not registered with SSM" : info.get(0).pingStatusAsString();
        if (!"Online".equals(ping)) {
            throw new PreflightException(source, List.of(new Blocker("SOURCE_NOT_ON_SSM",
                    "DUAL_BOOT reaches the running source " + source + " over SSM, but its SSM agent is " + ping + ".",
                    "Give the source an instance profile whose role has AmazonSSMManagedInstanceCore (or turn on Default"
                            + " Host Management) and wait until 'aws ssm describe-instance-information' shows it Online;"
                            + " or reach it over SSH with AwsSteps.builder().sourceTransport(ip -> ...) (SDK); or choose"
                            + " IN_PLACE or PARTITION_COPY, which never change the running source.")));
        }
    }
}
