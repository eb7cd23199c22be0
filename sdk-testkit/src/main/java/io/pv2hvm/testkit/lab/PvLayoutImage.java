package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PV root volume laid out otherwise than the plain fixtures: already partitioned, as the
 * {@code hd00} AKIs boot them, or on a filesystem the bootloaders cannot read. The
 * {@link Fixture#EXT4} guest re-laid by {@code layout-pv-image.sh} in a few seconds (no cache
 * needed). Its init first mounts {@code /boot} as the guest's fstab says and
 * prints {@code PV2HVM-BOOTMOUNT ok dev=<device>}, then runs the marker init.
 *
 * @param path        the image file
 * @param layout      how it is laid out
 * @param volumeGroup the LVM volume group of the LVM layouts (unique per image: lvm2 refuses to
 *                    create a group whose name another attached image already uses)
 */
public record PvLayoutImage(Path path, Layout layout, String volumeGroup) {
    private static final String SCRIPT = "layout-pv-image.sh";
    private static final AtomicInteger IMAGES = new AtomicInteger();
    private static final Pattern BOOT_MOUNT = Pattern.compile("PV2HVM-BOOTMOUNT ([^\\r\\n]*)");

    /** The layouts the lab builds. */
    public enum Layout {
        /** msdos label, root on partition 1 from 1 MiB, {@code /boot} on the root. */
        PARTITIONED("partitioned"),
        /** The same with partition 1 at sector 63, as fdisk made it before 2008: no room for GRUB2's core image. */
        PARTITIONED_AT_SECTOR_63("partitioned-63"),
        /** {@code /boot} on partition 1 (ext2), the root on partition 2, fstab by device name. */
        SEPARATE_BOOT("separate-boot"),
        /**
         * {@code /boot} on partition 1, partition 2 an LVM physical volume whose volume group holds
         * the root filesystem on a linear logical volume {@code root}, named
         * {@code /dev/mapper/VG-root} in menu.lst and fstab.
         */
        LVM("lvm"),
        /** As {@link #LVM}, the root LV in two segments with another LV between them. */
        LVM_SEGMENTS("lvm-segments"),
        /** As {@link #LVM}, the volume group also spanning a second volume that is not this image. */
        LVM_SPANNING("lvm-spanning"),
        /** One partition, an LVM physical volume; {@code /boot} and its menu.lst inside the root LV. */
        LVM_BOOT_INSIDE("lvm-boot-inside"),
        /** No partitions, the guest on btrfs, which pv2hvm's GRUB2 and extlinux do not boot. */
        BTRFS("btrfs");

        private final String scriptName;

        Layout(String scriptName) {
            this.scriptName = scriptName;
        }
    }

    /** Builds {@code name} in the lab's scratch directory with {@code layout}. */
    public static PvLayoutImage build(GuestLab lab, Layout layout, String name) {
        Path image = lab.scratch(name);
        String vg = "pv2hvmlab" + Long.toString(ProcessHandle.current().pid(), 36) + "_" + IMAGES.incrementAndGet();
        LocalTransport.create().exec(Command.of("bash", "-c", script(), SCRIPT, lab.image(Fixture.EXT4).toString(),
                image.toString(), layout.scriptName, vg)).orThrow("lab: " + SCRIPT + " " + layout.scriptName);
        return new PvLayoutImage(image, layout, vg);
    }

    /** What the guest's init said about {@code /boot}: {@code ok dev=/dev/sda1}, {@code none}, {@code failed ...}. */
    public static Optional<String> bootMount(BootResult boot) {
        Matcher m = BOOT_MOUNT.matcher(boot.serialLog());
        return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
    }

    private static String script() {
        try (InputStream in = PvLayoutImage.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("lab resource missing: " + SCRIPT);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
