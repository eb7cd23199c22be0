package io.pv2hvm.core.guest;

import java.util.Objects;

/**
 * One change pv2hvm made to a file of the guest during a conversion. A changed file keeps its
 * original beside it as {@code path.pv2hvm-orig} (created files have none), so every change can
 * be undone by hand.
 *
 * @param path   the file in the guest, e.g. {@code /etc/udev/rules.d/70-persistent-net.rules}
 * @param reason why it was changed, e.g. "pinned eth0 to the PV instance's MAC"
 */
public record GuestChange(String path, String reason) {
    /** Both must be non-blank. */
    public GuestChange {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
        if (path.isBlank() || reason.isBlank()) {
            throw new IllegalArgumentException("a guest change needs a path and a reason");
        }
    }

    /** {@code path: reason}. */
    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
