package io.pv2hvm.core.spi;

import io.pv2hvm.core.MigrationCancelledException;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Resource;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a running step sees of its migration: the spec, the facts and resources journaled so far
 * (including those of an earlier, crashed run), and ways to record new ones, report progress,
 * warn, and wait without missing a cancellation.
 */
public interface StepContext {

    /** The migration's id (the journal's name). */
    String migrationId();

    /** The name of the step this context belongs to. */
    String stepName();

    /** The spec being executed. */
    MigrationSpec spec();

    /** Every fact journaled so far, by key. */
    Map<String, String> facts();

    /** One fact, if known. */
    default Optional<String> fact(String key) {
        return Optional.ofNullable(facts().get(key));
    }

    /** Records a fact, durably, before returning. Later steps and a resumed run see it. */
    void putFact(String key, String value);

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
