package io.pv2hvm.core;

import java.util.Objects;

/**
 * One reason a migration cannot start, found by preflight, with the fix.
 *
 * @param code   a stable machine-readable code, e.g. {@code ROOT_PRODUCT_CODE}
 * @param reason what is wrong, naming the resource ids involved
 * @param fix    what the user can do about it
 */
public record Blocker(String code, String reason, String fix) {
    /** Validates that every part is present. */
    public Blocker {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(fix, "fix");
    }

    @Override
    public String toString() {
        return code + ": " + reason + " Fix: " + fix;
    }
}
