package io.pv2hvm.testkit.spi;

/**
 * Outcome of a boot.
 *
 * @param serialLog the console text (GetConsoleOutput keeps its last 64 KiB)
 * @param healthy   false makes the instance status check {@code impaired}
 */
public record BootResult(String serialLog, boolean healthy) {

    /** A successful boot. */
    public static BootResult booted(String serialLog) {
        return new BootResult(serialLog, true);
    }

    /** A boot that did not reach a working system. */
    public static BootResult failed(String serialLog) {
        return new BootResult(serialLog, false);
    }
}
