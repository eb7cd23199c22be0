package io.pv2hvm.core.guest;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.guest.internal.ScriptOutput;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.ProgressSink;
import io.pv2hvm.core.transport.LocalTransport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The convert-image capability: turns a local PV disk image file (a raw copy of an EC2 PV root
 * volume) into an HVM-bootable image file, on this machine, through loop devices. Needs root.
 * The source image is only read; inspection happens before the output file is created, so a
 * refused guest leaves nothing behind.
 *
 * <pre>{@code
 * ConversionResult r = ImageConversion.of(Path.of("/data/pv.img"))
 *         .strategy(ConversionStrategy.PARTITION_COPY)
 *         .target(TargetPlatform.NITRO)
 *         .writeTo(Path.of("/data/hvm.img"));
 * }</pre>
 *
 * Immutable: each setter returns a new instance.
 */
public final class ImageConversion {
    private static final Pattern PLAIN_PATH = Pattern.compile("/[A-Za-z0-9/_.+@-]+");
    /** What a migration adds to the source volume's size for its PARTITION_COPY target (ConvertStep: one GiB). */
    private static final long TARGET_HEADROOM = 1L << 30;
    /** Where partition-copy starts partition 1. */
    private static final long PARTITION_OFFSET = 1L << 20;

    private final Path source;
    private final ConversionStrategy strategy;
    private final TargetPlatform target;
    private final boolean fixDrivers;
    private final long targetBytes;
    private final ProgressSink progress;
    private final CommandTransport transport;
    private final Map<String, Path> dataVolumes;
    private final boolean keepCloudInitInstance;

    private ImageConversion(Path source, ConversionStrategy strategy, TargetPlatform target, boolean fixDrivers,
                            long targetBytes, ProgressSink progress, CommandTransport transport) {
        this(source, strategy, target, fixDrivers, targetBytes, progress, transport, Map.of(), true);
    }

    private ImageConversion(Path source, ConversionStrategy strategy, TargetPlatform target, boolean fixDrivers,
                            long targetBytes, ProgressSink progress, CommandTransport transport,
                            Map<String, Path> dataVolumes, boolean keepCloudInitInstance) {
        this.source = source;
        this.strategy = strategy;
        this.target = target;
        this.fixDrivers = fixDrivers;
        this.targetBytes = targetBytes;
        this.progress = progress;
        this.transport = transport;
        this.dataVolumes = Map.copyOf(dataVolumes);
        this.keepCloudInitInstance = keepCloudInitInstance;
    }

    /** A conversion of the image at {@code source}: PARTITION_COPY for Nitro with the driver fix, by default. */
    public static ImageConversion of(Path source) {
        return new ImageConversion(plain(source), ConversionStrategy.PARTITION_COPY, TargetPlatform.NITRO, true, 0,
                ProgressSink.none(), LocalTransport.create());
    }

    /**
     * With this strategy.
     *
     * @throws InvalidSpecException for {@link ConversionStrategy#DUAL_BOOT}, which prepares a running source, not an image file
     */
    public ImageConversion strategy(ConversionStrategy s) {
        if (s == ConversionStrategy.DUAL_BOOT) {
            throw new InvalidSpecException("DUAL_BOOT prepares a running source to boot both ways; an image file is"
                    + " converted with IN_PLACE (the same edits, on the image) or PARTITION_COPY.");
        }
        return new ImageConversion(source, Objects.requireNonNull(s), target, fixDrivers, targetBytes, progress, transport,
                dataVolumes, keepCloudInitInstance);
    }

    /** For this target platform. */
    public ImageConversion target(TargetPlatform t) {
        return new ImageConversion(source, strategy, Objects.requireNonNull(t), fixDrivers, targetBytes, progress, transport,
                dataVolumes, keepCloudInitInstance);
    }

    /** With the initramfs driver fix on (default) or off. */
    public ImageConversion fixDrivers(boolean enabled) {
        return new ImageConversion(source, strategy, target, enabled, targetBytes, progress, transport, dataVolumes,
                keepCloudInitInstance);
    }

    /**
     * For PARTITION_COPY: the output image size in bytes; 0 (default) sizes it as a migration sizes
     * its target volume, one GiB more than the source, so the copy never has to shrink (XFS cannot).
     */
    public ImageConversion targetSize(long bytes) {
        if (bytes < 0) {
            throw new InvalidSpecException("A target size cannot be negative; got " + bytes + ".");
        }
        return new ImageConversion(source, strategy, target, fixDrivers, bytes, progress, transport, dataVolumes,
                keepCloudInitInstance);
    }

    /** Reporting progress to {@code sink}. */
    public ImageConversion progress(ProgressSink sink) {
        return new ImageConversion(source, strategy, target, fixDrivers, targetBytes, Objects.requireNonNull(sink), transport,
                dataVolumes, keepCloudInitInstance);
    }

    /** Running the worker scripts through {@code t} (a local one: the image paths are local); for tests and tools. */
    public ImageConversion transport(CommandTransport t) {
        return new ImageConversion(source, strategy, target, fixDrivers, targetBytes, progress, Objects.requireNonNull(t),
                dataVolumes, keepCloudInitInstance);
    }

    /**
     * With a data volume: {@code image} is the volume the guest's fstab mounts as {@code device}
     * (e.g. {@code /dev/xvdf}); its filesystem UUID is read and the fstab entry rewritten to it.
     */
    public ImageConversion dataVolume(String device, Path image) {
        WorkerScript.device(device);
        Map<String, Path> volumes = new LinkedHashMap<>(dataVolumes);
        volumes.put(device, plain(image));
        return new ImageConversion(source, strategy, target, fixDrivers, targetBytes, progress, transport, volumes,
                keepCloudInitInstance);
    }

    /** Keeping cloud-init's instance (default) or not; see {@link GuestConverter#keepingCloudInitInstance}. */
    public ImageConversion keepCloudInitInstance(boolean keep) {
        return new ImageConversion(source, strategy, target, fixDrivers, targetBytes, progress, transport, dataVolumes, keep);
    }

    /**
     * Converts into {@code output}, which must not exist yet, except that IN_PLACE may name the
     * source itself to convert it where it lies.
     *
     * @throws io.pv2hvm.core.GuestIncompatibleException if the guest cannot be converted; nothing was written
     */
    public ConversionResult writeTo(Path output) {
        Path out = plain(output);
        boolean inSitu = out.equals(source);
        if (!Files.isRegularFile(source)) {
            throw new InvalidSpecException("Source image " + source + " does not exist or is not a file.");
        }
        if (inSitu && strategy == ConversionStrategy.PARTITION_COPY) {
            throw new InvalidSpecException("PARTITION_COPY writes a new image; give an output path other than the source.");
        }
        if (!inSitu && Files.exists(out)) {
            throw new InvalidSpecException("Output image " + out + " already exists; pv2hvm does not overwrite files.");
        }
        GuestConverter converter = GuestConverter.on(transport).forTarget(target).fixingDrivers(fixDrivers).reportingTo(progress)
                .keepingCloudInitInstance(keepCloudInitInstance).withDataVolumes(volumeSpecs());

        // Decide on a read-only attachment first: a refused guest leaves no output and an untouched source.
        String probe = attach(source, "ro");
        GuestFacts facts;
        try {
            facts = converter.check(strategy, probe);
        } finally {
            detach(probe);
        }
        long outputBytes = targetBytes > 0 ? targetBytes : size(source) + TARGET_HEADROOM;
        if (strategy == ConversionStrategy.PARTITION_COPY && facts.filesystem().type().equals("xfs")
                && outputBytes < facts.filesystem().sizeBytes() + PARTITION_OFFSET) {
            throw new InvalidSpecException("XFS cannot shrink: the output image needs at least "
                    + (facts.filesystem().sizeBytes() + PARTITION_OFFSET) + " bytes (the XFS filesystem plus 1 MiB for the"
                    + " partition table), not " + outputBytes + ". Give a larger targetSize, or none to size it as a"
                    + " migration does (the source plus 1 GiB).");
        }

        List<String> attached = new ArrayList<>();
        boolean done = false;
        try {
            ConversionResult result;
            if (strategy == ConversionStrategy.IN_PLACE) {
                if (!inSitu) {
                    progress.report(0, "copying " + source.getFileName() + " (sparse)");
                    transport.exec(Command.of("cp", "--sparse=always", "--reflink=auto", source.toString(), out.toString())
                            .notIdempotent()).orThrow("Copying " + source + " to " + out);
                }
                String dev = attach(out, "rw");
                attached.add(dev);
                result = converter.inPlace(dev);
            } else {
                transport.exec(Command.of("truncate", "-s", Long.toString(outputBytes), out.toString()).notIdempotent())
                        .orThrow("Creating " + out);
                String src = attach(source, "ro");
                attached.add(src);
                String dst = attach(out, "rw");
                attached.add(dst);
                result = converter.partitionCopy(src, dst);
            }
            done = true;
            return result;
        } finally {
            for (int i = attached.size() - 1; i >= 0; i--) {
                detach(attached.get(i));
            }
            if (!done && !inSitu) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove the half-written " + out, e);
                }
            }
        }
    }

    /** Each data volume's {@code UUID=}, read from its image (blkid reads files as well as devices). */
    private Map<String, String> volumeSpecs() {
        Map<String, String> specs = new LinkedHashMap<>();
        dataVolumes.forEach((device, image) -> {
            if (!Files.isRegularFile(image)) {
                throw new InvalidSpecException("Data volume image " + image + " for " + device + " does not exist or is not a file.");
            }
            String uuid = transport.exec(Command.of("blkid", "-p", "-s", "UUID", "-o", "value", image.toString()))
                    .orThrow("Reading the filesystem UUID of " + image).stdout().strip();
            if (uuid.isEmpty()) {
                throw new InvalidSpecException("Data volume image " + image + " for " + device + " holds no filesystem with a UUID.");
            }
            specs.put(device, "UUID=" + uuid);
        });
        return specs;
    }

    private String attach(Path image, String mode) {
        String out = transport.exec(WorkerScript.ATTACH_IMAGE.command(image.toString(), mode))
                .orThrow("Attaching " + image + " to a loop device").stdout();
        return WorkerScript.device(ScriptOutput.value(out, "LOOP").orElseThrow(
                () -> new IllegalStateException("attach-image printed no LOOP= line")));
    }

    private void detach(String loop) {
        transport.exec(WorkerScript.DETACH_IMAGE.command(loop)).orThrow("Detaching " + loop);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path plain(Path p) {
        Path abs = Objects.requireNonNull(p, "path").toAbsolutePath().normalize();
        if (!PLAIN_PATH.matcher(abs.toString()).matches()) {
            throw new InvalidSpecException("Image path " + abs + " has characters pv2hvm does not pass to worker scripts"
                    + " (use letters, digits and / _ . + @ -).");
        }
        return abs;
    }
}
