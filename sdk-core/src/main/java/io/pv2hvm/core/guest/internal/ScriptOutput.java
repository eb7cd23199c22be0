package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.ResyncRefusedException;
import io.pv2hvm.core.UnsafeGuestException;
import io.pv2hvm.core.internal.UntrustedText;
import io.pv2hvm.core.spi.CommandResult;

import java.util.Optional;

/**
 * Reads the {@code KEY=value} lines a worker script prints on standard output as its result, and
 * its refusals of hostile guest content on standard error. Everything read here is guest or
 * worker text: control characters are escaped ({@link UntrustedText}) before it goes anywhere.
 */
public final class ScriptOutput {
    /** The line lib.sh's {@code refuse} prints: {@code PV2HVM-REFUSED<TAB>guest path<TAB>what was found}. */
    static final String REFUSED = "PV2HVM-REFUSED\t";
    /** The line resync.sh prints when source or target is not fit for an incremental round: {@code PV2HVM-NOT-RESYNCABLE<TAB>why}. */
    static final String NOT_RESYNCABLE = "PV2HVM-NOT-RESYNCABLE\t";

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
        return Optional.ofNullable(UntrustedText.line(found));
    }

    /**
     * Returns {@code result} if the script succeeded; else throws an {@link UnsafeGuestException}
     * when the script refused hostile guest content, a {@link ResyncRefusedException} when resync found
     * its target or source unfit for an incremental round, or the {@link io.pv2hvm.core.CommandFailedException}
     * of {@link CommandResult#orThrow}.
     */
    public static CommandResult orThrow(CommandResult result, String what) {
        if (!result.succeeded()) {
            for (String line : result.stderr().split("\n")) {
                if (line.startsWith(REFUSED)) {
                    String[] f = line.split("\t", 3);
                    String path = UntrustedText.line(f.length > 1 ? f[1] : "");
                    String found = UntrustedText.line(f.length > 2 ? f[2] : "");
                    throw new UnsafeGuestException(path, found, what + ": refused the guest's " + path + " (" + found + "). "
                            + reason(result.stderr()) + " Fix that path in the guest (it was read from the guest's own disk;"
                            + " nothing on the worker was followed) and run again.");
                }
                if (line.startsWith(NOT_RESYNCABLE)) {
                    throw new ResyncRefusedException(what + ": " + UntrustedText.line(line.substring(NOT_RESYNCABLE.length()))
                            + ". Nothing was written; convert the target in full (PARTITION_COPY) instead.");
                }
            }
        }
        return result.orThrow(what);
    }

    private static String reason(String stderr) {
        for (String line : stderr.split("\n")) {
            int at = line.indexOf("refusing: ");
            if (at >= 0) {
                String r = UntrustedText.line(line.substring(at + "refusing: ".length()).strip());
                return r.endsWith(".") ? r : r + ".";
            }
        }
        return "";
    }
}
