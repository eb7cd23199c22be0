package io.pv2hvm.core.spi;

/**
 * One line a command printed, delivered while the command runs.
 *
 * @param stream which stream it came from
 * @param text   the line without its terminator
 */
public record OutputLine(Stream stream, String text) {
    /** The standard streams of a command. */
    public enum Stream { STDOUT, STDERR }

    /** A standard-output line. */
    public static OutputLine stdout(String text) {
        return new OutputLine(Stream.STDOUT, text);
    }

    /** A standard-error line. */
    public static OutputLine stderr(String text) {
        return new OutputLine(Stream.STDERR, text);
    }
}
