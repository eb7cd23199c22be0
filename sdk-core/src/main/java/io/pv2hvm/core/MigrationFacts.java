package io.pv2hvm.core;

import io.pv2hvm.core.spi.FactCodec;
import io.pv2hvm.core.spi.FactFamily;
import io.pv2hvm.core.spi.FactKey;

import java.util.List;

/**
 * The facts of a migration that a user's step may read (and {@link MigrationResult} is built
 * from). Read them with {@code StepContext.get}/{@code find}; the names are those journals have
 * always used, so a run started by an older pv2hvm resumes.
 */
public final class MigrationFacts {

    /**
     * The instance that stands for the source now: the original, or the one a rollback relaunched
     * from the backup image after the original was terminated. Read it in a compensation to act
     * on the server that serves again (e.g. put it back behind a load balancer).
     */
    public static final FactKey<String> CURRENT_SOURCE_ID = FactKey.string("source.current-instance-id")
            .alsoReading("aws.restored-source")
            .orElse(MigrationOptions::instanceId);
    /** The id of the new HVM instance. */
    public static final FactKey<String> NEW_INSTANCE_ID = FactKey.string("result.new-instance-id");
    /** The id of the registered HVM image. */
    public static final FactKey<String> NEW_IMAGE_ID = FactKey.string("result.new-image-id");
    /** The id of the source's backup image. */
    public static final FactKey<String> BACKUP_IMAGE_ID = FactKey.string("result.backup-image-id");
    /** The source's IPs (private, then public or elastic). */
    public static final FactKey<List<String>> IPS_BEFORE = FactKey.strings("result.ips-before");
    /** The new instance's IPs, in the same order. */
    public static final FactKey<List<String>> IPS_AFTER = FactKey.strings("result.ips-after");
    /** The source's virtualization type. */
    public static final FactKey<String> VIRTUALIZATION_BEFORE = FactKey.string("result.virtualization-before");
    /** The new instance's virtualization type. */
    public static final FactKey<String> VIRTUALIZATION_AFTER = FactKey.string("result.virtualization-after");
    /** The instance type the new instance gets, known after preflight. */
    public static final FactKey<String> TARGET_INSTANCE_TYPE = FactKey.string("result.target-instance-type");
    /** How many cloud API calls the migration made. */
    public static final FactKey<Long> API_CALLS = FactKey.number("result.api-calls");
    /** Which new resource replaces an old one (instance, volume, interface, image), by the old id. */
    public static final FactFamily<String> REPLACED_BY = FactFamily.of("result.replaced-by.", FactCodec.string());

    private MigrationFacts() {
    }
}
