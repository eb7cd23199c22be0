package io.pv2hvm.samples.cli;

/**
 * The CLI's exit codes. Scripts may rely on them.
 *
 * <ul>
 *   <li>{@value #OK}: done (for {@code migrate}: the new HVM instance runs)</li>
 *   <li>{@value #FAILED}: the migration failed and was rolled back, or an AWS/IO error stopped the command</li>
 *   <li>{@value #USAGE}: bad usage: unknown option, malformed id, missing value, refused confirmation</li>
 *   <li>{@value #BLOCKED}: preflight found blockers; nothing was changed</li>
 * </ul>
 */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** The migration (or another operation) failed; see the message. */
    public static final int FAILED = 1;
    /** Bad usage. */
    public static final int USAGE = 2;
    /** Preflight blocked the migration; nothing was changed. */
    public static final int BLOCKED = 3;

    private ExitCode() {
    }
}
