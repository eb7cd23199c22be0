package io.pv2hvm.core.engine;

import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;

/** Small steps for API tests outside this package. */
public final class PlanFixtures {
    private PlanFixtures() {
    }

    /** A step that does nothing, with the given name. */
    public static Step named(String name) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(StepContext context) {
            }
        };
    }
}
