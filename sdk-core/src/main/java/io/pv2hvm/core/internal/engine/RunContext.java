package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.MigrationCancelledException;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationOptions;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.FactKey;
import io.pv2hvm.core.spi.JournalEntry.Type;
import io.pv2hvm.core.spi.StepContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@link StepContext} of one step in one run; writes go to the journal first. */
final class RunContext implements StepContext {
    private static final Logger LOG = LoggerFactory.getLogger(RunContext.class);

    private final Run run;
    private final String step;
    private final boolean compensating;

    RunContext(Run run, String step) {
        this(run, step, false);
    }

    /**
     * A context for a step's compensation when {@code compensating}: the run's cancellation no
     * longer applies, since the rollback it asked for must be allowed to wait for what it undoes.
     */
    RunContext(Run run, String step, boolean compensating) {
        this.run = run;
        this.step = step;
        this.compensating = compensating;
    }

    @Override
    public String migrationId() {
        return run.migrationId();
    }

    @Override
    public String stepName() {
        return step;
    }

    @Override
    public MigrationOptions options() {
        return run.spec().spec().options();
    }

    @Override
    public <T> Optional<T> find(FactKey<T> key) {
        return run.find(key);
    }

    @Override
    public boolean has(FactKey<?> key) {
        return run.has(key);
    }

    @Override
    public <T> void put(FactKey<T> key, T value) {
        run.record(Type.FACT, step, JournalFormat.factData(key, value));
    }

    @Override
    public List<Resource> resources() {
        synchronized (run) {
            return List.copyOf(run.state().resources());
        }
    }

    @Override
    public void resourceCreated(Resource r) {
        run.record(Type.RESOURCE_CREATED, step, Map.of("type", r.type(), "id", r.id(), "role", r.role()));
        LOG.info("Created {}", r);
        run.listeners().fire(new MigrationEvent.ResourceCreated(run.migrationId(), run.now(), step, r));
    }

    @Override
    public void resourceDeleted(Resource r) {
        run.record(Type.RESOURCE_DELETED, step, Map.of("type", r.type(), "id", r.id(), "role", r.role()));
        LOG.info("Deleted {}", r);
    }

    @Override
    public void progress(double percent, String detail) {
        double p = Math.max(0, Math.min(100, percent));
        run.listeners().fire(new MigrationEvent.StepProgress(run.migrationId(), run.now(), step, p, detail));
    }

    @Override
    public void waitingFor(String what) {
        run.listeners().fire(new MigrationEvent.StepWaiting(run.migrationId(), run.now(), step, what));
    }

    @Override
    public void warn(String message) {
        run.record(Type.WARNING, step, Map.of("message", message));
        LOG.warn(message);
        run.listeners().fire(new MigrationEvent.Warning(run.migrationId(), run.now(), step, message));
    }

    @Override
    public Clock clock() {
        return run.spec().clock();
    }

    @Override
    public void sleep(Duration duration) {
        if (!compensating) {
            run.cancellation().sleep(run.spec().sleeper(), duration);
            return;
        }
        try {
            run.spec().sleeper().sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationCancelledException(run.migrationId());
        }
    }

    @Override
    public void checkCancelled() {
        if (!compensating) {
            run.cancellation().check();
        }
    }
}
