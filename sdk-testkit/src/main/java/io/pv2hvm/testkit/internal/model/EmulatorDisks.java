package io.pv2hvm.testkit.internal.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The emulator's file-backed volumes and snapshots live in a temporary directory named after the
 * JVM's pid ({@code pv2hvm-emulator-disks-<pid>-...}). A stopped emulator deletes its own; the
 * directories of JVMs that died (a killed test run) are deleted by the next emulator that starts,
 * so gigabytes of guest images do not pile up in /tmp run after run.
 */
final class EmulatorDisks {
    static final String PREFIX = "pv2hvm-emulator-disks-";

    private EmulatorDisks() {
    }

    /** A new directory for this JVM, after deleting those of JVMs no longer running. */
    static Path createTemporary() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        deleteOrphans(tmp);
        return Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
    }

    static void deleteOrphans(Path tmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path dir : dirs) {
                String[] parts = dir.getFileName().toString().substring(PREFIX.length()).split("-", 2);
                if (parts.length == 2 && parts[0].matches("\\d{1,10}")
                        && ProcessHandle.of(Long.parseLong(parts[0])).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                if (parts.length == 2 && parts[0].matches("\\d{1,10}")) {
                    delete(dir);
                }
            }
        } catch (IOException e) {
            // an unreadable temporary directory only means nothing is cleaned up
        }
    }

    /** Deletes {@code dir} and what it holds, without following links. */
    static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a file still held open elsewhere is gone once released
        }
    }
}
