package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.guest.FstabEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a guest's {@code /etc/fstab} for HVM: the root entry is mounted by UUID (device names
 * change: {@code /dev/xvda1} is {@code /dev/sda1}, {@code /dev/xvda} or {@code /dev/nvme0n1p1}
 * depending on the platform), and other entries that name a device get {@code nofail}, because
 * pv2hvm cannot know what those devices will be called and a missing one must not stop the boot.
 * Comments, LABEL= and UUID= entries stay as they are.
 */
public final class FstabRewriter {
    private final List<String> warnings = new ArrayList<>();

    /** Rewrites {@code lines}, mounting {@code /} from {@code rootSpec} (e.g. {@code UUID=...}). */
    public List<String> rewrite(List<String> lines, String rootSpec) {
        List<String> out = new ArrayList<>();
        boolean rootSeen = false;
        for (String line : lines) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                out.add(line);
                continue;
            }
            String[] w = s.split("\\s+");
            if (w.length < 2) {
                out.add(line);
                continue;
            }
            FstabEntry e = InspectionParser.fstab(List.of(s)).get(0);
            if (e.isRoot()) {
                rootSeen = true;
                if (!w[0].startsWith("UUID=") && !w[0].startsWith("LABEL=")) {
                    w[0] = rootSpec;
                }
                out.add(String.join("\t", w));
            } else if (e.namesDevice()) {
                if (w.length < 4) {
                    w = padded(w);
                }
                if (!List.of(w[3].split(",")).contains("nofail")) {
                    w[3] = w[3] + ",nofail";
                    warnings.add("fstab entry '" + e.spec() + " " + e.mountPoint() + "' names a device that may be called "
                            + "differently under HVM; added nofail. Mount it by UUID or LABEL.");
                }
                out.add(String.join("\t", w));
            } else {
                out.add(line);
            }
        }
        if (!rootSeen) {
            out.add(rootSpec + "\t/\tauto\tdefaults\t0\t1");
            warnings.add("fstab had no entry for /; added one for " + rootSpec + ".");
        }
        return out;
    }

    /** What the rewrite changed that the user should know about. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private static String[] padded(String[] w) {
        String[] p = {w[0], w[1], w.length > 2 ? w[2] : "auto", "defaults", "0", "0"};
        return p;
    }
}
