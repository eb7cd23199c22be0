package io.pv2hvm.core;

import io.pv2hvm.core.internal.engine.JournalReplay;
import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.core.spi.Journal;

import java.util.Objects;

/**
 * The entry point: {@code Migration.of("i-0abc...").toHvm().preservingIps().run()}.
 */
public final class Migration {
    private final String instanceId;

    private Migration(String instanceId) {
        this.instanceId = instanceId;
    }

    /**
     * Starts describing the migration of one instance.
     *
     * @throws InvalidSpecException if {@code instanceId} is not {@code i-} followed by 8 or 17 hex digits
     */
    public static Migration of(String instanceId) {
        return new Migration(InstanceIds.requireValid(instanceId, "EC2 instance id"));
    }

    /** A spec that converts the instance to HVM; refine it, then {@code plan()} or {@code run()}. */
    public MigrationSpec toHvm() {
        return MigrationSpec.forInstance(instanceId);
    }

    /**
     * Continues a migration that stopped (crash, lost connection, killed process) from its journal
     * under {@code ~/.pv2hvm/journal}: completed steps are skipped, the rest run. Register the same
     * providers, transport and listeners on the returned spec as the original run had, then {@code run()}.
     *
     * @throws JournalException if there is no journal for {@code migrationId}
     */
    public static MigrationSpec resume(String migrationId) {
        return resume(migrationId, FileJournal.defaultLocation());
    }

    /** Continues a migration journaled in {@code journal}. */
    public static MigrationSpec resume(String migrationId, Journal journal) {
        Objects.requireNonNull(journal, "journal");
        JournalReplay replay = JournalReplay.of(migrationId, journal.read(migrationId), journal.describe());
        return MigrationSpec.resumed(migrationId, replay.options(), journal);
    }

    /** The instance id. */
    public String instanceId() {
        return instanceId;
    }
}
