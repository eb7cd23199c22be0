package io.pv2hvm.core.spi;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One unit of a migration, with its undo. Like Packer's multistep: {@link #run} does the work,
 * {@link #compensate} undoes it when a later step fails or the migration is cancelled.
 *
 * <p>Steps must be idempotent: after a crash, {@code Migration.resume} runs a step that had
 * started but not finished again, so {@code run} first looks for what it already created (in
 * its facts ({@link StepContext#find}), its {@link StepContext#resources()}, by tag, or by client token).
 * {@code compensate} is called for a step that started, even if it failed part-way, and must
 * tolerate partial work and being called twice.
 *
 * <p>{@link #cleanup} releases a step's temporaries once the migration has succeeded (Packer's
 * Cleanup): the engine calls it for every done step, in reverse step order, when the CLEANUP
 * phase begins.
 */
public interface Step {

    /** A unique name, kebab-case, e.g. {@code snapshot-root}. Used in the journal and for retry overrides. */
    String name();

    /** Does the step's work. Throw a {@code MigrationException} (retryable or not) to fail it. */
    void run(StepContext context);

    /** Undoes the step's work. The default does nothing (read-only steps). */
    default void compensate(StepContext context) {
    }

    /** What the step will do, for the dry-run plan. The default names the step only. */
    default StepDescription describe() {
        return StepDescription.readOnly(name());
    }

    /**
     * Releases this step's temporaries after a successful run, when the CLEANUP phase begins:
     * the engine calls it for every done step in reverse step order, once (journaled, so a
     * resumed run does not call it again). It must be idempotent. It runs under the step's retry
     * policy; a failure left after the retries becomes a warning: the migration stands. It is not called when the migration fails; {@link #compensate} is.
     * The default does nothing.
     */
    default void cleanup(StepContext context) {
    }

    /**
     * A small step from a name and what it does; it has nothing to undo.
     *
     * @param name kebab-case, unique in the migration, e.g. {@code notify-team}
     * @param run  the work
     */
    static Step of(String name, Consumer<StepContext> run) {
        return of(name, run, context -> { });
    }

    /**
     * A small step from a name, what it does and how to undo it.
     *
     * @param name       kebab-case, unique in the migration, e.g. {@code drain-load-balancer}
     * @param run        the work
     * @param compensate undoes it when a later step fails or the migration is cancelled
     */
    static Step of(String name, Consumer<StepContext> run, Consumer<StepContext> compensate) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(compensate, "compensate");
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(StepContext context) {
                run.accept(context);
            }

            @Override
            public void compensate(StepContext context) {
                compensate.accept(context);
            }

            @Override
            public String toString() {
                return "Step " + name;
            }
        };
    }
}
