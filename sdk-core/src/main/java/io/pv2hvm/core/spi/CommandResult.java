package io.pv2hvm.core.spi;

import io.pv2hvm.core.CommandFailedException;

import java.time.Duration;

/**
 * What a finished command left: exit status, captured output, and how long it took.
 * Captured output is bounded (the full stream went to the line consumer while it ran);
 * {@link #truncated()} says whether the capture dropped anything.
 *
 * @param exitCode  the exit status
 * @param stdout    standard output as captured (the first {@code CAPTURE_LIMIT} characters)
 * @param stderr    standard error as captured (the last {@code CAPTURE_LIMIT} characters)
 * @param duration  wall time of the command
 * @param truncated whether either capture was cut
 */
public record CommandResult(int exitCode, String stdout, String stderr, Duration duration, boolean truncated) {
    /** How many characters of each stream a transport keeps in the result. */
    public static final int CAPTURE_LIMIT = 1 << 20;

    /** Whether the command exited 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * Returns this result if the command succeeded, else throws a {@link CommandFailedException}
     * naming {@code what} with the exit code and the end of standard error.
     */
    public CommandResult orThrow(String what) {
        if (!succeeded()) {
            String tail = stderr.length() > 2000 ? stderr.substring(stderr.length() - 2000) : stderr;
            throw new CommandFailedException(what, exitCode, tail);
        }
        return this;
    }
}
