package io.pv2hvm.core.spi;

/**
 * One unit of a migration, with its undo. Like Packer's multistep: {@link #run} does the work,
 * {@link #compensate} undoes it when a later step fails or the migration is cancelled.
 *
 * <p>Steps must be idempotent: after a crash, {@code Migration.resume} runs a step that had
 * started but not finished again, so {@code run} first looks for what it already created (in
 * {@link StepContext#facts()} and {@link StepContext#resources()}, by tag, or by client token).
 * {@code compensate} is called for a step that started, even if it failed part-way, and must
 * tolerate partial work and being called twice.
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
}
