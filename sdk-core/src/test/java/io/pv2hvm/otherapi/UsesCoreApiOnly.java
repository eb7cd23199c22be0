package io.pv2hvm.otherapi;

import io.pv2hvm.core.Phase;

/** Test fixture: code of another module that uses only sdk-core's public API. */
public final class UsesCoreApiOnly {
    /** Uses a public core type. */
    public String first() {
        return Phase.values()[0].name();
    }
}
