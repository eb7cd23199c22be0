package io.pv2hvm.core;

import java.util.List;

/**
 * A step failed; the steps that had run were compensated in reverse order. Says which step
 * failed, why (the cause), what was rolled back, and what could not be rolled back (which then
 * needs a look by a person: the resource ids are in the message and the journal).
 */
public class StepFailedException extends MigrationException {
    private final String migrationId;
    private final String step;
    private final List<String> rolledBack;
    private final List<String> notRolledBack;

    /** Creates the error; {@code cause} is the step's own failure. */
    public StepFailedException(String migrationId, String step, Throwable cause,
                               List<String> rolledBack, List<String> notRolledBack) {
        super(message(migrationId, step, cause, rolledBack, notRolledBack), cause,
                cause instanceof MigrationException m && m.retryable());
        this.migrationId = migrationId;
        this.step = step;
        this.rolledBack = List.copyOf(rolledBack);
        this.notRolledBack = List.copyOf(notRolledBack);
    }

    /** The migration this failure belongs to (its journal id). */
    public String migrationId() {
        return migrationId;
    }

    /** The name of the step that failed. */
    public String step() {
        return step;
    }

    /** Steps compensated successfully, in the order they were compensated. */
    public List<String> rolledBack() {
        return rolledBack;
    }

    /** Steps whose compensation failed, with the reason; empty when the rollback was complete. */
    public List<String> notRolledBack() {
        return notRolledBack;
    }

    private static String message(String migrationId, String step, Throwable cause,
                                  List<String> rolledBack, List<String> notRolledBack) {
        String why = cause == null ? "unknown cause" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        String msg = "Migration " + migrationId + ": step '" + step + "' failed (" + why + "). Rolled back: "
                + (rolledBack.isEmpty() ? "nothing to roll back" : String.join(", ", rolledBack)) + ".";
        if (!notRolledBack.isEmpty()) {
            msg += " NOT rolled back, needs attention: " + String.join("; ", notRolledBack) + ".";
        }
        return msg;
    }
}
