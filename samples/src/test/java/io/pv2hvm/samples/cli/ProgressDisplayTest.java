package io.pv2hvm.samples.cli;

import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.Phase;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain display on a manual clock: the elapsed time ticks, waits are named, lines come at a sensible rate. */
class ProgressDisplayTest {
    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-05T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final StringWriter text = new StringWriter();
    private final ProgressDisplay display = new ProgressDisplay(ProgressStyle.PLAIN, new PrintWriter(text),
            new PrintStream(java.io.OutputStream.nullOutputStream()), clock);

    private java.util.List<String> lines() {
        return text.toString().lines().toList();
    }

    private String lastLine() {
        return lines().get(lines().size() - 1);
    }

    @Test
    void aWait_isNamedAtOnce_thenTicksEveryHeartbeatWithoutEvents() {
        display.onEvent(new MigrationEvent.StepStarted("m", Instant.EPOCH, "verify-trial-instance", Phase.VERIFY));
        clock.advance(Duration.ofSeconds(3));
        display.onEvent(new MigrationEvent.StepWaiting("m", Instant.EPOCH, "verify-trial-instance", "trial i-0abc status checks 0/2"));
        assertThat(lastLine()).contains("trial i-0abc status checks 0/2 · 0:00:03");

        int before = lines().size();
        for (int s = 0; s < 19; s++) {
            clock.advance(Duration.ofSeconds(1));
            display.tick();
        }
        assertThat(lines()).as("nothing changed within the heartbeat: no new line").hasSize(before);
        clock.advance(Duration.ofSeconds(1));
        display.tick();
        assertThat(lines()).hasSize(before + 1);
        assertThat(lastLine()).contains("trial i-0abc status checks 0/2 · 0:00:23");
    }

    @Test
    void aChangedDetail_isPrinted_butNotMoreOftenThanTheMinimumGap() {
        display.onEvent(new MigrationEvent.StepStarted("m", Instant.EPOCH, "snapshot-root", Phase.PREPARE));
        display.onEvent(new MigrationEvent.StepProgress("m", Instant.EPOCH, "snapshot-root", 10, "snapshot snap-1 10%"));
        int before = lines().size();
        display.onEvent(new MigrationEvent.StepProgress("m", Instant.EPOCH, "snapshot-root", 11, "snapshot snap-1 11%"));
        assertThat(lines()).as("within the minimum gap").hasSize(before);
        clock.advance(ProgressDisplay.MIN_GAP);
        display.tick();
        assertThat(lines()).hasSize(before + 1);
        assertThat(lastLine()).contains("snapshot snap-1 11% · 0:00:02");
    }

    @Test
    void aNewWaitOrState_isPrintedAtOnce() {
        display.onEvent(new MigrationEvent.StepStarted("m", Instant.EPOCH, "verify-trial-instance", Phase.VERIFY));
        display.onEvent(new MigrationEvent.StepWaiting("m", Instant.EPOCH, "verify-trial-instance", "instance i-0abc to be running"));
        display.onEvent(new MigrationEvent.StepWaiting("m", Instant.EPOCH, "verify-trial-instance", "trial i-0abc status checks 1/2"));
        assertThat(lastLine()).contains("trial i-0abc status checks 1/2 · 0:00:00");
        int before = lines().size();
        display.onEvent(new MigrationEvent.StepWaiting("m", Instant.EPOCH, "verify-trial-instance", "trial i-0abc status checks 1/2"));
        assertThat(lines()).as("the same state again: no line").hasSize(before);
    }

    @Test
    void duringCutover_theDowntimeSoFarCountsFromTheFirstCutoverStep() {
        display.onEvent(new MigrationEvent.StepStarted("m", Instant.EPOCH, "stop-source", Phase.CUTOVER));
        clock.advance(Duration.ofSeconds(40));
        display.onEvent(new MigrationEvent.StepFinished("m", Instant.EPOCH, "stop-source", Duration.ofSeconds(40)));
        display.onEvent(new MigrationEvent.StepStarted("m", Instant.EPOCH, "launch-hvm-instance", Phase.CUTOVER));
        clock.advance(Duration.ofSeconds(5));
        display.onEvent(new MigrationEvent.StepWaiting("m", Instant.EPOCH, "launch-hvm-instance", "instance i-0new to be running"));
        assertThat(lastLine())
                .contains("instance i-0new to be running · 0:00:05 · downtime so far 0:00:45");

        display.onEvent(new MigrationEvent.StepFinished("m", Instant.EPOCH, "launch-hvm-instance", Duration.ofSeconds(5)));
        display.onEvent(new MigrationEvent.StepStarted("m", Instant.EPOCH, "confirm", Phase.CONFIRM));
        clock.advance(Duration.ofSeconds(3));
        display.onEvent(new MigrationEvent.StepWaiting("m", Instant.EPOCH, "confirm", "status checks"));
        assertThat(lastLine()).endsWith("status checks · 0:00:03");
    }

    @Test
    void clockText_readsHoursMinutesSeconds() {
        assertThat(ProgressDisplay.clockText(Duration.ofSeconds(3_725))).isEqualTo("1:02:05");
    }
}
