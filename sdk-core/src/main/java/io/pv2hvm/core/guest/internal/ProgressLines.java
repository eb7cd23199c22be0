package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.internal.UntrustedText;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.spi.ProgressSink;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the {@code PV2HVM-PROGRESS <percent> <detail>} lines worker scripts print into progress
 * reports, scaled into a slice of the whole conversion (the copy may be 0-80 %, the bootloader
 * 80-95 %, ...). Other lines are passed to a log consumer.
 */
public final class ProgressLines implements Consumer<OutputLine> {
    private static final Pattern LINE = Pattern.compile("PV2HVM-PROGRESS\\s+([0-9]+(?:\\.[0-9]+)?)\\s*(.*)");

    private final ProgressSink sink;
    private final double from;
    private final double to;
    private final Consumer<OutputLine> log;

    /** Reports script progress 0-100 as {@code from}-{@code to}; other lines go to {@code log}. */
    public ProgressLines(ProgressSink sink, double from, double to, Consumer<OutputLine> log) {
        this.sink = sink;
        this.from = from;
        this.to = to;
        this.log = log;
    }

    @Override
    public void accept(OutputLine line) {
        Matcher m = LINE.matcher(line.text().strip());
        if (line.stream() == OutputLine.Stream.STDOUT && m.matches()) {
            double p = Math.max(0, Math.min(100, Double.parseDouble(m.group(1))));
            sink.report(from + (to - from) * p / 100.0, UntrustedText.line(m.group(2)));
        } else {
            log.accept(line);
        }
    }
}
