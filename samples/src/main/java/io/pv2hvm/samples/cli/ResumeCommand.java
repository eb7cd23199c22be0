package io.pv2hvm.samples.cli;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Continues a journaled migration that stopped (crash, lost connection, killed process). */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continues a migration from its journal: completed steps are skipped, the rest run.")
final class ResumeCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MIGRATION-ID", description = "The migration's id, as 'migrate' printed it.")
    String migrationId;

    @Mixin
    AwsProviderOptions provider;

    @Mixin
    JournalOption journal;

    @Mixin
    ProgressOption progress;

    @Mixin
    ReportOption report;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        report.validate();
        try (Ec2Client ec2 = provider.aws.ec2(); SsmClient ssm = provider.aws.ssm();
             ProgressDisplay display = progress.display(spec.commandLine().getErr())) {
            MigrationResult r = report.run(Migration.resume(migrationId, journal.journal())
                    .withProvider(provider.steps(ec2, ssm)).onProgress(display), "pv2hvm resume " + migrationId);
            spec.commandLine().getOut().print(json ? r.toJson() + "\n" : r.toText());
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }
}
