package io.pv2hvm.core.spi;

import io.pv2hvm.core.InvalidSpecException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A command for a {@link CommandTransport}: an argument vector (never a string that a shell
 * re-splits), environment, timeout, and whether it is safe to run twice. Immutable.
 *
 * <p>Transports that can only send a command line (SSH, SSM) build one with
 * {@link #toShellLine()}, which quotes every argument, so a value that reaches a worker cannot
 * inject shell syntax. Environment values are treated as secrets: {@link #toString()} shows
 * only their names.
 */
public final class Command {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private final List<String> argv;
    private final Map<String, String> environment;
    private final Duration timeout;
    private final boolean idempotent;

    private Command(List<String> argv, Map<String, String> environment, Duration timeout, boolean idempotent) {
        this.argv = List.copyOf(argv);
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
        this.idempotent = idempotent;
    }

    /** A program and its arguments, run without a shell. Idempotent, 30-minute timeout by default. */
    public static Command of(String program, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Objects.requireNonNull(program, "program"));
        for (String a : args) {
            argv.add(Objects.requireNonNull(a, "argument"));
        }
        return of(argv);
    }

    /** A program and its arguments as a list. */
    public static Command of(List<String> argv) {
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new InvalidSpecException("A command needs a program to run; got an empty argument list.");
        }
        for (String a : argv) {
            if (a.indexOf('\0') >= 0) {
                throw new InvalidSpecException("Command arguments cannot contain NUL characters.");
            }
        }
        return new Command(argv, Map.of(), DEFAULT_TIMEOUT, true);
    }

    /** A bash script, run as {@code bash -c script}. The script text is one argument. */
    public static Command bash(String script) {
        return of("bash", "-c", Objects.requireNonNull(script, "script"));
    }

    /** The same command with this timeout; the transport kills it (and its children) after that. */
    public Command withTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidSpecException("A command timeout must be positive; got " + timeout + ".");
        }
        return new Command(argv, environment, timeout, idempotent);
    }

    /** The same command with these environment variables added. Values never appear in logs. */
    public Command withEnvironment(Map<String, String> env) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        env.forEach((k, v) -> {
            if (!ENV_NAME.matcher(k).matches()) {
                throw new InvalidSpecException("'" + k + "' is not a valid environment variable name "
                        + "(letters, digits and _, not starting with a digit).");
            }
            merged.put(k, Objects.requireNonNull(v, "value of " + k));
        });
        return new Command(argv, merged, timeout, idempotent);
    }

    /** Marks the command as unsafe to repeat: a dropped connection then fails instead of retrying. */
    public Command notIdempotent() {
        return new Command(argv, environment, timeout, false);
    }

    /** The argument vector; element 0 is the program. */
    public List<String> argv() {
        return argv;
    }

    /** Environment variables to set for the command. */
    public Map<String, String> environment() {
        return environment;
    }

    /** How long the command may run. */
    public Duration timeout() {
        return timeout;
    }

    /** Whether running the command twice has the same effect as running it once. */
    public boolean idempotent() {
        return idempotent;
    }

    /**
     * A POSIX shell command line that runs this command with its environment: each argument
     * single-quoted unless it is plainly safe, so the remote shell sees exactly {@link #argv()}.
     */
    public String toShellLine() {
        StringBuilder sb = new StringBuilder();
        if (!environment.isEmpty()) {
            sb.append("env");
            environment.forEach((k, v) -> sb.append(' ').append(k).append('=').append(quote(v)));
            sb.append(' ');
        }
        for (int i = 0; i < argv.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(quote(argv.get(i)));
        }
        return sb.toString();
    }

    /** Quotes one word for a POSIX shell. */
    public static String quote(String word) {
        if (!word.isEmpty() && SAFE_WORD.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** A short description for logs: the program and arguments (scripts shortened), env names only. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            String shown = a.length() > 80 ? a.substring(0, 77).replace('\n', ' ') + "..." : a.replace('\n', ' ');
            sb.append(sb.length() == 0 ? "" : " ").append(shown);
        }
        if (!environment.isEmpty()) {
            sb.append(" [env: ").append(String.join(",", environment.keySet())).append(']');
        }
        return sb.toString();
    }
}
