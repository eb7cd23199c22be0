package io.pv2hvm.samples.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sandbox's downtime split: local work counted once and only inside the window; the rest scaled to EC2 time. */
class DowntimeSplitTest {
    private static final long S = 1_000_000_000L;

    @Test
    void localWorkIsMergedClippedToTheWindow_andTheRestIsScaledBackToEc2Time() {
        // Window 100..141 s. A conversion 102..110 overlapping a boot 105..112 (7+3 = 10 s once), a boot that
        // began before the window (95..101: 1 s inside) and one that ends after it (140..150: 1 s inside),
        // and work wholly outside (10..20).
        DowntimeSplit split = DowntimeSplit.of(100 * S, 141 * S, List.of(new long[] {102 * S, 110 * S},
                new long[] {105 * S, 112 * S}, new long[] {95 * S, 101 * S}, new long[] {140 * S, 150 * S},
                new long[] {10 * S, 20 * S}), 0.05);

        assertThat(split.window()).isEqualTo(Duration.ofSeconds(41));
        assertThat(split.localWork()).isEqualTo(Duration.ofSeconds(12));
        assertThat(split.ec2Real()).isEqualTo(Duration.ofSeconds(29));
        assertThat(split.ec2Time()).isEqualTo(Duration.ofSeconds(580));
        assertThat(split.atEc2Pace()).isEqualTo(Duration.ofSeconds(592));
        assertThat(split.toText()).contains("downtime window 41.0 s real = local work 12.0 s",
                "EC2 waits and API calls 29.0 s real (580.0 s of EC2 time at time scale 0.05)",
                "at EC2's pace throughout: about 592.0 s");
    }

    @Test
    void withoutLocalWorkTheWholeWindowIsEc2Time() {
        DowntimeSplit split = DowntimeSplit.of(0, 2 * S, List.of(), 0.01);
        assertThat(split.localWork()).isZero();
        assertThat(split.ec2Time()).isEqualTo(Duration.ofSeconds(200));
    }

    @Test
    void localWorkLongerThanTheWindowOrANonPositiveScaleIsRefused() {
        assertThatThrownBy(() -> new DowntimeSplit(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.01))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DowntimeSplit(Duration.ofSeconds(1), Duration.ZERO, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
