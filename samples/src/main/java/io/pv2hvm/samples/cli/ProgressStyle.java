package io.pv2hvm.samples.cli;

/** How a running migration is shown. */
public enum ProgressStyle {
    /** Bars on a terminal, nothing otherwise (so pipes and logs stay clean). */
    AUTO,
    /** A progress bar per step. */
    BARS,
    /** Lines for logs: each step's start and end, what it waits for when that changes, else a line every 20 s. */
    PLAIN,
    /** Nothing but warnings. */
    NONE;

    /** AUTO resolved for whether standard error is a terminal. */
    ProgressStyle resolve(boolean terminal) {
        return this == AUTO ? (terminal ? BARS : NONE) : this;
    }
}
