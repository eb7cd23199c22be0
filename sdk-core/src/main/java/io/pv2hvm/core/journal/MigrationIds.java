package io.pv2hvm.core.journal;

import io.pv2hvm.core.InvalidSpecException;

import java.util.regex.Pattern;

/**
 * The shape of migration ids; checked before an id becomes a file name or a database key, so every
 * {@link io.pv2hvm.core.spi.Journal} accepts and refuses the same ids.
 */
public final class MigrationIds {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{2,62}");

    private MigrationIds() {
    }

    /**
     * Returns {@code id} if it is a well-formed migration id.
     *
     * @throws InvalidSpecException saying what a migration id looks like, if it is not one
     */
    public static String requireValid(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidSpecException("'" + id + "' is not a migration id: expected lowercase letters, digits"
                    + " and '-', 3 to 63 characters, as printed by a run (e.g. mig-20261121-070735-1a2b3c).");
        }
        return id;
    }
}
