package io.pv2hvm.samples.cli;

import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether one of this process's standard streams is a terminal: {@code isatty(fd)} without native
 * code, on Java 17 and later.
 *
 * <p>{@code System.console() != null} is not the answer: on Java 17 it means stdin <em>and</em>
 * stdout are terminals (nothing about stderr, where progress goes), and on Java 22+ it is never
 * null. So:
 * <ul>
 *   <li>Linux: {@code /proc/self/fd/N} is a link to what the descriptor has open; a terminal is a
 *       pseudo-terminal {@code /dev/pts/N}, a virtual console {@code /dev/ttyN} or serial line
 *       {@code /dev/ttyS0}, {@code /dev/tty} or {@code /dev/console}. A file, pipe ({@code pipe:[..]}),
 *       socket or {@code /dev/null} is not. One readlink, no process spawned.</li>
 *   <li>macOS and other systems without {@code /proc}: {@code /dev/fd/N} stats the open file. The
 *       stream is a terminal when it is a character device that is the same device as stdout, and
 *       stdout is a terminal by the JDK's own isatty check ({@code System.console()}, refined by
 *       {@code Console.isTerminal()} where the JDK has it, Java 22+). A stream on another terminal
 *       than stdout's is then taken for none: the cautious answer (plain output, no escapes).</li>
 * </ul>
 */
final class Terminal {
    /** What a Linux terminal's device is called under /dev (pts, tty*, console). */
    private static final Pattern LINUX_TERMINAL = Pattern.compile("/dev/(pts/\\d+|tty[A-Za-z0-9]*|console)");

    private Terminal() {
    }

    /** Whether standard error is a terminal. */
    static boolean stderr() {
        return isTerminal(2);
    }

    /** Whether standard input is a terminal (someone can answer a question). */
    static boolean stdin() {
        return isTerminal(0);
    }

    /** Whether standard output and standard error are both terminals. */
    static boolean stdoutAndStderr() {
        return isTerminal(1) && isTerminal(2);
    }

    /** Whether the descriptor {@code fd} (0, 1 or 2) is a terminal; false when it cannot tell. */
    static boolean isTerminal(int fd) {
        Path proc = Path.of("/proc/self/fd", Integer.toString(fd));
        if (Files.isDirectory(Path.of("/proc/self/fd"))) {
            try {
                return LINUX_TERMINAL.matcher(Files.readSymbolicLink(proc).toString()).matches();
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return sameTerminalAsStdout(fd);
    }

    private static boolean sameTerminalAsStdout(int fd) {
        if (!jdkSaysTerminal()) {
            return false;
        }
        try {
            Map<String, Object> stream = Files.readAttributes(Path.of("/dev/fd", Integer.toString(fd)), "unix:mode,rdev");
            Map<String, Object> stdout = Files.readAttributes(Path.of("/dev/fd/1"), "unix:mode,rdev");
            int charDevice = 0020000; // S_IFCHR
            return ((Integer) stream.get("mode") & 0170000) == charDevice && stream.get("rdev").equals(stdout.get("rdev"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The JDK's isatty(stdin) and isatty(stdout): Console.isTerminal() on Java 22+, else a console at all. */
    private static boolean jdkSaysTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 17 to 21: a console exists only when both are terminals
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
