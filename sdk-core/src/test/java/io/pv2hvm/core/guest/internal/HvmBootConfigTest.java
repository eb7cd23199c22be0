package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.guest.BootEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HvmBootConfigTest {
    private static final String UUID = "7ef8a407-e4a9-44bb-a634-a9353442f023";
    private static final BootEntry PV = new BootEntry("CentOS 6 $(reboot)", "/boot/vmlinuz-2.6.32", Optional.of("/boot/initramfs-2.6.32.img"),
            List.of("ro", "root=/dev/xvda1", "console=hvc0", "xencons=tty", "crashkernel=auto", "quiet", "rd_NO_LUKS", "evil;reboot"));

    @Test
    void arguments_replaceRootAndConsoleKeepTheRestAndDropUnsafeWords() {
        HvmBootConfig c = new HvmBootConfig(PV, UUID);

        assertThat(c.arguments()).containsExactly("root=UUID=" + UUID, "ro", "crashkernel=auto", "quiet", "rd_NO_LUKS",
                "console=tty0", "console=ttyS0,115200n8");
        assertThat(c.warnings()).singleElement().asString().contains("evil;reboot");
    }

    @Test
    void arguments_addExtraArgumentsUnlessTheEntrySetsThem() {
        BootEntry withIfnames = new BootEntry("t", "/boot/vmlinuz-2.6.32", Optional.empty(), List.of("ro", "net.ifnames=1"));

        assertThat(new HvmBootConfig(withIfnames, UUID, List.of("net.ifnames=0", "biosdevname=0")).arguments())
                .containsExactly("root=UUID=" + UUID, "ro", "net.ifnames=1", "biosdevname=0", "console=tty0", "console=ttyS0,115200n8");
    }

    @Test
    void extlinuxConf_bootsTheKernelOnTheSerialConsole() {
        String conf = new HvmBootConfig(PV, UUID).extlinuxConf();

        assertThat(conf).contains("SERIAL 0 115200", "DEFAULT hvm", "LINUX /boot/vmlinuz-2.6.32", "INITRD /boot/initramfs-2.6.32.img",
                "APPEND root=UUID=" + UUID + " ro ").doesNotContain("$(reboot)").doesNotContain("hvc0");
    }

    @Test
    void grubCfg_searchesRootByUuidWithTheFilesystemModule() {
        assertThat(new HvmBootConfig(PV, UUID).grubCfg("xfs")).contains("insmod xfs", "search --no-floppy --fs-uuid --set=root " + UUID,
                "linux /boot/vmlinuz-2.6.32 root=UUID=" + UUID, "initrd /boot/initramfs-2.6.32.img", "terminal_output serial console");
        assertThat(new HvmBootConfig(PV, UUID).grubCfg("ext4")).contains("insmod ext2");
    }

    @Test
    void grubCfgOnSeparateBoot_searchesTheBootPartitionAndNamesKernelsRelativeToIt() {
        String bootUuid = "0b1c7a52-52b5-4d6f-9d0e-3a1f1e0c2b11";
        String cfg = new HvmBootConfig(PV, UUID).grubCfgOnSeparateBoot("ext2", bootUuid);

        assertThat(cfg).contains("search --no-floppy --fs-uuid --set=root " + bootUuid, "linux /vmlinuz-2.6.32 root=UUID=" + UUID,
                "initrd /initramfs-2.6.32.img", "insmod ext2").doesNotContain("/boot/");
    }

    @Test
    void constructor_whenKernelPathHasShellCharacters_rejects() {
        BootEntry bad = new BootEntry("x", "/boot/vmlinuz;rm -rf /", Optional.empty(), List.of());
        assertThatThrownBy(() -> new HvmBootConfig(bad, UUID)).isInstanceOf(InvalidSpecException.class);
    }
}
