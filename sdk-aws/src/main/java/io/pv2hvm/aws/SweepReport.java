package io.pv2hvm.aws;

import io.pv2hvm.core.Resource;

import java.util.List;

/**
 * What {@link Migrations#sweep} found: the temporaries it deleted (or, in a dry run, would
 * delete), those it skipped, and those it spared as unverified. Immutable.
 */
public final class SweepReport {
    private final List<Resource> deleted;
    private final List<Resource> skipped;
    private final List<Resource> unverified;
    private final boolean dryRun;

    /** For the builder (a bare boolean says nothing at a caller's site); copies the lists. */
    private SweepReport(List<Resource> deleted, List<Resource> skipped, List<Resource> unverified, boolean dryRun) {
        this.deleted = List.copyOf(deleted);
        this.skipped = List.copyOf(skipped);
        this.unverified = List.copyOf(unverified);
        this.dryRun = dryRun;
    }

    /** A builder of an empty report of a sweep that deleted. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Temporaries a journal names (or of migration ids the caller gave) of finished migrations,
     * deleted (or, in a dry run, to delete).
     */
    public List<Resource> deleted() {
        return deleted;
    }

    /** Temporaries of migrations that may still be in progress, or that another process runs now. */
    public List<Resource> skipped() {
        return skipped;
    }

    /**
     * Resources tagged as pv2hvm temporaries that no journal names: tags can be written by anyone,
     * so they are spared unless the caller names their migration id.
     */
    public List<Resource> unverified() {
        return unverified;
    }

    /** Whether nothing was actually deleted. */
    public boolean dryRun() {
        return dryRun;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SweepReport r && deleted.equals(r.deleted) && skipped.equals(r.skipped)
                && unverified.equals(r.unverified) && dryRun == r.dryRun;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(deleted, skipped, unverified, dryRun);
    }

    @Override
    public String toString() {
        return "SweepReport[deleted=" + deleted + ", skipped=" + skipped + ", unverified=" + unverified
                + ", dryRun=" + dryRun + "]";
    }

    /** Builds a {@link SweepReport}. */
    public static final class Builder {
        private List<Resource> deleted = List.of();
        private List<Resource> skipped = List.of();
        private List<Resource> unverified = List.of();
        private boolean dryRun;

        private Builder() {
        }

        /** The temporaries deleted (or, in a dry run, to delete). */
        public Builder deleted(List<Resource> resources) {
            this.deleted = List.copyOf(resources);
            return this;
        }

        /** The temporaries skipped: their migrations may be in progress, or run now. */
        public Builder skipped(List<Resource> resources) {
            this.skipped = List.copyOf(resources);
            return this;
        }

        /** The tagged resources no journal names, spared. */
        public Builder unverified(List<Resource> resources) {
            this.unverified = List.copyOf(resources);
            return this;
        }

        /** The report of a dry run: nothing was deleted. */
        public Builder dryRun() {
            this.dryRun = true;
            return this;
        }

        /** The report. */
        @SuppressWarnings("deprecation")
        public SweepReport build() {
            return new SweepReport(deleted, skipped, unverified, dryRun);
        }
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
