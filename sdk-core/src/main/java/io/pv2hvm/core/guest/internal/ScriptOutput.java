package io.pv2hvm.core.guest.internal;

import java.util.Optional;

/** Reads the {@code KEY=value} lines a worker script prints on standard output as its result. */
public final class ScriptOutput {
    private ScriptOutput() {
    }

    /** The value of the last {@code key=} line in {@code stdout}, if any. */
    public static Optional<String> value(String stdout, String key) {
        String found = null;
        for (String line : stdout.split("\n")) {
            if (line.startsWith(key + "=")) {
                found = line.substring(key.length() + 1).strip();
            }
        }
        return Optional.ofNullable(found);
    }
}
