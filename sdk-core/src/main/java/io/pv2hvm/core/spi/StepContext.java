package io.pv2hvm.core.spi;

import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.MigrationCancelledException;
import io.pv2hvm.core.MigrationOptions;
import io.pv2hvm.core.Resource;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a running step sees of its migration: the options, the typed facts ({@link FactKey}) and
 * resources journaled so far (including those of an earlier, crashed run), and ways to record new
 * ones, report progress, warn, and wait without missing a cancellation.
 */
public interface StepContext {

    /** The migration's id (the journal's name). */
    String migrationId();

    /** The name of the step this context belongs to. */
    String stepName();

    /** What the user set, read-only. */
    MigrationOptions options();

    /**
     * A typed fact, if journaled (under its name, else under one of its older names). It ignores
     * the key's fallback: see {@link #get}.
     */
    <T> Optional<T> find(FactKey<T> key);

    /**
     * A typed fact, else the key's fallback (e.g. the spec's instance for
     * {@code MigrationFacts.CURRENT_SOURCE_ID}).
     *
     * @throws JournalException when neither exists: a step asked for a fact no earlier step recorded
     */
    default <T> T get(FactKey<T> key) {
        return find(key).or(() -> key.fallback(options())).orElseThrow(() -> new JournalException(
                "Step " + stepName() + " needs fact '" + key.name() + "', which no earlier step of migration "
                        + migrationId() + " recorded."));
    }

    /** Records a typed fact, durably, before returning. Later steps and a resumed run see it. */
    <T> void put(FactKey<T> key, T value);

    /** Whether the fact was journaled (under its name or an older one); the fallback does not count. */
    boolean has(FactKey<?> key);

    /** Every resource created so far, in creation order. */
    List<Resource> resources();

    /** Records a created resource, durably, before returning; call it right after creating one. */
    void resourceCreated(Resource resource);

    /** Records that a resource this migration created is gone (deleted in cleanup or rollback). */
    void resourceDeleted(Resource resource);

    /** Reports progress of this step, 0 to 100. */
    void progress(double percent, String detail);

    /**
     * Says what the step waits for now, e.g. {@code "trial i-0abc status checks 1/2"}, for a display
     * to show beside its clock during a wait that has no percentage. Call it when the state
     * changes or on each poll; the latest text replaces the earlier one. Not journaled.
     */
    default void waitingFor(String what) {
    }

    /** This context as a {@link ProgressSink}, for code that reports progress without knowing the step. */
    default ProgressSink progressSink() {
        return this::progress;
    }

    /** Records a warning for the result and the listener. */
    void warn(String message);

    /** The migration's clock. */
    Clock clock();

    /**
     * Waits for {@code duration}, returning early by throwing {@link MigrationCancelledException}
     * if the migration is cancelled meanwhile. Polling loops should wait through this.
     */
    void sleep(Duration duration);

    /** A safe point: throws {@link MigrationCancelledException} if the migration was cancelled. */
    void checkCancelled();
}
