package io.pv2hvm.core.guest;

import java.util.List;
import java.util.Optional;

/**
 * One boot menu entry of the guest (normally the PV-GRUB default).
 *
 * @param title     the entry title
 * @param kernel    path of the kernel image inside the guest, e.g. {@code /boot/vmlinuz-6.1.0-56-amd64}
 * @param initrd    path of the initramfs, if the entry has one
 * @param arguments the kernel command line, split into words
 */
public record BootEntry(String title, String kernel, Optional<String> initrd, List<String> arguments) {
    /** Defensive copy of the arguments. */
    public BootEntry {
        arguments = List.copyOf(arguments);
    }

    /** The values of every {@code console=} argument, in order (e.g. {@code hvc0}). */
    public List<String> consoles() {
        return arguments.stream().filter(a -> a.startsWith("console=")).map(a -> a.substring(8)).toList();
    }
}
