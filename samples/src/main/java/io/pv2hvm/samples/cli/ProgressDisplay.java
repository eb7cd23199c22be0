package io.pv2hvm.samples.cli;

import io.pv2hvm.core.Phase;
import io.pv2hvm.core.Resource;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows a running migration from its {@link MigrationListener} events: a progress bar per step on
 * a terminal, or lines for logs. Each running step shows what it waits for, how long it has run
 * and, during CUTOVER, the downtime so far; a timer ({@link #tick()}) refreshes that even when no
 * event arrives. Plain lines come when what a step waits for changes, when its progress detail
 * changes (at most every {@link #MIN_GAP}), and otherwise every {@link #HEARTBEAT}. Warnings are always shown.
 */
final class ProgressDisplay implements StepEvents, AutoCloseable {
    /** Plain style: the shortest gap between two lines of one step. */
    static final Duration MIN_GAP = Duration.ofSeconds(2);
    /** Plain style: a line this often while nothing changes, so a log shows the wait is alive. */
    static final Duration HEARTBEAT = Duration.ofSeconds(20);

    private final ProgressStyle style;
    private final PrintWriter lines;
    private final PrintStream terminal;
    private final Clock clock;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private Instant cutoverStarted;
    private ScheduledExecutorService ticker;

    /** A running step as shown. */
    private static final class Running {
        final Phase phase;
        final Instant started;
        final ProgressBar bar;
        double percent;
        String detail = "";
        String printedDetail;
        Instant printedAt;

        Running(Phase phase, Instant started, ProgressBar bar) {
            this.phase = phase;
            this.started = started;
            this.bar = bar;
        }
    }

    /** A display in {@code style} (already resolved), writing lines to {@code lines} and bars to {@code terminal}. */
    ProgressDisplay(ProgressStyle style, PrintWriter lines, PrintStream terminal, Clock clock) {
        this.style = style;
        this.lines = lines;
        this.terminal = terminal;
        this.clock = clock;
    }

    /** Starts the timer that calls {@link #tick()} every second, until {@link #close()}. */
    ProgressDisplay startTicking() {
        if (style != ProgressStyle.NONE && ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pv2hvm-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }
        return this;
    }

    /** Refreshes every running step's clock and detail; in plain style writes the lines now due. */
    synchronized void tick() {
        for (Map.Entry<String, Running> e : running.entrySet()) {
            show(e.getKey(), e.getValue(), false);
        }
    }

    @Override
    public synchronized void stepStarted(String step, Phase phase) {
        Instant now = clock.instant();
        if (phase == Phase.CUTOVER && cutoverStarted == null) {
            cutoverStarted = now;
        } else if (phase.compareTo(Phase.CUTOVER) > 0) {
            cutoverStarted = null; // the downtime window closed when the last CUTOVER step finished
        }
        ProgressBar bar = null;
        if (style == ProgressStyle.BARS) {
            // continuousUpdate: the bar's elapsed time ticks even while no progress arrives.
            bar = new ProgressBarBuilder().setTaskName(String.format("%-8s %-26s", phase, step))
                    .setInitialMax(100).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000)
                    .continuousUpdate().setConsumer(new ConsoleProgressBarConsumer(terminal)).hideEta().build();
        } else if (style == ProgressStyle.PLAIN) {
            line(String.format("%-8s %-26s started", phase, step));
        }
        Running r = new Running(phase, now, bar);
        r.printedDetail = "";
        r.printedAt = now;
        running.put(step, r);
    }

    @Override
    public synchronized void stepProgress(String step, double percent, String detail) {
        Running r = running.get(step);
        if (r != null) {
            r.percent = percent;
            r.detail = detail == null ? "" : detail;
            if (r.bar != null) {
                r.bar.stepTo(Math.round(percent));
            }
            show(step, r, false);
        }
    }

    @Override
    public synchronized void stepWaiting(String step, String what) {
        Running r = running.get(step);
        if (r != null) {
            r.detail = what == null ? "" : what;
            show(step, r, true); // a new wait or a new state: rare, and what a log reader looks for
        }
    }

    @Override
    public synchronized void stepFinished(String step, Duration took) {
        Running r = running.remove(step);
        if (r != null && r.bar != null) {
            r.bar.stepTo(100);
            r.bar.setExtraMessage("done in " + took.toMillis() + " ms");
            r.bar.close();
        } else if (style == ProgressStyle.PLAIN) {
            line(String.format("         %-26s done in %d ms", step, took.toMillis()));
        }
    }

    @Override
    public synchronized void stepFailed(String step, Throwable cause) {
        Running r = running.remove(step);
        if (r != null && r.bar != null) {
            r.bar.setExtraMessage("FAILED");
            r.bar.close();
        }
        if (style != ProgressStyle.NONE) {
            line("         " + step + " FAILED: " + cause.getMessage() + " (rolling back)");
        }
    }

    @Override
    public void stepCompensated(String step) {
        if (style != ProgressStyle.NONE) {
            line("         " + step + " rolled back");
        }
    }

    @Override
    public void resourceCreated(String step, Resource resource) {
        if (style == ProgressStyle.PLAIN) {
            line("         " + step + " created " + resource);
        }
    }

    @Override
    public synchronized void warning(String step, String message) {
        line((running.values().stream().anyMatch(r -> r.bar != null) ? "\n" : "") + "warning: " + step + ": "
                + message); // not on a bar's line
    }

    /** Stops the timer. */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    /** The status text of a running step: what it waits for, its time, and the downtime so far. */
    String status(Running r, Instant now) {
        StringBuilder s = new StringBuilder();
        if (!r.detail.isEmpty()) {
            s.append(r.detail).append(" · ");
        }
        s.append(clockText(Duration.between(r.started, now)));
        if (r.phase == Phase.CUTOVER && cutoverStarted != null) {
            s.append(" · downtime so far ").append(clockText(Duration.between(cutoverStarted, now)));
        }
        return s.toString();
    }

    private void show(String step, Running r, boolean newState) {
        Instant now = clock.instant();
        if (r.bar != null) {
            r.bar.setExtraMessage(status(r, now));
            return;
        }
        if (style != ProgressStyle.PLAIN) {
            return;
        }
        Duration since = Duration.between(r.printedAt, now);
        boolean changed = !Objects.equals(r.detail, r.printedDetail);
        if (changed && (newState || since.compareTo(MIN_GAP) >= 0 || r.printedDetail.isEmpty())
                || since.compareTo(HEARTBEAT) >= 0) {
            line(String.format("         %-26s %s", step, status(r, now)));
            r.printedDetail = r.detail;
            r.printedAt = now;
        }
    }

    static String clockText(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    private void line(String text) {
        synchronized (lines) {
            lines.println(text);
            lines.flush();
        }
    }
}
