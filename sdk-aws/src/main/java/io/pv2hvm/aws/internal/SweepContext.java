package io.pv2hvm.aws.internal;

import io.pv2hvm.core.MigrationOptions;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.FactKey;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.Sleeper;
import io.pv2hvm.core.spi.StepContext;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The context the sweep runs the shared EC2 operations in: outside any migration run, it
 * records each deletion in the owning migration's journal when there is one.
 */
public final class SweepContext implements StepContext {
    private final String migrationId;
    /** The owning migration's journal, or null when it has none: deletions then go unrecorded. */
    private final Journal journal;
    private final Clock clock;
    private final Sleeper sleeper;

    private SweepContext(String migrationId, Journal journal, Clock clock, Sleeper sleeper) {
        this.migrationId = migrationId;
        this.journal = journal;
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        this.sleeper = java.util.Objects.requireNonNull(sleeper, "sleeper");
    }

    /** A context that records each deletion in {@code journal}, the migration's own journal. */
    public static SweepContext recordingIn(Journal journal, String migrationId, Clock clock, Sleeper sleeper) {
        return new SweepContext(migrationId, java.util.Objects.requireNonNull(journal, "journal"), clock, sleeper);
    }

    /** A context for a migration no journal here knows: its deletions are recorded nowhere. */
    public static SweepContext unrecorded(String migrationId, Clock clock, Sleeper sleeper) {
        return new SweepContext(migrationId, null, clock, sleeper);
    }

    @Override
    public String migrationId() {
        return migrationId;
    }

    @Override
    public String stepName() {
        return "sweep";
    }

    @Override
    public MigrationOptions options() {
        throw new UnsupportedOperationException("the sweep runs outside a migration spec");
    }

    /** The sweep reads no journal's facts: it finds its resources by their tags. */
    @Override
    public <T> Optional<T> find(FactKey<T> key) {
        return Optional.empty();
    }

    @Override
    public boolean has(FactKey<?> key) {
        return false;
    }

    @Override
    public <T> void put(FactKey<T> key, T value) {
        throw new UnsupportedOperationException("the sweep records no facts");
    }

    @Override
    public List<Resource> resources() {
        return List.of();
    }

    @Override
    public void resourceCreated(Resource resource) {
        throw new UnsupportedOperationException("the sweep creates nothing");
    }

    @Override
    public void resourceDeleted(Resource r) {
        if (journal != null) {
            journal.append(new JournalEntry(clock.instant(), migrationId,
                    JournalEntry.Type.RESOURCE_DELETED, "sweep", Map.of("type", r.type(), "id", r.id(), "role", r.role())));
        }
    }

    @Override
    public void progress(double percent, String detail) {
    }

    @Override
    public void warn(String message) {
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void sleep(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.pv2hvm.core.MigrationCancelledException(migrationId);
        }
    }

    @Override
    public void checkCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new io.pv2hvm.core.MigrationCancelledException(migrationId);
        }
    }
}
