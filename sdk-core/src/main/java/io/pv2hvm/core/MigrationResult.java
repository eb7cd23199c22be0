package io.pv2hvm.core;

import io.pv2hvm.core.internal.Json;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a finished migration did. Ids a provider did not produce are {@code null} (a user's
 * engine without an image step has no image id).
 *
 * @param migrationId      the journal id
 * @param sourceInstanceId the PV instance
 * @param newInstanceId    the HVM instance
 * @param newImageId       the registered HVM image
 * @param backupImageId    the backup image of the source
 * @param ipsBefore        the source's IPs
 * @param ipsAfter         the new instance's IPs
 * @param timings          per-step timings in execution order
 * @param total            wall time of the whole migration (all runs, if resumed)
 * @param downtime         time the source was out of service (the CUTOVER steps)
 * @param warnings         things the user should know
 * @param resourcesKept    resources created and intentionally kept (images, the new instance)
 * @param facts            the well-known facts ({@link Facts}, keys {@code result.*}); providers' own
 *                         facts stay in the journal
 */
public record MigrationResult(String migrationId, String sourceInstanceId, String newInstanceId, String newImageId,
                              String backupImageId, List<String> ipsBefore, List<String> ipsAfter,
                              List<StepTiming> timings, Duration total, Duration downtime, List<String> warnings,
                              List<Resource> resourcesKept, Map<String, String> facts) {
    /** Copies the collections. */
    public MigrationResult {
        ipsBefore = List.copyOf(ipsBefore);
        ipsAfter = List.copyOf(ipsAfter);
        timings = List.copyOf(timings);
        warnings = List.copyOf(warnings);
        resourcesKept = List.copyOf(resourcesKept);
        facts = Map.copyOf(facts);
    }

    /**
     * Old id to new id of everything the migration replaced rather than moved, for the user's
     * own bookkeeping (load balancer targets, alarms, inventories): the instance, its root
     * volume, a relaunched primary interface and the image. Moved volumes and interfaces keep
     * their ids and are not listed.
     */
    public Map<String, String> idMap() {
        Map<String, String> ids = new java.util.TreeMap<>();
        facts.forEach((k, v) -> {
            if (k.startsWith(Facts.REPLACED_BY_PREFIX)) {
                ids.put(k.substring(Facts.REPLACED_BY_PREFIX.length()), v);
            }
        });
        return Map.copyOf(ids);
    }

    /**
     * The downtime window's critical path: its steps in order (they run one after another, so
     * each is on the path), for finding what to shorten.
     */
    public List<StepTiming> downtimeSteps() {
        return timings.stream().filter(StepTiming::downtime).toList();
    }

    /** The result for people. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Migration ").append(migrationId).append(": ").append(sourceInstanceId).append(" -> ")
                .append(orDash(newInstanceId)).append('\n');
        String before = facts.get(Facts.VIRTUALIZATION_BEFORE);
        String after = facts.get(Facts.VIRTUALIZATION_AFTER);
        if (before != null || after != null) {
            sb.append("  virtualization: ").append(orDash(before)).append(" -> ").append(orDash(after)).append('\n');
        }
        sb.append("  new image:      ").append(orDash(newImageId)).append('\n');
        sb.append("  backup image:   ").append(orDash(backupImageId)).append('\n');
        idMap().forEach((from, to) -> sb.append("  replaced:       ").append(from).append(" -> ").append(to)
                .append('\n'));
        sb.append("  IPs before:     ").append(ipsBefore.isEmpty() ? "-" : String.join(", ", ipsBefore)).append('\n');
        sb.append("  IPs after:      ").append(ipsAfter.isEmpty() ? "-" : String.join(", ", ipsAfter)).append('\n');
        sb.append("  total:          ").append(human(total)).append('\n');
        sb.append("  downtime:       ").append(human(downtime)).append('\n');
        String calls = facts.get(Facts.API_CALLS);
        if (calls != null) {
            sb.append("  API calls:      ").append(calls).append('\n');
        }
        sb.append("  steps:\n");
        for (StepTiming t : timings) {
            sb.append(String.format("    %-10s %-28s %9s%s%s%n", t.phase(), t.step(), human(t.took()),
                    t.downtime() ? "  (downtime)" : "", t.resumed() ? "  (done before resume)" : ""));
        }
        List<StepTiming> window = downtimeSteps();
        if (!window.isEmpty() && !downtime.isZero()) {
            sb.append("  downtime window, step by step:\n");
            for (StepTiming t : window) {
                sb.append(String.format(java.util.Locale.ROOT, "    %-38s %9s %4.0f%%%n", t.step(), human(t.took()),
                        100.0 * t.took().toMillis() / downtime.toMillis()));
            }
        }
        warnings.forEach(w -> sb.append("  warning: ").append(w).append('\n'));
        return sb.toString();
    }

    /** The result as JSON. */
    public String toJson() {
        return Json.writePretty(this);
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms < 10_000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
    }
}
