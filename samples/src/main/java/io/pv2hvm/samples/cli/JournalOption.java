package io.pv2hvm.samples.cli;

import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.core.journal.MigrationIds;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.postgres.PostgresJournal;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where migrations are journaled: {@code --journal-dir} (files, default {@code ~/.pv2hvm/journal}) or
 * {@code --journal jdbc:postgresql://...} (shared by every host that runs or resumes migrations).
 */
final class JournalOption {
    @Option(names = "--journal-dir", paramLabel = "DIR",
            description = "Journal directory (default: ~/.pv2hvm/journal).")
    Path directory;

    @Option(names = "--journal", paramLabel = "JDBC-URL",
            description = "Journal in PostgreSQL instead, shared between hosts: jdbc:postgresql://HOST[:PORT]/DB?user=USER"
                    + " (password from PGPASSWORD or the URL; never printed). A lease per migration lets one"
                    + " process run it at a time; a dead one's lease runs out and 'resume' from any host continues.")
    String url;

    @Option(names = "--journal-lease", paramLabel = "DURATION",
            description = "With --journal: the lease a running process holds and renews, ISO-8601 (default: PT2M)."
                    + " A resume after a crash waits at most this long.")
    Duration lease;

    private Journal journal;

    /** The journal (one instance per command: its leases belong to it). */
    Journal journal() {
        if (journal == null) {
            if (url != null && directory != null) {
                throw new UsageException("Give --journal or --journal-dir, not both: a migration has one journal.");
            }
            if (lease != null && url == null) {
                throw new UsageException("--journal-lease applies to a --journal database only; file journals are"
                        + " locked for as long as the process lives.");
            }
            if (url != null) {
                PostgresJournal pg = PostgresJournal.connect(url);
                journal = lease == null ? pg : pg.withLease(lease);
            } else {
                journal = directory == null ? FileJournal.defaultLocation() : FileJournal.in(directory);
            }
        }
        return journal;
    }

    /** Refuses a malformed migration id before any call. */
    void requireValidId(String migrationId) {
        MigrationIds.requireValid(migrationId);
    }

    /** The command that resumes migration {@code id} of this journal (no credential in it). */
    String resumeCommand(String id) {
        String where;
        if (url != null) {
            where = " --journal '" + redacted(url) + "'" + (lease == null ? "" : " --journal-lease " + lease);
        } else {
            where = directory == null ? "" : " --journal-dir " + directory;
        }
        return "pv2hvm resume " + id + where + " (with this run's AWS and worker options)";
    }

    /** The URL without its password parameter. */
    static String redacted(String url) {
        return url.replaceAll("([?&])password=[^&]*&?", "$1").replaceAll("[?&]$", "");
    }
}
