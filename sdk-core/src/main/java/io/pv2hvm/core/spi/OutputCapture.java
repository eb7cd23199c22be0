package io.pv2hvm.core.spi;


import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * For transports: splits a command's stdout and stderr into lines, passes them to the caller's
 * consumer one at a time, and keeps bounded copies for the {@link CommandResult}: the head of
 * stdout and the tail of stderr. A very long line is delivered in pieces of {@link #MAX_LINE}
 * characters rather than buffered whole. Every transport uses it, so all split lines alike.
 */
public final class OutputCapture {
    /** The longest piece of a line delivered at once. */
    public static final int MAX_LINE = 64 * 1024;

    private final Consumer<OutputLine> consumer;
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private boolean truncated;
    private RuntimeException consumerFailure;

    /** A capture that forwards lines to {@code consumer}. */
    public OutputCapture(Consumer<OutputLine> consumer) {
        this.consumer = consumer;
    }

    /** Reads {@code in} to its end as UTF-8, one line at a time, attributing lines to {@code stream}. */
    public void drain(InputStream in, OutputLine.Stream stream) throws IOException {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        char[] buf = new char[8192];
        StringBuilder line = new StringBuilder();
        boolean lastWasCr = false;
        int n;
        while ((n = reader.read(buf)) >= 0) {
            for (int i = 0; i < n; i++) {
                char c = buf[i];
                if (c == '\n') {
                    int len = line.length();
                    if (lastWasCr && len > 0 && line.charAt(len - 1) == '\r') {
                        line.setLength(len - 1);
                    }
                    accept(new OutputLine(stream, line.toString()));
                    line.setLength(0);
                } else {
                    line.append(c);
                    if (line.length() >= MAX_LINE) {
                        accept(new OutputLine(stream, line.toString()));
                        line.setLength(0);
                    }
                }
                lastWasCr = c == '\r';
            }
        }
        if (line.length() > 0) {
            accept(new OutputLine(stream, line.toString()));
        }
    }

    synchronized void accept(OutputLine line) {
        if (consumerFailure == null) {
            try {
                consumer.accept(line);
            } catch (RuntimeException e) {
                // Keep draining so the channel does not stall; the caller rethrows after the run.
                consumerFailure = e;
            }
        }
        if (line.stream() == OutputLine.Stream.STDOUT) {
            if (stdout.length() + line.text().length() + 1 <= CommandResult.CAPTURE_LIMIT) {
                stdout.append(line.text()).append('\n');
            } else {
                truncated = true;
            }
        } else {
            stderr.append(line.text()).append('\n');
            if (stderr.length() > CommandResult.CAPTURE_LIMIT) {
                stderr.delete(0, stderr.length() - CommandResult.CAPTURE_LIMIT);
                truncated = true;
            }
        }
    }

    /** The exception the consumer threw, if it threw one; later lines were not delivered to it. */
    public synchronized RuntimeException consumerFailure() {
        return consumerFailure;
    }

    /** The result of a command that exited with {@code exitCode} after {@code took}. */
    public synchronized CommandResult result(int exitCode, Duration took) {
        return new CommandResult(exitCode, stdout.toString(), stderr.toString(), took, truncated);
    }

    /** The captured standard error so far. */
    public synchronized String stderr() {
        return stderr.toString();
    }
}
