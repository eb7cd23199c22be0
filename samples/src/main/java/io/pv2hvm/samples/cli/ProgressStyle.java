package io.pv2hvm.samples.cli;

/** How a running migration is shown. */
public enum ProgressStyle {
    /** Bars on a terminal, nothing otherwise (so pipes and logs stay clean). */
    AUTO,
    /** A progress bar per step. */
    BARS,
    /** One line per step event, for logs. */
    PLAIN,
    /** Nothing but warnings. */
    NONE;

    /** AUTO resolved for whether standard error is a terminal. */
    ProgressStyle resolve(boolean terminal) {
        return this == AUTO ? (terminal ? BARS : NONE) : this;
    }
}
