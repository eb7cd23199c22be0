package io.pv2hvm.aws.internal;

import io.pv2hvm.core.Blocker;

import java.util.List;
import java.util.Objects;

/**
 * What the deep inventory's inspection found in a guest, journaled as one fact
 * ({@link AwsFacts#GUEST_INSPECTION}) for {@code GuestInspection} to read from the result.
 *
 * @param os       the guest's operating system as inspection named it
 * @param kernel   the kernel its boot menu starts by default (empty if none)
 * @param init     the guest's init (empty if unknown)
 * @param blockers what would stop its conversion for the target type, each with its fix (empty: none)
 */
public record InspectedGuest(String os, String kernel, String init, List<Blocker> blockers) {
    /** Copies the list; absent texts are empty. */
    public InspectedGuest {
        os = Objects.requireNonNullElse(os, "");
        kernel = Objects.requireNonNullElse(kernel, "");
        init = Objects.requireNonNullElse(init, "");
        blockers = List.copyOf(blockers);
    }
}
