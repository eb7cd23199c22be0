package io.pv2hvm.ssh.internal;

import io.pv2hvm.core.spi.OutputCapture;
import io.pv2hvm.core.spi.OutputLine;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One exec channel from open to close: feeds its stdin from one thread, drains stdout and
 * stderr on two others, and waits until the channel is closed (so every byte the server sent
 * has been read) or the deadline passes (then the channel is closed at once).
 */
public final class ChannelRun {
    /** How long to wait for buffered output after the channel closed. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(10);

    /** Writes a channel's standard input; the channel sees end-of-file when it returns. */
    @FunctionalInterface
    public interface Stdin {
        /** Writes the input to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * How a channel ended.
     *
     * @param started    whether the server opened the channel, so the command may have run
     * @param exitStatus the exit status the server reported, or null
     * @param exitSignal the signal that killed the command, or null
     * @param timedOut   whether the deadline passed first and the channel was closed by us
     * @param interrupted whether the calling thread was interrupted and the channel closed by us
     * @param took       time from open to close, on the transport's clock
     * @param failure    an I/O error that ended the channel early, or null
     */
    public record Outcome(boolean started, Integer exitStatus, String exitSignal, boolean timedOut,
                          boolean interrupted, Duration took, Throwable failure) {
        /** Whether the server reported how the command ended. */
        public boolean finished() {
            return exitStatus != null || exitSignal != null;
        }
    }

    private ChannelRun() {
    }

    /**
     * Runs {@code commandLine} on {@code session}.
     *
     * @param openTimeout how long the server may take to open the channel
     * @param timeout     how long the whole run may take once the channel is open
     * @param name        a thread-name suffix, for diagnostics
     * @param clock       the clock {@link Outcome#took()} is measured on
     */
    public static Outcome run(ClientSession session, String commandLine, Stdin stdin, OutputCapture capture,
                              Duration openTimeout, Duration timeout, String name, Clock clock) {
        Took start = new Took(clock);
        ChannelExec channel;
        try {
            channel = session.createExecChannel(commandLine);
            OpenFuture opening = channel.open();
            if (!opening.await(openTimeout)) {
                channel.close(true);
                return new Outcome(false, null, null, false, false, start.since(),
                        new IOException("the server did not open an exec channel within " + openTimeout));
            }
            if (!opening.isOpened()) {
                channel.close(true);
                Throwable cause = opening.getException();
                return new Outcome(false, null, null, false, false, start.since(),
                        cause != null ? cause : new IOException("the server refused to open an exec channel"));
            }
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, null, null, false, false, start.since(), e);
        }
        AtomicReference<Throwable> inputFailure = new AtomicReference<>();
        Thread in = start("stdin-" + name, () -> {
            try (OutputStream out = channel.getInvertedIn()) {
                stdin.writeTo(out);
            } catch (IOException | RuntimeException e) {
                inputFailure.set(e);
            }
        });
        Thread out = start("stdout-" + name, () -> drain(capture, channel.getInvertedOut(), OutputLine.Stream.STDOUT));
        Thread err = start("stderr-" + name, () -> drain(capture, channel.getInvertedErr(), OutputLine.Stream.STDERR));

        // Waits on a latch rather than MINA's waitFor, which does not return when the thread is interrupted.
        CountDownLatch closing = new CountDownLatch(1);
        channel.addCloseFutureListener(f -> closing.countDown());
        boolean closed;
        boolean interrupted = false;
        try {
            closed = closing.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = false;
            interrupted = true;
        }
        if (!closed) {
            terminate(channel);
        }
        join(out, err, in);
        Integer status = channel.getExitStatus();
        String signal = channel.getExitSignal();
        Throwable failure = status == null && signal == null ? inputFailure.get() : null;
        return new Outcome(true, status, signal, !closed && !interrupted, interrupted, start.since(), failure);
    }

    /**
     * Asks the server to send SIGTERM to the command (RFC 4254 "signal"; OpenSSH delivers it to
     * the session's process group for non-root logins, where {@code sudo} and the worker-side
     * {@code timeout} pass it on, but refuses it for root logins), then closes the channel without
     * waiting. Best effort: the worker-side timeout is the backstop.
     */
    private static void terminate(ChannelExec channel) {
        try {
            Buffer request = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 32);
            request.putUInt(channel.getRecipient());
            request.putString("signal");
            request.putBoolean(false);
            request.putString("TERM");
            channel.writePacket(request);
        } catch (IOException | RuntimeException e) {
            // The connection may already be gone; closing below is all that is left to do.
        }
        channel.close(true);
    }

    private static void drain(OutputCapture capture, InputStream in, OutputLine.Stream stream) {
        try (in) {
            capture.drain(in, stream);
        } catch (IOException e) {
            // The channel was closed under us (timeout or lost connection); the caller decides.
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, "pv2hvm-ssh-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Bounds a join of real threads, so on real time (nanoTime), whatever clock the transport reads. */
    private static void join(Thread... threads) {
        long deadline = System.nanoTime() + DRAIN_GRACE.toNanos();
        try {
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Time since a start, on the transport's clock. */
    private record Took(Clock clock, Instant start) {
        Took(Clock clock) {
            this(clock, clock.instant());
        }

        Duration since() {
            return Duration.between(start, clock.instant());
        }
    }
}
