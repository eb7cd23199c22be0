package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.GuestLayout;
import io.pv2hvm.core.guest.ImageConversion;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;
import io.pv2hvm.testkit.lab.PvLayoutImage.Layout;
import io.pv2hvm.testkit.lab.QemuBoot.Disk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Already partitioned PV roots (the {@code hd00} AKIs' layouts) convert and boot under BIOS to
 * their init, with the root and {@code /boot} mounted as their fstab says; the layouts a strategy
 * cannot boot are refused by inspection before anything is written. Each layout boots once, on
 * the target where its device names change most (NVMe, Nitro) unless the strategy is the point.
 */
@RequiresLab
class LayoutConversionLabTest {
    /**
     * Bash lines for the kernel-hook tests: with the converted root loop-mapped at {@code $r} and
     * its {@code /boot} partition at {@code $b}, mounts them on {@code $mnt}, copies kernel
     * {@code $kv} as {@code $new} and runs the installed hook for it, as a package install would.
     */
    private static final String INSTALL_NEWER_KERNEL = """
                mount "$r" "$mnt"
                mount "$b" "$mnt/boot"
                for t in sort tail mv; do [[ -e $mnt/bin/$t ]] || ln -s busybox "$mnt/bin/$t"; done
                cp "$mnt/boot/vmlinuz-$kv" "$mnt/boot/vmlinuz-$new"
                cp "$mnt/boot/initrd.img-$kv" "$mnt/boot/initrd.img-$new"
                chroot "$mnt" /bin/sh /etc/kernel/postinst.d/zz-pv2hvm-boot "$new" "/boot/vmlinuz-$new" >&2
            """;

    private static final List<String> READ_ONLY_JOBS = List.of("pv2hvm-attach-image", "pv2hvm-inspect", "pv2hvm-detach-image");

    private final GuestLab lab = GuestLab.shared();

    @Test
    void inPlace_whenRootIsOnPartition1_installsGrubInTheGapKeepsThePartitionsAndBootsOnNvme() throws Exception {
        PvLayoutImage source = PvLayoutImage.build(lab, Layout.PARTITIONED, "layout-partitioned.img");
        String table = partitionTable(source.path());
        Path out = lab.scratch("layout-partitioned-in-place.img");

        ConversionResult result = ImageConversion.of(source.path()).strategy(ConversionStrategy.IN_PLACE)
                .target(TargetPlatform.NITRO).writeTo(out);

        assertThat(result.facts().layout().kind()).isEqualTo(GuestLayout.Kind.PARTITIONED);
        assertThat(result.facts().layout().rootPartition()).isEqualTo(1);
        assertThat(partitionTable(out)).as("the partitions stay as they were").isEqualTo(table);
        BootResult boot = lab.qemu().bios(out, Disk.NVME, "layout-partitioned-in-place-nvme");
        assertBooted(boot, "/dev/nvme0n1p1", result);
        assertThat(PvLayoutImage.bootMount(boot)).as(boot.describe()).hasValue("none");
        Files.deleteIfExists(out);
        Files.deleteIfExists(source.path());
    }

    @Test
    void partitionCopy_whenRootPartitionStartsAtSector63_copiesTheRootPartitionAndBoots() throws Exception {
        PvLayoutImage source = PvLayoutImage.build(lab, Layout.PARTITIONED_AT_SECTOR_63, "layout-sector63.img");
        String hash = GuestLab.sha256(source.path());
        Path out = lab.scratch("layout-sector63-copy.img");

        ConversionResult result = ImageConversion.of(source.path()).strategy(ConversionStrategy.PARTITION_COPY)
                .target(TargetPlatform.XEN_HVM).writeTo(out);

        assertThat(GuestLab.sha256(source.path())).as("source image unchanged").isEqualTo(hash);
        assertThat(result.facts().layout().firstPartitionSector()).isEqualTo(63);
        // sized as a migration sizes its target: the source plus 1 GiB
        assertThat(Files.size(out)).isEqualTo(Files.size(source.path()) + (1L << 30));
        BootResult boot = lab.qemu().bios(out, Disk.IDE, "layout-sector63-copy-ide");
        assertBooted(boot, "/dev/sda1", result);
        Files.deleteIfExists(out);
        Files.deleteIfExists(source.path());
    }

    @Test
    void inPlace_whenBootIsAPartitionOfItsOwn_bootsFromItAndMountsItAsFstabSays() throws Exception {
        PvLayoutImage source = PvLayoutImage.build(lab, Layout.SEPARATE_BOOT, "layout-separate-boot.img");
        Path out = lab.scratch("layout-separate-boot-in-place.img");

        ConversionResult result = ImageConversion.of(source.path()).strategy(ConversionStrategy.IN_PLACE)
                .target(TargetPlatform.NITRO).writeTo(out);

        assertThat(result.facts().layout().rootPartition()).isEqualTo(2);
        assertThat(result.facts().layout().boot()).isPresent();
        String bootUuid = result.facts().layout().boot().get().uuid();
        assertThat(result.changes()).anyMatch(c -> c.path().equals("/etc/fstab")
                && c.reason().contains("mount /boot by UUID=" + bootUuid + " instead of /dev/xvda1"));
        BootResult boot = lab.qemu().bios(out, Disk.NVME, "layout-separate-boot-in-place-nvme");
        assertBooted(boot, "/dev/nvme0n1p2", result);
        assertThat(PvLayoutImage.bootMount(boot)).as(boot.describe()).hasValue("ok dev=/dev/nvme0n1p1");

        // the guest's next kernel: the hook pv2hvm installed renders grub.cfg on the /boot partition for it
        String newer = lab.kernelVersion().replaceFirst("^(\\d+\\.\\d+)\\.\\d+", "$1.999");
        String grubCfg = runKernelHookOnSeparateBoot(out, lab.kernelVersion(), newer);
        assertThat(grubCfg).contains("linux /vmlinuz-" + newer + " root=UUID=" + result.rootUuid(), "initrd /initrd.img-" + newer,
                "search --no-floppy --fs-uuid --set=root " + bootUuid).doesNotContain("/boot/");
        Files.deleteIfExists(out);
        Files.deleteIfExists(source.path());
    }

    /**
     * Mounts the converted separate-/boot image's root (partition 2) and /boot (partition 1), adds a
     * kernel {@code newer} (a copy of {@code kv}) as a kernel package would, runs the installed
     * postinst hook in a chroot with busybox standing in for coreutils, and returns the guest's
     * /boot/grub/grub.cfg.
     */
    private static String runKernelHookOnSeparateBoot(Path image, String kv, String newer) {
        String script = """
                set -euo pipefail
                img=$1 kv=$2 new=$3
                mnt=$(mktemp -d) r= b=
                trap 'umount "$mnt/boot" 2>/dev/null; umount "$mnt" 2>/dev/null; [[ -z $b ]] || losetup -d "$b"; [[ -z $r ]] || losetup -d "$r"; rmdir "$mnt"' EXIT
                r=$(losetup -f --show -o $((65 << 20)) "$img")
                b=$(losetup -f --show -o $((1 << 20)) --sizelimit $((64 << 20)) "$img")
                """ + INSTALL_NEWER_KERNEL + """
                cat "$mnt/boot/grub/grub.cfg"
                """;
        return LocalTransport.create().exec(Command.of("bash", "-c", script, "kernel-hook", image.toString(), kv, newer))
                .orThrow("running the kernel hook on " + image).stdout();
    }

    @Test
    void inPlace_whenGapBeforeFirstPartitionIsTooSmallForGrub_refusesAndWritesNothing() throws Exception {
        assertRefused(Layout.PARTITIONED_AT_SECTOR_63, ConversionStrategy.IN_PLACE,
                "only 63 sectors before its first partition", "Use PARTITION_COPY");
    }

    @Test
    void partitionCopy_whenBootIsAPartitionOfItsOwn_refusesAndWritesNothing() throws Exception {
        assertRefused(Layout.SEPARATE_BOOT, ConversionStrategy.PARTITION_COPY,
                "/boot on its own partition", "would leave /boot behind", "Use IN_PLACE");
    }

    @Test
    void inPlace_whenRootIsOnALinearLogicalVolume_convertsItThroughItsExtentsKeepingTheGroupAndTheGuestsRootDevice() throws Exception {
        PvLayoutImage source = PvLayoutImage.build(lab, Layout.LVM, "layout-lvm.img");
        String vg = source.volumeGroup();
        String lv = "/dev/mapper/" + vg + "-root";
        String table = partitionTable(source.path());
        String group = lvmMetadata(source.path());
        Path out = lab.scratch("layout-lvm-in-place.img");

        ConversionResult result = ImageConversion.of(source.path()).strategy(ConversionStrategy.IN_PLACE)
                .target(TargetPlatform.NITRO).writeTo(out);

        assertThat(result.facts().layout().kind()).isEqualTo(GuestLayout.Kind.LVM);
        assertThat(result.facts().layout().lvmRoot()).hasValueSatisfying(l -> {
            assertThat(l.name()).isEqualTo(vg + "/root");
            assertThat(l.rootArgument()).isEqualTo(lv);
        });
        assertThat(result.facts().filesystem().type()).as("the root filesystem was read through the LV's extents").isEqualTo("ext4");
        assertThat(partitionTable(out)).as("the partitions stay as they were").isEqualTo(table);
        assertThat(lvmMetadata(out)).as("the volume group's metadata and extents map are untouched").isEqualTo(group);
        String bootUuid = result.facts().layout().boot().orElseThrow().uuid();
        assertThat(result.changes()).anyMatch(c -> c.path().equals("/etc/fstab") && c.reason().contains("mount /boot by UUID=" + bootUuid))
                .noneMatch(c -> c.path().equals("/etc/fstab") && c.reason().startsWith("mount / by"));

        // what the guest boots: GRUB2 on the /boot partition hands the kernel the guest's own LV, for
        // this kernel and, through the hook pv2hvm installed in the LV, for the guest's next one
        String newer = lab.kernelVersion().replaceFirst("^(\\d+\\.\\d+)\\.\\d+", "$1.999");
        String[] files = runKernelHookOnLvmRoot(out, vg, lab.kernelVersion(), newer).split("\n----\n", 2);
        assertThat(files[0]).as("fstab on the LV").containsPattern("(?m)^" + lv + "\\s+/\\s")
                .containsPattern("(?m)^UUID=" + bootUuid + "\\s+/boot\\s");
        assertThat(files[1]).as("grub.cfg on the /boot partition").contains("linux /vmlinuz-" + newer + " root=" + lv + " ",
                "search --no-floppy --fs-uuid --set=root " + bootUuid).doesNotContain("root=UUID=");
        Files.deleteIfExists(out);
        Files.deleteIfExists(source.path());
    }

    /**
     * The LVM image's partition 2 as lvm2 reports it (read-only, scanning only it): the root LV's
     * segments, and a hash of the physical volume's label and metadata area (before its first extent).
     */
    private static String lvmMetadata(Path image) {
        String script = """
                set -euo pipefail
                l=$(losetup -f --show -r "$1")
                trap 'partx -d "$l" 2>/dev/null; losetup -d "$l"' EXIT
                partx -a "$l" 2>/dev/null || true
                for i in $(seq 50); do [[ -b ${l}p2 ]] && break; sleep 0.1; done
                export LVM_SUPPRESS_FD_WARNINGS=1
                f="devices { filter = [ \\\"a%^${l}p2\\$%\\\", \\\"r%.*%\\\" ] use_devicesfile = 0 }"
                lvs --readonly --config "$f" --noheadings --separator '|' --segments -o lv_name,segtype,seg_pe_ranges,lv_attr 2>/dev/null \\
                  | sed "s|$l|DISK|g; s/^ *//"
                pe=$(pvs --readonly --config "$f" --noheadings --units b --nosuffix -o pe_start "${l}p2" 2>/dev/null | tr -d ' ')
                head -c "$pe" "${l}p2" | sha256sum
                """;
        return bash(script, "reading the volume group on " + image, image.toString());
    }

    /**
     * Mounts the converted LVM image's root LV (from partition 2 at the LV's first extent, as the
     * worker maps it) and /boot (partition 1), adds a kernel {@code newer} (a copy of {@code kv}) as a
     * kernel package would, runs the installed postinst hook in a chroot with busybox standing in for
     * coreutils, and prints the guest's /etc/fstab, a line "----" and /boot/grub/grub.cfg.
     */
    private static String runKernelHookOnLvmRoot(Path image, String vg, String kv, String newer) {
        String script = """
                set -euo pipefail
                img=$1 vg=$2 kv=$3 new=$4
                mnt=$(mktemp -d) d= r= b=
                trap 'umount "$mnt/boot" 2>/dev/null; umount "$mnt" 2>/dev/null; for x in $b $r; do losetup -d "$x"; done
                  [[ -z $d ]] || { partx -d "$d" 2>/dev/null; losetup -d "$d"; }; rmdir "$mnt"' EXIT
                d=$(losetup -f --show -r "$img"); partx -a "$d" 2>/dev/null || true
                for i in $(seq 50); do [[ -b ${d}p2 ]] && break; sleep 0.1; done
                export LVM_SUPPRESS_FD_WARNINGS=1
                f="devices { filter = [ \\\"a%^${d}p2\\$%\\\", \\\"r%.*%\\\" ] use_devicesfile = 0 }"
                pe=$(pvs --readonly --config "$f" --noheadings --units b --nosuffix -o pe_start "${d}p2" 2>/dev/null | tr -d ' ')
                first=$(lvs --readonly --config "$f" --noheadings -o seg_pe_ranges "$vg/root" 2>/dev/null | sed 's/.*:\\([0-9]*\\)-.*/\\1/')
                ext=$(vgs --readonly --config "$f" --noheadings --units b --nosuffix -o vg_extent_size "$vg" 2>/dev/null | tr -d ' ')
                partx -d "$d" 2>/dev/null; losetup -d "$d"; d=
                r=$(losetup -f --show -o $(( (65 << 20) + pe + first * ext )) "$img")
                b=$(losetup -f --show -o $((1 << 20)) --sizelimit $((64 << 20)) "$img")
                """ + INSTALL_NEWER_KERNEL + """
                cat "$mnt/etc/fstab"
                echo ----
                cat "$mnt/boot/grub/grub.cfg"
                """;
        return bash(script, "running the kernel hook on " + image, image.toString(), vg, kv, newer);
    }

    /** Runs a bash script with arguments; its standard output, or an error carrying its standard error. */
    private static String bash(String script, String what, String... args) {
        List<String> argv = new ArrayList<>(List.of("bash", "-c", "export PATH=/usr/sbin:/usr/bin:/sbin:/bin\n" + script, "lab"));
        argv.addAll(List.of(args));
        CommandResult r = LocalTransport.create().exec(Command.of(argv));
        if (!r.succeeded()) {
            throw new AssertionError(what + " exited with " + r.exitCode() + ": " + r.stderr());
        }
        return r.stdout();
    }

    @Test
    void partitionCopy_whenRootIsOnLvm_refusesPointingToInPlaceAndWritesNothing() throws Exception {
        assertRefused(Layout.LVM, ConversionStrategy.PARTITION_COPY, "root on an LVM logical volume", "Use IN_PLACE");
    }

    @Test
    void inPlace_whenRootLvHasTwoSegments_refusesAndWritesNothing() throws Exception {
        assertRefused(Layout.LVM_SEGMENTS, ConversionStrategy.IN_PLACE, "has 2 segments", "pvmove --alloc contiguous");
    }

    @Test
    void inPlace_whenVolumeGroupSpansAnotherVolume_refusesAndWritesNothing() throws Exception {
        assertRefused(Layout.LVM_SPANNING, ConversionStrategy.IN_PLACE, "spans 2 physical volumes", "vgreduce");
    }

    @Test
    void inPlace_whenBootIsInsideLvm_refusesAndWritesNothing() throws Exception {
        assertRefused(Layout.LVM_BOOT_INSIDE, ConversionStrategy.IN_PLACE, "/boot is inside the volume group",
                "Move /boot to a partition of its own");
    }

    @ParameterizedTest(name = "btrfs root refused with {0}")
    @EnumSource(value = ConversionStrategy.class, names = {"IN_PLACE", "PARTITION_COPY"})  // image conversions; DUAL_BOOT: DualBootLabTest
    void convert_whenRootIsBtrfs_refusesAndWritesNothing(ConversionStrategy strategy) throws Exception {
        assertRefused(Layout.BTRFS, strategy, "is btrfs", "cannot boot from", "Move it to ext4 or XFS");
    }

    private void assertRefused(Layout layout, ConversionStrategy strategy, String... messageParts) throws Exception {
        PvLayoutImage source = PvLayoutImage.build(lab, layout, "layout-" + layout + "-" + strategy + "-refused-source.img");
        String hash = GuestLab.sha256(source.path());
        FileTime mtime = Files.getLastModifiedTime(source.path());
        Path out = lab.scratch("layout-" + layout + "-" + strategy + "-refused.img");
        RecordingTransport transport = new RecordingTransport();

        assertThatThrownBy(() -> ImageConversion.of(source.path()).strategy(strategy).target(TargetPlatform.NITRO)
                .transport(transport).writeTo(out))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll(messageParts);

        assertThat(transport.jobs()).isNotEmpty().containsOnly(READ_ONLY_JOBS.toArray(String[]::new)).contains("pv2hvm-inspect");
        assertThat(out).doesNotExist();
        assertThat(Files.getLastModifiedTime(source.path())).isEqualTo(mtime);
        assertThat(GuestLab.sha256(source.path())).isEqualTo(hash);
        Files.deleteIfExists(source.path());
    }

    private static String partitionTable(Path image) {
        return LocalTransport.create().exec(Command.of("sfdisk", "-d", image.toString())).orThrow("sfdisk -d " + image).stdout()
                .replace(image.toString(), "IMAGE");
    }

    private void assertBooted(BootResult boot, String rootDevice, ConversionResult result) {
        assertThat(boot.marker()).as(boot.describe()).isPresent();
        BootMarker m = boot.marker().get();
        assertThat(m.kernel()).as(boot.describe()).isEqualTo(lab.kernelVersion());
        assertThat(m.root()).as(boot.describe()).isEqualTo(rootDevice);
        assertThat(m.spec()).isEqualTo("UUID=" + result.rootUuid());
        assertThat(m.fstabOk()).as(boot.describe()).isTrue();
    }
}
