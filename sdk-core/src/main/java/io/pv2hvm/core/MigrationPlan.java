package io.pv2hvm.core;

import io.pv2hvm.core.internal.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dry run of a migration: the steps in order, what each will create or change, and which
 * fall in the downtime window. Making a plan changes nothing.
 *
 * @param instanceId the source instance
 * @param options    the options that define the migration
 * @param steps      the steps in execution order
 */
public record MigrationPlan(String instanceId, Map<String, String> options, List<PlannedStep> steps) {
    /** Copies the collections. */
    public MigrationPlan {
        options = Map.copyOf(new LinkedHashMap<>(options));
        steps = List.copyOf(steps);
    }

    /** The steps that run while the source is out of service. */
    public List<PlannedStep> downtimeSteps() {
        return steps.stream().filter(PlannedStep::downtime).toList();
    }

    /** The plan for people: one block per phase, the downtime window marked. */
    public String toText() {
        StringBuilder sb = new StringBuilder("Plan for " + instanceId + " -> HVM\n");
        Phase current = null;
        for (PlannedStep s : steps) {
            if (s.phase() != current) {
                current = s.phase();
                sb.append('\n').append(current).append(current.downtime() ? "  [downtime window]" : "").append('\n');
            }
            sb.append(String.format("  %2d. %-28s %s%n", s.number(), s.name(), s.summary()));
            s.creates().forEach(c -> sb.append("        creates: ").append(c).append('\n'));
            s.changes().forEach(c -> sb.append("        changes: ").append(c).append('\n'));
        }
        sb.append('\n').append(downtimeSteps().size()).append(" of ").append(steps.size())
                .append(" steps run while the source is down.\n");
        return sb.toString();
    }

    /** The plan as JSON. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instanceId", instanceId);
        m.put("options", options);
        m.put("steps", steps.stream().map(PlannedStep::jsonTree).toList());
        return Json.writePretty(m);
    }
}
