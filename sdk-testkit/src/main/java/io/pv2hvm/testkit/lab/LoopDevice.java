package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;

import java.nio.file.Path;

/**
 * An image file attached to a loop device, the lab's stand-in for a volume attached to a worker.
 * {@link #close()} detaches it. Needs root.
 *
 * @param device the loop device, such as {@code /dev/loop3}
 */
public record LoopDevice(String device) implements AutoCloseable {
    /** Attaches {@code image} read-write. */
    public static LoopDevice attach(Path image) {
        return new LoopDevice(losetup("-f", "--show", image.toString()).strip());
    }

    /** Attaches {@code image} read-only, as a source that must not change. */
    public static LoopDevice attachReadOnly(Path image) {
        return new LoopDevice(losetup("-f", "--show", "-r", image.toString()).strip());
    }

    /** Detaches the device. */
    @Override
    public void close() {
        losetup("-d", device);
    }

    private static String losetup(String... args) {
        return LocalTransport.create().exec(Command.of("losetup", args)).orThrow("losetup " + String.join(" ", args)).stdout();
    }
}
