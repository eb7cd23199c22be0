package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.guest.ConversionPreview;
import io.pv2hvm.core.guest.DataVolumes;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.Test;

/** {@link ConversionPreview} on SimulatedGuest's facts: the real conversion's decisions, nothing written. */
class ConversionPreviewTest {

    private static final String DATA_UUID = "UUID=0b1f6c2e-5d3a-4e8b-9c7d-1a2b3c4d5e6f";

    private static GuestFacts facts(SimulatedGuest guest) {
        return guest.inspect(LocalTransport.create(), "/dev/xvdf");
    }

    @Test
    void of_rewritesTheFstab_rootAndIdentifiedDataVolumeByUuid_andNamesEachChange() {
        GuestFacts facts = facts(SimulatedGuest.typical().withFstabEntry("/dev/xvdg", "/data"));

        ConversionPreview preview = ConversionPreview.of(facts, ConversionStrategy.IN_PLACE, TargetPlatform.NITRO,
                DataVolumes.none().identified("/dev/xvdg", DATA_UUID));

        assertThat(preview.fstab()).anySatisfy(l -> assertThat(l).startsWith("UUID=" + facts.filesystem().uuid() + "\t/\t"))
                .anySatisfy(l -> assertThat(l).startsWith(DATA_UUID).contains("/data"))
                .noneSatisfy(l -> assertThat(l).startsWith("/dev/xvd"));
        assertThat(preview.changes()).isNotEmpty().allSatisfy(c -> assertThat(c.path()).isEqualTo("/etc/fstab"));
        assertThat(preview.driversToAdd()).isEmpty();
    }

    @Test
    void of_whenTheKernelHasNoModuleTheTargetNeeds_refusesNamingIt() {
        GuestFacts facts = facts(SimulatedGuest.typical().withDrivers("xen_blkfront", "ata_piix"));

        assertThatThrownBy(() -> ConversionPreview.of(facts, ConversionStrategy.IN_PLACE, TargetPlatform.NITRO,
                DataVolumes.none())).isInstanceOf(GuestIncompatibleException.class).hasMessageContaining("no nvme module");
    }

    @Test
    void of_whenTheKernelRunsOnlyParavirtual_refusesAsTheRealConversion() {
        GuestFacts facts = facts(SimulatedGuest.typical().withPvOnlyKernel());

        assertThatThrownBy(() -> ConversionPreview.of(facts, ConversionStrategy.IN_PLACE, TargetPlatform.NITRO,
                DataVolumes.none())).isInstanceOf(GuestIncompatibleException.class);
    }
}
