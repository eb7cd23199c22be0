package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.guest.BootEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BootMenuParserTest {
    @Test
    void grubLegacy_whenDefaultIsSecondEntry_picksItAndStripsDevicePrefix() {
        List<String> menu = List.of(
                "default=1", "timeout=5",
                "title Old kernel", "  root (hd0)", "  kernel /boot/vmlinuz-old root=/dev/sda1",
                "title New kernel", "  root (hd0)", "  kernel (hd0)/boot/vmlinuz-new root=/dev/xvda1 ro console=hvc0 xencons=tty",
                "  initrd (hd0)/boot/initrd-new.img");

        BootEntry e = BootMenuParser.grubLegacy(menu).orElseThrow();

        assertThat(e.title()).isEqualTo("New kernel");
        assertThat(e.kernel()).isEqualTo("/boot/vmlinuz-new");
        assertThat(e.initrd()).hasValue("/boot/initrd-new.img");
        assertThat(e.arguments()).containsExactly("root=/dev/xvda1", "ro", "console=hvc0", "xencons=tty");
        assertThat(e.consoles()).containsExactly("hvc0");
    }

    @Test
    void grubLegacy_whenDefaultSavedOrOutOfRange_fallsBackToFirstBootableEntry() {
        assertThat(BootMenuParser.grubLegacy(List.of("default saved", "title A", "kernel /boot/vmlinuz-a")))
                .hasValueSatisfying(e -> assertThat(e.kernel()).isEqualTo("/boot/vmlinuz-a"));
        assertThat(BootMenuParser.grubLegacy(List.of("default 7", "title A", "kernel /boot/vmlinuz-a")))
                .hasValueSatisfying(e -> assertThat(e.kernel()).isEqualTo("/boot/vmlinuz-a"));
        assertThat(BootMenuParser.grubLegacy(List.of("# nothing here"))).isEmpty();
    }

    @Test
    void grub2_readsDefaultMenuentryLinuxAndInitrd() {
        List<String> cfg = List.of(
                "set default=\"1\"",
                "menuentry 'Rescue' --class os {", "  linux /boot/vmlinuz-rescue root=/dev/xvda1", "}",
                "submenu 'Advanced' {", "  menuentry 'nested' {", "    linux /boot/vmlinuz-nested", "  }", "}",
                "menuentry \"Amazon Linux\" {", "  insmod ext2", "  linux16 /boot/vmlinuz-4.14 root=LABEL=/ console=hvc0",
                "  initrd16 /boot/initramfs-4.14.img", "}");

        BootEntry e = BootMenuParser.grub2(cfg).orElseThrow();

        assertThat(e.title()).isEqualTo("Amazon Linux");
        assertThat(e.kernel()).isEqualTo("/boot/vmlinuz-4.14");
        assertThat(e.initrd()).hasValue("/boot/initramfs-4.14.img");
        assertThat(e.arguments()).containsExactly("root=LABEL=/", "console=hvc0");
    }
}
