package io.pv2hvm.core.spi;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.internal.SpecAccess;

import java.time.Clock;
import java.util.Optional;

/**
 * Checks for code that builds specs on a user's behalf (a fleet shapes one spec per instance
 * with the user's function) and must refuse what that function may not do.
 */
public final class SpecChecks {
    private SpecChecks() {
    }

    /**
     * Refuses a spec that a fleet's per-instance function returned for {@code instanceId} unless
     * it is a refinement of a new migration of that instance with no step provider of its own.
     *
     * @throws InvalidSpecException naming the instance and what to do instead
     */
    public static void requireFleetMember(String instanceId, MigrationSpec shaped) {
        SpecAccess access = shaped == null ? null : SpecAccess.of(shaped);
        if (access == null || !access.instanceId().equals(instanceId) || access.resuming()) {
            throw new InvalidSpecException("each(...) must return a refinement of the spec it is given (for "
                    + instanceId + "), e.g. s -> s.preservingIps(); it returned " + shaped + ".");
        }
        if (!access.providers().isEmpty()) {
            throw new InvalidSpecException("each(...) registered a step provider for " + instanceId + "; give the"
                    + " AWS steps to the fleet with using(aws) instead, so its rate limits and figures apply.");
        }
    }

    /** The migration id given with {@code withMigrationId}, if any (a fleet checks they differ). */
    public static Optional<String> givenMigrationId(MigrationSpec spec) {
        return SpecAccess.of(spec).migrationId();
    }

    /**
     * The clock given with {@code withClock}, else the system's: a fleet times its migrations on
     * the clock they run on (an engine setting, so the spec itself does not show it).
     */
    public static Clock givenClock(MigrationSpec spec) {
        return SpecAccess.of(spec).clock();
    }
}
