package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A large PV image for measuring what conversions write: the {@link Fixture#EXT4} guest grown to
 * a whole number of GiB in a sparse file, with one file of random (incompressible) data filling
 * a given percentage of the filesystem, and the inode tables of the grown filesystem already
 * initialized, as on a volume in service (see {@code sparse-pv-image.sh}).
 *
 * @param path            the image file
 * @param sizeBytes       its apparent size
 * @param allocatedBytes  what it occupies on disk (sparse: about the used data)
 * @param fsBytes         the filesystem's size
 * @param inodeTableBytes the size of all its inode tables, used or not
 * @param usedBytes       the filesystem's used bytes, as {@code df} reports them (the random file and the guest)
 */
public record SparsePvImage(Path path, long sizeBytes, long allocatedBytes, long fsBytes, long inodeTableBytes, long usedBytes) {
    private static final String SCRIPT = "sparse-pv-image.sh";

    /**
     * Builds {@code name} in the lab's scratch directory: {@code gib} GiB, {@code fillPercent}% of
     * the filesystem filled with random data.
     *
     * @throws IllegalStateException if the result is not sparse
     */
    public static SparsePvImage build(GuestLab lab, String name, int gib, int fillPercent) {
        Path image = lab.copyOf(Fixture.EXT4, name);
        CommandResult r = LocalTransport.create().exec(Command.of("bash", "-c", script(), SCRIPT, image.toString(),
                Integer.toString(gib), Integer.toString(fillPercent))).orThrow("lab: " + SCRIPT + " " + name);
        SparsePvImage built = new SparsePvImage(image, size(image), allocated(image), value(r, "FS_BYTES"),
                value(r, "INODE_TABLE_BYTES"), value(r, "USED_BYTES"));
        // sparse means only written blocks are allocated; allow the guest and metadata on top of the data
        if (built.allocatedBytes() > built.usedBytes() + (256L << 20)) {
            throw new IllegalStateException(name + " is not sparse: " + built.allocatedBytes() + " bytes allocated for "
                    + built.usedBytes() + " bytes used");
        }
        return built;
    }

    /** Used bytes as a percentage of the filesystem. */
    public double usedPercent() {
        return 100.0 * usedBytes / fsBytes;
    }

    /** Inode tables as a percentage of the filesystem. */
    public double inodeTablePercent() {
        return 100.0 * inodeTableBytes / fsBytes;
    }

    /** Deletes the image file. */
    public void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long value(CommandResult r, String key) {
        return r.stdout().lines().filter(l -> l.startsWith(key + "=")).map(l -> Long.parseLong(l.substring(key.length() + 1)))
                .findFirst().orElseThrow(() -> new IllegalStateException(SCRIPT + " printed no " + key));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Blocks allocated to the file (what {@code du} reports), in bytes. */
    private static long allocated(Path p) {
        String[] blocks = LocalTransport.create().exec(Command.of("stat", "-c", "%b %B", p.toString()))
                .orThrow("stat " + p).stdout().trim().split(" ");
        return Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
    }

    private static String script() {
        try (InputStream in = SparsePvImage.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("lab resource missing: " + SCRIPT);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
