package io.pv2hvm.core;

/**
 * Well-known fact keys. Steps record these with {@code StepContext.putFact}; the result is built
 * from them. Lists are comma-separated.
 */
public final class Facts {
    /** The id of the new HVM instance. */
    public static final String NEW_INSTANCE_ID = "result.new-instance-id";
    /** The id of the registered HVM image. */
    public static final String NEW_IMAGE_ID = "result.new-image-id";
    /** The id of the backup image of the source. */
    public static final String BACKUP_IMAGE_ID = "result.backup-image-id";
    /** The source's IPs (private, then public/elastic), comma-separated. */
    public static final String IPS_BEFORE = "result.ips-before";
    /** The new instance's IPs, same order, comma-separated. */
    public static final String IPS_AFTER = "result.ips-after";
    /** The virtualization type of the source. */
    public static final String VIRTUALIZATION_BEFORE = "result.virtualization-before";
    /** The virtualization type of the new instance. */
    public static final String VIRTUALIZATION_AFTER = "result.virtualization-after";
    /** The instance type the new instance gets (the requested one, the source's, or its successor), known after preflight. */
    public static final String TARGET_INSTANCE_TYPE = "result.target-instance-type";
    /** How many cloud API calls the migration made. */
    public static final String API_CALLS = "result.api-calls";
    /** Prefix of the old-id to new-id facts; see {@link #replacedBy(String)}. */
    public static final String REPLACED_BY_PREFIX = "result.replaced-by.";

    /** The fact recording which new resource replaces {@code oldId} (instance, volume, interface, image). */
    public static String replacedBy(String oldId) {
        return REPLACED_BY_PREFIX + oldId;
    }

    private Facts() {
    }
}
