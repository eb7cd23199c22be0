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

    @Test
    void idMap_mapsEveryReplacedIdToItsSuccessor_andOnlyThose() {
        MigrationResult r = new MigrationResult("m", "i-1", "i-2", "ami-2", "ami-3", List.of(), List.of(), List.of(),
                Duration.ZERO, Duration.ZERO, List.of(), List.of(), Map.of(
                        Facts.replacedBy("i-1"), "i-2", Facts.replacedBy("vol-1"), "vol-2",
                        Facts.replacedBy("eni-1"), "eni-2", Facts.TARGET_INSTANCE_TYPE, "m5.large"));

        assertThat(r.idMap()).containsOnly(Map.entry("i-1", "i-2"), Map.entry("vol-1", "vol-2"),
                Map.entry("eni-1", "eni-2"));
        assertThat(r.toText()).contains("replaced:       vol-1 -> vol-2", "replaced:       i-1 -> i-2");
    }
}
