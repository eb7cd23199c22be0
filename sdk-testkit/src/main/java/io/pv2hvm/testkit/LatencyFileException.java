package io.pv2hvm.testkit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A latency-model file ({@link LatencyFile}) that cannot be read: not JSON, another format or
 * version, an unknown field, or a value that is not a non-negative number of seconds. The message
 * names the file, the line and the field, and says how to fix it.
 */
public final class LatencyFileException extends IllegalArgumentException {
    private final transient Path file;
    private final int line;
    private final String field;

    LatencyFileException(Path file, int line, String field, String problem) {
        super(file + (line > 0 ? " line " + line : "") + (field != null ? ", field " + field : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    /** The file that was read. */
    public Path file() {
        return file;
    }

    /** The 1-based line of the problem, or 0 when the problem is the whole file (missing, empty). */
    public int line() {
        return line;
    }

    /** The dotted path of the offending field ({@code latencies.instancePending.seconds}), if one is to blame. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
