package io.pv2hvm.samples.cli;

import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Migrates one instance: prints the plan, asks, runs, prints the result. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Migrates one PV instance to HVM. Shows the plan and asks first unless --yes.",
                "Journaled under --journal-dir (or in --journal's database): after a crash, 'pv2hvm resume MIGRATION-ID' continues it."})
final class MigrateCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigrationOptions migration;

    @Mixin
    AwsProviderOptions provider;

    @Mixin
    JournalOption journal;

    @Mixin
    ProgressOption progress;

    @Mixin
    ReportOption report;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--json", description = "Deprecated: the same as --output json.")
    boolean json;

    @Override
    public Integer call() {
        json = json || Output.jsonRequested(spec);
        PrintWriter out = spec.commandLine().getOut();
        if (json && !yes) {
            throw new UsageException("--output json needs --yes: there is no one to answer the confirmation.");
        }
        MigrationSpec described = migration.spec(); // bad ids and options fail before any client is made
        report.validate();
        try (Ec2Client ec2 = provider.aws.ec2(); SsmClient ssm = provider.aws.ssm()) {
            MigrationSpec spec = described.withProvider(provider.steps(ec2, ssm)).withJournal(journal.journal());
            if (!yes) {
                out.print(spec.plan().toText());
                confirm(out, "Migrate " + migration.instanceId + " now?");
            }
            MigrationResult r;
            try (ProgressDisplay display = progress.display(this.spec.commandLine().getErr())) {
                SignalCancellation signals = new SignalCancellation(this.spec.commandLine().getErr(), journal::resumeCommand);
                r = report.run(spec.withListener(display), "pv2hvm migrate " + migration.instanceId, provider.aws.apiCalls(),
                        s -> signals.run(s, journal.journal()));
            }
            out.print(json ? r.toJson() + "\n" : r.toText());
            out.flush();
            return ExitCode.OK;
        }
    }

    /** Asks on the terminal; refuses (nothing changed) without one or without a yes. */
    static void confirm(PrintWriter out, String question) {
        if (!Terminal.stdin()) {
            throw new UsageException("Not a terminal, so no one can confirm: review 'pv2hvm plan', then add --yes.");
        }
        out.print(question + " [y/N] ");
        out.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (answer == null || !answer.strip().equalsIgnoreCase("y") && !answer.strip().equalsIgnoreCase("yes")) {
                throw new UsageException("Not confirmed; nothing was changed.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
