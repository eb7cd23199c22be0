package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.guest.BootEntry;
import io.pv2hvm.core.guest.FstabEntry;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestFilesystem;
import io.pv2hvm.core.guest.GuestKernel;
import io.pv2hvm.core.guest.GuestLayout;
import io.pv2hvm.core.guest.GuestOs;
import io.pv2hvm.core.guest.GuestStartup;
import io.pv2hvm.core.guest.TargetPlatform;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.pv2hvm.core.ConversionStrategy.DUAL_BOOT;
import static io.pv2hvm.core.ConversionStrategy.IN_PLACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DUAL_BOOT's rules for a running source, beyond IN_PLACE's (DualBootLabTest runs them on real disks). */
class DualBootRulesTest {
    private static final Set<String> WITH_EXTLINUX = Set.of("update-initramfs", "extlinux");

    @Test
    void decide_whenTheSourceHasNoExtlinux_refusesNamingThePackageAndTheAlternatives() {
        GuestFacts facts = live(ConversionPlanTest.kernel("", Set.of("nvme", "ena", "xen_blkfront")), Set.of("update-initramfs"));

        assertThatThrownBy(() -> ConversionPlan.decide(facts, DUAL_BOOT, TargetPlatform.NITRO, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("no extlinux", "apt-get install extlinux", "yum install syslinux-extlinux",
                        "Use IN_PLACE or PARTITION_COPY");
        // IN_PLACE runs the worker's extlinux: the source's does not matter there
        assertThat(ConversionPlan.decide(facts, IN_PLACE, TargetPlatform.NITRO, true)).isNotNull();
    }

    @Test
    void decide_whenTheInitramfsLacksXensBlockDriver_addsItForThePvBoot() {
        GuestFacts facts = live(ConversionPlanTest.kernel("", Set.of("nvme", "ena", "ata_piix")), WITH_EXTLINUX);

        assertThat(ConversionPlan.decide(facts, DUAL_BOOT, TargetPlatform.NITRO, true).driversToAdd()).containsExactly("xen_blkfront");
        assertThat(ConversionPlan.decide(facts, IN_PLACE, TargetPlatform.NITRO, true).driversToAdd()).isEmpty();
    }

    @Test
    void decide_whenTheRootIsPartitionedOrXfs_refusesNamingTheAlternative() {
        GuestKernel k = ConversionPlanTest.kernel("", Set.of("nvme", "ena", "xen_blkfront"));
        GuestFacts facts = live(k, WITH_EXTLINUX);
        GuestFacts partitioned = new GuestFacts(facts.device(), true, facts.filesystem(), facts.os(), facts.bootConfig(),
                facts.defaultEntry(), facts.kernels(), facts.fstab(), facts.consoles(), facts.initramfsTools(),
                GuestStartup.unknown(), new GuestLayout(GuestLayout.Kind.PARTITIONED, "dos", 1, 2048, Optional.empty(), 0, "",
                        Optional.empty()));
        GuestFacts xfs = new GuestFacts(facts.device(), false,
                new GuestFilesystem("/dev/xvda1", "xfs", facts.filesystem().uuid(), "", Set.of(), 1L << 30, 1L << 28, 1L << 30, 4096),
                facts.os(), facts.bootConfig(), facts.defaultEntry(), facts.kernels(), facts.fstab(), facts.consoles(),
                facts.initramfsTools());

        assertThatThrownBy(() -> ConversionPlan.decide(partitioned, DUAL_BOOT, TargetPlatform.NITRO, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("on a partition (dos label)", "Use IN_PLACE or PARTITION_COPY");
        assertThatThrownBy(() -> ConversionPlan.decide(xfs, DUAL_BOOT, TargetPlatform.NITRO, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll("DUAL_BOOT needs ext2/3/4", "Use PARTITION_COPY");
        assertThat(ConversionPlan.decide(facts, DUAL_BOOT, TargetPlatform.NITRO, true).driversToAdd()).isEmpty();
    }

    private static GuestFacts live(GuestKernel kernel, Set<String> tools) {
        BootEntry entry = new BootEntry("Debian", kernel.path(), kernel.initrd(), List.of("root=/dev/xvda1", "ro", "console=hvc0"));
        return new GuestFacts("/dev/xvda1", false,
                new GuestFilesystem("/dev/xvda1", "ext4", "7ef8a407-e4a9-44bb-a634-a9353442f023", "", Set.of(), 1L << 30, 1L << 28,
                        1L << 30, 4096),
                new GuestOs("debian", "12", "Debian GNU/Linux 12", "/etc/os-release"), "/boot/grub/menu.lst",
                Optional.of(entry), List.of(kernel), List.of(new FstabEntry("/dev/xvda1", "/", "ext4", "defaults", 0, 1)),
                List.of("hvc0"), tools);
    }
}
