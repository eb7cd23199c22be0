package io.pv2hvm.aws;

import io.pv2hvm.core.Resource;

import java.util.List;

/**
 * What {@link Migrations#sweep} found.
 *
 * @param deleted temporary resources of finished or unknown migrations, deleted (or, in a dry run, to delete)
 * @param skipped temporary resources of migrations that may still be in progress
 * @param dryRun  whether nothing was actually deleted
 */
public record SweepReport(List<Resource> deleted, List<Resource> skipped, boolean dryRun) {
    /** Copies the lists. */
    public SweepReport {
        deleted = List.copyOf(deleted);
        skipped = List.copyOf(skipped);
    }

    /** The report for people. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(dryRun ? "Would delete " : "Deleted ").append(deleted.size()).append(" orphaned resource")
                .append(deleted.size() == 1 ? "" : "s").append('\n');
        deleted.forEach(r -> sb.append("  ").append(r).append('\n'));
        if (!skipped.isEmpty()) {
            sb.append("Skipped ").append(skipped.size()).append(" of migrations that may still be in progress (resume"
                    + " or finish them first, or include migrations without a local journal)\n");
            skipped.forEach(r -> sb.append("  ").append(r).append('\n'));
        }
        return sb.toString();
    }
}
