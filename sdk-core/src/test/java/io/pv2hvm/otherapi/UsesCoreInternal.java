package io.pv2hvm.otherapi;

import io.pv2hvm.core.internal.Json;

/**
 * Test fixture: code of another module ({@code otherapi}) that calls sdk-core's internal
 * {@code Json} inside a method body, where no public signature shows it.
 */
public final class UsesCoreInternal {
    /** Uses core's internal JSON writer. */
    public String describe(Object value) {
        return Json.write(value);
    }
}
