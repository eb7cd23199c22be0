package io.pv2hvm.micrometer;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.pv2hvm.aws.Ec2RateLimits;
import io.pv2hvm.aws.FleetSpec;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.MigrationSpec;
import software.amazon.awssdk.metrics.MetricPublisher;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * pv2hvm's migrations, AWS calls, rate limits and fleets as Micrometer meters (names and tags in
 * {@link Pv2hvmMeters}). Create one per {@link MeterRegistry} and hand its parts to what you run:
 *
 * <pre>{@code
 * Pv2hvmMetrics metrics = Pv2hvmMetrics.of(registry);
 * Ec2Client ec2 = Ec2Client.builder()
 *         .overrideConfiguration(c -> c.addMetricPublisher(metrics.awsCalls())).build();   // same for SsmClient
 * AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).workerInstanceProfile("pv2hvm-worker").build();
 * FleetResult r = metrics.observe(Migrations.fleet(ids).using(aws).each(s -> s.preservingIps()))
 *         .rateLimits(metrics.observe(Ec2RateLimits.documented()))
 *         .maxConcurrent(5)
 *         .run();
 * // one migration: metrics.observe(Migration.of(id).toHvm().withProvider(aws)).run();
 * }</pre>
 *
 * <p>Step, migration and downtime meters are tagged by step, phase and outcome, not by migration
 * id: a platform migrating thousands of instances would otherwise create meters per migration that
 * no registry forgets. {@link #taggingMigrationIds(MeterRegistry)} adds the id where you want it
 * anyway (a few migrations, or a registry that expires idle meters). Thread-safe.
 */
public final class Pv2hvmMetrics {
    private final MeterRegistry registry;
    private final MigrationMetrics migrations;
    private final AwsCallMetrics awsCalls;
    private final RateLimitWaitMetrics rateLimitWaits;
    private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    private final RetryRegistry retries = RetryRegistry.ofDefaults();

    private Pv2hvmMetrics(MeterRegistry registry, boolean migrationIdTags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.migrations = new MigrationMetrics(registry, migrationIdTags, System::nanoTime);
        this.awsCalls = new AwsCallMetrics(registry);
        this.rateLimitWaits = new RateLimitWaitMetrics(registry);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(registry);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
    }

    /** Meters in {@code registry}, without migration ids (bounded cardinality). */
    public static Pv2hvmMetrics of(MeterRegistry registry) {
        return new Pv2hvmMetrics(registry, false);
    }

    /**
     * Meters in {@code registry} whose step, migration and downtime meters also carry the tag
     * {@link Pv2hvmMeters#MIGRATION_ID}. High cardinality: every migration adds meters that stay
     * for the registry's life.
     */
    public static Pv2hvmMetrics taggingMigrationIds(MeterRegistry registry) {
        return new Pv2hvmMetrics(registry, true);
    }

    /** The listener that times steps, migrations and downtime windows and counts running migrations. */
    public MigrationListener listener() {
        return migrations;
    }

    /**
     * The AWS SDK metric publisher that counts API calls, throttled attempts and retries by service
     * and action; add it to the EC2 and SSM clients pv2hvm uses
     * ({@code ClientOverrideConfiguration.Builder.addMetricPublisher}).
     */
    public MetricPublisher awsCalls() {
        return awsCalls;
    }

    /**
     * The wait listener for {@link Ec2RateLimits#onWait}, for limits that already have a listener of
     * yours: {@code limits.onWait(metrics.rateLimitWaits().andThen(yours))}, then
     * {@link #bind(Ec2RateLimits)}.
     */
    public BiConsumer<String, Duration> rateLimitWaits() {
        return rateLimitWaits;
    }

    /**
     * {@code spec} with this {@link #listener()} and its steps' Resilience4j retries bound
     * ({@code resilience4j.retry.calls}, tag {@code name=<step>}).
     */
    public MigrationSpec observe(MigrationSpec spec) {
        return spec.withListener(migrations).withRetryRegistry(retries);
    }

    /**
     * {@code limits} timing every wait for a permit (this replaces an earlier {@code onWait}
     * listener; see {@link #rateLimitWaits()}), with their Resilience4j rate limiters bound
     * ({@link #bind(Ec2RateLimits)}).
     */
    public Ec2RateLimits observe(Ec2RateLimits limits) {
        return bind(limits.onWait(rateLimitWaits));
    }

    /**
     * Binds the Resilience4j rate limiters of {@code limits} with resilience4j-micrometer
     * ({@code resilience4j.ratelimiter.*}, tag {@code name=pv2hvm-<category>}). The limits of
     * another account ({@link Ec2RateLimits#copy()}) share those names: bind one set per registry.
     *
     * @return {@code limits}
     */
    public Ec2RateLimits bind(Ec2RateLimits limits) {
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(limits.rateLimiterRegistry()).bindTo(registry);
        return limits;
    }

    /**
     * {@code fleet} with every migration {@linkplain #observe(MigrationSpec) observed} and its Resilience4j bulkhead
     * bound ({@code resilience4j.bulkhead.*}, tag {@code name=pv2hvm-fleet}: its permits are the
     * fleet's {@code maxConcurrent}). Each run replaces the previous run's bulkhead; run one observed
     * fleet at a time per {@code Pv2hvmMetrics}. Its rate limits are observed only if you pass
     * {@link #observe(Ec2RateLimits)}'s to {@link FleetSpec#rateLimits}.
     */
    public FleetSpec observe(FleetSpec fleet) {
        return fleet.each(this::observe).bulkheadRegistry(bulkheads);
    }
}
