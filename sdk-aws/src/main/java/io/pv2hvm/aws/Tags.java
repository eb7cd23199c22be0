package io.pv2hvm.aws;

/**
 * The tags pv2hvm puts on every resource it creates, so that cleanup, {@code sweep} and people
 * can find them.
 */
public final class Tags {
    /** The migration that created the resource. */
    public static final String MIGRATION_ID = "pv2hvm:migration-id";
    /** What the resource is for: {@code worker}, {@code trial}, {@code scratch-volume}, {@code backup-image}, ... */
    public static final String ROLE = "pv2hvm:role";

    private Tags() {
    }
}
