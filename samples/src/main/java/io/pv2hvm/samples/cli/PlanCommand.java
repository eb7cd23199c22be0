package io.pv2hvm.samples.cli;

import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.MigrationSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
        MigrationSpec described = migration.spec();
        // No client: a plan calls nothing, so it needs no region nor credentials.
        MigrationPlan plan = described.withProvider(provider.planSteps()).plan();
        spec.commandLine().getOut().print(json ? plan.toJson() + "\n" : plan.toText());
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
