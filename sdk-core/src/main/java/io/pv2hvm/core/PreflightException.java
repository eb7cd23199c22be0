package io.pv2hvm.core;

import java.util.List;

/**
 * Preflight found one or more reasons the migration cannot start. Every blocker is reported
 * at once, each with its fix. Nothing was changed.
 */
public class PreflightException extends MigrationException {
    private final List<Blocker> blockers;

    /** Creates the error from a non-empty list of blockers. */
    public PreflightException(String instanceId, List<Blocker> blockers) {
        super(message(instanceId, blockers));
        if (blockers.isEmpty()) {
            throw new IllegalArgumentException("a preflight failure needs at least one blocker");
        }
        this.blockers = List.copyOf(blockers);
    }

    /** The blockers, in the order preflight found them. */
    public List<Blocker> blockers() {
        return blockers;
    }

    private static String message(String instanceId, List<Blocker> blockers) {
        StringBuilder sb = new StringBuilder("Instance " + instanceId + " cannot be migrated yet ("
                + blockers.size() + " blocker" + (blockers.size() == 1 ? "" : "s") + "); nothing was changed:");
        for (Blocker b : blockers) {
            sb.append("\n  - ").append(b);
        }
        return sb.toString();
    }
}
