package io.pv2hvm.samples.templates;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.PreflightException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Template: migrate a fleet, a few instances at a time. Each instance is its own migration with
 * its own journal and rollback; one failing does not stop the others. Preflight blockers are
 * reported per instance without anything having changed.
 *
 * <pre>{@code
 * AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).build();
 * List<Outcome> outcomes = FleetMigration.migrate(List.of("i-0aaa...", "i-0bbb..."), 2,
 *         id -> Migration.of(id).toHvm().preservingIps().withProvider(aws));
 * }</pre>
 *
 * Run it: {@code java -cp samples/target/pv2hvm-cli.jar io.pv2hvm.samples.templates.FleetMigration i-0aaa... i-0bbb...}
 * (region and credentials from the default chains).
 */
public final class FleetMigration {
    private FleetMigration() {
    }

    /**
     * How one instance's migration ended: exactly one of {@code result} and {@code error} is set.
     *
     * @param instanceId the instance
     * @param result     the result, if it succeeded
     * @param error      why it did not: a {@link PreflightException} (nothing changed) or a failure rolled back
     */
    public record Outcome(String instanceId, MigrationResult result, MigrationException error) {
        /** Whether the instance now runs as HVM. */
        public boolean succeeded() {
            return result != null;
        }

        /** Whether preflight refused it (nothing was changed). */
        public boolean blocked() {
            return error instanceof PreflightException;
        }
    }

    /** Migrates every instance, at most {@code parallel} at a time; outcomes in the order given. */
    public static List<Outcome> migrate(List<String> instanceIds, int parallel, Function<String, MigrationSpec> specFor) {
        Objects.requireNonNull(specFor);
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<MigrationResult>> runs = new ArrayList<>();
            for (String id : instanceIds) {
                runs.add(specFor.apply(id).runAsync(pool));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                outcomes.add(outcome(instanceIds.get(i), runs.get(i)));
            }
            return outcomes;
        } finally {
            pool.shutdown();
        }
    }

    private static Outcome outcome(String id, Future<MigrationResult> run) {
        try {
            return new Outcome(id, run.get(), null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MigrationException m) {
                return new Outcome(id, null, m);
            }
            throw new IllegalStateException("Migration of " + id + " failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("Interrupted while waiting for the migration of " + id, e, true);
        }
    }

    /** Migrates the instances named on the command line, two at a time, keeping their IPs. */
    public static void main(String[] args) {
        AwsSteps aws = new AwsSteps();
        List<Outcome> outcomes = migrate(List.of(args), 2, id -> Migration.of(id).toHvm().preservingIps()
                .withProvider(aws));
        for (Outcome o : outcomes) {
            System.out.println(o.succeeded() ? o.instanceId() + " -> " + o.result().newInstanceId() + " (HVM)"
                    : o.instanceId() + (o.blocked() ? " BLOCKED: " : " FAILED: ") + o.error().getMessage());
        }
        System.exit(outcomes.stream().allMatch(Outcome::succeeded) ? 0 : 1);
    }
}
