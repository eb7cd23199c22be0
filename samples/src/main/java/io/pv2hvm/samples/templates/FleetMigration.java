package io.pv2hvm.samples.templates;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.aws.FleetResult;
import io.pv2hvm.aws.Migrations;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.PreflightException;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Template: migrate a fleet, a few instances at a time, within EC2's API rate limits. Each
 * instance is its own migration with its own journal and rollback; one failing does not stop the
 * others. Preflight blockers are reported per instance without anything having changed.
 *
 * <pre>{@code
 * AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).build();
 * FleetResult r = FleetMigration.migrate(List.of("i-0aaa...", "i-0bbb..."), 2, aws, MigrationSpec::preservingIps);
 * }</pre>
 *
 * Run it: {@code java -cp samples/target/pv2hvm-cli.jar io.pv2hvm.samples.templates.FleetMigration i-0aaa... i-0bbb...}
 * (region and credentials from the default chains).
 */
public final class FleetMigration {
    private FleetMigration() {
    }

    /**
     * Migrates every instance, at most {@code parallel} at a time, each shaped by {@code each};
     * every call takes a permit from the documented EC2 rate limits first.
     */
    public static FleetResult migrate(List<String> instanceIds, int parallel, AwsSteps aws,
                                      UnaryOperator<MigrationSpec> each) {
        return Migrations.fleet(instanceIds).using(aws).each(each).maxConcurrent(parallel)
                .onEach(o -> System.out.println(describe(o))).run();
    }

    /** One line per instance: its new HVM instance, or why it was blocked or failed. */
    public static String describe(FleetResult.Outcome o) {
        if (o.succeeded()) {
            return o.instanceId() + " -> " + o.result().newInstanceId() + " (HVM)";
        }
        return o.instanceId() + (o.error() instanceof PreflightException ? " BLOCKED (nothing changed): " : " FAILED: ")
                + o.error().getMessage();
    }

    /** Migrates the instances named on the command line, two at a time, keeping their IPs. */
    public static void main(String[] args) {
        FleetResult r = migrate(List.of(args), 2, new AwsSteps(), MigrationSpec::preservingIps);
        System.exit(r.allSucceeded() ? 0 : 1);
    }
}
