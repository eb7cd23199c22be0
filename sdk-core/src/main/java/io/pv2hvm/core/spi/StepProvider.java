package io.pv2hvm.core.spi;

import io.pv2hvm.core.MigrationSpec;

import java.util.List;

/**
 * Contributes the steps of a migration for a spec, e.g. the EC2 steps of sdk-aws. Register it
 * explicitly with {@code MigrationSpec.withProvider}; {@link java.util.ServiceLoader} is the
 * fallback when none is registered. Two providers that contribute a step of the same name
 * fail the migration before anything runs.
 */
public interface StepProvider {

    /** A short name for messages and the plan, e.g. {@code aws}. */
    String name();

    /** The steps for this spec, in execution order within each phase. */
    List<ProvidedStep> steps(MigrationSpec spec);
}
