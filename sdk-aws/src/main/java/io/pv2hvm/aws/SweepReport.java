package io.pv2hvm.aws;

import io.pv2hvm.core.Resource;

import java.util.List;

/**
 * What {@link Migrations#sweep} found.
 *
 * @param deleted    temporaries a journal names (or of migration ids the caller gave) of finished
 *                   migrations, deleted (or, in a dry run, to delete)
 * @param skipped    temporaries of migrations that may still be in progress, or that another process runs now
 * @param unverified resources tagged as pv2hvm temporaries that no journal names: tags can be written by
 *                   anyone, so they are spared unless the caller names their migration id
 * @param dryRun     whether nothing was actually deleted
 */
public record SweepReport(List<Resource> deleted, List<Resource> skipped, List<Resource> unverified,
                          boolean dryRun) {
    /** Copies the lists. */
    public SweepReport {
        deleted = List.copyOf(deleted);
        skipped = List.copyOf(skipped);
        unverified = List.copyOf(unverified);
    }

    /** The report for people. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(dryRun ? "Would delete " : "Deleted ").append(deleted.size()).append(" orphaned resource")
                .append(deleted.size() == 1 ? "" : "s").append('\n');
        deleted.forEach(r -> sb.append("  ").append(r).append('\n'));
        if (!skipped.isEmpty()) {
            sb.append("Skipped ").append(skipped.size()).append(" of migrations that may still be in progress or run"
                    + " now (resume or finish them first)\n");
            skipped.forEach(r -> sb.append("  ").append(r).append('\n'));
        }
        if (!unverified.isEmpty()) {
            sb.append("Spared ").append(unverified.size()).append(" tagged as pv2hvm temporaries that no journal here"
                    + " names (tags can be set by anyone; if you know they are leftovers, sweep again naming their"
                    + " migration id)\n");
            unverified.forEach(r -> sb.append("  ").append(r).append('\n'));
        }
        return sb.toString();
    }
}
