package io.pv2hvm.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationResultTest {

    @Test
    void downtimeStepsAreTheWindowsStepsInOrder_andTheTextShowsEachShare() {
        List<StepTiming> timings = List.of(
                new StepTiming("verify-trial", Phase.VERIFY, Duration.ofSeconds(90), false, false),
                new StepTiming("stop-source", Phase.CUTOVER, Duration.ofSeconds(30), true, false),
                new StepTiming("launch", Phase.CUTOVER, Duration.ofSeconds(10), true, false),
                new StepTiming("verify-new-instance", Phase.CONFIRM, Duration.ofSeconds(100), false, false));
        MigrationResult r = new MigrationResult("m", "i-1", "i-2", "ami-1", "ami-2", List.of(), List.of(), timings,
                Duration.ofSeconds(230), Duration.ofSeconds(40), List.of(), List.of(), Map.of());

        assertThat(r.downtimeSteps()).extracting(StepTiming::step).containsExactly("stop-source", "launch");
        assertThat(r.toText()).contains("downtime window, step by step:")
                .containsPattern("stop-source +30\\.0 s +75%")
                .containsPattern("launch +10\\.0 s +25%")
                .doesNotContainPattern("verify-new-instance +100\\.0 s +\\d+%");
    }
}
