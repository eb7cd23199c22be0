package io.pv2hvm.samples.cli;

import io.pv2hvm.core.journal.FileJournal;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --journal-dir} option: where migrations are journaled (default {@code ~/.pv2hvm/journal}). */
final class JournalOption {
    @Option(names = "--journal-dir", paramLabel = "DIR",
            description = "Journal directory (default: ~/.pv2hvm/journal).")
    Path directory;

    /** The journal. */
    FileJournal journal() {
        return directory == null ? FileJournal.defaultLocation() : FileJournal.in(directory);
    }

    /** The command that resumes migration {@code id} of this journal. */
    String resumeCommand(String id) {
        return "pv2hvm resume " + id + (directory == null ? "" : " --journal-dir " + directory)
                + " (with this run's AWS and worker options)";
    }
}
