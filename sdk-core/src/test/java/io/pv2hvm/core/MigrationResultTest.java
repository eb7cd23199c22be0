package io.pv2hvm.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationResultTest {

    private static StepTiming timing(String step, Phase phase, long seconds) {
        return StepTiming.builder().step(step).phase(phase).took(Duration.ofSeconds(seconds))
                .downtime(phase.downtime()).build();
    }

    @Test
    void downtimeStepsAreTheWindowsStepsInOrder_andTheTextShowsEachShare() {
        List<StepTiming> timings = List.of(
                timing("verify-trial", Phase.VERIFY, 90),
                timing("stop-source", Phase.CUTOVER, 30),
                timing("launch", Phase.CUTOVER, 10),
                timing("verify-new-instance", Phase.CONFIRM, 100));
        MigrationResult r = MigrationResult.builder().migrationId("m").sourceInstanceId("i-1").newInstanceId("i-2")
                .newImageId("ami-1").backupImageId("ami-2").timings(timings).total(Duration.ofSeconds(230))
                .downtime(Duration.ofSeconds(40)).build();

        assertThat(r.downtimeSteps()).extracting(StepTiming::step).containsExactly("stop-source", "launch");
        assertThat(r.toText()).contains("downtime window, step by step:")
                .containsPattern("stop-source +30\\.0 s +75%")
                .containsPattern("launch +10\\.0 s +25%")
                .doesNotContainPattern("verify-new-instance +100\\.0 s +\\d+%");
    }

    @Test
    void idMap_mapsEveryReplacedIdToItsSuccessor_andOnlyThose() {
        MigrationResult r = MigrationResult.builder().migrationId("m").sourceInstanceId("i-1").newInstanceId("i-2")
                .newImageId("ami-2").backupImageId("ami-3").facts(Map.of(
                        MigrationFacts.REPLACED_BY.of("i-1").name(), "i-2", MigrationFacts.REPLACED_BY.of("vol-1").name(), "vol-2",
                        MigrationFacts.REPLACED_BY.of("eni-1").name(), "eni-2", MigrationFacts.TARGET_INSTANCE_TYPE.name(), "m5.large")).build();

        assertThat(r.idMap()).containsOnly(Map.entry("i-1", "i-2"), Map.entry("vol-1", "vol-2"),
                Map.entry("eni-1", "eni-2"));
        assertThat(r.toText()).contains("replaced:       vol-1 -> vol-2", "replaced:       i-1 -> i-2");
    }

    @Test
    void builder_roundTrips() {
        MigrationResult r = MigrationResult.builder().migrationId("m").sourceInstanceId("i-1").newInstanceId("i-2")
                .ipsBefore(List.of("10.0.0.5")).ipsAfter(List.of("10.0.0.5")).timings(List.of(timing("launch", Phase.CUTOVER, 3)))
                .total(Duration.ofMinutes(9)).downtime(Duration.ofSeconds(3)).warnings(List.of("w"))
                .resourcesKept(List.of(new Resource("image", "ami-1", "backup"))).facts(Map.of("result.x", "y")).build();

        assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
        assertThat(r.toBuilder().newInstanceId("i-3").build()).isNotEqualTo(r)
                .extracting(MigrationResult::newInstanceId).isEqualTo("i-3");
        StepTiming t = timing("launch", Phase.CUTOVER, 3);
        assertThat(t.toBuilder().resumed(true).build().resumed()).isTrue();
        assertThat(t.toBuilder().build()).isEqualTo(t);
        PlannedStep p = PlannedStep.builder().number(1).phase(Phase.PREPARE).name("n").source("user").summary("s")
                .creates(List.of("c")).build();
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(p.changes()).isEmpty();
    }

    @Test
    void toJson_keepsTheRecordsMembers() throws Exception {
        MigrationResult r = MigrationResult.builder().migrationId("m").sourceInstanceId("i-1").newInstanceId("i-2")
                .timings(List.of(timing("launch", Phase.CUTOVER, 3))).total(Duration.ofSeconds(9))
                .downtime(Duration.ofSeconds(3)).facts(Map.of("result.api-calls", "12")).build();

        JsonNode json = new ObjectMapper().readTree(r.toJson());

        assertThat(json.fieldNames()).toIterable().containsExactly("migrationId", "sourceInstanceId", "newInstanceId",
                "newImageId", "backupImageId", "ipsBefore", "ipsAfter", "timings", "total", "downtime", "warnings",
                "resourcesKept", "facts");
        assertThat(json.get("total").asText()).isEqualTo("PT9S");
        assertThat(json.get("timings").get(0).fieldNames()).toIterable()
                .containsExactly("step", "phase", "took", "downtime", "resumed");
        assertThat(json.get("timings").get(0).get("downtime").asBoolean()).isTrue();
        assertThat(json.get("facts").get("result.api-calls").asText()).isEqualTo("12");
    }

    @Test
    void fact_decodesAWellKnownFactByItsKey() {
        MigrationResult r = MigrationResult.builder().migrationId("m").sourceInstanceId("i-1")
                .facts(Map.of("result.new-instance-id", "i-2", "result.ips-after", "10.0.0.5,10.0.0.6")).build();

        assertThat(r.fact(MigrationFacts.NEW_INSTANCE_ID)).contains("i-2");
        assertThat(r.fact(MigrationFacts.IPS_AFTER)).contains(List.of("10.0.0.5", "10.0.0.6"));
        assertThat(r.fact(MigrationFacts.BACKUP_IMAGE_ID)).isEmpty();
    }
}
