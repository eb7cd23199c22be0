package io.pv2hvm.samples.cli;

import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.MigrationSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The dry run: the ordered steps of a migration, what each creates or changes, the downtime window. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Prints what 'migrate' would do, step by step. Changes nothing and calls no AWS API.")
final class PlanCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigrationOptions migration;

    @Mixin
    AwsProviderOptions provider;

    @Option(names = "--json", description = "Deprecated: the same as --output json.")
    boolean json;

    @Override
    public Integer call() {
        json = json || Output.jsonRequested(spec);
        MigrationSpec described = migration.spec(); // bad ids and options fail before any client is made
        try (Ec2Client ec2 = provider.aws.ec2(); SsmClient ssm = provider.aws.ssm()) {
            MigrationPlan plan = described.withProvider(provider.steps(ec2, ssm)).plan();
            spec.commandLine().getOut().print(json ? plan.toJson() + "\n" : plan.toText());
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }
}
