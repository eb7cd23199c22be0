package io.pv2hvm.ssh.internal;

import io.pv2hvm.core.spi.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The shell text sent to the worker. A command travels as a small script on the channel's
 * standard input ({@code sh -s}), not on the exec request's command line: environment values
 * then never appear in the command line that SSH libraries and sshd log, nor in the worker's
 * process list. The script wraps the command in coreutils {@code timeout} (when the worker has
 * it), so the command and its children are killed on the worker when its time is up, even if
 * the connection is gone.
 */
public final class RemoteShell {
    /** How long {@code timeout} waits after SIGTERM before SIGKILL. */
    public static final Duration KILL_AFTER = Duration.ofSeconds(5);

    /** upload.sh (a resource of io.pv2hvm.ssh) without its header comment or final newline. */
    private static final String UPLOAD_SCRIPT = script("/io/pv2hvm/ssh/upload.sh");

    private RemoteShell() {
    }

    private static String script(String resource) {
        try (InputStream in = RemoteShell.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("transport script resource missing: " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            while (text.startsWith("#")) {
                text = text.substring(text.indexOf('\n') + 1);
            }
            return text.stripTrailing();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exec request's command line: a shell reading the script from stdin, via sudo if asked. */
    public static String execLine(boolean sudo) {
        return sudo ? "sudo -n sh -s" : "sh -s";
    }

    /** The script for {@code command}: its environment, then the command with a worker-side timeout. */
    public static byte[] execScript(Command command) {
        StringBuilder sb = new StringBuilder();
        command.environment().forEach((k, v) -> sb.append("export ").append(k).append('=')
                .append(Command.quote(v)).append('\n'));
        StringBuilder argv = new StringBuilder();
        for (String a : command.argv()) {
            argv.append(argv.length() == 0 ? "" : " ").append(Command.quote(a));
        }
        long seconds = Math.max(1, (command.timeout().toMillis() + 999) / 1000);
        sb.append("if command -v timeout >/dev/null 2>&1; then exec timeout -k ").append(KILL_AFTER.toSeconds())
                .append(' ').append(seconds).append(' ').append(argv).append(" </dev/null; fi\n");
        sb.append("exec ").append(argv).append(" </dev/null\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The exec command line for an upload: stdin goes to a temporary file next to
     * {@code remotePath}, whose size is checked before it gets {@code mode} and is renamed over
     * the target, so a dropped connection never leaves a half-written file in place.
     */
    public static String uploadLine(String remotePath, int mode, long size, boolean sudo) {
        String line = Command.of("sh", "-c", UPLOAD_SCRIPT, "sh", remotePath, Integer.toOctalString(mode & 07777),
                Long.toString(size)).toShellLine();
        return sudo ? "sudo -n " + line : line;
    }
}
