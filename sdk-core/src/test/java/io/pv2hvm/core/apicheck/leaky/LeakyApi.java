package io.pv2hvm.core.apicheck.leaky;

import io.pv2hvm.core.apicheck.leaky.internal.Hidden;

import java.util.List;
import java.util.function.Supplier;

/** Test fixture: a public API that leaks an internal type in three ways. */
public final class LeakyApi {
    /** Leaks through a return type. */
    public Hidden hidden() {
        return new Hidden();
    }

    /** Leaks through a type argument of a parameter. */
    public void take(List<? extends Supplier<Hidden>> list) {
    }

    /** Does not leak: private. */
    private Hidden notApi() {
        return null;
    }

    /** Leaks a third-party type. */
    public org.junit.jupiter.api.TestInfo thirdParty() {
        return null;
    }
}
