package io.pv2hvm.core;

import java.util.Objects;

/**
 * A cloud resource a migration created or changed, as journaled.
 *
 * @param type a resource kind, e.g. {@code instance}, {@code volume}, {@code snapshot}, {@code image}
 * @param id   the provider's id, e.g. {@code vol-0abc...}
 * @param role what it is for in the migration, e.g. {@code worker}, {@code trial}, {@code backup-image};
 *             temporary roles are deleted in cleanup, kept roles are not
 */
public record Resource(String type, String id, String role) {
    /** Validates that every part is present. */
    public Resource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
    }

    @Override
    public String toString() {
        return type + " " + id + " (" + role + ")";
    }
}
