package io.pv2hvm.core.guest;

import java.util.Set;

/**
 * The root filesystem of a guest as inspection found it.
 *
 * @param device      the device it was read from (the volume, or its first partition)
 * @param type        {@code ext2}, {@code ext3}, {@code ext4}, {@code xfs}, ...
 * @param uuid        the filesystem UUID (empty if it has none)
 * @param label       the filesystem label (empty if none)
 * @param features    feature flags ({@code dumpe2fs} features for ext, version flags for XFS)
 * @param sizeBytes   the size the filesystem claims
 * @param usedBytes   bytes in use, as {@code df} reports them
 * @param deviceBytes the size of the device holding it
 * @param blockSize   the filesystem block size in bytes (0 if unknown)
 */
public record GuestFilesystem(String device, String type, String uuid, String label, Set<String> features,
                              long sizeBytes, long usedBytes, long deviceBytes, int blockSize) {
    /** Defensive copy of the features. */
    public GuestFilesystem {
        features = Set.copyOf(features);
    }

    /** Whether this is ext2, ext3 or ext4. */
    public boolean isExt() {
        return type.equals("ext2") || type.equals("ext3") || type.equals("ext4");
    }

    /** Whether the filesystem has this feature flag. */
    public boolean hasFeature(String feature) {
        return features.contains(feature);
    }
}
