package io.pv2hvm.samples.cli;

import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.Resource;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shows a running migration from its {@link MigrationListener} events: a progress bar per step on
 * a terminal, or one line per event. Warnings are always shown.
 */
final class ProgressDisplay implements MigrationListener {
    private final ProgressStyle style;
    private final PrintWriter lines;
    private final PrintStream terminal;
    private final Map<String, ProgressBar> bars = new ConcurrentHashMap<>();

    /** A display in {@code style} (already resolved), writing lines to {@code lines} and bars to {@code terminal}. */
    ProgressDisplay(ProgressStyle style, PrintWriter lines, PrintStream terminal) {
        this.style = style;
        this.lines = lines;
        this.terminal = terminal;
    }

    @Override
    public void stepStarted(String migrationId, String step, Phase phase) {
        if (style == ProgressStyle.BARS) {
            bars.put(step, new ProgressBarBuilder().setTaskName(String.format("%-8s %-26s", phase, step))
                    .setInitialMax(100).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(100)
                    .setConsumer(new ConsoleProgressBarConsumer(terminal)).hideEta().build());
        } else if (style == ProgressStyle.PLAIN) {
            line(String.format("%-8s %-26s started", phase, step));
        }
    }

    @Override
    public void stepProgress(String migrationId, String step, double percent, String detail) {
        ProgressBar bar = bars.get(step);
        if (bar != null) {
            bar.stepTo(Math.round(percent));
            bar.setExtraMessage(detail == null ? "" : detail);
        } else if (style == ProgressStyle.PLAIN) {
            line(String.format("         %-26s %3.0f%% %s", step, percent, detail == null ? "" : detail));
        }
    }

    @Override
    public void stepFinished(String migrationId, String step, Duration took) {
        ProgressBar bar = bars.remove(step);
        if (bar != null) {
            bar.stepTo(100);
            bar.setExtraMessage("done in " + took.toMillis() + " ms");
            bar.close();
        } else if (style == ProgressStyle.PLAIN) {
            line(String.format("         %-26s done in %d ms", step, took.toMillis()));
        }
    }

    @Override
    public void stepFailed(String migrationId, String step, Throwable cause) {
        ProgressBar bar = bars.remove(step);
        if (bar != null) {
            bar.setExtraMessage("FAILED");
            bar.close();
        }
        if (style != ProgressStyle.NONE) {
            line("         " + step + " FAILED: " + cause.getMessage() + " (rolling back)");
        }
    }

    @Override
    public void stepCompensated(String migrationId, String step) {
        if (style != ProgressStyle.NONE) {
            line("         " + step + " rolled back");
        }
    }

    @Override
    public void resourceCreated(String migrationId, String step, Resource resource) {
        if (style == ProgressStyle.PLAIN) {
            line("         " + step + " created " + resource);
        }
    }

    @Override
    public void warning(String migrationId, String step, String message) {
        line((bars.isEmpty() ? "" : "\n") + "warning: " + step + ": " + message); // not on a bar's line
    }

    private void line(String text) {
        synchronized (lines) {
            lines.println(text);
            lines.flush();
        }
    }
}
