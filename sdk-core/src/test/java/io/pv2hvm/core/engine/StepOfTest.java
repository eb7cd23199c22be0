package io.pv2hvm.core.engine;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.Step;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StepOfTest {
    private final Recorder rec = new Recorder();
    private final List<String> mine = Collections.synchronizedList(new ArrayList<>());

    @Test
    void of_runsInItsPlace_andIsCompensatedWhenALaterStepFails() {
        rec.when("cutover", Recorder.fail("boom"));
        Step drain = Step.of("drain", c -> mine.add("drained " + c.stepName()), c -> mine.add("restored"));

        assertThatThrownBy(() -> Migration.of("i-0123456789abcdef0").toHvm().withMigrationId("mig-step-of")
                .withJournal(InMemoryJournal.create()).withSleeper(new FakeSleeper()).withProvider(rec.onePerPhase())
                .withStepBefore(Phase.CUTOVER, drain).run()).isInstanceOf(StepFailedException.class);

        assertThat(mine).containsExactly("drained drain", "restored");
    }

    @Test
    void of_withoutCompensation_hasNothingToUndo_andNoHooks() {
        Step notify = Step.of("notify", c -> mine.add("ran"));
        notify.compensate(null);
        notify.cleanup(null);

        assertThat(notify.name()).isEqualTo("notify");
        assertThat(notify.describe().summary()).contains("notify");
        assertThat(mine).isEmpty();
    }

    @Test
    void of_aFailingRun_failsTheMigrationWithItsMessage() {
        Step bad = Step.of("bad-step", c -> {
            throw new MigrationException("no luck");
        });

        assertThatThrownBy(() -> Migration.of("i-0123456789abcdef0").toHvm().withMigrationId("mig-step-of")
                .withJournal(InMemoryJournal.create()).withSleeper(new FakeSleeper()).withProvider(rec.onePerPhase())
                .withStepAfter(Phase.PREPARE, bad).run())
                .isInstanceOfSatisfying(StepFailedException.class, e -> assertThat(e.step()).isEqualTo("bad-step"))
                .hasMessageContaining("no luck");
    }
}
