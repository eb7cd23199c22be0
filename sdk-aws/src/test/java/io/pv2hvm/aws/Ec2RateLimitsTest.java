package io.pv2hvm.aws;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.testkit.ThrottlingPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

/** The limits' arithmetic, bad input, waiting, and the category mapping. */
class Ec2RateLimitsTest {
    /** Every EC2 action pv2hvm calls (preflight, migration, rollback, sweep). */
    private static final List<String> EC2_ACTIONS = List.of("AssociateAddress", "AttachNetworkInterface",
            "AttachVolume", "CreateSnapshot", "CreateVolume", "CreateTags", "DeleteSnapshot", "DeleteVolume",
            "DeregisterImage", "DescribeAddresses", "DescribeImages", "DescribeInstanceAttribute",
            "DescribeInstanceStatus", "DescribeInstanceTypes", "DescribeInstances", "DescribeNetworkInterfaces",
            "DescribeSnapshots", "DescribeVolumeAttribute", "DescribeVolumes", "DetachNetworkInterface", "DetachVolume",
            "GetConsoleOutput", "ModifyInstanceAttribute", "ModifyNetworkInterfaceAttribute", "RegisterImage",
            "RunInstances", "StartInstances", "StopInstances", "TerminateInstances", "AssignPrivateIpAddresses",
            "UnassignPrivateIpAddresses");

    @Test
    void documented_usesEightyPercentOfEachRefill_inRealTime() {
        Ec2RateLimits l = Ec2RateLimits.documented();
        assertThat(l.limited()).isTrue();
        assertThat(l.headroom()).isEqualTo(Ec2RateLimits.DEFAULT_HEADROOM);
        assertThat(l.permitsPerSecond(ThrottlingCategory.NON_MUTATING)).isCloseTo(16, within(1e-9));
        assertThat(l.permitsPerSecond(ThrottlingCategory.RUN_AND_START)).isCloseTo(1.6, within(1e-9));
        assertThat(l.permitsPerSecond(ThrottlingCategory.MUTATING)).isCloseTo(4, within(1e-9));
        assertThat(l.permitsPerSecond(ThrottlingCategory.SSM)).isCloseTo(4, within(1e-9));
        assertThat(l.bucket(ThrottlingCategory.TAGGING)).contains(new Ec2RateLimits.Bucket(100, 10));
    }

    @Test
    void headroomTimeScaleAndBuckets_scaleTheRates() {
        Ec2RateLimits l = Ec2RateLimits.documented().withHeadroom(0.5).withTimeScale(0.01)
                .withBucket(ThrottlingCategory.RUN_AND_START, 10, 4);
        assertThat(l.permitsPerSecond(ThrottlingCategory.MUTATING)).as("5 x 0.5 per EC2 second, / 0.01")
                .isCloseTo(250, within(1e-6));
        assertThat(l.permitsPerSecond(ThrottlingCategory.RUN_AND_START)).isCloseTo(200, within(1e-6));
        assertThat(l.timeScale()).isEqualTo(0.01);
        assertThat(l.toString()).contains("RUN_AND_START=2/200");
    }

    @Test
    void unlimited_neverWaits() {
        Ec2RateLimits l = Ec2RateLimits.unlimited();
        assertThat(l.limited()).isFalse();
        assertThat(l.bucket(ThrottlingCategory.MUTATING)).isEmpty();
        assertThat(l.permitsPerSecond(ThrottlingCategory.RUN_AND_START)).isInfinite();
        for (int i = 0; i < 1000; i++) {
            assertThat(l.acquire("RunInstances")).isZero();
        }
    }

    @Test
    void rateLimiterRegistry_holdsTheLimiterEveryPermitComesFrom_oneRegistryPerCopy() {
        Ec2RateLimits l = Ec2RateLimits.documented().withBucket(ThrottlingCategory.MUTATING, 10, 1);
        assertThat(l.rateLimiterRegistry().getAllRateLimiters()).extracting(r -> r.getName())
                .containsExactlyInAnyOrder(java.util.Arrays.stream(ThrottlingCategory.values())
                        .map(c -> "pv2hvm-" + c.name().toLowerCase()).toArray(String[]::new));
        var mutating = l.rateLimiterRegistry().find("pv2hvm-mutating").orElseThrow();
        int before = mutating.getMetrics().getAvailablePermissions();

        l.acquire("RegisterImage");

        assertThat(mutating.getMetrics().getAvailablePermissions()).as("RegisterImage took a permit of this limiter")
                .isEqualTo(before - 1);
        assertThat(l.copy().rateLimiterRegistry()).isNotSameAs(l.rateLimiterRegistry());
        assertThat(Ec2RateLimits.unlimited().rateLimiterRegistry().getAllRateLimiters()).isEmpty();
    }

    @Test
    void acquire_beyondTheBurst_waitsForThePermit() {
        // Burst 1 (half of a 2-token bucket), 10 permits per second.
        Ec2RateLimits l = Ec2RateLimits.documented().withHeadroom(1).withBucket(ThrottlingCategory.MUTATING, 2, 10);
        Duration waited = Duration.ZERO;
        for (int i = 0; i < 5; i++) {
            waited = waited.plus(l.acquire("RegisterImage"));
        }
        assertThat(waited).as("5 permits at 10/s span at least 3 periods").isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(l.acquire("DescribeInstances")).as("another category has its own limiter")
                .isLessThan(Duration.ofMillis(50));
    }

    @Test
    void onWait_hearsEveryWaitAcquireReturns_andCopiesAndLaterSettingsKeepTheListener() {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        Duration[] heardTotal = {Duration.ZERO};
        Ec2RateLimits l = Ec2RateLimits.documented().onWait((action, waited) -> {
            heard.add(action);
            heardTotal[0] = heardTotal[0].plus(waited);
        }).withHeadroom(1).withBucket(ThrottlingCategory.MUTATING, 2, 10);
        Duration returned = Duration.ZERO;
        int waits = 0;
        for (Ec2RateLimits limits : List.of(l, l.copy())) {
            for (int i = 0; i < 3; i++) {
                Duration w = limits.acquire("RegisterImage");
                returned = returned.plus(w);
                waits += w.isZero() ? 0 : 1;
            }
        }
        assertThat(waits).as("burst 1: later permits of each limiter wait").isGreaterThanOrEqualTo(2);
        assertThat(heard).hasSize(waits).containsOnly("RegisterImage");
        assertThat(heardTotal[0]).isEqualTo(returned);
        assertThatThrownBy(() -> Ec2RateLimits.documented().onWait(null)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("wait listener");
    }

    @Test
    void onWait_aListenerThatThrows_doesNotFailTheCall() {
        Ec2RateLimits l = Ec2RateLimits.documented().withHeadroom(1).withBucket(ThrottlingCategory.MUTATING, 2, 10)
                .onWait((action, waited) -> {
                    throw new IllegalStateException("listener bug");
                });
        for (int i = 0; i < 3; i++) {
            l.acquire("RegisterImage");
        }
        assertThat(l.acquire("RegisterImage")).as("the fourth permit of a burst-1 limiter waited, and was given")
                .isPositive();
    }

    @Test
    void acquire_thatWouldWaitLongerThanMaxWait_failsRetryably_withoutCalling() {
        Ec2RateLimits l = Ec2RateLimits.documented().withBucket(ThrottlingCategory.RUN_AND_START, 2, 0.01)
                .withMaxWait(Duration.ofSeconds(1)).withTimeScale(0.01);
        l.acquire("RunInstances");
        AwsCallException e = catchThrowableOfType(AwsCallException.class, () -> l.acquire("StartInstances"));
        assertThat(e.retryable()).isTrue();
        assertThat(e.errorCode()).isNull();
        assertThat(e.action()).isEqualTo("StartInstances");
        assertThat(e).hasMessageContaining("maxConcurrent").hasMessageContaining("RUN_AND_START");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -0.5, 1.01, Double.NaN})
    void headroomOutsideZeroToOne_isRefused(double headroom) {
        assertThatThrownBy(() -> Ec2RateLimits.documented().withHeadroom(headroom))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("(0, 1]");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void timeScaleNotPositiveAndFinite_isRefused(double timeScale) {
        assertThatThrownBy(() -> Ec2RateLimits.documented().withTimeScale(timeScale))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("positive");
    }

    @Test
    void badBucketsAndWaits_areRefused() {
        assertThatThrownBy(() -> Ec2RateLimits.documented().withBucket(ThrottlingCategory.MUTATING, 0, 5))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("capacity of at least 1");
        assertThatThrownBy(() -> Ec2RateLimits.documented().withBucket(ThrottlingCategory.MUTATING, 5, 0))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("refill");
        assertThatThrownBy(() -> Ec2RateLimits.unlimited().withBucket(ThrottlingCategory.MUTATING, 5, 5))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("documented()");
        assertThatThrownBy(() -> Ec2RateLimits.documented().withMaxWait(Duration.ZERO))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("positive");
    }

    @Test
    void categories_ofTheActionsPv2hvmCalls() {
        assertThat(ThrottlingCategory.of("DescribeInstances")).isEqualTo(ThrottlingCategory.NON_MUTATING);
        assertThat(ThrottlingCategory.ofUnfiltered("DescribeInstances")).isEqualTo(ThrottlingCategory.UNFILTERED_NON_MUTATING);
        assertThat(ThrottlingCategory.ofUnfiltered("GetConsoleOutput")).isEqualTo(ThrottlingCategory.NON_MUTATING);
        assertThat(ThrottlingCategory.of("RunInstances")).isEqualTo(ThrottlingCategory.RUN_AND_START);
        assertThat(ThrottlingCategory.of("StartInstances")).isEqualTo(ThrottlingCategory.RUN_AND_START);
        assertThat(ThrottlingCategory.of("TerminateInstances")).isEqualTo(ThrottlingCategory.RESOURCE_CHANGING);
        assertThat(ThrottlingCategory.of("DeleteSnapshot")).isEqualTo(ThrottlingCategory.RESOURCE_CHANGING);
        assertThat(ThrottlingCategory.of("CreateTags")).isEqualTo(ThrottlingCategory.TAGGING);
        assertThat(ThrottlingCategory.of("RegisterImage")).isEqualTo(ThrottlingCategory.MUTATING);
        for (String ssm : List.of("SendCommand", "GetCommandInvocation", "ListCommandInvocations", "CancelCommand",
                "DescribeInstanceInformation", "GetParameter")) {
            assertThat(ThrottlingCategory.of(ssm)).as(ssm).isEqualTo(ThrottlingCategory.SSM);
        }
    }

    @Test
    void categories_agreeWithTheEmulatorsModelOfEc2() {
        for (String action : EC2_ACTIONS) {
            for (boolean unfiltered : new boolean[] {false, true}) {
                ThrottlingCategory ours = unfiltered ? ThrottlingCategory.ofUnfiltered(action) : ThrottlingCategory.of(action);
                ThrottlingPolicy.Category emulator = ThrottlingPolicy.categoryOf(action, unfiltered);
                assertThat(ours.name()).as(action).isEqualTo(emulator.name());
                ThrottlingPolicy.Bucket b = ThrottlingPolicy.documented().bucket(emulator);
                assertThat(ours.documentedCapacity()).as(action).isEqualTo(b.capacity());
                assertThat(ours.documentedRefillPerSecond()).as(action).isEqualTo(b.refillPerSecond());
            }
        }
    }
}
