package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.GuestConverter;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Measures, for PV images of the given sizes (GiB), the wall time and the bytes written to the
 * volumes by IN_PLACE, PARTITION_COPY (to a same-size and to a 1 GiB larger target) and the
 * seeds' recipe (resize2fs -M on the source, dd of the shrunk filesystem, grow). Each image is an
 * ext4 lab guest with a quarter of its size filled with incompressible data. Bytes written are
 * read from the loop devices' block statistics, so they count what reached the "volume".
 * Needs root. Not a test: it prints a table and asserts nothing.
 *
 * <p>Run: {@code ./mvnw -B -pl sdk-testkit -am -DskipTests package -Dbenchmark="2 8"}
 */
public final class ConversionBenchmark {
    private static final long GIB = 1L << 30;

    private final GuestLab lab = GuestLab.shared();
    private final LocalTransport local = LocalTransport.create();
    private final List<String> rows = new ArrayList<>();

    private ConversionBenchmark() {
    }

    /** Arguments: image sizes in GiB (default: 2). */
    public static void main(String[] args) {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args.length == 0 ? new String[] {"2"} : String.join(" ", args).trim().split("[\\s,]+")) {
            sizes.add(Integer.parseInt(a));
        }
        List<String> missing = LabPrerequisites.missing();
        if (!missing.isEmpty()) {
            System.err.println("cannot run the benchmark, missing: " + String.join(", ", missing));
            System.exit(2);
        }
        ConversionBenchmark b = new ConversionBenchmark();
        for (int gib : sizes) {
            b.measure(gib);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-8s %-36s %10s %16s%n", "image", "method", "seconds", "bytes written");
        b.rows.forEach(System.out::println);
    }

    private void measure(int gib) {
        Path pv = buildImage(gib);
        String label = gib + " GiB";

        Path inPlace = copy(pv, "bench-inplace.img");
        String loop = attach(inPlace, false);
        row(label, "IN_PLACE (extlinux)", List.of(loop), () -> GuestConverter.on(local).forTarget(TargetPlatform.NITRO).inPlace(loop));
        detach(loop);
        delete(inPlace);

        for (long extra : new long[] {0, GIB}) {
            Path target = lab.scratch("bench-target.img");
            run(Command.of("truncate", "-s", Long.toString(size(pv) + extra), target.toString()));
            String src = attach(pv, true);
            String dst = attach(target, false);
            row(label, "PARTITION_COPY (" + (extra == 0 ? "same-size target" : "target +1 GiB") + ")", List.of(src, dst),
                    () -> GuestConverter.on(local).forTarget(TargetPlatform.NITRO).convert(ConversionStrategy.PARTITION_COPY, src, dst));
            detach(dst);
            detach(src);
            delete(target);
        }

        Path seedSource = copy(pv, "bench-seeds-source.img");
        Path target = lab.scratch("bench-target.img");
        run(Command.of("truncate", "-s", Long.toString(size(pv)), target.toString()));
        String src = attach(seedSource, false);
        String dst = attach(target, false);
        row(label, "seeds' recipe (resize2fs -M + dd)", List.of(src, dst),
                () -> run(Command.of("bash", lab.scriptPath("seeds-recipe.sh").toString(), src, dst)));
        detach(dst);
        detach(src);
        delete(target);
        delete(seedSource);
        delete(pv);
    }

    /** An ext4 lab guest of {@code gib} GiB, a quarter filled with random data. */
    private Path buildImage(int gib) {
        Path img = lab.scratch("bench-pv-" + gib + "g.img");
        run(Command.of("cp", "--sparse=always", lab.image(Fixture.EXT4).toString(), img.toString()));
        run(Command.of("truncate", "-s", gib + "G", img.toString()));
        run(Command.of("bash", "-c", "set -euo pipefail; e2fsck -fy \"$1\" >/dev/null || [ $? -le 1 ]; resize2fs \"$1\" >/dev/null 2>&1;"
                + " m=$(mktemp -d); l=$(losetup -f --show \"$1\"); trap 'umount \"$m\" 2>/dev/null; losetup -d \"$l\"; rmdir \"$m\"' EXIT;"
                + " mount \"$l\" \"$m\"; mkdir -p \"$m/data\";"
                + " dd if=/dev/urandom of=\"$m/data/blob\" bs=4M count=$(( $2 * 64 )) status=none; sync",
                "bench-build", img.toString(), Integer.toString(gib)));
        return img;
    }

    private void row(String image, String method, List<String> devices, Supplier<?> work) {
        long before = written(devices);
        long start = System.nanoTime();
        work.get();
        run(Command.of("sync"));
        double seconds = (System.nanoTime() - start) / 1e9;
        long bytes = written(devices) - before;
        String line = String.format(Locale.ROOT, "%-8s %-36s %10.1f %16s", image, method, seconds, human(bytes));
        System.out.println(line);
        rows.add(line);
    }

    private long written(List<String> devices) {
        long sectors = 0;
        for (String d : devices) {
            try {
                String[] f = Files.readString(Path.of("/sys/block", Path.of(d).getFileName().toString(), "stat")).trim().split("\\s+");
                sectors += Long.parseLong(f[6]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sectors * 512;
    }

    private static String human(long bytes) {
        return bytes >= GIB ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) GIB)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    private Path copy(Path from, String name) {
        Path to = lab.scratch(name);
        run(Command.of("cp", "--sparse=always", from.toString(), to.toString()));
        return to;
    }

    private String attach(Path image, boolean readOnly) {
        return run(readOnly ? Command.of("losetup", "-f", "--show", "-r", image.toString())
                : Command.of("losetup", "-f", "--show", image.toString())).stdout().strip();
    }

    private void detach(String loop) {
        run(Command.of("losetup", "-d", loop));
    }

    private CommandResult run(Command c) {
        return local.exec(c).orThrow(c.toString());
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
