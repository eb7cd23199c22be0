package io.pv2hvm.samples.cli;

import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.Resource;

import java.time.Duration;

/**
 * A listener that takes the step events of a migration one method each, so the CLI's listeners
 * ({@link ProgressDisplay}, {@link MigrationRecorder}) share one dispatch over the sealed
 * {@link MigrationEvent} and each says only what it does with the events it cares about (every
 * method does nothing unless overridden; the migration's own start and end are not step events).
 */
interface StepEvents extends MigrationListener {
    @Override
    default void onEvent(MigrationEvent event) {
        if (event instanceof MigrationEvent.StepStarted e) {
            stepStarted(e.step(), e.phase());
        } else if (event instanceof MigrationEvent.StepProgress e) {
            stepProgress(e.step(), e.percent(), e.detail());
        } else if (event instanceof MigrationEvent.StepWaiting e) {
            stepWaiting(e.step(), e.what());
        } else if (event instanceof MigrationEvent.StepFinished e) {
            stepFinished(e.step(), e.took());
        } else if (event instanceof MigrationEvent.StepFailed e) {
            stepFailed(e.step(), e.cause());
        } else if (event instanceof MigrationEvent.StepCompensated e) {
            stepCompensated(e.step());
        } else if (event instanceof MigrationEvent.ResourceCreated e) {
            resourceCreated(e.step(), e.resource());
        } else if (event instanceof MigrationEvent.Warning e) {
            warning(e.step(), e.message());
        }
    }

    default void stepStarted(String step, Phase phase) {
    }

    default void stepProgress(String step, double percent, String detail) {
    }

    default void stepWaiting(String step, String what) {
    }

    default void stepFinished(String step, Duration took) {
    }

    default void stepFailed(String step, Throwable cause) {
    }

    default void stepCompensated(String step) {
    }

    default void resourceCreated(String step, Resource resource) {
    }

    default void warning(String step, String message) {
    }
}
