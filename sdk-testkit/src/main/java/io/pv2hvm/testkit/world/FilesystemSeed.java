package io.pv2hvm.testkit.world;

import java.util.Objects;

/**
 * The filesystem a simulated (not file-backed) volume holds, as blkid would read it on a worker:
 * snapshots of the volume and volumes restored from them carry it, as they would carry the bytes.
 *
 * @param type  blkid's TYPE: {@code ext4}, {@code xfs}, {@code LVM2_member}, ...
 * @param uuid  the filesystem (or member) UUID, empty if none
 * @param label the label, empty if none
 */
public record FilesystemSeed(String type, String uuid, String label) {
    /** Checks the values. */
    public FilesystemSeed {
        Objects.requireNonNull(type, "type");
        uuid = uuid == null ? "" : uuid;
        label = label == null ? "" : label;
    }

    /** An ext4 filesystem with this UUID and no label. */
    public static FilesystemSeed ext4(String uuid) {
        return new FilesystemSeed("ext4", uuid, "");
    }
}
