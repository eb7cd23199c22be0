package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * EC2 token buckets on a manual clock: a burst inside one refill period is refused beyond the
 * bucket size, and refill restores exactly the documented rate.
 */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class ThrottlingTest {

    private final ManualClock clock = ManualClock.create();
    private Ec2Emulator aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).clock(clock).throttling(ThrottlingPolicy.documented()).build().start();
        ec2 = AwsClients.ec2NoRetry(aws);
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.stop();
    }

    /** Runs {@code n} calls; returns how many were refused with RequestLimitExceeded / HTTP 503. */
    private int throttled(int n, Consumer<Ec2Client> call) {
        int refused = 0;
        for (int i = 0; i < n; i++) {
            try {
                call.accept(ec2);
            } catch (Ec2Exception e) {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
                assertThat(e.statusCode()).isEqualTo(503);
                refused++;
            }
        }
        return refused;
    }

    private static void run(Ec2Client c) {
        c.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1));
    }

    @Test
    void runInstancesBurst_beyondBucketOf5_isRefused_andRefillsAt2PerSecond() {
        assertThat(throttled(20, ThrottlingTest::run)).isEqualTo(15);
        assertThat(aws.journal().calls("RunInstances")).filteredOn(RecordedCall::succeeded).hasSize(5);

        clock.advance(Duration.ofSeconds(1));
        assertThat(throttled(3, ThrottlingTest::run)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(10));
        assertThat(throttled(6, ThrottlingTest::run)).as("a full bucket holds 5, never more").isEqualTo(1);
    }

    @Test
    void mutatingBurst_beyondBucketOf50_isRefused() {
        assertThat(throttled(60, c -> c.modifyInstanceAttribute(r -> r.instanceId(Worlds.SOURCE).disableApiTermination(a -> a.value(false)))))
                .isEqualTo(10);
    }

    @Test
    void unfilteredDescribe_hasBucketOf50_filteredDescribe100_eachApiItsOwn() {
        assertThat(throttled(60, c -> c.describeInstances())).isEqualTo(10);
        assertThat(throttled(110, c -> c.describeInstances(r -> r.instanceIds(Worlds.SOURCE)))).isEqualTo(10);
        assertThat(throttled(5, c -> c.describeVolumes(r -> r.volumeIds(Worlds.DATA_VOLUME)))).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttled(25, c -> c.describeInstances(r -> r.instanceIds(Worlds.SOURCE)))).as("refill 20/s").isEqualTo(5);
    }

    @Test
    void throttling_canBeSwitchedOff() {
        aws.throttling(ThrottlingPolicy.disabled());
        assertThat(throttled(20, ThrottlingTest::run)).isZero();
        aws.throttling(ThrottlingPolicy.documented().withBucket(ThrottlingPolicy.Category.RUN_AND_START, 2, 1));
        assertThat(throttled(4, ThrottlingTest::run)).isEqualTo(2);
    }

    @Test
    void onScaledClock_bucketsRefillPerEc2Second_atTheLatencyTimeScale() {
        restart(LatencyModel.realistic().withTimeScale(0.01), ThrottlingPolicy.documented().onScaledClock());
        assertThat(throttled(6, ThrottlingTest::run)).as("the bucket size is not scaled").isEqualTo(1);

        clock.advance(Duration.ofMillis(10)); // one EC2 second at time scale 0.01
        assertThat(throttled(3, ThrottlingTest::run)).as("2 tokens per EC2 second").isEqualTo(1);
    }

    @Test
    void byDefault_bucketsRefillPerRealSecond_whateverTheLatencyTimeScale() {
        restart(LatencyModel.realistic().withTimeScale(0.01), ThrottlingPolicy.documented());
        assertThat(throttled(5, ThrottlingTest::run)).isZero();

        clock.advance(Duration.ofMillis(10));
        assertThat(throttled(1, ThrottlingTest::run)).as("0.02 tokens in 10 ms of real time").isEqualTo(1);
        assertThat(ThrottlingPolicy.documented().refillsOnScaledClock()).isFalse();
    }

    @Test
    void onScaledClock_atTimeScaleZero_neverRunsDry() {
        restart(LatencyModel.instant(), ThrottlingPolicy.documented().onScaledClock());
        assertThat(throttled(20, ThrottlingTest::run)).isZero();
        assertThat(ThrottlingPolicy.documented().onScaledClock()
                .refillPerClockSecond(ThrottlingPolicy.Category.MUTATING, 0.5)).isEqualTo(10.0);
    }

    private void restart(LatencyModel latency, ThrottlingPolicy policy) {
        stop();
        aws = Ec2Emulator.builder().world(Worlds.migration()).clock(clock).latency(latency).throttling(policy).build()
                .start();
        ec2 = AwsClients.ec2NoRetry(aws);
    }
}
