package io.pv2hvm.core.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a step will do, for the dry-run plan: a one-line summary, the resources it will create,
 * and what existing resources it will change.
 *
 * @param summary one line, imperative: "Snapshot the source root volume"
 * @param creates resources the step creates, e.g. "snapshot of vol-0abc (temporary)"
 * @param changes existing resources it changes, e.g. "i-0abc: stopped"
 */
public record StepDescription(String summary, List<String> creates, List<String> changes) {
    /** Copies the lists. */
    public StepDescription {
        Objects.requireNonNull(summary, "summary");
        creates = List.copyOf(creates);
        changes = List.copyOf(changes);
    }

    /** A step that creates and changes nothing (read-only). */
    public static StepDescription readOnly(String summary) {
        return new StepDescription(summary, List.of(), List.of());
    }
}
