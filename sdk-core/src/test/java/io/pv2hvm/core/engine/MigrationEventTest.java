package io.pv2hvm.core.engine;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationEventTest {
    private static final String ID = "i-0123456789abcdef0";
    private static final String MIGRATION = "mig-event-test";
    private static final Instant THEN = Instant.parse("2031-02-03T04:05:06Z");

    private final Recorder rec = new Recorder();
    private final List<MigrationEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final MigrationListener recording = events::add;

    private MigrationSpec spec() {
        return Migration.of(ID).toHvm().withMigrationId(MIGRATION).withJournal(InMemoryJournal.create())
                .withSleeper(new FakeSleeper()).withProvider(rec.onePerPhase()).withListener(recording);
    }

    @Test
    void events_carryTheRunsClock() {
        rec.when("prepare", c -> {
            c.resourceCreated(new Resource("volume", "vol-0aaa", "scratch"));
            c.progress(50, "half");
            c.waitingFor("volume vol-0aaa");
            c.warn("look");
        });

        spec().withClock(Clock.fixed(THEN, ZoneOffset.UTC)).run();

        assertThat(events).isNotEmpty().allSatisfy(e -> {
            assertThat(e.time()).isEqualTo(THEN);
            assertThat(e.migrationId()).isEqualTo(MIGRATION);
        });
        assertThat(events).hasAtLeastOneElementOfType(MigrationEvent.ResourceCreated.class)
                .hasAtLeastOneElementOfType(MigrationEvent.StepProgress.class)
                .hasAtLeastOneElementOfType(MigrationEvent.StepWaiting.class)
                .hasAtLeastOneElementOfType(MigrationEvent.Warning.class);
    }

    @Test
    void onEvent_seesTheRunInOrder_startStepsFailureCompensationsEnd() {
        rec.when("convert", Recorder.fail("boom"));

        assertThatThrownBy(() -> spec().run()).isInstanceOf(StepFailedException.class);

        assertThat(events).extracting(MigrationEventTest::describe).containsExactly(
                "started", "step-started:preflight", "step-finished:preflight", "step-started:prepare",
                "step-finished:prepare", "step-started:convert", "step-failed:convert", "compensated:convert",
                "compensated:prepare", "compensated:preflight", "finished:StepFailedException");
        assertThat(((MigrationEvent.MigrationStarted) events.get(0)).resumed()).isFalse();
    }

    @Test
    void onEvent_ofASuccessfulRun_endsWithAnEmptyFailure() {
        spec().run();

        MigrationEvent last = events.get(events.size() - 1);
        assertThat(last).isInstanceOfSatisfying(MigrationEvent.MigrationFinished.class,
                f -> assertThat(f.failure()).isEmpty());
    }

    private static String describe(MigrationEvent e) {
        if (e instanceof MigrationEvent.MigrationStarted) {
            return "started";
        } else if (e instanceof MigrationEvent.StepStarted s) {
            return "step-started:" + s.step();
        } else if (e instanceof MigrationEvent.StepFinished s) {
            return "step-finished:" + s.step();
        } else if (e instanceof MigrationEvent.StepFailed s) {
            return "step-failed:" + s.step();
        } else if (e instanceof MigrationEvent.StepCompensated s) {
            return "compensated:" + s.step();
        } else if (e instanceof MigrationEvent.MigrationFinished f) {
            return "finished:" + f.failure().map(t -> t.getClass().getSimpleName()).orElse("ok");
        }
        return e.getClass().getSimpleName();
    }
}
