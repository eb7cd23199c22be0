package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.Migrations;
import io.pv2hvm.aws.SweepReport;
import io.pv2hvm.core.Resource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deletes the temporaries crashed migrations left behind (found by their pv2hvm tags). */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Deletes workers, trial instances, scratch volumes, trial snapshots and images that crashed"
                + " migrations left behind. Kept resources (backup and HVM images, new instances) are never touched.",
                "Migrations still in progress in the journal are spared; so are migrations it does not know,"
                        + " unless --include-unjournaled."})
final class SweepCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AwsConnection aws;

    @Mixin
    JournalOption journal;

    @Option(names = "--dry-run", description = "Only list what would be deleted.")
    boolean dryRun;

    @Option(names = "--include-unjournaled", description = "Also delete temporaries of migrations the journal does"
            + " not know (run elsewhere, or journal lost). Make sure none is running.")
    boolean includeUnjournaled;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (Ec2Client ec2 = aws.ec2()) {
            SweepReport report = Migrations.sweep(ec2, journal.journal(), includeUnjournaled, dryRun, aws.timeouts());
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("dryRun", report.dryRun());
                doc.put("deleted", resources(report.deleted()));
                doc.put("skipped", resources(report.skipped()));
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
