package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestFilesystem;
import io.pv2hvm.core.guest.GuestLayout;
import io.pv2hvm.core.guest.LvmRoot;
import io.pv2hvm.core.guest.LvmRoot.PhysicalVolume;
import io.pv2hvm.core.guest.LvmRoot.Segment;
import io.pv2hvm.core.guest.TargetPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.pv2hvm.core.ConversionStrategy.IN_PLACE;
import static io.pv2hvm.core.ConversionStrategy.PARTITION_COPY;
import static io.pv2hvm.core.guest.internal.ConversionPlanTest.guest;
import static io.pv2hvm.core.guest.internal.ConversionPlanTest.kernel;
import static io.pv2hvm.core.guest.internal.ConversionPlanTest.layout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LvmRulesTest {
    private static final PhysicalVolume PV = new PhysicalVolume("/dev/xvdf2", "VolGroup00", "lvm2");
    private static final Segment LINEAR = new Segment("linear", "/dev/xvdf2:0-2559", "-wi-XX----");

    @Test
    void decide_whenRootIsOneLinearSegmentOfAOnePvGroup_plansInPlaceOnTheMappedLv() {
        ConversionPlan plan = ConversionPlan.decide(lvmGuest(root(List.of(PV), 1, List.of(LINEAR), "/dev/xvdf2")), IN_PLACE,
                TargetPlatform.NITRO, true);

        assertThat(plan.kernel().version()).isEqualTo("6.1.0-56-amd64");
    }

    @Test
    void decide_whenLvmRootWithPartitionCopy_refusesPointingToInPlace() {
        assertRefused(root(List.of(PV), 1, List.of(LINEAR), "/dev/xvdf2"), PARTITION_COPY,
                "root on an LVM logical volume (VolGroup00/LogVol00)", "would leave the volume group and /boot behind", "Use IN_PLACE");
    }

    @ParameterizedTest(name = "{0} refused")
    @CsvSource({
            "striped, /dev/xvdf2:0-9 /dev/xvdg:0-9, -wi-a-----, 'is striped', 'Copy the root onto a linear LV'",
            "mirror, /dev/xvdf2:0-9 /dev/xvdf2:10-19, mwi-a-m---, 'is mirror', 'lvconvert -m0'",
            "raid1, /dev/xvdf2:0-9 /dev/xvdf2:10-19, rwi-a-r---, 'is raid1', 'lvconvert -m0'",
            "thin, '', Vwi-a-tz--, 'is thin', 'thin pool'",
            "linear, /dev/xvdf2:0-9, owi-a-s---, 'has snapshots', 'lvremove'",
    })
    void decide_whenRootLvIsNotAPlainLinearVolume_refusesWithTheFix(String type, String ranges, String attr, String what, String fix) {
        assertRefused(root(List.of(PV), 1, List.of(new Segment(type, ranges, attr)), ""), IN_PLACE, what, fix);
    }

    @Test
    void decide_whenRootLvHasSeveralSegments_refusesNamingPvmove() {
        assertRefused(root(List.of(PV), 1, List.of(LINEAR, new Segment("linear", "/dev/xvdf2:3000-3099", "-wi-XX----")), ""),
                IN_PLACE, "has 2 segments", "pvmove --alloc contiguous /dev/xvdf2");
    }

    @Test
    void decide_whenGroupSpansAnotherVolume_refusesNamingPvmoveAndVgreduce() {
        assertRefused(root(List.of(PV, new PhysicalVolume("[unknown]", "VolGroup00", "lvm2")), 2, List.of(LINEAR), ""), IN_PLACE,
                "VolGroup00 spans 2 physical volumes (found on /dev/xvdf: /dev/xvdf2)", "pvmove", "vgreduce");
    }

    @Test
    void decide_whenLvm1Metadata_refusesNamingVgconvert() {
        LvmRoot lvm1 = new LvmRoot("/dev/VolGroup00/LogVol00", "VolGroup00", "LogVol00",
                List.of(new PhysicalVolume("/dev/xvdf2", "", "lvm1")), 0, List.of(), "");
        assertRefused(lvm1, IN_PLACE, "LVM1 metadata", "vgconvert -M2");
    }

    @Test
    void decide_whenBootIsInsideLvm_refusesAskingForABootPartition() {
        assertRefused(new LvmRoot("", "", "", List.of(PV), 0, List.of(), ""), IN_PLACE,
                "/boot is inside the volume group", "Move /boot to a partition of its own");
    }

    @Test
    void decide_whenMenuRootIsNoLogicalVolume_refusesNamingTheFormsItReads() {
        assertRefused(new LvmRoot("UUID=0a1b", "", "", List.of(PV), 0, List.of(), ""), IN_PLACE,
                "root=UUID=0a1b names no LVM logical volume", "root=/dev/mapper/VG-LV");
    }

    @Test
    void decide_whenGroupHasNoSuchLv_refuses() {
        assertRefused(root(List.of(PV), 1, List.of(), ""), IN_PLACE, "has no logical volume LogVol00", "root=/dev/mapper/VolGroup00-LogVol00");
    }

    @Test
    void mapperPath_doublesDashesAsDeviceMapperDoes() {
        LvmRoot r = new LvmRoot("/dev/vg-a/lv-b", "vg-a", "lv-b", List.of(), 1, List.of(), "");
        assertThat(r.mapperPath()).isEqualTo("/dev/mapper/vg--a-lv--b");
        assertThat(r.name()).isEqualTo("vg-a/lv-b");
    }

    private static LvmRoot root(List<PhysicalVolume> pvs, int groupPvs, List<Segment> segments, String mapped) {
        return new LvmRoot("/dev/mapper/VolGroup00-LogVol00", "VolGroup00", "LogVol00", pvs, groupPvs, segments, mapped);
    }

    private static GuestFacts lvmGuest(LvmRoot root) {
        GuestFacts g = guest("ext4", Set.of(), 4096, kernel("", Set.of("nvme", "ena")));
        GuestFilesystem boot = new GuestFilesystem("/dev/xvdf1", "ext2", "0a1b2c3d-0000-4000-8000-000000000001", "", Set.of(),
                1L << 26, 1L << 24, 1L << 26, 1024);
        return layout(g, new GuestLayout(GuestLayout.Kind.LVM, "dos", 0, 2048, Optional.of(boot), 1, "", Optional.of(root)));
    }

    private static void assertRefused(LvmRoot root, ConversionStrategy strategy, String... parts) {
        assertThatThrownBy(() -> ConversionPlan.decide(lvmGuest(root), strategy, TargetPlatform.NITRO, true))
                .isInstanceOf(GuestIncompatibleException.class)
                .hasMessageContainingAll(parts);
    }
}
