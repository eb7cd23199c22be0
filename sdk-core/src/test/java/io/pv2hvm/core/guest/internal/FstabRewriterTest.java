package io.pv2hvm.core.guest.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

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
                "LABEL=logs  /logs  xfs   defaults          0  0",
                "/dev/xvda3\tnone\tswap\tsw,nofail",
                "proc        /proc  proc  defaults          0  0");
        assertThat(r.warnings()).hasSize(2).allMatch(w -> w.contains("nofail"));
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
}
