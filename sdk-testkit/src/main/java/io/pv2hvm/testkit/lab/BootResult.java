package io.pv2hvm.testkit.lab;

import java.time.Duration;
import java.util.Optional;

/**
 * How one QEMU boot ended.
 *
 * @param marker      the marker line, if the guest reached its init
 * @param serialLog   everything the guest wrote to its serial port
 * @param firmwareLog SeaBIOS's debug output (says "No bootable device" when nothing boots)
 * @param timedOut    whether the boot was killed at its time limit
 * @param took        wall time
 */
public record BootResult(Optional<BootMarker> marker, String serialLog, String firmwareLog, boolean timedOut,
                         Duration took) {
    /** Whether the BIOS found no boot code on the disk. */
    public boolean noBootableDevice() {
        return firmwareLog.contains("No bootable device") || firmwareLog.contains("not a bootable disk");
    }

    /** A summary for assertion messages: outcome and the end of the serial log. */
    public String describe() {
        String tail = serialLog.length() > 1500 ? serialLog.substring(serialLog.length() - 1500) : serialLog;
        String fw = firmwareLog.length() > 300 ? firmwareLog.substring(firmwareLog.length() - 300) : firmwareLog;
        return "boot " + (marker.isPresent() ? "reached init" : timedOut ? "timed out" : "ended") + " after "
                + took.toSeconds() + " s; serial log tail:\n" + tail + "\nfirmware log tail:\n" + fw;
    }
}
