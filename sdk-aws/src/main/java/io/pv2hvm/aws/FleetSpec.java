package io.pv2hvm.aws;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.spi.SpecChecks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

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
 *
 * <p>Instances in other accounts join with {@link #inAccount(String, String...)}: their migrations
 * assume a role there, and each account gets rate limits of its own, since EC2's buckets are per
 * account and region.
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
    /** Role ARN to the instances migrated with it, in the order given; the fleet's own account is not here. */
    private final Map<String, List<String>> accounts;
    /** Where each run creates its bulkhead; null: a bulkhead of its own. */
    private final BulkheadRegistry bulkheads;

    /** An IAM role ARN in any partition: arn:PARTITION:iam::ACCOUNT:role/[path/]name. */
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws(-[a-z]+)*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

    private FleetSpec(List<String> instanceIds, AwsSteps aws, UnaryOperator<MigrationSpec> each, int maxConcurrent,
                      Ec2RateLimits rateLimits, Consumer<FleetResult.Outcome> onEach, Map<String, List<String>> accounts,
                      BulkheadRegistry bulkheads) {
        this.accounts = accounts;
        this.bulkheads = bulkheads;
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
        return new FleetSpec(List.copyOf(ids), null, s -> s, DEFAULT_MAX_CONCURRENT, null, o -> { }, Map.of(), null);
    }

    /** Run the migrations with these AWS steps (clients, worker settings, timeouts). */
    public FleetSpec using(AwsSteps steps) {
        return new FleetSpec(instanceIds, Objects.requireNonNull(steps, "steps"), each, maxConcurrent, rateLimits,
                onEach, accounts, bulkheads);
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
        return new FleetSpec(instanceIds, aws, s -> shape.apply(before.apply(s)), maxConcurrent, rateLimits, onEach,
                accounts, bulkheads);
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
        return new FleetSpec(instanceIds, aws, each, n, rateLimits, onEach, accounts, bulkheads);
    }

    /**
     * The rate limits every call of every migration takes a permit from. Default: the provider's
     * ({@link AwsSteps.Builder#rateLimits}) when it has some, else a fresh
     * {@link Ec2RateLimits#documented()} for each run. Pass the same instance to fleets that run
     * at the same time in one account and region.
     */
    public FleetSpec rateLimits(Ec2RateLimits limits) {
        return new FleetSpec(instanceIds, aws, each, maxConcurrent, Objects.requireNonNull(limits, "limits"),
                onEach, accounts, bulkheads);
    }

    /**
     * Called as each migration ends, on the thread that ran it, with its outcome. Exceptions it
     * throws are ignored: they do not affect the fleet.
     */
    public FleetSpec onEach(Consumer<FleetResult.Outcome> listener) {
        return new FleetSpec(instanceIds, aws, each, maxConcurrent, rateLimits,
                Objects.requireNonNull(listener, "listener"), accounts, bulkheads);
    }

    /**
     * Create each run's Resilience4j {@code Bulkhead} (the {@link #maxConcurrent} permits, named
     * {@code pv2hvm-fleet}) in {@code registry}, replacing the previous run's, so that
     * metrics bound to the registry see it, e.g. resilience4j-micrometer's
     * {@code TaggedBulkheadMetrics.ofBulkheadRegistry(registry)}. Fleets that run at the same
     * time need registries of their own. Default: a bulkhead in no registry.
     */
    public FleetSpec bulkheadRegistry(BulkheadRegistry registry) {
        return new FleetSpec(instanceIds, aws, each, maxConcurrent, rateLimits, onEach, accounts,
                Objects.requireNonNull(registry, "registry"));
    }

    /**
     * Also migrate {@code instanceIds}, which live in the account of {@code roleArn}: their calls are
     * signed with the role's temporary credentials (one {@code StsAssumeRoleCredentialsProvider}
     * per role, refreshed before the session ends, through {@link AwsSteps.Builder#sts}), and run
     * under rate limits of that account's own (a {@link Ec2RateLimits#copy()} of the fleet's: EC2's
     * buckets are per account and region). Roles in one account share that account's limits. The
     * migrations use the fleet's region, settings, shape ({@link #each}) and concurrency. The role
     * must trust the fleet's credentials and allow what pv2hvm needs ({@code pv2hvm iam-policy}).
     * Calling it again with the same role adds instances to that account.
     *
     * @throws InvalidSpecException for a malformed role ARN, no ids, a malformed id, or an instance
     *                              already in the fleet (all named at once)
     */
    public FleetSpec inAccount(String roleArn, String... instanceIds) {
        return inAccount(roleArn, instanceIds == null ? List.of() : Arrays.asList(instanceIds));
    }

    /** {@link #inAccount(String, String...)} with a collection of ids. */
    public FleetSpec inAccount(String roleArn, Collection<String> instanceIds) {
        List<String> problems = new ArrayList<>();
        if (roleArn == null || !ROLE_ARN.matcher(roleArn).matches()) {
            problems.add("'" + roleArn + "' is not an IAM role ARN; give one like"
                    + " arn:aws:iam::111122223333:role/pv2hvm-migrator.");
        }
        if (instanceIds == null || instanceIds.isEmpty()) {
            problems.add("no instance ids for " + roleArn + "; name at least one instance in that account.");
        } else {
            List<String> all = new ArrayList<>(instanceIds());
            int position = 0;
            for (String id : instanceIds) {
                position++;
                try {
                    Migration.of(id);
                    if (all.contains(id)) {
                        problems.add(id + " is already in the fleet; list each instance once.");
                    }
                    all.add(id);
                } catch (InvalidSpecException e) {
                    problems.add("entry " + position + " for " + roleArn + ": " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidSpecException("inAccount(...) needs fixing before anything runs:\n  - "
                    + String.join("\n  - ", problems));
        }
        Map<String, List<String>> more = new LinkedHashMap<>(accounts);
        List<String> ids = new ArrayList<>(more.getOrDefault(roleArn, List.of()));
        ids.addAll(instanceIds);
        more.put(roleArn, List.copyOf(ids));
        return new FleetSpec(this.instanceIds, aws, each, maxConcurrent, rateLimits, onEach,
                java.util.Collections.unmodifiableMap(more), bulkheads);
    }

    /** Every instance, in the order given: the fleet's own account first, then each {@link #inAccount} role's. */
    public List<String> instanceIds() {
        List<String> all = new ArrayList<>(instanceIds);
        accounts.values().forEach(all::addAll);
        return List.copyOf(all);
    }

    /** The most migrations that run at once. */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** The dry run of every migration, in order. Calls no AWS API and journals nothing. */
    public List<MigrationPlan> plan() {
        // Plans read nothing from AWS: no role is assumed for them.
        return specs(instanceIds(), provider(), new HashMap<>()).stream().map(MigrationSpec::plan).toList();
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
        Map<String, String> migrationIds = new HashMap<>();
        List<MigrationSpec> specs = new ArrayList<>(specs(instanceIds, provider.observed(limits, calls::add), migrationIds));
        List<AutoCloseable> opened = new ArrayList<>();
        accountSteps(provider, limits, calls, opened).forEach((role, steps) ->
                specs.addAll(specs(accounts.get(role), steps, migrationIds)));
        try {
            return new FleetRun(specs, maxConcurrent, calls, onEach, bulkheads).run();
        } finally {
            synchronized (opened) {
                for (AutoCloseable c : opened) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        // Closing clients cannot change an outcome that is already decided.
                    }
                }
            }
        }
    }

    /**
     * The steps of each {@link #inAccount} role: clients signed with the role's credentials (made on
     * first use, added to {@code opened}), and its account's rate limits, one copy of
     * {@code limits} per account, shared by the roles of that account.
     */
    Map<String, AwsSteps> accountSteps(AwsSteps provider, Ec2RateLimits limits, FleetCalls calls,
                                       List<AutoCloseable> opened) {
        Map<String, Ec2RateLimits> limitsByAccount = new HashMap<>();
        Map<String, AwsSteps> steps = new LinkedHashMap<>();
        accounts.keySet().forEach(role -> {
            Ec2RateLimits own = limitsByAccount.computeIfAbsent(role.split(":")[4], account -> limits.copy());
            steps.put(role, provider.inAccount(role, own, calls::add, opened));
        });
        return steps;
    }

    private AwsSteps provider() {
        return aws != null ? aws : new AwsSteps();
    }

    /** The migrations of {@code ids}, shaped and checked before any of them runs; migration ids must differ across the fleet. */
    private List<MigrationSpec> specs(List<String> ids, AwsSteps provider, Map<String, String> migrationIds) {
        List<MigrationSpec> specs = new ArrayList<>();
        for (String id : ids) {
            MigrationSpec shaped = each.apply(Migration.of(id).toHvm());
            SpecChecks.requireFleetMember(id, shaped);
            Optional<String> migrationId = SpecChecks.givenMigrationId(shaped);
            String other = migrationId.map(m -> migrationIds.putIfAbsent(m, id)).orElse(null);
            if (other != null) {
                throw new InvalidSpecException("each(...) gave " + other + " and " + id + " the same migration id '"
                        + migrationId.get() + "'; every migration needs its own (or none: one is generated).");
            }
            specs.add(shaped.withProvider(provider));
        }
        return specs;
    }
}
