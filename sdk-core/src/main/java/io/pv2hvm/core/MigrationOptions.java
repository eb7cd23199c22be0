package io.pv2hvm.core;

/**
 * A read-only view of what the user set on a {@link MigrationSpec}, for steps and fact fallbacks:
 * it cannot run, plan or change the migration.
 */
public interface MigrationOptions {

    /** The source instance's id, as given to {@link Migration#of(String)}. */
    String instanceId();
}
