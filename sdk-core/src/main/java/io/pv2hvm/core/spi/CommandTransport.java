package io.pv2hvm.core.spi;

import io.pv2hvm.core.TransportException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Carries commands to the machine that does the conversion work (a worker instance, or this
 * machine) and streams their output back. Step logic only sees this interface, never whether
 * commands travel over SSH, SSM or a local process.
 *
 * <p>Implementations: {@code LocalTransport} (sdk-core), {@code SsmTransport} (sdk-aws),
 * {@code SshTransport} (sdk-ssh).
 */
public interface CommandTransport extends AutoCloseable {

    /**
     * Runs a command to completion, passing each output line to {@code output} as it arrives
     * (stdout and stderr in the order the transport received them), and returns its exit
     * status. A non-zero exit is a result, not an exception.
     *
     * @throws TransportException when the command could not be delivered, timed out, or the
     *                            connection was lost; {@code retryable()} is true only when the
     *                            command is idempotent and running it again is safe
     */
    CommandResult exec(Command command, Consumer<OutputLine> output);

    /** Runs a command, keeping only the captured output in the result. */
    default CommandResult exec(Command command) {
        return exec(command, line -> { });
    }

    /**
     * Writes {@code content} to {@code remotePath} on the target with the given POSIX mode
     * (e.g. {@code 0755}), replacing any file there. Parent directories must exist.
     */
    void upload(byte[] content, String remotePath, int mode);

    /** Uploads a local file. Implementations may stream large files instead of reading them whole. */
    default void upload(Path localFile, String remotePath, int mode) {
        try {
            upload(Files.readAllBytes(localFile), remotePath, mode);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + localFile, e);
        }
    }

    /** A short description of the target for logs and plans, e.g. {@code ssh admin@10.0.1.5}. */
    String describe();

    /** Releases connections. The default does nothing. */
    @Override
    default void close() {
    }
}
