package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.steps.SourceRef;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;

import java.util.List;

/**
 * Associates every Elastic IP with the same private IP on the new instance: the primary
 * interface's addresses now live on the new primary interface; a secondary interface moved whole.
 */
public final class AssociateElasticIpsStep implements Step {
    private final AwsRuntime aws;

    public AssociateElasticIpsStep(AwsRuntime aws) {
        this.aws = aws;
    }

    @Override
    public String name() {
        return "associate-elastic-ips";
    }

    @Override
    public StepDescription describe() {
        return new StepDescription("Associate each Elastic IP with the same private IP on the new instance", List.of(),
                List.of("Elastic IPs: associated with the new instance"));
    }

    @Override
    public void run(StepContext ctx) {
        associateAll(ctx, ctx.find(AwsFacts.NEW_INSTANCE).orElseThrow());
    }

    @Override
    public void compensate(StepContext ctx) {
        String source = SourceRef.current(ctx);
        if (SourceRef.alive(aws.ec2().instanceStateName(ctx, source))) {
            associateAll(ctx, source);
        }
    }

    private void associateAll(StepContext ctx, String instanceId) {
        ElasticIps.associate(aws, ctx, instanceId);
    }
}
