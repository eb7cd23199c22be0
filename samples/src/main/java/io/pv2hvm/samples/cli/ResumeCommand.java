package io.pv2hvm.samples.cli;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.PrintWriter;

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

    @Option(names = "--json", description = "Deprecated: the same as --output json.")
    boolean json;

    @Option(names = {"-y", "--yes"}, description = "Run the health command the journal names without asking.")
    boolean yes;

    @Override
    public Integer call() {
        json = json || Output.jsonRequested(spec);
        report.validate();
        MigrationSpec resumed = Migration.resume(migrationId, journal.journal());
        // The journal is shared data (a file, a database): whoever could write it chose this command, so the
        // user sees it first.
        resumed.options().healthCommand().ifPresent(health -> {
            PrintWriter err = spec.commandLine().getErr();
            err.println("The journal of " + migrationId + " names this health command, which the resume runs against"
                    + " the new instance:\n  " + Output.printable(health));
            err.flush();
            if (!yes) {
                MigrateCommand.confirm(err, "Run it?");
            }
        });
        try (Ec2Client ec2 = provider.aws.ec2(); SsmClient ssm = provider.aws.ssm();
             ProgressDisplay display = progress.display(spec.commandLine().getErr())) {
            SignalCancellation signals = new SignalCancellation(spec.commandLine().getErr(), journal::resumeCommand);
            MigrationResult r = report.run(resumed.withProvider(provider.steps(ec2, ssm)).withListener(display),
                    "pv2hvm resume " + migrationId, provider.aws.apiCalls(), s -> signals.run(s, journal.journal()));
            spec.commandLine().getOut().print(json ? r.toJson() + "\n" : r.toText());
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }
}
