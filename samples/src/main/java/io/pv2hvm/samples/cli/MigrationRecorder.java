package io.pv2hvm.samples.cli;

import io.pv2hvm.core.Phase;
import io.pv2hvm.core.Resource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records when each step of a migration ran and what it created, for {@link HtmlReport}. */
final class MigrationRecorder implements StepEvents {
    /** How a step ended. */
    enum Status { RUNNING, DONE, FAILED, ROLLED_BACK }

    /** One step's run: start and end on the recorder's clock. */
    record Span(String step, Phase phase, Instant start, Instant end, Status status) {
        Duration took() {
            return Duration.between(start, end);
        }
    }

    /** A resource and the step that created it. */
    record Created(String step, Resource resource) {
    }

    private final Clock clock;
    private final Map<String, Span> spans = new LinkedHashMap<>();
    private final List<Created> created = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    MigrationRecorder(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void stepStarted(String step, Phase phase) {
        Instant now = clock.instant();
        spans.put(step, new Span(step, phase, now, now, Status.RUNNING));
    }

    @Override
    public synchronized void stepFinished(String step, Duration took) {
        end(step, Status.DONE);
    }

    @Override
    public synchronized void stepFailed(String step, Throwable cause) {
        end(step, Status.FAILED);
    }

    @Override
    public synchronized void stepCompensated(String step) {
        Span s = spans.get(step);
        if (s != null && s.status() == Status.DONE) {
            spans.put(step, new Span(s.step(), s.phase(), s.start(), s.end(), Status.ROLLED_BACK));
        }
    }

    @Override
    public synchronized void resourceCreated(String step, Resource resource) {
        created.add(new Created(step, resource));
    }

    @Override
    public synchronized void warning(String step, String message) {
        warnings.add(step + ": " + message);
    }

    private void end(String step, Status status) {
        Span s = spans.get(step);
        if (s != null) {
            spans.put(step, new Span(s.step(), s.phase(), s.start(), clock.instant(), status));
        }
    }

    /** The steps in start order; one still running ends now. */
    synchronized List<Span> spans() {
        Instant now = clock.instant();
        return spans.values().stream().map(s -> s.status() == Status.RUNNING
                ? new Span(s.step(), s.phase(), s.start(), now, Status.RUNNING) : s).toList();
    }

    synchronized List<Created> created() {
        return List.copyOf(created);
    }

    synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }
}
