package io.pv2hvm.samples.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sandbox's downtime split: local work and calls counted once and only inside the window; only the waits scaled. */
class DowntimeSplitTest {
    private static final long S = 1_000_000_000L;

    @Test
    void localWorkAndCallsAreMergedAndClippedToTheWindow_andOnlyTheWaitsAreScaledBackToEc2Time() {
        // Window 100..141 s. A conversion 102..110 overlapping a boot 105..112 (10 s once), a boot that began
        // before the window (95..101: 1 s inside), one that ends after it (140..150: 1 s inside), and work
        // wholly outside (10..20): 12 s of local work. Calls 111..114 (2 s not during local work) and
        // 120..123 and 121..122 (3 s once): 5 s of calls. The remaining 24 s are waits.
        DowntimeSplit split = DowntimeSplit.of(100 * S, 141 * S, List.of(new long[] {102 * S, 110 * S},
                new long[] {105 * S, 112 * S}, new long[] {95 * S, 101 * S}, new long[] {140 * S, 150 * S},
                new long[] {10 * S, 20 * S}), List.of(new long[] {111 * S, 114 * S}, new long[] {120 * S, 123 * S},
                new long[] {121 * S, 122 * S}), 0.05);

        assertThat(split.window()).isEqualTo(Duration.ofSeconds(41));
        assertThat(split.localWork()).isEqualTo(Duration.ofSeconds(12));
        assertThat(split.apiCalls()).isEqualTo(Duration.ofSeconds(5));
        assertThat(split.waitsReal()).isEqualTo(Duration.ofSeconds(24));
        assertThat(split.waitsEc2()).isEqualTo(Duration.ofSeconds(480));
        assertThat(split.atEc2Pace()).isEqualTo(Duration.ofSeconds(497));
        assertThat(split.toText()).contains("downtime window 41.0 s real = local work 12.0 s",
                "+ API calls 5.0 s + waits between polls 24.0 s, all real seconds;"
                        + " the waits stand for 480.0 s of EC2 time at time scale 0.05",
                "at EC2's pace throughout: about 497.0 s");
    }

    @Test
    void withoutLocalWorkOrCallsTheWholeWindowIsWaiting() {
        DowntimeSplit split = DowntimeSplit.of(0, 2 * S, List.of(), List.of(), 0.01);
        assertThat(split.localWork()).isZero();
        assertThat(split.apiCalls()).isZero();
        assertThat(split.waitsEc2()).isEqualTo(Duration.ofSeconds(200));
    }

    @Test
    void partsLongerThanTheWindowOrANonPositiveScaleAreRefused() {
        assertThatThrownBy(() -> new DowntimeSplit(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 0.01))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DowntimeSplit(Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
