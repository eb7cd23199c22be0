package io.pv2hvm.samples.bench;

import io.pv2hvm.samples.sandbox.ApiCallLog;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where a fleet's API calls went: the calls its clients made, per action and per step, divided by
 * the migrations, so a user sees which waits and which steps cost the calls. A poll round shared by
 * several migrations is one call, counted under the step of the migration that led it.
 */
public final class CallBreakdown {
    private final List<ApiCallLog.Call> calls;
    private final int migrations;

    /** The breakdown of {@code calls} over {@code migrations} migrations. */
    public CallBreakdown(List<ApiCallLog.Call> calls, int migrations) {
        if (migrations < 1) {
            throw new IllegalArgumentException("migrations must be at least 1; got " + migrations);
        }
        this.calls = List.copyOf(calls);
        this.migrations = migrations;
    }

    /** Calls per action, most first. */
    public Map<String, Long> byAction() {
        return count(ApiCallLog.Call::action);
    }

    /** Calls per step, most first. */
    public Map<String, Long> byStep() {
        return count(ApiCallLog.Call::step);
    }

    /** Calls of each action within {@code step}, most first. */
    public Map<String, Long> actionsOf(String step) {
        return count(calls.stream().filter(c -> c.step().equals(step)).toList(), ApiCallLog.Call::action);
    }

    /** A table: action, calls, calls per migration; the last row is the total. */
    public MarkdownTable actionTable() {
        MarkdownTable t = new MarkdownTable("action", "calls", "per migration");
        byAction().forEach((action, n) -> t.row(action, Long.toString(n), perMigration(n)));
        return t.row("total", Long.toString(calls.size()), perMigration(calls.size()));
    }

    /** A table: step, calls per migration, and its actions per migration (most first). */
    public MarkdownTable stepTable() {
        MarkdownTable t = new MarkdownTable("step", "per migration", "actions per migration");
        byStep().forEach((step, n) -> t.row(step, perMigration(n), actionsOf(step).entrySet().stream()
                .map(e -> e.getKey() + " " + perMigration(e.getValue())).collect(Collectors.joining(", "))));
        return t;
    }

    private String perMigration(long n) {
        return String.format(Locale.ROOT, "%.1f", n / (double) migrations);
    }

    private Map<String, Long> count(Function<ApiCallLog.Call, String> key) {
        return count(calls, key);
    }

    /** Counts by key, ordered by count (most first), then by name. */
    private static Map<String, Long> count(List<ApiCallLog.Call> calls, Function<ApiCallLog.Call, String> key) {
        Map<String, Long> counts = calls.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
