package io.pv2hvm.core.guest;

import io.pv2hvm.core.CommandFailedException;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.CommandTransport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What blkid reads from one node of a data volume: the whole volume ({@code partition} 0) or one
 * of its partitions. A node with a mountable filesystem has a UUID (or a label) an fstab entry
 * can name; an LVM or RAID member, or an unformatted volume, has none that fstab could mount.
 *
 * @param partition 0 for the whole volume, else the partition number
 * @param type      blkid's TYPE ({@code ext4}, {@code xfs}, {@code LVM2_member}, ...), empty if none
 * @param uuid      the filesystem UUID, empty if none
 * @param label     the filesystem label, empty if none
 */
public record VolumeFilesystem(int partition, String type, String uuid, String label) {
    /** Members of a larger device: their UUID names the member, not a filesystem fstab can mount. */
    private static final Set<String> MEMBERS = Set.of("LVM2_member", "linux_raid_member", "zfs_member", "crypto_LUKS",
            "swap", "bcache", "ddf_raid_member", "isw_raid_member");

    /** Checks the values: a partition number from 0, and fields without tabs or line breaks. */
    public VolumeFilesystem {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be 0 or more, got " + partition);
        }
        type = type == null ? "" : type;
        uuid = uuid == null ? "" : uuid;
        label = label == null ? "" : label;
    }

    /**
     * Reads the filesystems of the volume at {@code device} on the worker, writing nothing.
     *
     * @throws CommandFailedException if the worker script fails
     */
    public static List<VolumeFilesystem> read(CommandTransport transport, String device) {
        WorkerScript.device(device);
        String out = transport.exec(WorkerScript.READ_FILESYSTEMS.command(device))
                .orThrow("Reading the filesystems of " + device + " on " + transport.describe()).stdout();
        return parse(out);
    }

    /** Parses the worker script's {@code FS} lines (other lines are ignored). */
    public static List<VolumeFilesystem> parse(String scriptOutput) {
        List<VolumeFilesystem> found = new ArrayList<>();
        for (String line : scriptOutput.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 5 && f[0].equals("FS") && f[1].matches("[0-9]{1,3}")) {
                found.add(new VolumeFilesystem(Integer.parseInt(f[1]), f[2].strip(), f[3].strip(), f[4].strip()));
            }
        }
        return List.copyOf(found);
    }

    /**
     * What an fstab entry can name this filesystem by: {@code UUID=...}, else {@code LABEL=...};
     * empty for a member of LVM, RAID or swap, for no filesystem, or for an identifier with characters
     * fstab or the worker scripts would not take.
     */
    public Optional<String> fstabSpec() {
        if (type.isEmpty() || MEMBERS.contains(type)) {
            return Optional.empty();
        }
        if (uuid.matches("[A-Za-z0-9_.-]{1,64}")) {
            return Optional.of("UUID=" + uuid);
        }
        if (label.matches("[A-Za-z0-9_.-]{1,64}")) {
            return Optional.of("LABEL=" + label);
        }
        return Optional.empty();
    }

    /** Why fstab cannot name this node by UUID or label, for the change record; empty if it can. */
    public Optional<String> whyKeptByName() {
        if (fstabSpec().isPresent()) {
            return Optional.empty();
        }
        if (type.isEmpty()) {
            return Optional.of("the volume holds no filesystem blkid recognises (unformatted, or data pv2hvm cannot read)");
        }
        if (MEMBERS.contains(type)) {
            return Optional.of("it is a " + type + " (a member of a larger device, mounted through that device, not by its own UUID)");
        }
        return Optional.of("its " + type + " filesystem has no UUID or label fstab could name");
    }
}
