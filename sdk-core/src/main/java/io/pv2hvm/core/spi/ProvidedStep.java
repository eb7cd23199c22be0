package io.pv2hvm.core.spi;

import io.pv2hvm.core.Phase;

import java.util.Objects;

/**
 * A step a provider contributes, with the phase it belongs to.
 *
 * @param phase the phase the step runs in
 * @param step  the step
 */
public record ProvidedStep(Phase phase, Step step) {
    /** Validates that both parts are present. */
    public ProvidedStep {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(step, "step");
    }
}
