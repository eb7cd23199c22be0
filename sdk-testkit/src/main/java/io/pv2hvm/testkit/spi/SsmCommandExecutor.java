package io.pv2hvm.testkit.spi;

/**
 * Runs the commands of one SSM Run Command invocation (one instance) for the emulator.
 * Called on a background thread; may block for as long as the command runs. An exception
 * makes the invocation {@code Failed} with the exception message on standard error.
 */
@FunctionalInterface
public interface SsmCommandExecutor {

    /** Executes {@code command} and reports its outcome. */
    SsmCommandResult execute(SsmCommand command) throws Exception;
}
