package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.Migrations;
import io.pv2hvm.aws.SweepOptions;
import io.pv2hvm.aws.SweepReport;
import io.pv2hvm.core.Resource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deletes the temporaries crashed migrations left behind (found by their pv2hvm tags). */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Deletes workers, trial instances, scratch volumes, trial snapshots and images that crashed"
                + " migrations left behind. Kept resources (backup and HVM images, new instances) are never touched.",
                "Only what the journal names as created is deleted: tags alone can be set by anyone. Migrations"
                        + " still in progress, or run by another process now, are spared. Temporaries no journal"
                        + " names are deleted only for the migration ids given with --migration-id."})
final class SweepCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AwsConnection aws;

    @Mixin
    JournalOption journal;

    @Option(names = "--dry-run", description = "Only list what would be deleted.")
    boolean dryRun;

    @Option(names = "--migration-id", paramLabel = "ID", description = "Also delete every temporary tagged with this"
            + " migration id, journaled or not (run elsewhere, or journal lost). Repeatable. Make sure it is not"
            + " running elsewhere.")
    List<String> migrationIds = new ArrayList<>();

    @Option(names = "--json", description = "Deprecated: the same as --output json.")
    boolean json;

    @Override
    public Integer call() {
        json = json || Output.jsonRequested(spec);
        try (Ec2Client ec2 = aws.ec2()) {
            migrationIds.forEach(journal::requireValidId); // a malformed id is refused before any call
            SweepOptions.Builder options = SweepOptions.builder().migrationIds(migrationIds).timeouts(aws.timeouts());
            SweepReport report = Migrations.sweep(ec2, journal.journal(), (dryRun ? options.dryRun() : options).build());
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("dryRun", report.dryRun());
                doc.put("deleted", resources(report.deleted()));
                doc.put("skipped", resources(report.skipped()));
                doc.put("unverified", resources(report.unverified()));
                spec.commandLine().getOut().println(Output.json(doc));
            } else {
                spec.commandLine().getOut().print(report.toText());
            }
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }

    private static List<Map<String, String>> resources(List<Resource> list) {
        return list.stream().map(r -> Map.of("type", r.type(), "id", r.id(), "role", r.role())).toList();
    }
}
