package io.pv2hvm.aws;

import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.TransportException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fleet's totals, and which failures count as throttling that reached the caller. */
class FleetResultTest {
    private static final AwsCallException THROTTLED = new AwsCallException("RunInstances", "RequestLimitExceeded",
            "RunInstances failed: RequestLimitExceeded", null, true);

    @Test
    void aFailureCausedByThrottling_countsAsThrottlingThatReachedTheCaller() {
        FleetResult r = FleetResult.builder().outcomes(List.of(
                failed("i-00000001", new StepFailedException("m1", "launch-hvm-instance", THROTTLED, List.of(), List.of())),
                failed("i-00000002", new StepFailedException("m2", "convert", new TransportException("SSM said no",
                        new AwsCallException("SendCommand", "ThrottlingException", "slow down", null, true), true),
                        List.of(), List.of())),
                failed("i-00000003", new StepFailedException("m3", "convert",
                        new AwsCallException("RunInstances", "InsufficientInstanceCapacity", "none", null, true),
                        List.of(), List.of())),
                failed("i-00000004", new PreflightException("i-00000004", List.of(new Blocker("not-pv", "it is HVM already", "nothing to do"))))))
                .makespan(Duration.ofSeconds(3)).maxConcurrent(2).peakConcurrency(2).build();

        assertThat(r.throttlingFailures()).isEqualTo(2);
        assertThat(r.outcomes()).extracting(FleetResult.Outcome::failedByThrottling)
                .containsExactly(true, true, false, false);
        assertThat(r.failed()).hasSize(4);
        assertThat(r.allSucceeded()).isFalse();
        assertThat(r.apiCalls()).isEqualTo(40);
        assertThat(r.throttlingErrors()).isEqualTo(4);
        assertThat(r.rateLimitWait()).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void anOutcomeHasEitherAResultOrAnError() {
        assertThatThrownBy(() -> new FleetResult.Outcome("i-00000001", null, null, 0, 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static FleetResult.Outcome failed(String id, MigrationException e) {
        return new FleetResult.Outcome(id, null, e, 10, 1, Duration.ofMillis(100));
    }
}
