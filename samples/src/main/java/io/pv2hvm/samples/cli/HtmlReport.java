package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.FleetResult;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.StepTiming;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
     * window shaded, and the resources created, kept and deleted.
     *
     * @param result  the result, or null if it failed
     * @param failure why it failed, or null
     */
    static String migration(String title, MigrationRecorder recorder, MigrationResult result, Throwable failure) {
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

    /** The page of a fleet: one row and one bar (its steps by phase) per migration. */
    static String fleet(String title, FleetResult fleet) {
        StringBuilder h = head(title);
        h.append("<p>").append(fleet.succeeded().size()).append(" migrated, ").append(fleet.failed().size())
                .append(" failed; makespan ").append(clock(fleet.makespan())).append(", at most ")
                .append(fleet.maxConcurrent()).append(" at once (peak ").append(fleet.peakConcurrency()).append(").</p>\n");
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
        for (int i = 0; i <= 4; i++) {
            s.append("<text x=\"").append(num(LABEL + PLOT * i / 4.0)).append("\" y=\"").append(height - 4)
                    .append("\">").append(clock(Duration.ofMillis(total * i / 4))).append("</text>\n");
        }
        return s.append("</svg>\n").toString();
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
