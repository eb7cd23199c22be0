package io.pv2hvm.testkit.internal.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies disk images without materialising zero blocks, so a 100 GiB mostly-empty volume
 * costs what its data costs (EBS snapshots likewise store only written blocks).
 */
public final class SparseFiles {

    private static final int BLOCK = 64 * 1024;

    private SparseFiles() {
    }

    /** Copies {@code source} to {@code target}, leaving holes where the source reads zero. */
    public static void copy(Path source, Path target) {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SPARSE)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
            long pos = 0;
            long size = in.size();
            while (pos < size) {
                buf.clear();
                int n = in.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                buf.flip();
                if (!allZero(buf)) {
                    while (buf.hasRemaining()) {
                        out.write(buf, pos + buf.position());
                    }
                }
                pos += n;
            }
            extend(out, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy disk image " + source + " to " + target, e);
        }
    }

    /** Creates a sparse file of {@code bytes} (or grows an existing one to that size). */
    public static void createOrGrow(Path file, long bytes) {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            extend(out, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create disk image " + file, e);
        }
    }

    private static void extend(FileChannel out, long size) throws IOException {
        if (out.size() < size) {
            // Writing the final byte sets the length without filling the hole.
            out.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
    }

    private static boolean allZero(ByteBuffer b) {
        for (int i = b.position(); i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Size of a file, 0 if it does not exist. */
    public static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
