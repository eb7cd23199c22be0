package io.pv2hvm.testkit.lab;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The line the lab's init prints once the guest's root filesystem is mounted:
 * {@code PV2HVM-MARKER kernel=<uname -r> root=<device> fstab=<ok|missing|mismatch|none> spec=<fstab root spec>}.
 *
 * @param kernel the running kernel version
 * @param root   the device the root filesystem is mounted from, as the guest names it
 * @param fstab  whether fstab's root entry resolves to that device ({@code ok}) or not
 * @param spec   fstab's root entry as written
 */
public record BootMarker(String kernel, String root, String fstab, String spec) {
    /** The prefix of the marker line. */
    public static final String PREFIX = "PV2HVM-MARKER";

    /** The marker in a serial log, if the guest printed one. */
    public static Optional<BootMarker> find(String serialLog) {
        for (String line : serialLog.split("\r?\n")) {
            int at = line.indexOf(PREFIX + " ");
            if (at < 0) {
                continue;
            }
            Map<String, String> kv = new LinkedHashMap<>();
            for (String word : line.substring(at + PREFIX.length()).strip().split("\\s+")) {
                int eq = word.indexOf('=');
                if (eq > 0) {
                    kv.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
            return Optional.of(new BootMarker(kv.getOrDefault("kernel", ""), kv.getOrDefault("root", ""),
                    kv.getOrDefault("fstab", ""), kv.getOrDefault("spec", "")));
        }
        return Optional.empty();
    }

    /** Whether fstab's root entry resolved to the mounted root device. */
    public boolean fstabOk() {
        return fstab.equals("ok");
    }
}
