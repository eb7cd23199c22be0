package io.pv2hvm.core;

/**
 * Receives the events of a running migration. Called on the migration's thread: keep it quick,
 * and do not throw (an exception from a listener is logged and ignored). Java 17 has no pattern
 * {@code switch}, so test for the kinds you want with {@code instanceof}:
 *
 * <pre>{@code
 * spec.withListener(e -> {
 *     if (e instanceof MigrationEvent.StepProgress p) {
 *         System.out.printf("%s %.0f%% %s%n", p.step(), p.percent(), p.detail());
 *     }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface MigrationListener {

    /** One event of the migration; see {@link MigrationEvent} for the kinds. */
    void onEvent(MigrationEvent event);

    /** A listener that ignores everything. */
    static MigrationListener none() {
        return event -> { };
    }
}
