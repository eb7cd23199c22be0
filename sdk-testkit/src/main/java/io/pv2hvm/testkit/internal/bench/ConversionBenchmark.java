package io.pv2hvm.testkit.internal.bench;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.GuestConverter;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;
import io.pv2hvm.testkit.lab.GuestLab;
import io.pv2hvm.testkit.lab.LabPrerequisites;
import io.pv2hvm.testkit.lab.LoopDevice;
import io.pv2hvm.testkit.lab.SparsePvImage;
import io.pv2hvm.testkit.lab.WriteMeter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Measures, for sparse PV images of the given sizes (GiB), the wall time and the bytes written to
 * and read from the volumes by IN_PLACE, PARTITION_COPY (to a same-size and to a 1 GiB larger target) and the
 * seeds' recipe (resize2fs -M on the source, dd of the shrunk filesystem, grow), all in one run so
 * the ratios between them hold. Each image is a {@link SparsePvImage} with
 * {@value #FILL_PERCENT}% of its filesystem filled with random data. Bytes written and read come from a
 * {@link WriteMeter} on the loop devices (source and target), so they count what reached the
 * "volume" (the migration benchmark's conversion costs are taken from them). The page cache is dropped before each method, so the source is read from disk as from
 * a fresh volume; seconds include the final sync. Ratios are to
 * {@link BenchmarkTable#BASELINE} on the same image.
 * Needs root. Not a test: it prints a markdown table and asserts nothing.
 *
 * <p>Run: {@code ./mvnw -B -pl sdk-testkit -am -DskipTests package -Dbenchmark="2 8 32"}
 */
public final class ConversionBenchmark {
    /** Percentage of each image's filesystem filled with random data (the issue asks for 15-25% used). */
    public static final int FILL_PERCENT = 20;
    private static final long GIB = 1L << 30;

    private final GuestLab lab = GuestLab.shared();
    private final LocalTransport local = LocalTransport.create();
    private final GuestConverter converter = GuestConverter.on(local).forTarget(TargetPlatform.NITRO);
    private final BenchmarkTable table = new BenchmarkTable();

    private ConversionBenchmark() {
    }

    /** Arguments: image sizes in GiB (default: 2). */
    public static void main(String[] args) {
        String sizesArg = args.length == 0 ? "2" : String.join(" ", args).trim();
        List<Integer> sizes = new ArrayList<>();
        for (String a : sizesArg.split("[\\s,]+")) {
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
        b.printReport(sizesArg);
    }

    /** What the table needs above it to be pasted on its own: the command, the machine, what was measured and how. */
    private void printReport(String sizesArg) {
        System.out.println();
        System.out.println("## Conversion benchmark");
        System.out.println();
        System.out.println("Command: `" + RunDescription.commandLine(sizesArg) + "`  ");
        System.out.println("Machine: " + RunDescription.machine(lab.workDir()) + "  ");
        System.out.println("Images: sparse ext4 PV lab guests (the EXT4 fixture grown), " + FILL_PERCENT + "% of each filesystem filled"
                + " with /dev/urandom data (\"used\" adds the guest's own files); \"on disk\" is the image file's allocation (du)."
                + " Inode tables take " + inodeTableShare() + " of each filesystem (the 256 MiB fixture's mkfs density, kept by"
                + " the grow); e2image copies all of them when it writes to a block device.  ");
        System.out.println("Each method: page cache dropped first; seconds are wall time including the final sync; MiB written"
                + " and MiB read are sectors written to and read from the loop devices (source and target) from"
                + " /sys/block/*/stat (the page cache is dropped first, so every read reaches the device, as on a"
                + " volume just attached).  ");
        System.out.println("Baseline of the ratio columns: " + BenchmarkTable.BASELINE.label() + ", on the same image.");
        System.out.println();
        System.out.print(table.markdown());
    }

    /** The inode tables' share of the filesystems measured, e.g. "6.25%". */
    private String inodeTableShare() {
        return table.images().stream().map(i -> String.format(Locale.ROOT, "%.2f%%", i.inodeTablePercent())).distinct()
                .collect(Collectors.joining(" / "));
    }

    private void measure(int gib) {
        long start = System.nanoTime();
        SparsePvImage pv = SparsePvImage.build(lab, "bench-pv-" + gib + "g.img", gib, FILL_PERCENT);
        System.out.printf(Locale.ROOT, "built %d GiB image in %.0f s: %d MiB used, %d MiB on disk%n", gib,
                (System.nanoTime() - start) / 1e9, pv.usedBytes() >> 20, pv.allocatedBytes() >> 20);

        Path inPlace = copy(pv.path(), "bench-inplace.img");
        try (LoopDevice volume = LoopDevice.attach(inPlace)) {
            run(gib, pv, BenchmarkMethod.IN_PLACE, List.of(volume.device()), () -> converter.inPlace(volume.device()));
        }
        delete(inPlace);

        partitionCopy(gib, pv, BenchmarkMethod.PARTITION_COPY_SAME_SIZE, 0);
        partitionCopy(gib, pv, BenchmarkMethod.PARTITION_COPY_LARGER, GIB);

        // the recipe shrinks its source, so it gets a copy
        Path seedSource = copy(pv.path(), "bench-seeds-source.img");
        Path target = emptyTarget(pv.sizeBytes());
        try (LoopDevice src = LoopDevice.attach(seedSource); LoopDevice dst = LoopDevice.attach(target)) {
            run(gib, pv, BenchmarkMethod.SEEDS_RECIPE, List.of(src.device(), dst.device()),
                    () -> exec(Command.of("bash", lab.scriptPath("seeds-recipe.sh").toString(), src.device(), dst.device())));
        }
        delete(target);
        delete(seedSource);
        pv.delete();
    }

    private void partitionCopy(int gib, SparsePvImage pv, BenchmarkMethod method, long extraBytes) {
        Path target = emptyTarget(pv.sizeBytes() + extraBytes);
        try (LoopDevice src = LoopDevice.attachReadOnly(pv.path()); LoopDevice dst = LoopDevice.attach(target)) {
            run(gib, pv, method, List.of(src.device(), dst.device()),
                    () -> converter.convert(ConversionStrategy.PARTITION_COPY, src.device(), dst.device()));
        }
        delete(target);
    }

    private void run(int gib, SparsePvImage pv, BenchmarkMethod method, List<String> devices, Runnable work) {
        dropPageCache();
        WriteMeter meter = WriteMeter.start(devices);
        long start = System.nanoTime();
        work.run();
        long bytes = meter.bytesWritten();  // syncs, so the time below includes reaching the device
        double seconds = (System.nanoTime() - start) / 1e9;
        long read = meter.bytesRead();
        table.add(new BenchmarkTable.Row(gib, pv, method, seconds, bytes, read));
        System.out.printf(Locale.ROOT, "%d GiB, %s: %.1f s, %.1f MiB written, %.1f MiB read%n", gib, method.label(), seconds,
                bytes / (double) (1 << 20), read / (double) (1 << 20));
    }

    /** So every method reads its source from disk, as from a volume just attached. */
    private void dropPageCache() {
        exec(Command.of("sync"));
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot drop the page cache (needs root)", e);
        }
    }

    private Path emptyTarget(long bytes) {
        Path target = lab.scratch("bench-target.img");
        exec(Command.of("truncate", "-s", Long.toString(bytes), target.toString()));
        return target;
    }

    private Path copy(Path from, String name) {
        Path to = lab.scratch(name);
        exec(Command.of("cp", "--sparse=always", from.toString(), to.toString()));
        return to;
    }

    private CommandResult exec(Command c) {
        return local.exec(c).orThrow(c.toString());
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
