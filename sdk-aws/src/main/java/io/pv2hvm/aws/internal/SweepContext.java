package io.pv2hvm.aws.internal;

import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.StepContext;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The context the sweep runs the shared EC2 operations in: outside any migration run, it
 * records each deletion in the owning migration's journal when there is one.
 */
public final class SweepContext implements StepContext {
    private final String migrationId;
    private final Journal journal;
    private final boolean journaled;

    public SweepContext(String migrationId, Journal journal, boolean journaled) {
        this.migrationId = migrationId;
        this.journal = journal;
        this.journaled = journaled;
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
    public MigrationSpec spec() {
        throw new UnsupportedOperationException("the sweep runs outside a migration spec");
    }

    @Override
    public Map<String, String> facts() {
        return Map.of();
    }

    @Override
    public void putFact(String key, String value) {
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
        if (journaled) {
            journal.append(new JournalEntry(Clock.systemUTC().instant(), migrationId,
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
        return Clock.systemUTC();
    }

    @Override
    public void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
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
