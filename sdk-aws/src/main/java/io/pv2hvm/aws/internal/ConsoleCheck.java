package io.pv2hvm.aws.internal;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a new instance's serial console for the ways a converted guest fails to boot while EC2's
 * status checks may still pass (the hypervisor is fine, the guest is not).
 */
public final class ConsoleCheck {
    private static final List<Pattern> FAILURES = List.of(
            Pattern.compile("Kernel panic[^\\n]*"),
            Pattern.compile("VFS: Unable to mount root[^\\n]*"),
            Pattern.compile("\\(initramfs\\)[^\\n]*"),
            Pattern.compile("dracut:/#[^\\n]*"),
            Pattern.compile("Dropping to a shell[^\\n]*"),
            Pattern.compile("Give root password for maintenance[^\\n]*"),
            Pattern.compile("You are in emergency mode[^\\n]*"),
            Pattern.compile("ALERT! [^\\n]* does not exist[^\\n]*"),
            Pattern.compile("Boot failed: not a bootable disk[^\\n]*"),
            Pattern.compile("No bootable device[^\\n]*"));

    private ConsoleCheck() {
    }

    /** The first failure line found in {@code console}, if any. */
    public static Optional<String> failure(String console) {
        for (Pattern p : FAILURES) {
            var m = p.matcher(console);
            if (m.find()) {
                return Optional.of(m.group().strip());
            }
        }
        return Optional.empty();
    }
}
