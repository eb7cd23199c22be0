package io.pv2hvm.testkit.lab;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BootMarkerTest {
    @Test
    void find_readsTheMarkerAmongKernelMessages() {
        String log = "[    4.1] EXT4-fs (sda1): mounted filesystem\r\n"
                + "PV2HVM-MARKER kernel=6.1.0-56-amd64 root=/dev/nvme0n1p1 fstab=ok spec=UUID=7ef8a407-e4a9\r\n"
                + "[    4.2] reboot: Power down\r\n";

        BootMarker m = BootMarker.find(log).orElseThrow();

        assertThat(m.kernel()).isEqualTo("6.1.0-56-amd64");
        assertThat(m.root()).isEqualTo("/dev/nvme0n1p1");
        assertThat(m.fstabOk()).isTrue();
        assertThat(m.spec()).isEqualTo("UUID=7ef8a407-e4a9");
    }

    @Test
    void find_whenGuestNeverReachedInit_isEmpty() {
        assertThat(BootMarker.find("Loading /boot/vmlinuz... failed: I/O error\nboot: ")).isEmpty();
        assertThat(BootMarker.find("PV2HVM-MARKERS are not markers")).isEmpty();
    }
}
