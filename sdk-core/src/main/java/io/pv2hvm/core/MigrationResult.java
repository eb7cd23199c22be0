package io.pv2hvm.core;

import io.pv2hvm.core.internal.Json;
import io.pv2hvm.core.spi.FactKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished migration did. Ids a provider did not produce are {@code null} (a user's
 * engine without an image step has no image id). Build one with {@link #builder()}.
 */
public final class MigrationResult {
    private final String migrationId;
    private final String sourceInstanceId;
    private final String newInstanceId;
    private final String newImageId;
    private final String backupImageId;
    private final List<String> ipsBefore;
    private final List<String> ipsAfter;
    private final List<StepTiming> timings;
    private final Duration total;
    private final Duration downtime;
    private final List<String> warnings;
    private final List<Resource> resourcesKept;
    private final Map<String, String> facts;

    private MigrationResult(Builder b) {
        this.migrationId = b.migrationId;
        this.sourceInstanceId = b.sourceInstanceId;
        this.newInstanceId = b.newInstanceId;
        this.newImageId = b.newImageId;
        this.backupImageId = b.backupImageId;
        this.ipsBefore = List.copyOf(b.ipsBefore);
        this.ipsAfter = List.copyOf(b.ipsAfter);
        this.timings = List.copyOf(b.timings);
        this.total = b.total;
        this.downtime = b.downtime;
        this.warnings = List.copyOf(b.warnings);
        this.resourcesKept = List.copyOf(b.resourcesKept);
        this.facts = Map.copyOf(b.facts);
    }

    /** A builder with every field unset (collections empty). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this value's fields, to change some. */
    public Builder toBuilder() {
        return new Builder().migrationId(migrationId).sourceInstanceId(sourceInstanceId).newInstanceId(newInstanceId).newImageId(newImageId).backupImageId(backupImageId).ipsBefore(ipsBefore).ipsAfter(ipsAfter).timings(timings).total(total).downtime(downtime).warnings(warnings).resourcesKept(resourcesKept).facts(facts);
    }

    /** The journal id. */
    public String migrationId() {
        return migrationId;
    }

    /** The PV instance. */
    public String sourceInstanceId() {
        return sourceInstanceId;
    }

    /** The HVM instance, or {@code null}. */
    public String newInstanceId() {
        return newInstanceId;
    }

    /** The registered HVM image, or {@code null}. */
    public String newImageId() {
        return newImageId;
    }

    /** The backup image of the source, or {@code null}. */
    public String backupImageId() {
        return backupImageId;
    }

    /** The source's IPs. */
    public List<String> ipsBefore() {
        return ipsBefore;
    }

    /** The new instance's IPs. */
    public List<String> ipsAfter() {
        return ipsAfter;
    }

    /** Per-step timings in execution order. */
    public List<StepTiming> timings() {
        return timings;
    }

    /** Time of the whole migration (all runs, if resumed), by the run's clock. */
    public Duration total() {
        return total;
    }

    /** Time the source was out of service (the CUTOVER steps). */
    public Duration downtime() {
        return downtime;
    }

    /** Things the user should know. */
    public List<String> warnings() {
        return warnings;
    }

    /** Resources created and intentionally kept (images, the new instance). */
    public List<Resource> resourcesKept() {
        return resourcesKept;
    }

    /**
     * The well-known facts ({@code result.*} keys, e.g. {@link MigrationFacts}) as the journal's
     * plain text ("true", "a,b", an id, JSON), read-only, for display; providers' own facts stay in
     * the journal. To read one, use the typed {@link #fact}.
     */
    public Map<String, String> facts() {
        return facts;
    }

    /**
     * Old id to new id of everything the migration replaced rather than moved, for the user's
     * own bookkeeping (load balancer targets, alarms, inventories): the instance, its root
     * volume, a relaunched primary interface and the image. Moved volumes and interfaces keep
     * their ids and are not listed.
     */
    public Map<String, String> idMap() {
        Map<String, String> ids = new java.util.TreeMap<>();
        facts.forEach((name, text) -> MigrationFacts.REPLACED_BY.subjectOf(name)
                .ifPresent(oldId -> ids.put(oldId, fact(MigrationFacts.REPLACED_BY.of(oldId)).orElseThrow())));
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
        String before = fact(MigrationFacts.VIRTUALIZATION_BEFORE).orElse(null);
        String after = fact(MigrationFacts.VIRTUALIZATION_AFTER).orElse(null);
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
        fact(MigrationFacts.API_CALLS).ifPresent(calls -> sb.append("  API calls:      ").append(calls).append('\n'));
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

    /** The result as JSON: the fields in the order they are declared, timings as objects. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("migrationId", migrationId);
        m.put("sourceInstanceId", sourceInstanceId);
        m.put("newInstanceId", newInstanceId);
        m.put("newImageId", newImageId);
        m.put("backupImageId", backupImageId);
        m.put("ipsBefore", ipsBefore);
        m.put("ipsAfter", ipsAfter);
        m.put("timings", timings.stream().map(StepTiming::jsonTree).toList());
        m.put("total", total);
        m.put("downtime", downtime);
        m.put("warnings", warnings);
        m.put("resourcesKept", resourcesKept);
        m.put("facts", facts);
        return Json.writePretty(m);
    }

    /**
     * A well-known fact of the result (a {@code result.*} key, e.g. {@link MigrationFacts#NEW_INSTANCE_ID}),
     * decoded by the key's codec; empty if the migration did not record it.
     */
    public <T> Optional<T> fact(FactKey<T> key) {
        return key.lookUp(facts::get).map(key.codec()::fromLegacy);
    }


    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms < 10_000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MigrationResult other)) {
            return false;
        }
        return Objects.equals(migrationId, other.migrationId)
                && Objects.equals(sourceInstanceId, other.sourceInstanceId)
                && Objects.equals(newInstanceId, other.newInstanceId)
                && Objects.equals(newImageId, other.newImageId)
                && Objects.equals(backupImageId, other.backupImageId)
                && Objects.equals(ipsBefore, other.ipsBefore)
                && Objects.equals(ipsAfter, other.ipsAfter)
                && Objects.equals(timings, other.timings)
                && Objects.equals(total, other.total)
                && Objects.equals(downtime, other.downtime)
                && Objects.equals(warnings, other.warnings)
                && Objects.equals(resourcesKept, other.resourcesKept)
                && Objects.equals(facts, other.facts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(migrationId, sourceInstanceId, newInstanceId, newImageId, backupImageId, ipsBefore, ipsAfter, timings, total, downtime, warnings, resourcesKept, facts);
    }

    @Override
    public String toString() {
        return "MigrationResult[" + "migrationId=" + migrationId + ", " + "sourceInstanceId=" + sourceInstanceId + ", " + "newInstanceId=" + newInstanceId + ", " + "newImageId=" + newImageId + ", " + "backupImageId=" + backupImageId + ", " + "ipsBefore=" + ipsBefore + ", " + "ipsAfter=" + ipsAfter + ", " + "timings=" + timings + ", " + "total=" + total + ", " + "downtime=" + downtime + ", " + "warnings=" + warnings + ", " + "resourcesKept=" + resourcesKept + ", " + "facts=" + facts + "]";
    }

    /** Builds a {@link MigrationResult}; unset ids are {@code null}, unset collections empty. */
    public static final class Builder {
        private String migrationId;
        private String sourceInstanceId;
        private String newInstanceId;
        private String newImageId;
        private String backupImageId;
        private List<String> ipsBefore = List.of();
        private List<String> ipsAfter = List.of();
        private List<StepTiming> timings = List.of();
        private Duration total = Duration.ZERO;
        private Duration downtime = Duration.ZERO;
        private List<String> warnings = List.of();
        private List<Resource> resourcesKept = List.of();
        private Map<String, String> facts = Map.of();

        private Builder() {
        }

        /** Sets {@link MigrationResult#migrationId()}. */
        public Builder migrationId(String migrationId) {
            this.migrationId = migrationId;
            return this;
        }

        /** Sets {@link MigrationResult#sourceInstanceId()}. */
        public Builder sourceInstanceId(String sourceInstanceId) {
            this.sourceInstanceId = sourceInstanceId;
            return this;
        }

        /** Sets {@link MigrationResult#newInstanceId()}. */
        public Builder newInstanceId(String newInstanceId) {
            this.newInstanceId = newInstanceId;
            return this;
        }

        /** Sets {@link MigrationResult#newImageId()}. */
        public Builder newImageId(String newImageId) {
            this.newImageId = newImageId;
            return this;
        }

        /** Sets {@link MigrationResult#backupImageId()}. */
        public Builder backupImageId(String backupImageId) {
            this.backupImageId = backupImageId;
            return this;
        }

        /** Sets {@link MigrationResult#ipsBefore()}. */
        public Builder ipsBefore(List<String> ipsBefore) {
            this.ipsBefore = ipsBefore;
            return this;
        }

        /** Sets {@link MigrationResult#ipsAfter()}. */
        public Builder ipsAfter(List<String> ipsAfter) {
            this.ipsAfter = ipsAfter;
            return this;
        }

        /** Sets {@link MigrationResult#timings()}. */
        public Builder timings(List<StepTiming> timings) {
            this.timings = timings;
            return this;
        }

        /** Sets {@link MigrationResult#total()}. */
        public Builder total(Duration total) {
            this.total = total;
            return this;
        }

        /** Sets {@link MigrationResult#downtime()}. */
        public Builder downtime(Duration downtime) {
            this.downtime = downtime;
            return this;
        }

        /** Sets {@link MigrationResult#warnings()}. */
        public Builder warnings(List<String> warnings) {
            this.warnings = warnings;
            return this;
        }

        /** Sets {@link MigrationResult#resourcesKept()}. */
        public Builder resourcesKept(List<Resource> resourcesKept) {
            this.resourcesKept = resourcesKept;
            return this;
        }

        /** Sets {@link MigrationResult#facts()}. */
        public Builder facts(Map<String, String> facts) {
            this.facts = facts;
            return this;
        }

        /** The value. */
        public MigrationResult build() {
            return new MigrationResult(this);
        }
    }
}
