package io.pv2hvm.micrometer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pv2hvm.aws.Ec2RateLimits;
import io.pv2hvm.aws.ThrottlingCategory;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.ThrottlingPolicy;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The AWS SDK's call metrics against the emulator, and the rate limits' waits and Resilience4j limiters. */
class AwsAndRateLimitMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Pv2hvmMetrics metrics = Pv2hvmMetrics.of(registry);

    @Test
    void awsCalls_countCallsByActionAndOutcome_throttledAttemptsAndRetries_asTheEmulatorSawThem() {
        // One token that never refills for unfiltered describes: the first call passes, the second
        // is refused as RequestLimitExceeded on both of its attempts.
        try (Ec2Emulator emulator = Ec2Emulator.builder().throttling(ThrottlingPolicy.documented()
                .withBucket(ThrottlingPolicy.Category.UNFILTERED_NON_MUTATING, 1, 1e-6)).build().start();
             Ec2Client ec2 = client(emulator)) {
            ec2.describeInstances();
            assertThatThrownBy(ec2::describeInstances).isInstanceOfSatisfying(AwsServiceException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded"));

            long refused = emulator.journal().all().stream()
                    .filter(c -> "RequestLimitExceeded".equals(c.errorCode())).count();
            assertThat(refused).isEqualTo(2);
            assertThat(calls("succeeded")).isEqualTo(1);
            assertThat(calls("failed")).isEqualTo(1);
            assertThat(registry.get(Pv2hvmMeters.AWS_THROTTLED).tags(Pv2hvmMeters.SERVICE, "EC2",
                    Pv2hvmMeters.ACTION, "DescribeInstances").counter().count()).isEqualTo(refused);
            double retries = registry.get(Pv2hvmMeters.AWS_RETRIES).tag(Pv2hvmMeters.ACTION, "DescribeInstances")
                    .counter().count();
            assertThat(calls("succeeded") + calls("failed") + retries).as("every HTTP request the emulator answered")
                    .isEqualTo(emulator.journal().all().stream().map(RecordedCall::action).count());
        }
    }

    @Test
    void observedRateLimits_timeEveryWaitByActionAndCategory_andShowTheirResilience4jLimiters() {
        Ec2RateLimits limits = metrics.observe(Ec2RateLimits.documented().withHeadroom(1)
                .withBucket(ThrottlingCategory.MUTATING, 2, 50));

        for (int i = 0; i < 4; i++) {
            limits.acquire("RegisterImage");
        }

        assertThat(registry.get(Pv2hvmMeters.RATE_LIMIT_WAIT).tags(Pv2hvmMeters.ACTION, "RegisterImage",
                Pv2hvmMeters.CATEGORY, "mutating").timer().count()).isEqualTo(4);
        assertThat(registry.get("resilience4j.ratelimiter.available.permissions").tag("name", "pv2hvm-mutating")
                .gauge()).isNotNull();
        assertThat(registry.find("resilience4j.ratelimiter.available.permissions").gauges())
                .as("one limiter per category").hasSize(ThrottlingCategory.values().length);
    }

    private double calls(String outcome) {
        var timer = registry.find(Pv2hvmMeters.AWS_CALLS).tags(Pv2hvmMeters.SERVICE, "EC2",
                Pv2hvmMeters.ACTION, "DescribeInstances", Pv2hvmMeters.OUTCOME, outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private Ec2Client client(Ec2Emulator emulator) {
        return emulator.ec2ClientBuilder().overrideConfiguration(o -> o.addMetricPublisher(metrics.awsCalls())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(2)
                                .backoffStrategy(BackoffStrategy.retryImmediately())
                                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately()).build()))
                .build();
    }
}
