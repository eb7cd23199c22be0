package io.pv2hvm.ssh;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an exec request as {@code /bin/sh -c <command line>} on this machine, for the embedded
 * server. Fault injection: when the script on stdin contains {@link #DROP_MARKER} and fewer
 * than the allowed number of drops happened, the TCP connection is cut abruptly as soon as the
 * command's first output line has been sent, while it is still running.
 */
final class LocalShellCommand implements Command {
    static final String DROP_MARKER = "pv2hvm-test-drop";

    private final String commandLine;
    private final AtomicInteger drops;
    private final int dropTimes;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Process process;

    LocalShellCommand(String commandLine, AtomicInteger drops, int dropTimes) {
        this.commandLine = commandLine;
        this.drops = drops;
        this.dropTimes = dropTimes;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        Thread t = new Thread(() -> run(channel), "test-shell");
        t.setDaemon(true);
        t.start();
    }

    private void run(ChannelSession channel) {
        try {
            // Small stdin (scripts, test uploads): read it whole so the fault can look at it.
            byte[] stdin = in.readAllBytes();
            boolean drop = new String(stdin, StandardCharsets.UTF_8).contains(DROP_MARKER)
                    && drops.incrementAndGet() <= dropTimes;
            process = new ProcessBuilder("/bin/sh", "-c", commandLine).start();
            try (OutputStream p = process.getOutputStream()) {
                p.write(stdin);
            }
            Thread errPump = new Thread(() -> copy(process.getErrorStream(), err, false, channel));
            errPump.start();
            copy(process.getInputStream(), out, drop, channel);
            errPump.join();
            int code = process.waitFor();
            exit.onExit(code);
        } catch (Exception e) {
            exit.onExit(255, e.toString());
        }
    }

    private void copy(InputStream from, OutputStream to, boolean dropAfterFirstLine, ChannelSession channel) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                to.write(buf, 0, n);
                to.flush();
                if (dropAfterFirstLine && new String(buf, 0, n, StandardCharsets.UTF_8).contains("\n")) {
                    process.destroyForcibly();
                    channel.getSession().getIoSession().close(true);
                    return;
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (process != null) {
            process.destroyForcibly();
        }
    }

}
