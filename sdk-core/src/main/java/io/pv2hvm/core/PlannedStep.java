package io.pv2hvm.core;

import java.util.List;

/**
 * One step of a plan.
 *
 * @param number   1-based position in execution order
 * @param phase    the phase it runs in
 * @param name     the step's name
 * @param source   who contributed it: a provider's name, or {@code user}
 * @param summary  what it does, in one line
 * @param creates  resources it will create
 * @param changes  existing resources it will change
 * @param downtime whether it runs while the source is out of service
 */
public record PlannedStep(int number, Phase phase, String name, String source, String summary,
                          List<String> creates, List<String> changes, boolean downtime) {
    /** Copies the lists. */
    public PlannedStep {
        creates = List.copyOf(creates);
        changes = List.copyOf(changes);
    }
}
