package io.pv2hvm.core.internal.engine;

import io.pv2hvm.core.Phase;
import io.pv2hvm.core.spi.Step;

/** A step placed in the run order, with who contributed it. */
record AssembledStep(Phase phase, Step step, String source) {
    String name() {
        return step.name();
    }
}
