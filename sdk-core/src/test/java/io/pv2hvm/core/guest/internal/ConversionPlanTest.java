package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.guest.BootEntry;
import io.pv2hvm.core.guest.FstabEntry;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestFilesystem;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.GuestLayout;
import io.pv2hvm.core.guest.GuestOs;
import io.pv2hvm.core.guest.TargetPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.pv2hvm.core.ConversionStrategy.IN_PLACE;
import static io.pv2hvm.core.ConversionStrategy.PARTITION_COPY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConversionPlanTest {
    private static final String UUID = "7ef8a407-e4a9-44bb-a634-a9353442f023";

    @Test
    void decide_whenDebianWithAllDrivers_plansNothingExtra() {
        ConversionPlan plan = ConversionPlan.decide(guest("ext4", Set.of(), 4096, kernel("", Set.of("nvme", "ena", "ata_piix"))),
                IN_PLACE, TargetPlatform.NITRO, true);

        assertThat(plan.driversToAdd()).isEmpty();
        assertThat(plan.kernel().version()).isEqualTo("6.1.0-56-amd64");
    }

    @Test
    void decide_whenKernelIsPvOnly_refusesWithThePackageToInstall() {
        GuestFacts facts = guest("ext4", Set.of(), 4096, kernel("CONFIG_X86_64_XEN=y", Set.of("xen_blkfront")));

        assertThatThrownBy(() -> ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.XEN_HVM, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("PV-only", "CONFIG_X86_64_XEN=y", "apt-get install linux-image-amd64");
    }

    @Test
    void decide_whenXfsInPlace_refusesAndSuggestsPartitionCopy() {
        GuestFacts facts = guest("xfs", Set.of(), 4096, kernel("", Set.of("nvme", "ena")));

        assertThatThrownBy(() -> ConversionPlan.decide(facts, IN_PLACE, TargetPlatform.NITRO, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("IN_PLACE needs ext2/3/4", "XFS has no free boot sector", "Use PARTITION_COPY");
        assertThat(ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.NITRO, true).driversToAdd()).isEmpty();
    }

    @Test
    void decide_whenInlineDataOrSmallExtentBlocksInPlace_refuses() {
        GuestKernel k = kernel("", Set.of("nvme", "ena"));
        assertThatThrownBy(() -> ConversionPlan.decide(guest("ext4", Set.of("inline_data"), 4096, k), IN_PLACE, TargetPlatform.NITRO, true))
                .hasMessageContaining("inline_data");
        assertThatThrownBy(() -> ConversionPlan.decide(guest("ext4", Set.of("extent"), 1024, k), IN_PLACE, TargetPlatform.NITRO, true))
                .hasMessageContaining("1024-byte blocks");
        assertThat(ConversionPlan.decide(guest("ext2", Set.of(), 1024, k), IN_PLACE, TargetPlatform.NITRO, true)).isNotNull();
    }

    @Test
    void decide_whenNitroAndInitramfsLacksNvme_refusesWithoutFixAndPlansRebuildWithFix() {
        GuestFacts facts = guest("ext4", Set.of(), 4096, kernel("", Set.of("xen_blkfront", "ata_piix")));

        assertThatThrownBy(() -> ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.NITRO, false))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("lacks nvme", "lacks ena");
        ConversionPlan plan = ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.NITRO, true);
        assertThat(plan.driversToAdd()).containsExactly("nvme", "ena");
        assertThat(plan.initramfsTool()).isEqualTo("update-initramfs");
        assertThat(ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.XEN_HVM, false).driversToAdd()).isEmpty();
    }

    @Test
    void decide_whenKernelHasNoNvmeModule_refusesEvenWithFix() {
        GuestKernel k = new GuestKernel("6.1.0-56-amd64", "/boot/vmlinuz-6.1.0-56-amd64", Optional.of("/boot/initrd.img-6.1.0-56-amd64"),
                "", true, Set.of("ata_piix"), Set.of("ena"), Set.of());

        assertThatThrownBy(() -> ConversionPlan.decide(guest("ext4", Set.of(), 4096, k), PARTITION_COPY, TargetPlatform.NITRO, true))
                .hasMessageContaining("has no nvme module");
    }

    @Test
    void decide_whenNvmeIsBuiltIn_needsNoRebuild() {
        GuestKernel k = new GuestKernel("4.14.355-amzn1", "/boot/vmlinuz-6.1.0-56-amd64", Optional.of("/boot/initrd.img-6.1.0-56-amd64"),
                "", true, Set.of("ena"), Set.of(), Set.of("nvme"));

        assertThat(ConversionPlan.decide(guest("ext4", Set.of(), 4096, k), PARTITION_COPY, TargetPlatform.NITRO, false).driversToAdd()).isEmpty();
    }

    @ParameterizedTest(name = "{0} root refused with {1}")
    @CsvSource({"btrfs,PARTITION_COPY", "btrfs,IN_PLACE", "reiserfs,PARTITION_COPY", "jfs,PARTITION_COPY", "jfs,IN_PLACE"})
    void decide_whenRootIsAFilesystemTheBootloadersCannotRead_refusesWithTheFix(String fsType, ConversionStrategy strategy) {
        GuestFacts facts = guest(fsType, Set.of(), 4096, kernel("", Set.of("nvme", "ena")));

        assertThatThrownBy(() -> ConversionPlan.decide(facts, strategy, TargetPlatform.NITRO, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("root filesystem on /dev/xvdf is " + fsType, "cannot boot from", "Move it to ext4 or XFS");
    }

    @Test
    void decide_whenInlineDataWithPartitionCopy_refusesBecauseGrubCannotReadIt() {
        GuestFacts facts = guest("ext4", Set.of("inline_data"), 4096, kernel("", Set.of("nvme", "ena")));

        assertThatThrownBy(() -> ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.NITRO, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("GRUB2 cannot read ext4 with inline_data", "mkfs.ext4 -O ^inline_data");
    }

    @Test
    void decide_whenPartitionedWithBootOnRoot_plansBothStrategies() {
        GuestFacts facts = layout(guest("ext4", Set.of(), 4096, kernel("", Set.of("nvme", "ena"))),
                new GuestLayout(GuestLayout.Kind.PARTITIONED, "dos", 1, 2048, Optional.empty(), 0, ""));

        assertThat(ConversionPlan.decide(facts, IN_PLACE, TargetPlatform.NITRO, true).kernel().version()).isEqualTo("6.1.0-56-amd64");
        assertThat(ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.NITRO, true).kernel().version()).isEqualTo("6.1.0-56-amd64");
    }

    @Test
    void decide_whenPartitionedXfsInPlace_plansGrubInsteadOfRefusingForExtlinux() {
        GuestFacts facts = layout(guest("xfs", Set.of(), 4096, kernel("", Set.of("nvme", "ena"))),
                new GuestLayout(GuestLayout.Kind.PARTITIONED, "dos", 1, 2048, Optional.empty(), 0, ""));

        assertThat(ConversionPlan.decide(facts, IN_PLACE, TargetPlatform.NITRO, true).driversToAdd()).isEmpty();
    }

    @Test
    void decide_whenPartitionedWithSmallGapOrGpt_refusesInPlaceAndPointsToPartitionCopy() {
        GuestFacts oldFdisk = layout(guest("ext3", Set.of(), 4096, kernel("", Set.of("nvme", "ena"))),
                new GuestLayout(GuestLayout.Kind.PARTITIONED, "dos", 1, 63, Optional.empty(), 0, ""));
        GuestFacts gpt = layout(guest("ext4", Set.of(), 4096, kernel("", Set.of("nvme", "ena"))),
                new GuestLayout(GuestLayout.Kind.PARTITIONED, "gpt", 1, 2048, Optional.empty(), 0, ""));

        assertThatThrownBy(() -> ConversionPlan.decide(oldFdisk, IN_PLACE, TargetPlatform.NITRO, true))
                .hasMessageContainingAll("only 63 sectors before its first partition", "Use PARTITION_COPY");
        assertThatThrownBy(() -> ConversionPlan.decide(gpt, IN_PLACE, TargetPlatform.NITRO, true))
                .hasMessageContainingAll("where gpt keeps its own header", "Use PARTITION_COPY");
        assertThat(ConversionPlan.decide(oldFdisk, PARTITION_COPY, TargetPlatform.NITRO, true)).isNotNull();
    }

    @Test
    void decide_whenBootIsAPartitionOfItsOwn_convertsInPlaceAndRefusesPartitionCopy() {
        GuestFilesystem boot = new GuestFilesystem("/dev/xvdf1", "ext2", UUID, "", Set.of(), 1L << 26, 1L << 24, 1L << 26, 1024);
        GuestFacts facts = layout(guest("ext4", Set.of(), 4096, kernel("", Set.of("nvme", "ena"))),
                new GuestLayout(GuestLayout.Kind.PARTITIONED, "dos", 2, 2048, Optional.of(boot), 0, ""));

        assertThat(ConversionPlan.decide(facts, IN_PLACE, TargetPlatform.NITRO, true)).isNotNull();
        assertThatThrownBy(() -> ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.NITRO, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("/boot on its own partition (/dev/xvdf1)", "Use IN_PLACE");
    }

    @Test
    void decide_whenBootPartitionHasInlineDataOrBootIsOnAnotherVolume_refuses() {
        GuestFilesystem boot = new GuestFilesystem("/dev/xvdf1", "ext4", UUID, "", Set.of("inline_data"), 1L << 26, 1L << 24, 1L << 26, 4096);
        GuestFacts inline = layout(guest("ext4", Set.of(), 4096, kernel("", Set.of("nvme", "ena"))),
                new GuestLayout(GuestLayout.Kind.PARTITIONED, "dos", 2, 2048, Optional.of(boot), 0, ""));
        GuestFacts elsewhere = layout(guest("ext4", Set.of(), 4096, kernel("", Set.of("nvme", "ena"))),
                new GuestLayout(GuestLayout.Kind.WHOLE_DISK, "", 0, 0, Optional.empty(), 0, "/dev/xvdb"));

        assertThatThrownBy(() -> ConversionPlan.decide(inline, IN_PLACE, TargetPlatform.NITRO, true))
                .hasMessageContainingAll("inline_data (/boot on /dev/xvdf1)");
        assertThatThrownBy(() -> ConversionPlan.decide(elsewhere, PARTITION_COPY, TargetPlatform.NITRO, true))
                .hasMessageContainingAll("mounts /boot from /dev/xvdb", "converts the root volume only");
    }

    static GuestFacts layout(GuestFacts f, GuestLayout layout) {
        return new GuestFacts(f.device(), layout.kind() != GuestLayout.Kind.WHOLE_DISK, f.filesystem(), f.os(), f.bootConfig(),
                f.defaultEntry(), f.kernels(), f.fstab(), f.consoles(), f.initramfsTools(), f.startup(), layout);
    }

    private static final GuestOs CENTOS5 = new GuestOs("centos", "5.11", "CentOS release 5.11 (Final)", "/etc/redhat-release");

    @Test
    void decide_whenRhel5KernelHasPvOnHvmDrivers_onXenHvm_addsXenVbdWithRedHatsMkinitrd() {
        // kmod-xenpv's xen-platform-pci unplugs the emulated IDE disks: ata_piix in the initrd no longer finds root
        GuestKernel k = rhel5Kernel(Set.of("ata_piix"));
        ConversionPlan plan = ConversionPlan.decide(guestOn(CENTOS5, Set.of("mkinitrd"), k), PARTITION_COPY, TargetPlatform.XEN_HVM, true);

        assertThat(k.unplugsEmulatedDisks()).isTrue();
        assertThat(plan.driversToAdd()).containsExactly("xen_vbd");
        assertThat(plan.initramfsTool()).isEqualTo("mkinitrd");
    }

    @Test
    void decide_whenRhel5InitrdCarriesXenVbd_onXenHvm_needsNoRebuild() {
        GuestKernel k = rhel5Kernel(Set.of("xen_vbd", "xen_platform_pci"));

        assertThat(ConversionPlan.decide(guestOn(CENTOS5, Set.of("mkinitrd"), k), PARTITION_COPY, TargetPlatform.XEN_HVM, false)
                .driversToAdd()).isEmpty();
    }

    @Test
    void decide_whenRhel5InitrdLacksPvDriversAndFixIsOff_onXenHvm_refusesSayingTheDisksAreUnplugged() {
        GuestFacts facts = guestOn(CENTOS5, Set.of("mkinitrd"), rhel5Kernel(Set.of("ata_piix")));

        assertThatThrownBy(() -> ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.XEN_HVM, false))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("lacks xen_blkfront or xen_vbd", "unplugs the emulated IDE disks");
    }

    @Test
    void decide_whenPvhvmKernelHasNoPvBlockModule_onXenHvm_refusesWithTheFamilyFix() {
        GuestKernel k = new GuestKernel("2.6.18-92.el5", "/boot/vmlinuz-2.6.18-92.el5", Optional.of("/boot/initrd-2.6.18-92.el5.img"),
                "", true, Set.of("ata_piix"), Set.of("ata_piix"), Set.of(), true);
        GuestFacts facts = guestOn(new GuestOs("centos", "5.2", "CentOS release 5.2 (Final)", "/etc/redhat-release"), Set.of("mkinitrd"), k);

        assertThatThrownBy(() -> ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.XEN_HVM, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("has no xen_blkfront or xen_vbd module", "kmod-xenpv", "yum update kernel");
    }

    @Test
    void decide_whenKernelDoesNotUnplug_onXenHvm_acceptsAtaPiixAlone() {
        GuestKernel k = new GuestKernel("2.6.18-8.el5", "/boot/vmlinuz-2.6.18-8.el5", Optional.of("/boot/initrd-2.6.18-8.el5.img"),
                "", true, Set.of("ata_piix"), Set.of("ata_piix"), Set.of());

        assertThat(k.unplugsEmulatedDisks()).isFalse();
        assertThat(ConversionPlan.decide(guestOn(CENTOS5, Set.of("mkinitrd"), k), PARTITION_COPY, TargetPlatform.XEN_HVM, false)
                .driversToAdd()).isEmpty();
    }

    @Test
    void decide_whenRhel5GoesToNitro_refusesNamingTheXenHvmTypes() {
        GuestFacts facts = guestOn(CENTOS5, Set.of("mkinitrd"), rhel5Kernel(Set.of("ata_piix")));

        assertThatThrownBy(() -> ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.NITRO, true))
                .hasMessageContainingAll("has no nvme module", "has no ena module", "has no kernel with nvme or ena",
                        "Xen HVM instance type (t2, m4, c4, r4)")
                .hasMessageNotContaining("Install a kernel that has it");
    }

    @Test
    void decide_whenCentos6LacksEna_onNitro_refusesWithEnaViaDkms() {
        GuestKernel k = new GuestKernel("2.6.32-754.35.1.el6.x86_64", "/boot/vmlinuz-2.6.32-754.35.1.el6.x86_64",
                Optional.of("/boot/initramfs-2.6.32-754.35.1.el6.x86_64.img"), "", true, Set.of("nvme"), Set.of("nvme"), Set.of());
        GuestFacts facts = guestOn(new GuestOs("centos", "6.10", "CentOS release 6.10 (Final)", "/etc/redhat-release"),
                Set.of("dracut"), k);

        assertThatThrownBy(() -> ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.NITRO, true))
                .hasMessageContainingAll("has no ena module", "DKMS", "amzn-drivers", "t2, m4, c4, r4");
    }

    @Test
    void decide_whenSuseLacksNvme_picksSusesMkinitrdOnSles11AndDracutOnSles12() {
        GuestKernel k = new GuestKernel("3.0.101-108.87-default", "/boot/vmlinuz-3.0.101-108.87-default",
                Optional.of("/boot/initrd-3.0.101-108.87-default"), "", true, Set.of("ata_piix"), Set.of("nvme", "ena"), Set.of());
        GuestOs sles11 = new GuestOs("sles", "11", "SUSE Linux Enterprise Server 11 (x86_64)", "/etc/SuSE-release");
        GuestOs sles12 = new GuestOs("sles", "12.3", "SUSE Linux Enterprise Server 12 SP3", "/etc/os-release");

        ConversionPlan eleven = ConversionPlan.decide(guestOn(sles11, Set.of("mkinitrd"), k), PARTITION_COPY, TargetPlatform.NITRO, true);
        ConversionPlan twelve = ConversionPlan.decide(guestOn(sles12, Set.of("mkinitrd", "dracut"), k), PARTITION_COPY,
                TargetPlatform.NITRO, true);

        assertThat(eleven.initramfsTool()).isEqualTo("mkinitrd-suse");
        assertThat(eleven.driversToAdd()).containsExactly("nvme", "ena");
        assertThat(twelve.initramfsTool()).isEqualTo("dracut");
    }

    @Test
    void decide_whenUbuntuKernelLacksNvmeModule_refusesWithLinuxAws() {
        GuestKernel k = new GuestKernel("3.13.0-170-generic", "/boot/vmlinuz-3.13.0-170-generic",
                Optional.of("/boot/initrd.img-3.13.0-170-generic"), "", true, Set.of("xen_blkfront"), Set.of("xen_blkfront"), Set.of());
        GuestFacts facts = guestOn(new GuestOs("ubuntu", "14.04", "Ubuntu 14.04.6 LTS", "/etc/os-release"), Set.of("update-initramfs"), k);

        assertThatThrownBy(() -> ConversionPlan.decide(facts, PARTITION_COPY, TargetPlatform.NITRO, true))
                .hasMessageContainingAll("has no nvme module", "apt-get install linux-aws");
    }

    private static GuestKernel rhel5Kernel(Set<String> initramfs) {
        // the kmod-xenpv modules as modprobe names them: xen-vbd.ko -> xen_vbd
        return new GuestKernel("2.6.18-419.el5", "/boot/vmlinuz-2.6.18-419.el5", Optional.of("/boot/initrd-2.6.18-419.el5.img"),
                "", true, initramfs, Set.of("ata_piix", "xen_vbd", "xen_platform_pci"), Set.of());
    }

    static GuestFacts guestOn(GuestOs os, Set<String> tools, GuestKernel kernel) {
        BootEntry entry = new BootEntry(os.name(), kernel.path(), kernel.initrd(), List.of("root=/dev/xvda1", "ro"));
        return new GuestFacts("/dev/xvdf", false,
                new GuestFilesystem("/dev/xvdf", "ext3", UUID, "", Set.of(), 1L << 30, 1L << 28, 1L << 30, 4096),
                os, "/boot/grub/menu.lst", Optional.of(entry), List.of(kernel),
                List.of(new FstabEntry("/dev/xvda1", "/", "ext3", "defaults", 0, 1)), List.of("hvc0"), tools);
    }

    static GuestKernel kernel(String pvOnly, Set<String> initramfs) {
        return new GuestKernel("6.1.0-56-amd64", "/boot/vmlinuz-6.1.0-56-amd64", Optional.of("/boot/initrd.img-6.1.0-56-amd64"),
                pvOnly, true, initramfs, Set.of("nvme", "ena", "xen_blkfront", "ata_piix"), Set.of());
    }

    static GuestFacts guest(String fsType, Set<String> features, int blockSize, GuestKernel kernel) {
        BootEntry entry = new BootEntry("Debian", kernel.path(), kernel.initrd(), List.of("root=/dev/xvda1", "ro", "console=hvc0"));
        return new GuestFacts("/dev/xvdf", false,
                new GuestFilesystem("/dev/xvdf", fsType, UUID, "", features, 1L << 30, 1L << 28, 1L << 30, blockSize),
                new GuestOs("debian", "12", "Debian GNU/Linux 12", "/etc/os-release"), "/boot/grub/menu.lst",
                Optional.of(entry), List.of(kernel), List.of(new FstabEntry("/dev/xvda1", "/", fsType, "defaults", 0, 1)),
                List.of("hvc0"), Set.of("update-initramfs"));
    }
}
