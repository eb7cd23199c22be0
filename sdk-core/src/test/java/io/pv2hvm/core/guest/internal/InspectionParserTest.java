package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.UnsafeGuestException;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestLayout;
import io.pv2hvm.core.guest.LvmRoot;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.GuestStartup;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InspectionParserTest {
    /** What inspect printed for a lab fixture (abridged), plus an inittab and a second kernel. */
    static final String DEBIAN_OUTPUT = String.join("\n",
            "layout\twhole-disk",
            "fs\tdevice\t/dev/loop0",
            "fs\ttype\text4",
            "fs\tuuid\t7ef8a407-e4a9-44bb-a634-a9353442f023",
            "fs\tlabel\tpvroot",
            "fs\tdevice-bytes\t268435456",
            "fs\tfeature\thas_journal",
            "fs\tfeature\textent",
            "fs\tfeature\tmetadata_csum",
            "fs\tfs-bytes\t268435456",
            "fs\tblock-size\t4096",
            "fs\tused-bytes\t23065600",
            "file-present\t/etc/os-release",
            "file\t/etc/os-release\tPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"",
            "file\t/etc/os-release\tVERSION_ID=\"12\"",
            "file\t/etc/os-release\tID=debian",
            "file-present\t/etc/fstab",
            "file\t/etc/fstab\t# /etc/fstab: static file system information.",
            "file\t/etc/fstab\t/dev/xvda1  /      ext4  defaults,noatime  0  1",
            "file\t/etc/fstab\tproc        /proc  proc     defaults          0  0",
            "file-present\t/etc/inittab",
            "file\t/etc/inittab\thvc0:2345:respawn:/sbin/getty 38400 hvc0",
            "file-present\t/boot/grub/menu.lst",
            "file\t/boot/grub/menu.lst\tdefault 0",
            "file\t/boot/grub/menu.lst\ttitle Debian GNU/Linux, kernel 6.1.0-56-amd64",
            "file\t/boot/grub/menu.lst\troot (hd0)",
            "file\t/boot/grub/menu.lst\tkernel /boot/vmlinuz-6.1.0-56-amd64 root=/dev/xvda1 ro console=hvc0",
            "file\t/boot/grub/menu.lst\tinitrd /boot/initrd.img-6.1.0-56-amd64",
            "tool\tupdate-initramfs\t/usr/sbin/update-initramfs",
            "kernel\t6.1.0-56-amd64\tpath\t/boot/vmlinuz-6.1.0-56-amd64",
            "kernel\t6.1.0-56-amd64\tinitrd\t/boot/initrd.img-6.1.0-56-amd64",
            "kernel\t6.1.0-56-amd64\tinitramfs-listed\tyes",
            "kernel\t6.1.0-56-amd64\tinitramfs-driver\txen_blkfront",
            "kernel\t6.1.0-56-amd64\tinitramfs-driver\tata_piix",
            "kernel\t6.1.0-56-amd64\tconfig\tpresent",
            "kernel\t6.1.0-56-amd64\tmodule\tnvme",
            "kernel\t6.1.0-56-amd64\tmodule\tena",
            "kernel\t2.6.18-419.el5xen\tpath\t/boot/vmlinuz-2.6.18-419.el5xen",
            "kernel\t2.6.18-419.el5xen\tpv-only-config\tCONFIG_X86_64_XEN=y",
            "");

    @Test
    void parse_whenPartitionedWithBootPartition_readsTheLayout() {
        String out = String.join("\n", "layout\tpartitioned\tdos", "layout\tpartition\t1\text2", "layout\tpartition\t2\text4",
                "layout\troot-partition\t2", "layout\tfirst-sector\t2048", "layout\tlvm-partitions\t0",
                "boot\tspec\tUUID=0b1c7a52", "boot\tdevice\t/dev/loop0p1", "boot\ttype\text2", "boot\tuuid\t0b1c7a52",
                "boot\tfeature\text_attr", "boot\tfs-bytes\t67108864", "") + DEBIAN_OUTPUT;

        GuestFacts facts = InspectionParser.parse("/dev/loop0", out);

        assertThat(facts.partitioned()).isTrue();
        GuestLayout layout = facts.layout();
        assertThat(layout.kind()).isEqualTo(GuestLayout.Kind.PARTITIONED);
        assertThat(layout.partitionTable()).isEqualTo("dos");
        assertThat(layout.rootPartition()).isEqualTo(2);
        assertThat(layout.firstPartitionSector()).isEqualTo(2048);
        assertThat(layout.boot()).hasValueSatisfying(b -> {
            assertThat(b.device()).isEqualTo("/dev/loop0p1");
            assertThat(b.type()).isEqualTo("ext2");
            assertThat(b.uuid()).isEqualTo("0b1c7a52");
            assertThat(b.hasFeature("ext_attr")).isTrue();
        });
        assertThat(layout.bootElsewhere()).isEmpty();
    }

    @Test
    void parse_whenRootIsOnLvmOrBootOnAnotherVolume_saysSo() {
        GuestLayout lvm = InspectionParser.parse("/dev/loop0", "layout\tpartitioned\tdos\nlayout\tpartition\t1\text2\n"
                + "layout\tpartition\t2\tLVM2_member\nlayout\tlvm-partitions\t1\nlayout\tkind\tlvm\n").layout();
        GuestLayout elsewhere = InspectionParser.parse("/dev/xvdf", DEBIAN_OUTPUT + "boot\telsewhere\t/dev/xvdb\n").layout();

        assertThat(lvm.kind()).isEqualTo(GuestLayout.Kind.LVM);
        assertThat(lvm.lvmPartitions()).isEqualTo(1);
        assertThat(elsewhere.kind()).isEqualTo(GuestLayout.Kind.WHOLE_DISK);
        assertThat(elsewhere.bootElsewhere()).isEqualTo("/dev/xvdb");
    }

    @Test
    void parse_whenRootIsOnAMappedLogicalVolume_readsTheGroupAndTheRootLvSegments() {
        GuestLayout layout = InspectionParser.parse("/dev/loop0", "layout\tpartitioned\tdos\nlayout\tpartition\t1\text2\n"
                + "layout\tpartition\t2\tLVM2_member\nlayout\tlvm-partitions\t1\nlayout\tkind\tlvm\n"
                + "lvm\tboot-menu\t/dev/loop0p1\t/grub/menu.lst\nlvm\troot-argument\t/dev/mapper/VolGroup00-LogVol00\n"
                + "lvm\troot\tVolGroup00\tLogVol00\nlvm\tpv\t/dev/loop0p2\tVolGroup00\tlvm2\nlvm\tvg\tVolGroup00\t1\n"
                + "lvm\tsegment\tLogVol00\tlinear\t/dev/loop0p2:0-511\t-wi-XX----\nlvm\tsegment\tother\tstriped\tx\t-\n"
                + "lvm\tmapped\t/dev/loop0p2\n").layout();

        assertThat(layout.kind()).isEqualTo(GuestLayout.Kind.LVM);
        LvmRoot lvm = layout.lvmRoot().orElseThrow();
        assertThat(lvm.rootArgument()).isEqualTo("/dev/mapper/VolGroup00-LogVol00");
        assertThat(lvm.name()).isEqualTo("VolGroup00/LogVol00");
        assertThat(lvm.physicalVolumes()).containsExactly(new LvmRoot.PhysicalVolume("/dev/loop0p2", "VolGroup00", "lvm2"));
        assertThat(lvm.groupPhysicalVolumes()).isEqualTo(1);
        assertThat(lvm.segments()).as("only the root LV's segments").containsExactly(
                new LvmRoot.Segment("linear", "/dev/loop0p2:0-511", "-wi-XX----"));
        assertThat(lvm.mapped()).isTrue();
    }

    @Test
    void parse_whenDebianPvGuest_readsFilesystemOsBootEntryAndKernels() {
        GuestFacts facts = InspectionParser.parse("/dev/loop0", DEBIAN_OUTPUT);

        assertThat(facts.partitioned()).isFalse();
        assertThat(facts.filesystem().type()).isEqualTo("ext4");
        assertThat(facts.filesystem().uuid()).isEqualTo("7ef8a407-e4a9-44bb-a634-a9353442f023");
        assertThat(facts.filesystem().features()).containsExactlyInAnyOrder("has_journal", "extent", "metadata_csum");
        assertThat(facts.filesystem().blockSize()).isEqualTo(4096);
        assertThat(facts.filesystem().usedBytes()).isEqualTo(23065600L);
        assertThat(facts.os().id()).isEqualTo("debian");
        assertThat(facts.os().version()).isEqualTo("12");
        assertThat(facts.os().name()).isEqualTo("Debian GNU/Linux 12 (bookworm)");
        assertThat(facts.bootConfig()).isEqualTo("/boot/grub/menu.lst");
        assertThat(facts.defaultEntry()).hasValueSatisfying(e -> {
            assertThat(e.kernel()).isEqualTo("/boot/vmlinuz-6.1.0-56-amd64");
            assertThat(e.initrd()).hasValue("/boot/initrd.img-6.1.0-56-amd64");
            assertThat(e.arguments()).containsExactly("root=/dev/xvda1", "ro", "console=hvc0");
        });
        assertThat(facts.consoles()).containsExactly("hvc0", "hvc0 (inittab)");
        assertThat(facts.fstab()).hasSize(2);
        assertThat(facts.rootFstabEntry()).hasValueSatisfying(e -> {
            assertThat(e.spec()).isEqualTo("/dev/xvda1");
            assertThat(e.namesDevice()).isTrue();
            assertThat(e.pass()).isEqualTo(1);
        });
        assertThat(facts.initramfsTools()).containsExactly("update-initramfs");

        GuestKernel k = facts.defaultKernel().orElseThrow();
        assertThat(k.pvOnly()).isFalse();
        assertThat(k.initramfsListed()).isTrue();
        assertThat(k.bootsWith("ata_piix")).isTrue();
        assertThat(k.bootsWith("nvme")).isFalse();
        assertThat(k.hasModule("nvme")).isTrue();
        assertThat(facts.kernels()).filteredOn(GuestKernel::pvOnly).extracting(GuestKernel::version)
                .containsExactly("2.6.18-419.el5xen");
    }

    @Test
    void parse_whenOnlyRedhatRelease_guessesOsAndFlagsXenFlavourAsPvOnly() {
        String out = String.join("\n",
                "layout\twhole-disk", "fs\ttype\text3", "fs\tuuid\tabcdef01-2345-6789-abcd-ef0123456789",
                "file-present\t/etc/redhat-release", "file\t/etc/redhat-release\tCentOS release 5.11 (Final)",
                "kernel\t2.6.18-419.el5xen\tpath\t/boot/vmlinuz-2.6.18-419.el5xen");

        GuestFacts facts = InspectionParser.parse("/dev/xvdf", out);

        assertThat(facts.os().id()).isEqualTo("centos");
        assertThat(facts.os().version()).isEqualTo("5.11");
        assertThat(facts.os().isRedHatFamily()).isTrue();
        assertThat(facts.kernels().get(0).pvOnly()).isTrue();
        assertThat(facts.defaultEntry()).isEmpty();
    }

    @Test
    void parse_initLine_tellsWhetherFstabIsMountedOnlyOnceAtBoot() {
        String base = "layout\twhole-disk\nfs\ttype\text4\n";

        assertThat(InspectionParser.parse("/dev/xvdf", base + "startup\tinit\tsysvinit").mountsFstabOnce()).isTrue();
        assertThat(InspectionParser.parse("/dev/xvdf", base + "startup\tinit\tupstart").mountsFstabOnce()).isTrue();
        assertThat(InspectionParser.parse("/dev/xvdf", base + "startup\tinit\tupstart-mountall").mountsFstabOnce()).isFalse();
        assertThat(InspectionParser.parse("/dev/xvdf", base + "startup\tinit\tsystemd").mountsFstabOnce()).isFalse();
        assertThat(InspectionParser.parse("/dev/xvdf", base).init()).isEqualTo("unknown");
        assertThat(InspectionParser.parse("/dev/xvdf", base).mountsFstabOnce()).isFalse();
    }

    @Test
    void parse_whenMenuWrittenForSeparateBoot_findsKernelsUnderBoot() {
        String out = String.join("\n",
                "fs\ttype\text4",
                "file-present\t/boot/grub/grub.conf",
                "file\t/boot/grub/grub.conf\tdefault=0",
                "file\t/boot/grub/grub.conf\ttitle CentOS (2.6.32-754.el6.x86_64)",
                "file\t/boot/grub/grub.conf\t\troot (hd0,0)",
                "file\t/boot/grub/grub.conf\t\tkernel /vmlinuz-2.6.32-754.el6.x86_64 ro root=LABEL=/ console=hvc0",
                "file\t/boot/grub/grub.conf\t\tinitrd /initramfs-2.6.32-754.el6.x86_64.img",
                "kernel\t2.6.32-754.el6.x86_64\tpath\t/boot/vmlinuz-2.6.32-754.el6.x86_64");

        GuestFacts facts = InspectionParser.parse("/dev/xvdf", out);

        assertThat(facts.bootConfig()).isEqualTo("/boot/grub/grub.conf");
        assertThat(facts.defaultEntry().orElseThrow().kernel()).isEqualTo("/boot/vmlinuz-2.6.32-754.el6.x86_64");
        assertThat(facts.defaultEntry().orElseThrow().initrd()).hasValue("/boot/initramfs-2.6.32-754.el6.x86_64.img");
        assertThat(facts.defaultKernel()).isPresent();
    }

    @Test
    void parse_readsInitCloudInitSelinuxAndWhetherTheNetworkNamesEth0() {
        String out = String.join("\n", DEBIAN_OUTPUT,
                "startup\tinit\tsystemd",
                "startup\tcloud-init\tyes",
                "file-present\t/etc/selinux/config",
                "file\t/etc/selinux/config\t# SELINUX=disabled",
                "file\t/etc/selinux/config\tSELINUX=\"Enforcing\"",
                "file-present\t/etc/network/interfaces",
                "file\t/etc/network/interfaces\t# eth0 is below",
                "file\t/etc/network/interfaces\tiface eth0 inet dhcp",
                "");

        GuestStartup startup = InspectionParser.parse("/dev/xvdf", out).startup();

        assertThat(startup).isEqualTo(new GuestStartup("systemd", true, "enforcing", true, false));
        assertThat(startup.selinuxLabels()).isTrue();
    }

    @Test
    void parse_whenNoStartupRecords_reportsUnknownInitAndNoEth0() {
        GuestStartup startup = InspectionParser.parse("/dev/loop0", DEBIAN_OUTPUT).startup();

        assertThat(startup).isEqualTo(GuestStartup.unknown());
    }

    @Test
    void parse_whenIfcfgEth0IsStatic_reportsStaticEth0() {
        String out = String.join("\n", DEBIAN_OUTPUT,
                "file-present\t/etc/sysconfig/network-scripts/ifcfg-eth0",
                "file\t/etc/sysconfig/network-scripts/ifcfg-eth0\tDEVICE=eth0",
                "file\t/etc/sysconfig/network-scripts/ifcfg-eth0\tBOOTPROTO=\"none\"",
                "");

        GuestStartup startup = InspectionParser.parse("/dev/xvdf", out).startup();

        assertThat(startup.namesEth0()).isTrue();
        assertThat(startup.staticEth0()).isTrue();
    }

    @Test
    void parse_whenGuestTextHoldsControlCharacters_escapesThemInEveryFact() {
        String out = DEBIAN_OUTPUT.replace("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"", "PRETTY_NAME=\"Debian\u001b[2J\u001b]0;pwned\u0007\"")
                .replace("fs\tlabel\tpvroot", "fs\tlabel\tpv\u001b[31mroot");

        GuestFacts facts = InspectionParser.parse("/dev/loop0", out);

        assertThat(facts.os().name()).isEqualTo("Debian\\x1b[2J\\x1b]0;pwned\\x07");
        assertThat(facts.filesystem().label()).isEqualTo("pv\\x1b[31mroot");
    }

    @Test
    void parse_whenMoreKernelsThanAnyGuestHas_refusesNamingBootBeforeKeepingThem() {
        StringBuilder out = new StringBuilder("fs\ttype\text4\n");
        for (int i = 0; i <= InspectionParser.MAX_KERNELS; i++) {
            out.append("kernel\t6.1.0-").append(i).append("-amd64\tpath\t/boot/vmlinuz-6.1.0-").append(i).append("-amd64\n");
        }

        assertThatThrownBy(() -> InspectionParser.parse("/dev/loop0", out.toString()))
                .isInstanceOf(UnsafeGuestException.class)
                .hasMessageContaining("more than " + InspectionParser.MAX_KERNELS + " kernels")
                .satisfies(e -> assertThat(((UnsafeGuestException) e).guestPath()).isEqualTo("/boot"));
    }

    @Test
    void parse_whenAFileHasMoreLinesThanTheScriptSends_refuses() {
        String lines = ("file\t/etc/fstab\t/dev/xvda1 / ext4 defaults 0 1\n").repeat(InspectionParser.MAX_FILE_LINES + 1);

        assertThatThrownBy(() -> InspectionParser.parse("/dev/loop0", "file-present\t/etc/fstab\n" + lines))
                .isInstanceOf(UnsafeGuestException.class).hasMessageContaining("/etc/fstab");
    }

    @Test
    void parse_whenAtTheBounds_acceptsThem() {
        String lines = ("file\t/etc/fstab\t/dev/xvda1 / ext4 defaults 0 1\n").repeat(InspectionParser.MAX_FILE_LINES);

        GuestFacts facts = InspectionParser.parse("/dev/loop0", "fs\tfs-bytes\t" + InspectionParser.MAX_BYTES + "\n" + lines);

        assertThat(facts.fstab()).hasSize(InspectionParser.MAX_FILE_LINES);
        assertThat(facts.filesystem().sizeBytes()).isEqualTo(InspectionParser.MAX_BYTES);
    }

    @Test
    void parse_whenASizeIsNegativeOrBeyondAnyVolume_refusesBeforeSizingAnything() {
        assertThatThrownBy(() -> InspectionParser.parse("/dev/loop0", "fs\tfs-bytes\t" + (InspectionParser.MAX_BYTES + 1) + "\n"))
                .isInstanceOf(UnsafeGuestException.class).hasMessageContaining("fs-bytes");
        assertThatThrownBy(() -> InspectionParser.parse("/dev/loop0", "fs\tused-bytes\t-5\n"))
                .isInstanceOf(UnsafeGuestException.class).hasMessageContaining("used-bytes -5");
        assertThatThrownBy(() -> InspectionParser.parse("/dev/loop0", "fs\tblock-size\t2147483648\n"))
                .isInstanceOf(UnsafeGuestException.class).hasMessageContaining("block-size");
    }

    @Test
    void parse_whenSles11_readsSuseReleaseAndTheRhel5StylePvOnHvmDriversAndPvhvmConfig() {
        GuestFacts facts = InspectionParser.parse("/dev/loop0", String.join("\n",
                "fs\ttype\text3",
                "file-present\t/etc/SuSE-release",
                "file\t/etc/SuSE-release\tSUSE Linux Enterprise Server 11 (x86_64)",
                "file\t/etc/SuSE-release\tVERSION = 11",
                "file\t/etc/SuSE-release\tPATCHLEVEL = 4",
                "tool\tmkinitrd\t/sbin/mkinitrd",
                "kernel\t3.0.101-108.87-default\tpath\t/boot/vmlinuz-3.0.101-108.87-default",
                "kernel\t3.0.101-108.87-default\tmodule\txen_vbd",
                "kernel\t3.0.101-108.87-default\tmodule\txen_platform_pci",
                "kernel\t4.4.0-1-amd64\tpath\t/boot/vmlinuz-4.4.0-1-amd64",
                "kernel\t4.4.0-1-amd64\txen-pvhvm\tCONFIG_XEN_PVHVM=y",
                "kernel\t2.6.18-8.el5\tpath\t/boot/vmlinuz-2.6.18-8.el5",
                ""));

        assertThat(facts.os().id()).isEqualTo("sles");
        assertThat(facts.os().version()).isEqualTo("11");
        assertThat(facts.os().isSuseFamily()).isTrue();
        assertThat(facts.os().isRedHatFamily()).isFalse();
        assertThat(facts.kernels()).filteredOn(k -> k.version().endsWith("default")).singleElement()
                .satisfies(k -> {
                    assertThat(k.hasModule("xen_vbd")).isTrue();
                    assertThat(k.unplugsEmulatedDisks()).as("xen-platform-pci unplugs the emulated disks").isTrue();
                });
        assertThat(facts.kernels()).filteredOn(k -> k.version().equals("4.4.0-1-amd64")).singleElement()
                .satisfies(k -> assertThat(k.xenPvhvm() && k.unplugsEmulatedDisks()).isTrue());
        assertThat(facts.kernels()).filteredOn(k -> k.version().equals("2.6.18-8.el5")).singleElement()
                .satisfies(k -> assertThat(k.unplugsEmulatedDisks()).isFalse());
    }
}
