package io.pv2hvm.core.journal;

import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.internal.ProcessLocks;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.JournalLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The default journal: one JSON-lines file per migration, {@code <directory>/<migration-id>.jsonl}.
 *
 * <p>Every append is flushed and fsync'ed before it returns. A crash can leave a torn last line
 * (a partial write); reading ignores it, and the next append first cuts it off so the file stays
 * one entry per line. A damaged line anywhere else is an error: the journal cannot be trusted.
 *
 * <p>A journal holds what is needed to rebuild the source (its user data among it), so the
 * directory is created {@code rwx------} and each file {@code rw-------}. An existing directory or
 * file that group or others may read or write is refused (a {@link JournalException} says which
 * and the {@code chmod} that fixes it): another user could have read the user data, or changed
 * what a resume will do.
 *
 * <p>{@link #lock} takes an OS file lock on {@code <migration-id>.lock} (see {@link FileChannel#tryLock()}),
 * which the OS releases when the process exits or dies, so a crashed holder never blocks a
 * resume. The lock file names its holder (pid, host, start time) for the refusal message.
 */
public final class FileJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);

    private final Path directory;

    private FileJournal(Path directory) {
        this.directory = directory;
    }

    /** A journal under {@code ~/.pv2hvm/journal}. */
    public static FileJournal defaultLocation() {
        return in(Path.of(System.getProperty("user.home"), ".pv2hvm", "journal"));
    }

    /** A journal under {@code directory}, created on first write. */
    public static FileJournal in(Path directory) {
        return new FileJournal(directory);
    }

    /** The file that holds a migration's journal. */
    public Path fileOf(String migrationId) {
        return directory.resolve(MigrationIds.requireValid(migrationId) + ".jsonl");
    }

    @Override
    public synchronized void append(JournalEntry entry) {
        Path file = fileOf(entry.migrationId());
        byte[] line = (JournalEntries.toJson(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        requirePrivate(file);
        try {
            createDirectory();
            try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")))) {
                ch.truncate(endOfLastCompleteLine(ch));
                ch.position(ch.size());
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new JournalException("Cannot write the migration journal " + file + ": " + e.getMessage()
                    + ". The migration stops here; fix the disk or permissions and resume it.", e);
        }
    }

    @Override
    public List<JournalEntry> read(String migrationId) {
        Path file = fileOf(migrationId);
        requirePrivate(file);
        List<String> lines;
        boolean lastLineComplete;
        try {
            byte[] bytes = Files.readAllBytes(file);
            lastLineComplete = bytes.length == 0 || bytes[bytes.length - 1] == '\n';
            lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new JournalException("Cannot read the migration journal " + file + ": " + e.getMessage(), e);
        }
        List<JournalEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean last = i == lines.size() - 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(JournalEntries.fromJson(line));
            } catch (JournalException e) {
                if (last && !lastLineComplete) {
                    LOG.warn("Ignoring the torn last line of {} (the process stopped while writing it)", file);
                    break;
                }
                throw new JournalException("Line " + (i + 1) + " of the migration journal " + file
                        + " is damaged; it cannot be resumed automatically. Inspect the file.", e);
            }
        }
        return entries;
    }

    /** The lock file of a migration. */
    public Path lockFileOf(String migrationId) {
        return directory.resolve(MigrationIds.requireValid(migrationId) + ".lock");
    }

    @Override
    public JournalLock lock(String migrationId) {
        Path file = lockFileOf(migrationId);
        // A JVM cannot take an OS lock twice on one file: the in-process lock refuses a second
        // holder in this process first, with the same message.
        JournalLock inProcess = ProcessLocks.lock(file.toAbsolutePath().normalize(), migrationId, describe());
        FileChannel ch = null;
        try {
            requirePrivate(fileOf(migrationId));
            createDirectory();
            ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            FileLock held = ch.tryLock();
            if (held == null) {
                throw lockedBy(migrationId, ch);
            }
            Instant since = Instant.now(); // wall time on purpose: other processes read it in the lock file
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + " " + ProcessLocks.hostName() + " " + since
                    + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            FileChannel channel = ch;
            return new JournalLock() {
                private boolean closed;

                @Override
                public synchronized void close() {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    try {
                        channel.truncate(0);
                        held.release();
                        channel.close();
                    } catch (IOException e) {
                        LOG.warn("Cannot release the lock {} cleanly ({}); it is released when this process exits",
                                file, e.getMessage());
                    } finally {
                        inProcess.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            inProcess.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new JournalException("Cannot lock the migration journal " + file + ": " + e.getMessage()
                    + ". Fix the disk or permissions and retry.", e);
        }
    }

    /** Reads the holder the lock file names, for the refusal. */
    private JournalLockedException lockedBy(String migrationId, FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(512);
        ch.read(buf, 0);
        String[] parts = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip().split(" ");
        long pid = -1;
        String host = null;
        Instant since = null;
        if (parts.length == 3) {
            try {
                pid = Long.parseLong(parts[0]);
                host = parts[1];
                since = Instant.parse(parts[2]);
            } catch (RuntimeException unreadable) {
                pid = -1; // the holder is still writing its name; the refusal stands without it
            }
        }
        return new JournalLockedException(migrationId, pid, host, since, describe());
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    @Override
    public String describe() {
        return directory.toString();
    }

    /**
     * Refuses a journal directory or {@code file} (where they exist) that group or others may
     * read, write or enter; changes nothing.
     */
    private void requirePrivate(Path file) {
        requirePrivate(directory, "700");
        requirePrivate(file, "600");
        requirePrivate(file.resolveSibling(file.getFileName().toString().replaceFirst("\\.jsonl$", ".lock")), "600");
    }

    private static void requirePrivate(Path path, String mode) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(path);
        } catch (IOException absentOrUnreachable) {
            return; // nothing there yet, or the read/write that follows fails and says why
        } catch (UnsupportedOperationException notPosix) {
            return; // no POSIX permissions to check (e.g. Windows); the ACLs are the user's
        }
        Set<PosixFilePermission> wider = EnumSet.copyOf(perms);
        wider.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        if (!wider.isEmpty()) {
            throw new JournalException("The migration journal " + path + " is " + PosixFilePermissions.toString(perms)
                    + ": group or others may " + (wider.stream().anyMatch(p -> p.name().endsWith("WRITE"))
                    ? "change what a resume will do" : "read the user data it holds")
                    + ". Nothing was read or changed. Check who else could have written it, then run 'chmod "
                    + mode + " " + path + "' and retry.");
        }
    }

    private void createDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** The size of the file up to and including its last newline. */
    private static long endOfLastCompleteLine(FileChannel ch) throws IOException {
        long pos = ch.size();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (pos > 0) {
            one.clear();
            ch.read(one, pos - 1);
            if (one.get(0) == '\n') {
                return pos;
            }
            pos--;
        }
        return 0;
    }
}
