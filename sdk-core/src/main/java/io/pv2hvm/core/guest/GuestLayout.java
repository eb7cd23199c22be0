package io.pv2hvm.core.guest;

import java.util.Objects;
import java.util.Optional;

/**
 * How a guest's root volume is laid out, as inspection found it. EC2 PV roots are usually one
 * unpartitioned filesystem; older AMIs booted by the {@code hd00} AKIs carry an MBR partition
 * table, often with {@code /boot} on its own partition, sometimes with the root on LVM.
 *
 * @param kind                 whole disk, partitioned, or root on LVM
 * @param partitionTable       the partition table type ({@code dos}, {@code gpt}); empty for a whole disk
 * @param rootPartition        the number of the partition holding the root filesystem; 0 when none does
 * @param firstPartitionSector the start sector of the first partition (0 without a table): the gap
 *                             before it is where GRUB's core image goes
 * @param boot                 the separate {@code /boot} filesystem the guest's fstab mounts from this
 *                             volume, if it has one
 * @param lvmPartitions        how many partitions are LVM physical volumes
 * @param bootElsewhere        the device the guest's fstab mounts {@code /boot} from when that is not
 *                             a partition of this volume (another volume); empty otherwise
 * @param lvmRoot              for {@link Kind#LVM}, what inspection read of the root's logical volume
 */
public record GuestLayout(Kind kind, String partitionTable, int rootPartition, long firstPartitionSector,
                          Optional<GuestFilesystem> boot, int lvmPartitions, String bootElsewhere,
                          Optional<LvmRoot> lvmRoot) {

    /** The shape of the volume. */
    public enum Kind {
        /** One filesystem on the whole volume, as EC2 PV roots normally are. */
        WHOLE_DISK,
        /** A partition table with the root filesystem on one of its partitions. */
        PARTITIONED,
        /**
         * A partition table whose root filesystem is on a logical volume of an LVM volume group;
         * {@link GuestLayout#lvmRoot()} says which and whether it is mapped for conversion.
         */
        LVM
    }

    /** Checks the parts. */
    public GuestLayout {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(partitionTable, "partitionTable");
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(bootElsewhere, "bootElsewhere");
        Objects.requireNonNull(lvmRoot, "lvmRoot");
    }

    /** A layout without an LVM root. */
    public GuestLayout(Kind kind, String partitionTable, int rootPartition, long firstPartitionSector,
                       Optional<GuestFilesystem> boot, int lvmPartitions, String bootElsewhere) {
        this(kind, partitionTable, rootPartition, firstPartitionSector, boot, lvmPartitions, bootElsewhere, Optional.empty());
    }

    /** An unpartitioned volume. */
    public static GuestLayout wholeDisk() {
        return new GuestLayout(Kind.WHOLE_DISK, "", 0, 0, Optional.empty(), 0, "");
    }

    /** Whether {@code /boot} is a filesystem of its own. */
    public boolean separateBoot() {
        return boot.isPresent();
    }
}
