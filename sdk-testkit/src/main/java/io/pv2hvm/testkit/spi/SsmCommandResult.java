package io.pv2hvm.testkit.spi;

/**
 * Outcome of one command invocation. The emulator truncates the outputs as SSM does
 * (24,000 characters of stdout, 8,000 of stderr in GetCommandInvocation).
 *
 * @param exitCode 0 means {@code Success}, anything else {@code Failed}
 * @param stdout   standard output
 * @param stderr   standard error
 */
public record SsmCommandResult(int exitCode, String stdout, String stderr) {

    /** A successful run printing {@code stdout}. */
    public static SsmCommandResult success(String stdout) {
        return new SsmCommandResult(0, stdout, "");
    }

    /** A failed run. */
    public static SsmCommandResult failure(int exitCode, String stderr) {
        return new SsmCommandResult(exitCode, "", stderr);
    }
}
