package io.pv2hvm.aws;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.RetryPolicy;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.ThrottlingPolicy;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Fleets against the emulator over HTTP: shared rate limits keep EC2's throttling away, the
 * bulkhead caps how many migrations run at once, one failure does not stop the others, and bad
 * input is refused before any call.
 */
@Execution(ExecutionMode.CONCURRENT)
class FleetTest extends EmulatorTestBase {
    /**
     * The throttling tests run the emulator at 0.01 of EC2's latencies (not the build's 0.002): a
     * limiter period then lasts milliseconds of real time, longer than this machine's scheduling
     * jitter, which is what separates two permits on their way to the emulator.
     */
    private static final double THROTTLING_TIME_SCALE = 0.01;
    /**
     * The small buckets of the throttling tests: 20 tokens, a twentieth of EC2's documented refill
     * (DescribeInstances: 1 per EC2 second, 100 per real second at time scale 0.01). Six
     * migrations, unlimited, ask for about 150 non-mutating calls per real second.
     */
    private static final int SMALL_CAPACITY = 20;
    private static final double SMALL_REFILL_SHARE = 0.05;
    private static final int FLEET = 6;
    /**
     * RequestLimitExceeded answers tolerated with the limiter. Its burst is half a bucket and its
     * rate 0.8 of the refill, so permits overrun a bucket only when this machine holds requests
     * back for longer than (20 - 1) / 80 per second, about 240 ms, and then releases them together;
     * one such stall may cost a few 503s, which the SDK retries. Without the limiter a run on a
     * quarter of these buckets meets more (next test).
     */
    private static final int LIMITED_BOUND = 3;

    private final EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();

    // ---------------------------------------------------------------- throttling

    @Test
    void run_withThrottlingOnAndSmallBuckets_everyMigrationCompletes_andTheLimiterKeepsRequestLimitExceededAway() {
        List<String> ids = pvFleet(FLEET, THROTTLING_TIME_SCALE, smallBuckets(ThrottlingPolicy.documented().onScaledClock()));

        FleetResult r = fleet(ids, THROTTLING_TIME_SCALE).maxConcurrent(FLEET)
                .rateLimits(smallLimits(Ec2RateLimits.documented()).withTimeScale(THROTTLING_TIME_SCALE)).run();

        assertThat(r.failed()).as("failures").isEmpty();
        assertThat(r.throttlingFailures()).as("throttling that reached the caller").isZero();
        assertThat(r.throttlingErrors()).as("throttling that outlasted the SDK's retries").isZero();
        assertThat(r.rateLimitWait()).as("the limiter made calls wait").isPositive();
        assertThat(requestLimitExceeded()).as("RequestLimitExceeded answered").isLessThanOrEqualTo(LIMITED_BOUND);
        assertThat(r.apiCalls()).as("pv2hvm's calls: every request but the SDK's retries of refused ones (error codes"
                        + " answered: %s)", errorCodes())
                .isEqualTo(emulator.journal().all().size() - refused());
        for (String id : ids) {
            assertThat(newInstanceOf(r, id).virtualizationTypeAsString()).isEqualTo("hvm");
        }
    }

    @Test
    void run_withoutTheLimiter_tinyBucketsThrottleAtTheHttpLevel() {
        // Shared poll rounds make a fleet's calls few enough that the small buckets may pass them on a
        // slow machine: a quarter of them shows what the same fleet meets without a limiter.
        List<String> ids = pvFleet(FLEET, THROTTLING_TIME_SCALE, smallBuckets(ThrottlingPolicy.documented().onScaledClock(),
                SMALL_CAPACITY / 4, SMALL_REFILL_SHARE / 4));

        FleetResult r = fleet(ids, THROTTLING_TIME_SCALE).maxConcurrent(FLEET).rateLimits(Ec2RateLimits.unlimited())
                .run();

        assertThat(requestLimitExceeded()).as("RequestLimitExceeded answered without a limiter: the first test's"
                + " bound would fail").isGreaterThan(LIMITED_BOUND);
        assertThat(r.rateLimitWait()).isZero();
        assertThat(r.outcomes()).hasSize(FLEET);
    }

    // ---------------------------------------------------------------- bulkhead

    @Test
    void run_neverHasMoreThanMaxConcurrentMigrationsInFlight() {
        List<String> ids = pvFleet(6, EmulatedAws.TIME_SCALE, ThrottlingPolicy.documented().onScaledClock());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        // Measured by the migrations themselves: a step first in PREFLIGHT, another last in CLEANUP.
        Step enter = step("enter-fleet-slot", () -> peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max));
        Step leave = step("leave-fleet-slot", inFlight::decrementAndGet);

        // The bulkhead is created in a registry the caller gives, where resilience4j-micrometer can see it.
        io.github.resilience4j.bulkhead.BulkheadRegistry bulkheads = io.github.resilience4j.bulkhead.BulkheadRegistry
                .ofDefaults();
        AtomicInteger permitted = new AtomicInteger();
        bulkheads.getEventPublisher().onEntryAdded(e -> e.getAddedEntry().getEventPublisher()
                .onCallPermitted(p -> permitted.incrementAndGet()));

        FleetResult r = fleet(ids, EmulatedAws.TIME_SCALE).maxConcurrent(2).bulkheadRegistry(bulkheads)
                .each(s -> s.withStepBefore(Phase.PREFLIGHT, enter).withStepAfter(Phase.CLEANUP, leave)).run();

        assertThat(permitted.get()).as("permits of the registry's bulkhead, one per migration").isEqualTo(6);
        assertThat(bulkheads.find("pv2hvm-fleet").orElseThrow().getMetrics().getMaxAllowedConcurrentCalls())
                .isEqualTo(2);
        assertThat(r.allSucceeded()).isTrue();
        assertThat(peak.get()).as("migrations in flight at once").isBetween(1, 2);
        assertThat(r.peakConcurrency()).isBetween(1, 2);
        assertThat(r.maxConcurrent()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- failures

    @Test
    void run_oneBlockedAndOneFailingInstance_doNotStopTheOthers_andTheFailedOneIsRolledBack() {
        List<String> pv = pvFleet(4, EmulatedAws.TIME_SCALE, ThrottlingPolicy.documented().onScaledClock(),
                InstanceSeed.of(HVM, World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").privateIp("10.0.1.99"));
        String failing = pv.get(1);
        List<String> ids = new ArrayList<>(pv);
        ids.add(2, HVM);
        List<String> ended = Collections.synchronizedList(new ArrayList<>());

        FleetResult r = fleet(ids, EmulatedAws.TIME_SCALE).maxConcurrent(2)
                .each(s -> s.options().instanceId().equals(failing) ? s.withStepAfter(Phase.VERIFY, step("fail-here", () -> {
                    throw new MigrationException("injected failure");
                })) : s)
                .onEach(o -> ended.add(o.instanceId())).run();

        assertThat(r.outcomes()).extracting(FleetResult.Outcome::instanceId).containsExactlyElementsOf(ids);
        assertThat(ended).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(r.succeeded()).hasSize(3);
        assertThat(outcome(r, HVM).error()).isInstanceOf(PreflightException.class)
                .hasMessageContaining(HVM);
        StepFailedException failed = (StepFailedException) outcome(r, failing).error();
        assertThat(failed.step()).isEqualTo("fail-here");
        assertThat(failed.notRolledBack()).isEmpty();
        Instance source = ec2.describeInstances(b -> b.instanceIds(failing)).reservations().get(0).instances().get(0);
        assertThat(source.state().nameAsString()).as("the failed migration's source is untouched").isEqualTo("running");
        assertThat(source.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(r.throttlingFailures()).isZero();
    }

    @Test
    void run_whenTheCallerIsInterrupted_startsNothingMore_andReturnsEveryOutcome() {
        List<String> ids = pvFleet(3, EmulatedAws.TIME_SCALE, ThrottlingPolicy.documented().onScaledClock());
        Thread caller = Thread.currentThread();

        FleetResult r = fleet(ids, EmulatedAws.TIME_SCALE).maxConcurrent(1)
                .onEach(o -> caller.interrupt()).run();

        assertThat(Thread.interrupted()).as("the interrupt is passed on").isTrue();
        assertThat(r.outcomes()).extracting(FleetResult.Outcome::instanceId).containsExactlyElementsOf(ids);
        assertThat(r.outcomes().get(0).succeeded()).isTrue();
        assertThat(r.outcomes().get(2).error()).hasMessageContaining("Not started").hasMessageContaining(ids.get(2));
        FleetResult.Outcome second = r.outcomes().get(1);
        if (!second.succeeded() && !second.error().getMessage().contains("Not started")) {
            Instance source = ec2.describeInstances(b -> b.instanceIds(ids.get(1))).reservations().get(0).instances()
                    .get(0);
            assertThat(source.state().nameAsString()).as("interrupted, rolled back").isEqualTo("running");
        }
        assertThat(r.peakConcurrency()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badInput_isRefusedWithHowToFixIt_beforeAnyAwsCall() {
        start(EmulatedAws.webServerWorld().build());
        String ok = EmulatedAws.SOURCE;
        assertRefused(() -> Migrations.fleet(List.of()), "at least one instance id");
        assertRefused(() -> Migrations.fleet(null), "at least one instance id");
        assertRefused(() -> Migrations.fleet(List.of(ok, "i-123", "web-1")), "entry 2", "entry 3", "8 or 17");
        assertRefused(() -> Migrations.fleet(Arrays.asList(ok, null)), "entry 2");
        assertRefused(() -> Migrations.fleet(List.of(ok, ok)), ok + " is listed 2 times", "list each instance once");
        assertRefused(() -> Migrations.fleet(List.of(ok)).maxConcurrent(0), "maxConcurrent must be at least 1");
        assertRefused(() -> Migrations.fleet(List.of(ok)).maxConcurrent(-3), "at least 1");
        assertRefused(() -> fleet(List.of(ok), EmulatedAws.TIME_SCALE).each(s -> null).run(), "refinement");
        assertRefused(() -> fleet(List.of(ok), EmulatedAws.TIME_SCALE)
                .each(s -> Migration.of("i-0ccccccccccccccc3").toHvm()).run(), "refinement");
        assertRefused(() -> fleet(List.of(ok), EmulatedAws.TIME_SCALE)
                .each(s -> s.withProvider(AwsSteps.builder().ec2(ec2).ssm(ssm).build())).run(), "using(aws)");
        assertRefused(() -> fleet(List.of(ok, "i-0ccccccccccccccc3"), EmulatedAws.TIME_SCALE)
                .each(s -> s.withMigrationId("same-id")).run(), "same migration id");
        assertRefused(() -> Ec2RateLimits.documented().withHeadroom(0), "(0, 1]");
        assertRefused(() -> Ec2RateLimits.documented().withTimeScale(0), "unlimited()");

        assertThat(emulator.journal().all()).as("AWS calls made").isEmpty();
    }

    @Test
    void plan_returnsEveryInstancesPlan_andCallsNothing() {
        List<String> ids = pvFleet(3, EmulatedAws.TIME_SCALE, ThrottlingPolicy.documented().onScaledClock());

        List<MigrationPlan> plans = fleet(ids, EmulatedAws.TIME_SCALE).each(MigrationSpec::preservingIps).plan();

        assertThat(plans).extracting(MigrationPlan::instanceId).containsExactlyElementsOf(ids);
        assertThat(plans.get(0).options()).containsEntry("preserveIps", "true");
        assertThat(emulator.journal().all()).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private static final String HVM = "i-0aaaaaaaaaaaaaaa9";

    /** Starts the emulator with {@code n} PV web servers (and {@code extra} instances); returns their ids. */
    private List<String> pvFleet(int n, double timeScale, ThrottlingPolicy throttling, InstanceSeed... extra) {
        World.Builder world = EmulatedAws.world(EmulatedAws.webServer(), EmulatedAws.pvImage());
        List<String> ids = new ArrayList<>(List.of(EmulatedAws.SOURCE));
        IntStream.range(1, n).forEach(k -> {
            String id = String.format("i-0f1ee70000000%04x", k);
            ids.add(id);
            world.instance(InstanceSeed.of(id, EmulatedAws.PV_IMAGE).instanceType("m1.large")
                    .privateIp("10.0.1." + (100 + k)).keyName("ops").tag("Name", "web-" + (k + 1)));
        });
        for (InstanceSeed e : extra) {
            world.instance(e);
        }
        start(world.build(), b -> b.latency(LatencyModel.realistic().withTimeScale(timeScale)).throttling(throttling));
        return ids;
    }

    /** A fleet through the AWS steps with waits scaled to {@code timeScale}, a fake worker, in-memory journals. */
    private FleetSpec fleet(Collection<String> ids, double timeScale) {
        AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(timeouts(timeScale))
                .guestConversion(SimulatedGuest.typical()).build();
        return Migrations.fleet(ids).using(aws).rateLimits(Ec2RateLimits.documented().withTimeScale(timeScale))
                .each(s -> s.preservingIps().withTransport(worker).withJournal(InMemoryJournal.create())
                        .withRetryPolicy(RetryPolicy.exponential(6, Duration.ofMillis(50), 2, Duration.ofSeconds(1))));
    }

    private static ThrottlingPolicy smallBuckets(ThrottlingPolicy policy) {
        return smallBuckets(policy, SMALL_CAPACITY, SMALL_REFILL_SHARE);
    }

    private static ThrottlingPolicy smallBuckets(ThrottlingPolicy policy, int capacity, double refillShare) {
        ThrottlingPolicy p = policy;
        for (ThrottlingPolicy.Category c : ThrottlingPolicy.Category.values()) {
            p = p.withBucket(c, capacity, p.bucket(c).refillPerSecond() * refillShare);
        }
        return p;
    }

    /** The same small buckets, told to the limiter (SSM is not throttled by the emulator: documented guess). */
    private static Ec2RateLimits smallLimits(Ec2RateLimits limits) {
        Ec2RateLimits l = limits;
        for (ThrottlingCategory c : ThrottlingCategory.values()) {
            if (!c.ssm()) {
                l = l.withBucket(c, SMALL_CAPACITY, c.documentedRefillPerSecond() * SMALL_REFILL_SHARE);
            }
        }
        return l;
    }

    private static AwsTimeouts timeouts(double timeScale) {
        AwsTimeouts scaled = AwsTimeouts.defaults().scaled(timeScale);
        // Polls once per EC2 second (AwsTimeouts' default is 5): a fleet that waits asks often.
        return AwsTimeouts.builder().poll(Duration.ofMillis(Math.max(5, Math.round(1000 * timeScale))))
                .instanceState(scaled.instanceState().multipliedBy(4)).statusChecks(scaled.statusChecks().multipliedBy(4))
                .volume(scaled.volume().multipliedBy(4)).snapshot(scaled.snapshot().multipliedBy(4))
                .image(scaled.image().multipliedBy(4)).ipRelease(scaled.ipRelease().multipliedBy(4))
                .command(Duration.ofMinutes(5)).build();
    }

    /**
     * Requests refused for their rate, which the SDK retries without pv2hvm counting a call:
     * EC2's RequestLimitExceeded and SSM's ThrottlingException (SSM's throttling answer,
     * https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html).
     */
    private long refused() {
        return emulator.journal().all().stream()
                .filter(c -> "RequestLimitExceeded".equals(c.errorCode()) || "ThrottlingException".equals(c.errorCode()))
                .count();
    }

    private java.util.Map<String, Long> errorCodes() {
        return emulator.journal().all().stream().filter(c -> c.errorCode() != null).collect(
                java.util.stream.Collectors.groupingBy(c -> c.errorCode(), java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    private long requestLimitExceeded() {
        return emulator.journal().all().stream().filter(c -> "RequestLimitExceeded".equals(c.errorCode())).count();
    }

    private static FleetResult.Outcome outcome(FleetResult r, String id) {
        return r.outcomes().stream().filter(o -> o.instanceId().equals(id)).findFirst().orElseThrow();
    }

    private Instance newInstanceOf(FleetResult r, String id) {
        String newId = outcome(r, id).result().newInstanceId();
        return ec2.describeInstances(b -> b.instanceIds(newId)).reservations().get(0).instances().get(0);
    }

    private static void assertRefused(Supplier<?> call, String... says) {
        Throwable t = catchThrowable(call::get);
        assertThat(t).isInstanceOf(InvalidSpecException.class);
        for (String s : says) {
            assertThat(t).hasMessageContaining(s);
        }
    }

    private static Step step(String name, Runnable action) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(StepContext context) {
                action.run();
            }
        };
    }
}
