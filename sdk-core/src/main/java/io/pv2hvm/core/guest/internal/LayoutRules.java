package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestFilesystem;
import io.pv2hvm.core.guest.GuestLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which volume layouts and filesystems each strategy can boot, decided from inspection alone.
 * <ul>
 *   <li>Unpartitioned root: {@code IN_PLACE} puts extlinux in the filesystem's boot sector;
 *       {@code PARTITION_COPY} copies it into partition 1 of a new disk booted by GRUB2.</li>
 *   <li>Already partitioned root ({@code hd00} AKIs), {@code /boot} on the root filesystem: both.
 *       {@code IN_PLACE} installs GRUB2 in the MBR and the gap before the first partition, keeping
 *       the partitions; {@code PARTITION_COPY} copies the root partition into a new disk.</li>
 *   <li>Separate {@code /boot} partition: {@code IN_PLACE} only (GRUB2 reads the {@code /boot}
 *       partition; the partitions stay as they are); {@code PARTITION_COPY} would leave it behind.</li>
 * </ul>
 * The root and {@code /boot} filesystems must be ones the worker copies and GRUB2/extlinux read:
 * ext2/3/4 or XFS, and no ext4 {@code inline_data} where GRUB2 reads (its ext2 driver refuses the
 * feature).
 */
final class LayoutRules {
    /** GRUB's core image is about 320 sectors; partitioning tools leave 1 MiB (2048 sectors) since 2008. */
    static final long MIN_GAP_SECTORS = 2048;

    private LayoutRules() {
    }

    /** Every reason {@code strategy} cannot boot this layout, each with its fix; empty if it can. */
    static List<String> problems(GuestFacts facts, ConversionStrategy strategy) {
        List<String> problems = new ArrayList<>();
        GuestLayout layout = facts.layout();
        Optional<GuestFilesystem> boot = layout.boot();
        boolean partitioned = layout.kind() != GuestLayout.Kind.WHOLE_DISK;  // LVM roots: checked by LvmRules first
        String where = facts.device() + (layout.kind() == GuestLayout.Kind.PARTITIONED ? " (root on partition " + layout.rootPartition() + ")"
                : layout.lvmRoot().map(l -> " (root on LVM " + l.name() + ")").orElse(""));

        if (!layout.bootElsewhere().isEmpty()) {
            problems.add("/etc/fstab mounts /boot from " + layout.bootElsewhere() + ", which is not a partition of "
                    + facts.device() + "; pv2hvm converts the root volume only. Copy /boot's files onto the root"
                    + " filesystem and remove that fstab entry, then convert.");
        }
        readable("root", facts.filesystem(), where).ifPresent(problems::add);
        boot.flatMap(b -> readable("/boot", b, b.device())).ifPresent(problems::add);

        boolean grub = strategy == ConversionStrategy.PARTITION_COPY || partitioned;
        GuestFilesystem grubReads = boot.orElse(facts.filesystem());
        // GRUB's grub-core/fs/ext2.c refuses to mount an ext filesystem with an incompat feature outside
        // EXT2_DRIVER_SUPPORTED_INCOMPAT | EXT2_DRIVER_IGNORED_INCOMPAT; inline_data (0x8000) is in neither
        if (grub && grubReads.hasFeature("inline_data")) {
            problems.add("GRUB2 cannot read ext4 with inline_data (" + (boot.isPresent() ? "/boot" : "root") + " on "
                    + grubReads.device() + "). Move the files to a filesystem made without it (mkfs.ext4 -O ^inline_data;"
                    + " tune2fs cannot clear the feature), then convert.");
        }
        if (!partitioned) {
            return problems;
        }
        String partitions = facts.device() + " is partitioned (" + layout.partitionTable() + ")";
        if (strategy == ConversionStrategy.PARTITION_COPY && boot.isPresent()) {
            problems.add(partitions + " with /boot on its own partition (" + boot.get().device() + "): PARTITION_COPY copies"
                    + " only the root filesystem and would leave /boot behind. Use IN_PLACE, which installs GRUB2 in the"
                    + " gap before the first partition and keeps the partitions.");
        }
        if (strategy == ConversionStrategy.IN_PLACE) {
            String fix = boot.isPresent()
                    ? " Move the partitions to start at 1 MiB (e.g. with gparted) or copy /boot's files onto the root"
                    + " filesystem and drop its fstab entry, then convert."
                    : " Use PARTITION_COPY, which copies the root partition into a new disk.";
            if (!layout.partitionTable().equals("dos")) {
                problems.add(partitions + ": IN_PLACE puts GRUB2's core image in the gap an msdos label leaves before its"
                        + " first partition, where " + layout.partitionTable() + " keeps its own header." + fix);
            } else if (layout.firstPartitionSector() < MIN_GAP_SECTORS) {
                problems.add(partitions + " with only " + layout.firstPartitionSector() + " sectors before its first"
                        + " partition: IN_PLACE needs " + MIN_GAP_SECTORS + " (1 MiB) there for GRUB2's core image." + fix);
            }
        }
        return problems;
    }

    /** Why the worker cannot copy or the bootloaders cannot read {@code fs}, if so. */
    private static Optional<String> readable(String role, GuestFilesystem fs, String where) {
        String type = fs.type();
        if (fs.isExt() || type.equals("xfs")) {
            return Optional.empty();
        }
        return Optional.of("The " + role + " filesystem on " + where + " is " + (type.isEmpty() ? "of no known type" : type)
                + ", which pv2hvm's bootloaders (GRUB2 with its ext2 and xfs modules, extlinux) cannot boot from."
                + " Move it to ext4 or XFS first (copy the files with rsync -aHAX onto a new filesystem and update"
                + " /etc/fstab), then convert.");
    }
}
