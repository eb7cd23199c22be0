package io.pv2hvm.samples.cli;

/** The command line asks for something that cannot be done as given; exits with {@link ExitCode#USAGE}. */
public final class UsageException extends RuntimeException {
    /** Creates the error with a message for the user. */
    public UsageException(String message) {
        super(message);
    }
}
