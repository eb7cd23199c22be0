package io.pv2hvm.aws;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.MigrationSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The migrations of a fleet, built fluently from {@link Migrations#fleet(Collection)}: each
 * instance gets its own migration, journal and rollback, at most {@link #maxConcurrent(int)} run at
 * once, and all share one set of {@link Ec2RateLimits}. One failed migration does not stop the
 * others. Immutable, like {@link MigrationSpec}: every method returns a new spec.
 *
 * <pre>{@code
 * FleetResult r = Migrations.fleet(List.of("i-0aaa...", "i-0bbb...", "i-0ccc..."))
 *         .using(aws)
 *         .each(s -> s.preservingIps())
 *         .maxConcurrent(5)
 *         .onEach(o -> System.out.println(o.instanceId() + (o.succeeded() ? " done" : " FAILED")))
 *         .run();
 * }</pre>
 *
 * <p>Defaults: the provider is {@code new AwsSteps()} (what {@link java.util.ServiceLoader} finds:
 * the SDK's default region and credential chains) unless {@link #using(AwsSteps)}; at most
 * {@value #DEFAULT_MAX_CONCURRENT} migrations at once; rate limits are the provider's when it has
 * some, else a fresh {@link Ec2RateLimits#documented()} per run.
 */
public final class FleetSpec {
    /** Migrations that run at once unless {@link #maxConcurrent(int)} says otherwise. */
    public static final int DEFAULT_MAX_CONCURRENT = 4;

    private final List<String> instanceIds;
    private final AwsSteps aws;
    private final UnaryOperator<MigrationSpec> each;
    private final int maxConcurrent;
    private final Ec2RateLimits rateLimits;
    private final Consumer<FleetResult.Outcome> onEach;

    private FleetSpec(List<String> instanceIds, AwsSteps aws, UnaryOperator<MigrationSpec> each, int maxConcurrent,
                      Ec2RateLimits rateLimits, Consumer<FleetResult.Outcome> onEach) {
        this.instanceIds = instanceIds;
        this.aws = aws;
        this.each = each;
        this.maxConcurrent = maxConcurrent;
        this.rateLimits = rateLimits;
        this.onEach = onEach;
    }

    /** A fleet of {@code ids}, checked as a whole: every problem is reported at once. */
    static FleetSpec of(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new InvalidSpecException("A fleet needs at least one instance id, e.g."
                    + " Migrations.fleet(List.of(\"i-0123456789abcdef0\")).");
        }
        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        int position = 0;
        for (String id : ids) {
            position++;
            try {
                Migration.of(id);
                seen.merge(id, 1, Integer::sum);
            } catch (InvalidSpecException e) {
                problems.add("entry " + position + ": " + e.getMessage());
            }
        }
        seen.forEach((id, n) -> {
            if (n > 1) {
                problems.add(id + " is listed " + n + " times; list each instance once.");
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidSpecException("The fleet's instance ids need fixing before anything runs:\n  - "
                    + String.join("\n  - ", problems));
        }
        return new FleetSpec(List.copyOf(ids), null, s -> s, DEFAULT_MAX_CONCURRENT, null, o -> { });
    }

    /** Run the migrations with these AWS steps (clients, worker settings, timeouts). */
    public FleetSpec using(AwsSteps steps) {
        return new FleetSpec(instanceIds, Objects.requireNonNull(steps, "steps"), each, maxConcurrent, rateLimits,
                onEach);
    }

    /**
     * Shape every migration, e.g. {@code s -> s.preservingIps().withInstanceType("m5.large")}. The
     * function gets {@code Migration.of(id).toHvm()} and must return a refinement of it; calling
     * {@code each} again applies the new function after the earlier ones. Register the provider with
     * {@link #using(AwsSteps)}, not {@code withProvider} here.
     */
    public FleetSpec each(UnaryOperator<MigrationSpec> shape) {
        Objects.requireNonNull(shape, "shape");
        UnaryOperator<MigrationSpec> before = each;
        return new FleetSpec(instanceIds, aws, s -> shape.apply(before.apply(s)), maxConcurrent, rateLimits, onEach);
    }

    /**
     * Run at most {@code n} migrations at once (default {@value #DEFAULT_MAX_CONCURRENT}); the rest
     * wait their turn in order, without a thread each.
     *
     * @throws InvalidSpecException when {@code n < 1}
     */
    public FleetSpec maxConcurrent(int n) {
        if (n < 1) {
            throw new InvalidSpecException("maxConcurrent must be at least 1; got " + n + ". Use 1 to migrate one"
                    + " instance at a time.");
        }
        return new FleetSpec(instanceIds, aws, each, n, rateLimits, onEach);
    }

    /**
     * The rate limits every call of every migration takes a permit from. Default: the provider's
     * ({@link AwsSteps.Builder#rateLimits}) when it has some, else a fresh
     * {@link Ec2RateLimits#documented()} for each run. Pass the same instance to fleets that run
     * at the same time in one account and region.
     */
    public FleetSpec rateLimits(Ec2RateLimits limits) {
        return new FleetSpec(instanceIds, aws, each, maxConcurrent, Objects.requireNonNull(limits, "limits"),
                onEach);
    }

    /**
     * Called as each migration ends, on the thread that ran it, with its outcome. Exceptions it
     * throws are ignored: they do not affect the fleet.
     */
    public FleetSpec onEach(Consumer<FleetResult.Outcome> listener) {
        return new FleetSpec(instanceIds, aws, each, maxConcurrent, rateLimits,
                Objects.requireNonNull(listener, "listener"));
    }

    /** The instances, in the order given. */
    public List<String> instanceIds() {
        return instanceIds;
    }

    /** The most migrations that run at once. */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** The dry run of every migration, in order. Calls no AWS API and journals nothing. */
    public List<MigrationPlan> plan() {
        return specs(provider()).stream().map(MigrationSpec::plan).toList();
    }

    /**
     * Runs every migration, at most {@link #maxConcurrent()} at once, and waits for all of them.
     * A failed migration rolls back as usual and is reported in its {@link FleetResult.Outcome};
     * the others go on. If the calling thread is interrupted, migrations not yet started are not
     * started, running ones are interrupted (they roll back) and the result says so.
     *
     * @throws InvalidSpecException before anything runs, when {@link #each} produced a bad spec
     */
    public FleetResult run() {
        AwsSteps provider = provider();
        Ec2RateLimits limits = rateLimits != null ? rateLimits
                : provider.rateLimits().limited() ? provider.rateLimits() : Ec2RateLimits.documented();
        FleetCalls calls = new FleetCalls();
        List<MigrationSpec> specs = specs(provider.observed(limits, calls::add));
        return new FleetRun(specs, maxConcurrent, calls, onEach).run();
    }

    private AwsSteps provider() {
        return aws != null ? aws : new AwsSteps();
    }

    /** Every migration's spec, shaped and checked before any of them runs. */
    private List<MigrationSpec> specs(AwsSteps provider) {
        List<MigrationSpec> specs = new ArrayList<>();
        Map<String, String> migrationIds = new LinkedHashMap<>();
        for (String id : instanceIds) {
            MigrationSpec shaped = each.apply(Migration.of(id).toHvm());
            if (shaped == null || !id.equals(shaped.instanceId()) || shaped.resuming()) {
                throw new InvalidSpecException("each(...) must return a refinement of the spec it is given (for " + id
                        + "), e.g. s -> s.preservingIps(); it returned " + shaped + ".");
            }
            if (!shaped.providers().isEmpty()) {
                throw new InvalidSpecException("each(...) registered a step provider for " + id + "; give the AWS"
                        + " steps to the fleet with using(aws) instead, so its rate limits and figures apply.");
            }
            String other = shaped.migrationId().map(m -> migrationIds.putIfAbsent(m, id)).orElse(null);
            if (other != null) {
                throw new InvalidSpecException("each(...) gave " + other + " and " + id + " the same migration id '"
                        + shaped.migrationId().get() + "'; every migration needs its own (or none: one is generated).");
            }
            specs.add(shaped.withProvider(provider));
        }
        return specs;
    }
}
