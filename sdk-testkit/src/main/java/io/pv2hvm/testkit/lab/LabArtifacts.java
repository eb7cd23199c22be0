package io.pv2hvm.testkit.lab;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Console signatures of failures that belong to the lab's emulated machine, not to the guest under
 * test; a boot showing one is power-cycled once (and counted, so the workaround stays visible).
 * EC2's hardware shows neither.
 * <ul>
 *   <li>A hung task while booting: QEMU 7.2's NVMe model now and then loses a completion
 *       (qemu-devel, "completion timeouts with pin-based interrupts in QEMU hw/nvme", January 2023),
 *       and with {@code nvme_core.io_timeout} at its maximum, as AWS advises and the conversion
 *       sets, the guest waits for it forever.</li>
 *   <li>"IO-APIC + timer doesn't work": the kernel's early timer check counts PIT ticks during a
 *       TSC-timed delay; when the host starves QEMU's threads (TCG on a loaded machine) too few
 *       ticks arrive and the kernel panics before it mounts anything. Guests avoid it with
 *       {@code no_timer_check}; a BIOS boot uses the guest's own command line, so the lab cannot add it.</li>
 * </ul>
 */
final class LabArtifacts {
    static final String HUNG_IO_NOTE = "a task hung in I/O during boot (QEMU's NVMe lost a completion); power-cycling once";
    static final String STARVED_TIMER_NOTE = "the kernel's timer check failed (QEMU starved by host load); booting once more";

    private static final Pattern HUNG_TASK = Pattern.compile("INFO: task \\S+ blocked for more than \\d+ seconds");
    private static final String STARVED_TIMER = "IO-APIC + timer doesn't work";
    private static final AtomicInteger RETRIES = new AtomicInteger();

    private LabArtifacts() {
    }

    /** The first lab artifact in {@code console} from {@code from} on, as a note, or null. */
    static String find(CharSequence console, int from) {
        if (HUNG_TASK.matcher(console).find(from)) {
            return HUNG_IO_NOTE;
        }
        return console.toString().indexOf(STARVED_TIMER, from) >= 0 ? STARVED_TIMER_NOTE : null;
    }

    /** Whether {@code console} shows the starved timer check. */
    static boolean starvedTimer(String console) {
        return console.contains(STARVED_TIMER);
    }

    /** Counts a retry and says so on stderr; returns the line for the console log. */
    static String note(String line) {
        RETRIES.incrementAndGet();
        String note = "\n[lab] " + line + "\n";
        System.err.print(note);
        return note;
    }

    /** How many lab boots in this JVM were retried for a lab artifact. */
    static int retries() {
        return RETRIES.get();
    }
}
