package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Bytes written to, and read from, block devices (the lab's loop devices, standing in for
 * volumes) since the meter started, read from the kernel's per-disk counters in
 * {@code /sys/block/NAME/stat} (sectors written and sectors read, always 512-byte units; reads
 * served from the page cache do not reach the device and do not count). Writes to a partition count towards its disk.
 * Reading syncs first, so the count is what reached the device, not what waits in the page cache.
 * Zeroing requests (write-zeroes, which loop turns into punched holes) count as writes;
 * discards do not.
 */
public final class WriteMeter {
    private static final int SECTORS_READ_FIELD = 2;
    private static final int SECTORS_WRITTEN_FIELD = 6;
    private static final long SECTOR = 512;

    private final List<String> devices;
    private final long sectorsAtStart;
    private final long sectorsReadAtStart;

    private WriteMeter(List<String> devices) {
        this.devices = List.copyOf(devices);
        this.sectorsAtStart = sectors(SECTORS_WRITTEN_FIELD);
        this.sectorsReadAtStart = sectors(SECTORS_READ_FIELD);
    }

    /** Starts counting writes to {@code devices} (whole disks such as {@code /dev/loop3}). */
    public static WriteMeter start(List<String> devices) {
        sync();
        return new WriteMeter(devices);
    }

    /** Starts counting writes to {@code devices}. */
    public static WriteMeter start(String... devices) {
        return start(List.of(devices));
    }

    /** Bytes written to the devices since {@link #start}, after a sync. */
    public long bytesWritten() {
        sync();
        return (sectors(SECTORS_WRITTEN_FIELD) - sectorsAtStart) * SECTOR;
    }

    /** Bytes read from the devices since {@link #start}. */
    public long bytesRead() {
        return (sectors(SECTORS_READ_FIELD) - sectorsReadAtStart) * SECTOR;
    }

    private long sectors(int field) {
        long sectors = 0;
        for (String device : devices) {
            Path stat = Path.of("/sys/block", Path.of(device).getFileName().toString(), "stat");
            try {
                String[] fields = Files.readString(stat).trim().split("\\s+");
                sectors += Long.parseLong(fields[field]);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the block statistics of " + device + " (a whole disk?)", e);
            }
        }
        return sectors;
    }

    private static void sync() {
        LocalTransport.create().exec(Command.of("sync")).orThrow("sync");
    }
}
