package io.pv2hvm.core.guest;

import io.pv2hvm.core.InvalidSpecException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeFilesystemTest {

    @Test
    void parse_readsEveryFsLine_andIgnoresOtherOutput() {
        var found = VolumeFilesystem.parse("PV2HVM-PROGRESS 10 x\nFS\t0\text4\t0a1b-2c\tdata\nFS\t2\tLVM2_member\tAbC-123\t\n"
                + "FS\tx\text4\tuuid\t\n");

        assertThat(found).containsExactly(new VolumeFilesystem(0, "ext4", "0a1b-2c", "data"),
                new VolumeFilesystem(2, "LVM2_member", "AbC-123", ""));
    }

    @Test
    void fstabSpec_prefersUuid_thenLabel_andNamesNoMemberOrEmptyVolume() {
        assertThat(new VolumeFilesystem(0, "xfs", "0a1b-2c", "data").fstabSpec()).contains("UUID=0a1b-2c");
        assertThat(new VolumeFilesystem(0, "vfat", "", "DATA").fstabSpec()).contains("LABEL=DATA");
        assertThat(new VolumeFilesystem(0, "LVM2_member", "AbC-123", "").fstabSpec()).isEmpty();
        assertThat(new VolumeFilesystem(0, "linux_raid_member", "AbC-123", "").whyKeptByName()).get().asString()
                .contains("linux_raid_member");
        assertThat(new VolumeFilesystem(0, "", "", "").whyKeptByName()).get().asString().contains("no filesystem");
        assertThat(new VolumeFilesystem(0, "ext4", "$(reboot)", "").fstabSpec()).isEmpty();
    }

    @Test
    void dataVolumes_whenSpecOrDeviceIsMalformed_refuses() {
        assertThatThrownBy(() -> DataVolumes.none().identified("/dev/xvdf", "UUID=$(reboot)"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("UUID=<uuid>");
        assertThatThrownBy(() -> DataVolumes.none().keptByName("xvdf", "why")).isInstanceOf(InvalidSpecException.class);
        DataVolumes v = DataVolumes.none().keptByName("/dev/xvdg", "LVM").identified("/dev/xvdg", "UUID=ab");
        assertThat(v.identified()).containsEntry("/dev/xvdg", "UUID=ab");
        assertThat(v.keptByName()).isEmpty();
    }
}
