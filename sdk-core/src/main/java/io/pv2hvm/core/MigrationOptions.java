package io.pv2hvm.core;

import io.pv2hvm.core.spi.CommandTransport;

import java.util.Optional;

/**
 * A read-only view of what the user set on a {@link MigrationSpec}, for steps, providers and
 * fact fallbacks: it cannot run, plan or change the migration. Each getter is named like the
 * setter or switch that sets it.
 */
public interface MigrationOptions {

    /** The source instance's id, as given to {@link Migration#of(String)}. */
    String instanceId();

    /** Whether {@link MigrationSpec#preservingIps()} was set: the source's IPs move to the new instance. */
    boolean preservingIps();

    /** Whether {@link MigrationSpec#keepingSource()} was set: the source is stopped, not terminated. */
    boolean keepingSource();

    /** Whether {@link MigrationSpec#acceptingInstanceStoreLoss()} was set. */
    boolean acceptingInstanceStoreLoss();

    /** Whether {@link MigrationSpec#acceptingStackDrift()} was set. */
    boolean acceptingStackDrift();

    /** The type given with {@link MigrationSpec#withInstanceType}, if any. */
    Optional<String> instanceType();

    /** The strategy given with {@link MigrationSpec#withStrategy}, if any. */
    Optional<ConversionStrategy> strategy();

    /** The worker given with {@link MigrationSpec#withWorker(Worker)}, else {@link Worker#launched()}. */
    Worker worker();

    /** The transport given with {@link MigrationSpec#withTransport}, if any. */
    Optional<CommandTransport> transport();

    /** The trial's health command given with {@link MigrationSpec#withHealthCommand}, if any. */
    Optional<String> healthCommand();
}
