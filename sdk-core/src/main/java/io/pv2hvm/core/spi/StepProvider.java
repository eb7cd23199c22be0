package io.pv2hvm.core.spi;

import io.pv2hvm.core.MigrationOptions;

import java.util.List;

/**
 * Contributes the steps of a migration, e.g. the EC2 steps of sdk-aws. Like a step, it sees the
 * read-only {@link MigrationOptions}, not the spec (which could run or change the migration). Register it
 * explicitly with {@code MigrationSpec.withProvider}; {@link java.util.ServiceLoader} is the
 * fallback when none is registered. Two providers that contribute a step of the same name
 * fail the migration before anything runs.
 */
public interface StepProvider {

    /** A short name for messages and the plan, e.g. {@code aws}. */
    String name();

    /**
     * The steps for these options, in execution order within each phase. {@code plan()} calls this
     * alone, so it may build step objects but should not open a client or need a region.
     */
    List<ProvidedStep> steps(MigrationOptions options);

    /**
     * One run: its steps plus what they hold open. Called by {@code run()} and {@code runAsync()}
     * only; the engine closes the session in a {@code finally}. The default is the steps of
     * {@link #steps} with nothing to close; a provider that creates transports or clients for a
     * run returns {@code RunSession.of(steps, thoseClients...)}.
     */
    default RunSession open(MigrationOptions options, RunEnvironment environment) {
        return RunSession.of(steps(options));
    }
}
