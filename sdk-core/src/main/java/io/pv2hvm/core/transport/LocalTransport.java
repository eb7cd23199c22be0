package io.pv2hvm.core.transport;

import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputCapture;
import io.pv2hvm.core.spi.OutputLine;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs commands as processes on this machine. Used by the guest lab, by local image
 * conversion, and wherever "the worker" is the machine pv2hvm runs on.
 *
 * <p>Output lines are streamed to the consumer as they arrive, from one stream at a time. On
 * timeout or interruption the whole process tree is killed, children first, so no orphan keeps
 * a loop device or mount busy.
 */
public final class LocalTransport implements CommandTransport {
    /** How long to wait for output still buffered in pipes after the process has exited. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(10);

    private final File workingDirectory;
    private final Clock clock;

    private LocalTransport(File workingDirectory, Clock clock) {
        this.workingDirectory = workingDirectory;
        this.clock = clock;
    }

    /** A transport that runs commands in the current working directory. */
    public static LocalTransport create() {
        return new LocalTransport(null, Clock.systemUTC());
    }

    /** A transport that runs commands in {@code directory}. */
    public static LocalTransport in(Path directory) {
        return new LocalTransport(directory.toFile(), Clock.systemUTC());
    }

    /**
     * This transport, measuring each command's duration on {@code clock} (the migration's, so
     * that timings share one time source) instead of the system clock. The command timeout and the
     * output drain stay in real time: they bound a real process.
     */
    public LocalTransport withClock(Clock clock) {
        return new LocalTransport(workingDirectory, Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public CommandResult exec(Command command, Consumer<OutputLine> output) {
        ProcessBuilder pb = new ProcessBuilder(command.argv()).directory(workingDirectory)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(command.environment());
        Instant start = clock.instant();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new TransportException("Cannot start '" + command.argv().get(0) + "': " + e.getMessage()
                    + ". Is it installed and on PATH?", e, false);
        }
        OutputCapture capture = new OutputCapture(output);
        Thread out = pump(process.getInputStream(), OutputLine.Stream.STDOUT, capture, command);
        Thread err = pump(process.getErrorStream(), OutputLine.Stream.STDERR, capture, command);
        try {
            if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                join(out, err);
                throw new TransportException("Command timed out after " + command.timeout() + " and was killed"
                        + " with its child processes: " + command, null, false);
            }
            join(out, err);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new TransportException("Interrupted while running (process tree killed): " + command, e, false);
        }
        Duration took = Duration.between(start, clock.instant());
        if (took.isNegative()) {
            took = Duration.ZERO; // a wall clock set back meanwhile
        }
        if (capture.consumerFailure() != null) {
            throw capture.consumerFailure();
        }
        return capture.result(process.exitValue(), took);
    }

    @Override
    public void upload(byte[] content, String remotePath, int mode) {
        Path target = Path.of(remotePath);
        try {
            Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".upload-", ".tmp");
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, permissions(mode));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + remotePath, e);
        }
    }

    @Override
    public String describe() {
        return "local";
    }

    private static Thread pump(InputStream in, OutputLine.Stream stream, OutputCapture capture, Command command) {
        Thread t = new Thread(() -> {
            try (in) {
                capture.drain(in, stream);
            } catch (IOException e) {
                // The stream closes when the process is killed; nothing more to read.
            }
        }, "pv2hvm-local-" + stream.name().toLowerCase() + "-" + command.argv().get(0));
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread... threads) throws InterruptedException {
        // Real time on purpose: Thread.join waits in real time, whatever the migration's clock says.
        long deadline = System.nanoTime() + DRAIN_GRACE.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    /** Kills descendants before the parent, so none is re-parented to init and survives. */
    private static void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.toHandle().descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }
}
