package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.FleetResult;
import io.pv2hvm.samples.bench.FleetActivity;
import io.pv2hvm.samples.bench.FleetBenchmark;
import io.pv2hvm.samples.sandbox.ApiCallLog;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.StepTiming;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A migration (or a fleet of them) as one self-contained HTML page: inline CSS and SVG, no script,
 * font or image from anywhere, so it opens offline and can be mailed. The markup is also
 * well-formed XML. Every text from the migration is escaped.
 */
final class HtmlReport {
    private static final int LABEL = 230;
    private static final int PLOT = 640;
    private static final int ROW = 20;
    /** Time buckets of the charts over time. */
    private static final int BUCKETS = 40;
    private static final int CHART = 90;
    private static final Map<Phase, String> COLORS = Map.of(Phase.PREFLIGHT, "#9aa5b1", Phase.PREPARE, "#4c78a8",
            Phase.CONVERT, "#72b7b2", Phase.REGISTER, "#54a24b", Phase.VERIFY, "#eeca3b", Phase.CUTOVER, "#e45756",
            Phase.CONFIRM, "#b279a2", Phase.CLEANUP, "#bab0ac");
    private static final String STYLE = "body{font-family:sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
            + ".ok{color:#1a7f37}.failed{color:#c62828}svg text{font-size:12px;font-family:sans-serif}"
            + ".legend span{display:inline-block;padding:1px 6px;margin-right:4px;color:#fff}";

    private HtmlReport() {
    }

    /**
     * The page of one migration: outcome, a timeline of the steps by phase with the downtime
     * window shaded, the API calls over the same time axis, and the resources created, kept and deleted.
     *
     * @param calls   the API calls the run's clients made
     * @param result  the result, or null if it failed
     * @param failure why it failed, or null
     */
    static String migration(String title, MigrationRecorder recorder, List<ApiCallLog.Call> calls,
                            MigrationResult result, Throwable failure) {
        StringBuilder h = head(title);
        if (result != null) {
            h.append("<p class=\"ok\">Done: ").append(esc(result.sourceInstanceId())).append(" now runs as ")
                    .append(esc(result.newInstanceId())).append(" (HVM). Total ").append(clock(result.total()))
                    .append(", downtime ").append(clock(result.downtime())).append(".</p>\n");
        } else {
            h.append("<p class=\"failed\">Failed: ").append(esc(failure == null ? "unknown" : String.valueOf(
                    failure.getMessage()))).append("</p>\n");
        }
        List<MigrationRecorder.Span> spans = recorder.spans();
        h.append("<h2>Timeline</h2>\n").append(legend()).append(timeline(spans));
        if (!spans.isEmpty()) {
            Instant t0 = spans.stream().map(MigrationRecorder.Span::start).min(Instant::compareTo).orElseThrow();
            Instant t1 = spans.stream().map(MigrationRecorder.Span::end).max(Instant::compareTo).orElseThrow();
            h.append(apiCallChart(calls, t0, t1));
        }
        if (result != null && spans.size() < result.timings().size()) {
            h.append("<p>Steps completed by an earlier run (resumed) are not on the timeline.</p>\n");
        }
        h.append("<h2>Steps</h2>\n<table><tr><th>phase</th><th>step</th><th>took</th><th>status</th></tr>\n");
        for (MigrationRecorder.Span s : spans) {
            h.append("<tr><td>").append(s.phase()).append("</td><td>").append(esc(s.step())).append("</td><td>")
                    .append(clock(s.took())).append("</td><td>").append(s.status().name().toLowerCase(Locale.ROOT)
                            .replace('_', ' ')).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Resources</h2>\n<table><tr><th>type</th><th>id</th><th>role</th><th>created by</th>"
                + "<th>now</th></tr>\n");
        Set<String> kept = result == null ? Set.of()
                : result.resourcesKept().stream().map(Resource::id).collect(Collectors.toSet());
        for (MigrationRecorder.Created c : recorder.created()) {
            h.append("<tr><td>").append(esc(c.resource().type())).append("</td><td>").append(esc(c.resource().id()))
                    .append("</td><td>").append(esc(c.resource().role())).append("</td><td>").append(esc(c.step()))
                    .append("</td><td>").append(fate(c.resource(), kept, result, failure)).append("</td></tr>\n");
        }
        h.append("</table>\n");
        List<String> warnings = result != null ? result.warnings() : recorder.warnings();
        if (!warnings.isEmpty()) {
            h.append("<h2>Warnings</h2>\n<ul>\n");
            warnings.forEach(w -> h.append("<li>").append(esc(w)).append("</li>\n"));
            h.append("</ul>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    /**
     * The page of a fleet: one row and one bar (its steps by phase) per migration, and over time the
     * migrations running, the API calls and the rate-limit waits.
     */
    static String fleet(String title, FleetBenchmark.Report report) {
        FleetResult fleet = report.fleet();
        StringBuilder h = head(title);
        h.append("<p>").append(fleet.succeeded().size()).append(" migrated, ").append(fleet.failed().size())
                .append(" failed; makespan ").append(clock(fleet.makespan())).append(", at most ")
                .append(fleet.maxConcurrent()).append(" at once (peak ").append(fleet.peakConcurrency()).append(").</p>\n");
        h.append(overTime(report.apiCalls(), report.activity()));
        h.append("<h2>Steps by phase, per migration</h2>\n").append(legend());
        Duration longest = fleet.outcomes().stream().filter(FleetResult.Outcome::succeeded)
                .map(o -> o.result().total()).max(Duration::compareTo).orElse(Duration.ZERO);
        int height = ROW * fleet.outcomes().size() + 10;
        h.append("<svg width=\"").append(LABEL + PLOT + 20).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"steps by phase per migration\">\n");
        int y = 0;
        for (FleetResult.Outcome o : fleet.outcomes()) {
            h.append("<text x=\"0\" y=\"").append(y + 14).append("\">").append(esc(o.instanceId())).append("</text>\n");
            if (o.succeeded() && !longest.isZero()) {
                double x = LABEL;
                for (StepTiming t : o.result().timings()) {
                    double w = PLOT * (double) t.took().toMillis() / longest.toMillis();
                    h.append(rect(x, y + 3, w, ROW - 6, COLORS.get(t.phase()), t.step() + " (" + t.phase() + "): "
                            + clock(t.took())));
                    x += w;
                }
            } else if (!o.succeeded()) {
                h.append("<text class=\"failed\" x=\"").append(LABEL).append("\" y=\"").append(y + 14)
                        .append("\">failed</text>\n");
            }
            y += ROW;
        }
        h.append("</svg>\n<h2>Migrations</h2>\n<table><tr><th>instance</th><th>outcome</th><th>new instance</th>"
                + "<th>total</th><th>downtime</th><th>API calls</th><th>rate-limit wait</th></tr>\n");
        for (FleetResult.Outcome o : fleet.outcomes()) {
            h.append("<tr><td>").append(esc(o.instanceId())).append("</td>");
            if (o.succeeded()) {
                h.append("<td class=\"ok\">ok</td><td>").append(esc(o.result().newInstanceId())).append("</td><td>")
                        .append(clock(o.result().total())).append("</td><td>").append(clock(o.result().downtime()))
                        .append("</td>");
            } else {
                h.append("<td class=\"failed\">").append(esc(String.valueOf(o.error().getMessage())))
                        .append("</td><td></td><td></td><td></td>");
            }
            h.append("<td>").append(o.apiCalls()).append("</td><td>").append(clock(o.rateLimitWait()))
                    .append("</td></tr>\n");
        }
        return h.append("</table>\n</body>\n</html>\n").toString();
    }

    private static StringBuilder head(String title) {
        return new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>")
                .append(esc(title)).append("</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n<h1>")
                .append(esc(title)).append("</h1>\n");
    }

    private static String legend() {
        StringBuilder s = new StringBuilder("<p class=\"legend\">");
        for (Phase p : Phase.values()) {
            s.append("<span style=\"background:").append(COLORS.get(p)).append("\">").append(p).append("</span>");
        }
        return s.append("</p>\n").toString();
    }

    /** Bars at their real start and length; the downtime window (first CUTOVER start to last CUTOVER end) shaded. */
    private static String timeline(List<MigrationRecorder.Span> spans) {
        if (spans.isEmpty()) {
            return "<p>No step ran.</p>\n";
        }
        Instant t0 = spans.stream().map(MigrationRecorder.Span::start).min(Instant::compareTo).orElseThrow();
        Instant t1 = spans.stream().map(MigrationRecorder.Span::end).max(Instant::compareTo).orElseThrow();
        long total = Math.max(1, Duration.between(t0, t1).toMillis());
        int height = ROW * spans.size() + 30;
        StringBuilder s = new StringBuilder("<svg width=\"" + (LABEL + PLOT + 20) + "\" height=\"" + height
                + "\" role=\"img\" aria-label=\"timeline of the steps\">\n");
        List<MigrationRecorder.Span> cutover = spans.stream().filter(x -> x.phase() == Phase.CUTOVER).toList();
        if (!cutover.isEmpty()) {
            Instant d0 = cutover.stream().map(MigrationRecorder.Span::start).min(Instant::compareTo).orElseThrow();
            Instant d1 = cutover.stream().map(MigrationRecorder.Span::end).max(Instant::compareTo).orElseThrow();
            double x0 = LABEL + PLOT * (double) Duration.between(t0, d0).toMillis() / total;
            double w = Math.max(1, PLOT * (double) Duration.between(d0, d1).toMillis() / total);
            s.append("<rect id=\"downtime\" x=\"").append(num(x0)).append("\" y=\"0\" width=\"").append(num(w))
                    .append("\" height=\"").append(height - 20).append("\" fill=\"#e45756\" fill-opacity=\"0.15\">")
                    .append("<title>downtime window ").append(clock(Duration.between(d0, d1))).append("</title></rect>\n")
                    .append("<text x=\"").append(num(x0 + 2)).append("\" y=\"").append(height - 24)
                    .append("\">downtime ").append(clock(Duration.between(d0, d1))).append("</text>\n");
        }
        int y = 0;
        for (MigrationRecorder.Span x : spans) {
            double bx = LABEL + PLOT * (double) Duration.between(t0, x.start()).toMillis() / total;
            double bw = Math.max(1, PLOT * (double) x.took().toMillis() / total);
            s.append("<text x=\"0\" y=\"").append(y + 14).append("\">").append(esc(x.step())).append("</text>\n")
                    .append(rect(bx, y + 3, bw, ROW - 6, COLORS.get(x.phase()), x.step() + " (" + x.phase() + "): "
                            + clock(x.took()) + ", " + x.status().name().toLowerCase(Locale.ROOT)));
            y += ROW;
        }
        return s.append(axis(total, height - 4)).append("</svg>\n").toString();
    }

    /** Migrations running, API calls and rate-limit waits, on one time axis from the first start to the last end. */
    private static String overTime(List<ApiCallLog.Call> calls, FleetActivity activity) {
        List<FleetActivity.Interval> runs = activity.migrations();
        if (runs.isEmpty()) {
            return "<p>No migration ran.</p>\n";
        }
        Instant t0 = runs.stream().map(FleetActivity.Interval::start).min(Instant::compareTo).orElseThrow();
        Instant t1 = runs.stream().map(FleetActivity.Interval::end).max(Instant::compareTo).orElseThrow();
        StringBuilder h = new StringBuilder("<h2>Migrations running</h2>\n").append(concurrencyChart(runs, t0, t1));
        h.append(apiCallChart(calls, t0, t1)).append("<h2>Rate-limit waits</h2>\n");
        List<FleetActivity.Wait> waits = activity.waits();
        if (waits.isEmpty()) {
            return h.append("<p>No call waited for a rate-limit permit.</p>\n").toString();
        }
        double[] seconds = new double[BUCKETS];
        Map<Integer, Map<String, Double>> byAction = new TreeMap<>();
        for (FleetActivity.Wait w : waits) {
            int b = bucket(w.end(), t0, t1);
            double s = w.waited().toNanos() / 1e9;
            seconds[b] += s;
            byAction.computeIfAbsent(b, k -> new TreeMap<>()).merge(w.action(), s, Double::sum);
        }
        long overAMillisecond = waits.stream().filter(w -> w.waited().toNanos() >= 1_000_000).count();
        h.append("<p>").append(overAMillisecond).append(" calls waited 1 ms or more for a permit of pv2hvm's client-side"
                + " rate limits; ").append(seconds(Arrays.stream(seconds).sum())).append(" in all (real time, summed"
                + " over calls, by when each wait ended).</p>\n");
        return h.append(barChart("limiter-waits", "rate-limit waits over time", seconds, t0, t1, "#f58518",
                b -> seconds(seconds[b]) + " waited" + top(byAction.get(b), HtmlReport::seconds), HtmlReport::seconds))
                .toString();
    }

    /** Calls per time bucket, each bar's title naming its busiest actions. */
    private static String apiCallChart(List<ApiCallLog.Call> calls, Instant t0, Instant t1) {
        List<ApiCallLog.Call> in = calls.stream().filter(c -> !c.at().isBefore(t0) && !c.at().isAfter(t1)).toList();
        StringBuilder h = new StringBuilder("<h2>API calls over time</h2>\n<p>").append(in.size())
                .append(" EC2 and SSM calls (SDK retries not counted)");
        if (in.isEmpty()) {
            return h.append(".</p>\n").toString();
        }
        double[] count = new double[BUCKETS];
        Map<Integer, Map<String, Double>> byAction = new TreeMap<>();
        Map<String, Long> total = new TreeMap<>();
        for (ApiCallLog.Call c : in) {
            int b = bucket(c.at(), t0, t1);
            count[b]++;
            byAction.computeIfAbsent(b, k -> new TreeMap<>()).merge(c.action(), 1.0, Double::sum);
            total.merge(c.action(), 1L, Long::sum);
        }
        h.append("; the most: ").append(esc(total.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")))).append(".</p>\n");
        return h.append(barChart("api-calls", "API calls over time", count, t0, t1, "#4c78a8",
                b -> (long) count[b] + " calls" + top(byAction.get(b), v -> Long.toString(Math.round(v))),
                v -> Long.toString(Math.round(v)))).toString();
    }

    /** How many migrations ran at each moment: a step line. */
    private static String concurrencyChart(List<FleetActivity.Interval> runs, Instant t0, Instant t1) {
        TreeMap<Instant, Integer> delta = new TreeMap<>();
        runs.forEach(r -> {
            delta.merge(r.start(), 1, Integer::sum);
            delta.merge(r.end(), -1, Integer::sum);
        });
        int running = 0;
        int peak = 0;
        long total = Math.max(1, Duration.between(t0, t1).toMillis());
        StringBuilder points = new StringBuilder();
        double y = CHART;
        for (Map.Entry<Instant, Integer> e : delta.entrySet()) {
            running += e.getValue();
            peak = Math.max(peak, running);
        }
        running = 0;
        for (Map.Entry<Instant, Integer> e : delta.entrySet()) {
            double x = LABEL + PLOT * (double) Duration.between(t0, e.getKey()).toMillis() / total;
            points.append(num(x)).append(',').append(num(y)).append(' ');
            running += e.getValue();
            y = CHART - (double) CHART * running / Math.max(1, peak);
            points.append(num(x)).append(',').append(num(y)).append(' ');
        }
        return "<svg id=\"concurrency\" width=\"" + (LABEL + PLOT + 20) + "\" height=\"" + (CHART + 20)
                + "\" role=\"img\" aria-label=\"migrations running over time\">\n"
                + "<text x=\"0\" y=\"12\">" + peak + " running (peak)</text>\n"
                + "<text x=\"0\" y=\"" + CHART + "\">0</text>\n"
                + "<polyline points=\"" + points.toString().trim() + "\" fill=\"none\" stroke=\"#54a24b\""
                + " stroke-width=\"2\"><title>migrations running, peak " + peak + "</title></polyline>\n"
                + axis(total, CHART + 16) + "</svg>\n";
    }

    /** Bars of {@code values}, one per time bucket from t0 to t1, scaled to the largest. */
    private static String barChart(String id, String label, double[] values, Instant t0, Instant t1, String color,
                                   Function<Integer, String> title, Function<Double, String> unit) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        long total = Math.max(1, Duration.between(t0, t1).toMillis());
        double w = (double) PLOT / BUCKETS;
        StringBuilder s = new StringBuilder("<svg id=\"" + id + "\" width=\"" + (LABEL + PLOT + 20) + "\" height=\""
                + (CHART + 20) + "\" role=\"img\" aria-label=\"" + esc(label) + "\">\n");
        s.append("<text x=\"0\" y=\"12\">").append(esc(unit.apply(max))).append(" (most per ")
                .append(clock(Duration.ofMillis(total / BUCKETS))).append(")</text>\n<text x=\"0\" y=\"")
                .append(CHART).append("\">0</text>\n");
        for (int b = 0; b < BUCKETS; b++) {
            if (values[b] > 0) {
                double h = Math.max(1, CHART * values[b] / max);
                s.append("<rect class=\"bar\" x=\"").append(num(LABEL + b * w)).append("\" y=\"").append(num(CHART - h))
                        .append("\" width=\"").append(num(w - 1)).append("\" height=\"").append(num(h))
                        .append("\" fill=\"").append(color).append("\"><title>")
                        .append(clock(Duration.ofMillis(total * b / BUCKETS))).append(": ").append(esc(title.apply(b)))
                        .append("</title></rect>\n");
            }
        }
        return s.append(axis(total, CHART + 16)).append("</svg>\n").toString();
    }

    /** Time labels under a chart: 0, a quarter, ..., the end. */
    private static String axis(long totalMillis, int y) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i <= 4; i++) {
            s.append("<text x=\"").append(num(LABEL + PLOT * i / 4.0 - (i == 4 ? 40 : 0))).append("\" y=\"").append(y)
                    .append("\">").append(clock(Duration.ofMillis(totalMillis * i / 4))).append("</text>\n");
        }
        return s.toString();
    }

    /** "12 ms" under a second (a scaled fleet's waits are short), else "3.0 s". */
    private static String seconds(double s) {
        return s < 1 ? String.format(Locale.ROOT, "%.0f ms", s * 1000) : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static int bucket(Instant at, Instant t0, Instant t1) {
        long total = Math.max(1, Duration.between(t0, t1).toNanos());
        long b = Duration.between(t0, at).toNanos() * BUCKETS / total;
        return (int) Math.max(0, Math.min(BUCKETS - 1, b));
    }

    /** ", A 3, B 2": the three largest of a bucket. */
    private static String top(Map<String, Double> values, Function<Double, String> format) {
        if (values == null) {
            return "";
        }
        return values.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .limit(3).map(e -> ", " + e.getKey() + " " + format.apply(e.getValue())).collect(Collectors.joining());
    }

    private static String rect(double x, double y, double w, double h, String color, String title) {
        return "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h)
                + "\" fill=\"" + color + "\"><title>" + esc(title) + "</title></rect>\n";
    }

    private static String fate(Resource r, Set<String> kept, MigrationResult result, Throwable failure) {
        if (result != null) {
            return kept.contains(r.id()) ? "kept" : "deleted";
        }
        if (failure instanceof StepFailedException f && f.notRolledBack().isEmpty()) {
            return "rolled back";
        }
        return "see the journal";
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Seconds with a decimal under a minute (sandbox steps are short), else h:mm:ss. */
    private static String clock(Duration d) {
        return d.compareTo(Duration.ofMinutes(1)) < 0 ? String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)
                : ProgressDisplay.clockText(d);
    }

    /** Text for HTML and XML: the five special characters escaped, control characters dropped. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
