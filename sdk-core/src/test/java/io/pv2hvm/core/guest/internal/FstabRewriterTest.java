package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.guest.GuestStartup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FstabRewriterTest {
    @Test
    void rewrite_mountsRootByUuidAndAddsNofailToOtherDeviceNames() {
        FstabRewriter r = new FstabRewriter();

        List<String> out = r.rewrite(List.of(
                "# comment stays",
                "/dev/xvda1  /      ext4  defaults,noatime  0  1",
                "/dev/xvdb   /data  ext4  defaults          0  2",
                "LABEL=logs  /logs  xfs   defaults          0  0",
                "/dev/xvda3  none   swap  sw",
                "proc        /proc  proc  defaults          0  0"), "UUID=1234abcd-0000-1111-2222-333344445555");

        assertThat(out).containsExactly(
                "# comment stays",
                "UUID=1234abcd-0000-1111-2222-333344445555\t/\text4\tdefaults,noatime\t0\t1",
                "/dev/xvdb\t/data\text4\tdefaults,nofail\t0\t2",
                "LABEL=logs\t/logs\txfs\tdefaults,nofail\t0\t0",
                "/dev/xvda3\tnone\tswap\tsw,nofail",
                "proc        /proc  proc  defaults          0  0");
        assertThat(r.warnings()).hasSize(2).allMatch(w -> w.contains("nofail"));
        assertThat(r.changes()).hasSize(4).first().asString().contains("mount / by UUID=");
    }

    @Test
    void rewrite_whenSystemdAndVolumeKnown_mountsByUuidWithNofailAndDeviceTimeout() {
        FstabRewriter r = new FstabRewriter(new GuestStartup("systemd", false, "", true),
                Map.of("/dev/xvdf", "UUID=0a1b2c3d-0000-1111-2222-333344445555"));

        List<String> out = r.rewrite(List.of(
                "/dev/xvda1 / ext4 defaults 0 1",
                "/dev/xvdf /data ext4 defaults 0 2",
                "UUID=77 /data2 ext4 defaults,x-systemd.device-timeout=5s 0 2",
                "/dev/xvdg /data3 ext4 defaults 0 2"), "UUID=1234abcd-0000");

        assertThat(out).containsExactly(
                "UUID=1234abcd-0000\t/\text4\tdefaults\t0\t1",
                "UUID=0a1b2c3d-0000-1111-2222-333344445555\t/data\text4\tdefaults,nofail,x-systemd.device-timeout=5min\t0\t2",
                "UUID=77\t/data2\text4\tdefaults,x-systemd.device-timeout=5s,nofail\t0\t2",
                "/dev/xvdg\t/data3\text4\tdefaults,nofail,x-systemd.device-timeout=5min\t0\t2");
        assertThat(r.changes()).anyMatch(c -> c.startsWith("mount /data by UUID=0a1b2c3d"));
        // only the volume pv2hvm was not given is worth a warning
        assertThat(r.warnings()).singleElement().asString().contains("/dev/xvdg");
    }

    @Test
    void rewrite_whenUpstart_addsNobootwaitWhichMountallHonours() {
        FstabRewriter r = new FstabRewriter(new GuestStartup("upstart-mountall", true, "", true), Map.of());

        assertThat(r.rewrite(List.of("/dev/xvda1 / ext4 defaults 0 1", "LABEL=data /data ext4 defaults 0 2"), "UUID=1234abcd"))
                .contains("LABEL=data\t/data\text4\tdefaults,nobootwait\t0\t2");
    }

    @Test
    void rewrite_whenRunTwice_changesNothingTheSecondTime() {
        FstabRewriter first = new FstabRewriter(new GuestStartup("sysvinit", false, "", true), Map.of("/dev/xvdf", "LABEL=data"));
        List<String> once = first.rewrite(List.of("/dev/xvda1 / ext4 defaults 0 1", "/dev/xvdf /data ext4 defaults 0 2"), "UUID=1234abcd");
        FstabRewriter second = new FstabRewriter(new GuestStartup("sysvinit", false, "", true), Map.of("/dev/xvdf", "LABEL=data"));

        assertThat(second.rewrite(once, "UUID=1234abcd")).isEqualTo(once);
        assertThat(second.changes()).isEmpty();
    }

    @Test
    void rewrite_keepsRootByLabelAndAddsMissingRootEntry() {
        assertThat(new FstabRewriter().rewrite(List.of("LABEL=/ / ext3 defaults 1 1"), "UUID=abcdef12-3456"))
                .containsExactly("LABEL=/\t/\text3\tdefaults\t1\t1");
        FstabRewriter r = new FstabRewriter();
        assertThat(r.rewrite(List.of("proc /proc proc defaults 0 0"), "UUID=abcdef12-3456"))
                .last().isEqualTo("UUID=abcdef12-3456\t/\tauto\tdefaults\t0\t1");
        assertThat(r.warnings()).singleElement().asString().contains("no entry for /");
    }

    @Test
    void rewrite_whenVolumeIsKeptByName_keepsTheDeviceAddsNofailAndRecordsWhy() {
        FstabRewriter r = new FstabRewriter(new GuestStartup("sysvinit", false, "", true), Map.of("/dev/xvdf", "UUID=0a1b"),
                Map.of("/dev/xvdg", "it is a LVM2_member (a member of a larger device)"));

        List<String> out = r.rewrite(List.of("/dev/xvda1 / ext4 defaults 0 1", "/dev/xvdf /data ext4 defaults 0 2",
                "/dev/xvdg /pv ext4 defaults 0 2"), "UUID=1234abcd");

        assertThat(out).containsExactly("UUID=1234abcd\t/\text4\tdefaults\t0\t1", "UUID=0a1b\t/data\text4\tdefaults,nofail\t0\t2",
                "/dev/xvdg\t/pv\text4\tdefaults,nofail\t0\t2");
        assertThat(r.changes()).anySatisfy(c -> assertThat(c).startsWith("kept /pv on /dev/xvdg by its device name: it is a LVM2_member"));
        assertThat(r.warnings()).singleElement().satisfies(w -> assertThat(w).contains("/dev/xvdg /pv").contains("LVM2_member")
                .doesNotContain("pv2hvm was not given that volume"));
    }

    @Test
    void rewrite_whenBootSpecGiven_mountsBootByUuidWithoutNofail() {
        FstabRewriter r = new FstabRewriter();
        List<String> out = r.rewrite(List.of("/dev/xvda2 / ext4 defaults 0 1", "/dev/xvda1 /boot ext2 defaults 0 2"),
                "UUID=root-uuid", "UUID=boot-uuid");

        assertThat(out).containsExactly("UUID=root-uuid\t/\text4\tdefaults\t0\t1", "UUID=boot-uuid\t/boot\text2\tdefaults\t0\t2");
        assertThat(r.changes()).contains("mount /boot by UUID=boot-uuid instead of /dev/xvda1 (device names change under HVM)");
    }
}
