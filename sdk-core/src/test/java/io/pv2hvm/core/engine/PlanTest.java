package io.pv2hvm.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.PlannedStep;
import io.pv2hvm.core.journal.InMemoryJournal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PlanTest {

    @Test
    void plan_listsStepsInOrderWithWhatTheyCreate_marksTheDowntimeWindow_andRunsNothing() throws Exception {
        Recorder rec = new Recorder();
        InMemoryJournal journal = InMemoryJournal.create();

        MigrationPlan plan = Migration.of("i-0123456789abcdef0").toHvm().preservingIps().withMigrationId("mig-plan")
                .withJournal(journal).withProvider(rec.onePerPhase())
                .withStepBefore(Phase.CUTOVER, rec.step("drain")).plan();

        assertThat(rec.events).isEmpty();
        assertThat(journal.read("mig-plan")).isEmpty();
        assertThat(plan.steps()).extracting(PlannedStep::name).containsExactly("preflight", "prepare", "convert",
                "register", "verify", "drain", "cutover", "confirm", "cleanup");
        assertThat(plan.steps()).extracting(PlannedStep::number).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(plan.downtimeSteps()).extracting(PlannedStep::name).containsExactly("drain", "cutover");
        assertThat(plan.steps().get(5).source()).isEqualTo("user");
        assertThat(plan.steps().get(6).source()).isEqualTo("test");
        assertThat(plan.options()).containsEntry("preserveIps", "true");

        assertThat(plan.toText()).contains("CUTOVER  [downtime window]", "creates: convert-thing",
                "2 of 9 steps run while the source is down");
        JsonNode json = new ObjectMapper().readTree(plan.toJson());
        assertThat(json.get("instanceId").asText()).isEqualTo("i-0123456789abcdef0");
        assertThat(json.get("steps")).hasSize(9);
        assertThat(json.get("steps").get(6).get("downtime").asBoolean()).isTrue();
        assertThat(json.get("steps").get(2).get("creates").get(0).asText()).isEqualTo("convert-thing");
    }
}
