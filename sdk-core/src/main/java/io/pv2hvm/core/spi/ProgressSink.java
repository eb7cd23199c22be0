package io.pv2hvm.core.spi;

/**
 * Where long-running work reports how far it got, e.g. a block copy or a snapshot. A step's
 * context is one; the guest conversion code takes one so the CLI can draw progress bars.
 */
@FunctionalInterface
public interface ProgressSink {
    /** Reports progress: {@code percent} from 0 to 100, and a short human-readable detail. */
    void report(double percent, String detail);

    /** A sink that drops every report. */
    static ProgressSink none() {
        return (percent, detail) -> { };
    }
}
