package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.guest.FstabEntry;
import io.pv2hvm.core.guest.GuestStartup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a guest's {@code /etc/fstab} for HVM. The root entry is mounted by UUID (device names
 * change: {@code /dev/xvda1} is {@code /dev/sda1}, {@code /dev/xvda} or {@code /dev/nvme0n1p1}
 * depending on the platform). Every other volume entry must survive Nitro's renaming
 * ({@code /dev/xvdf} is {@code /dev/nvme1n1}) and a volume attached late: a device name whose
 * volume is known is replaced by that volume's {@code UUID=}/{@code LABEL=}, and the entry gets the
 * option the guest's init honours so a missing volume does not stop the boot: {@code nofail}
 * plus {@code x-systemd.device-timeout} under systemd, {@code nobootwait} under upstart's mountall
 * (which ignores {@code nofail}), {@code nofail} otherwise
 * (<a href="https://docs.aws.amazon.com/ebs/latest/userguide/ebs-using-volumes.html">AWS: automatically
 * mount an attached volume after reboot</a>). Comments and pseudo filesystems stay as they are.
 */
public final class FstabRewriter {
    /**
     * How long systemd keeps a data volume's mount pending before giving up on it (its default is
     * 90 s). With {@code nofail} the boot does not wait for it, so a long wait costs nothing and
     * still mounts a volume that comes late: the cutover attaches the moved data volumes while the
     * new instance boots, and a slow udev can take longer than a minute to name a device.
     */
    static final String DEVICE_TIMEOUT = "x-systemd.device-timeout=5min";

    private final GuestStartup startup;
    private final Map<String, String> volumeSpecs;
    private final Map<String, String> keptByName;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> changes = new ArrayList<>();

    /** A rewriter that knows neither the guest's init nor its data volumes: device names get {@code nofail}. */
    public FstabRewriter() {
        this(GuestStartup.unknown(), Map.of());
    }

    /**
     * A rewriter for a guest started by {@code startup}'s init, where {@code volumeSpecs} maps
     * device names in its fstab (e.g. {@code /dev/xvdf}) to what identifies those volumes
     * ({@code UUID=...} or {@code LABEL=...}), as read from the volumes themselves.
     */
    public FstabRewriter(GuestStartup startup, Map<String, String> volumeSpecs) {
        this(startup, volumeSpecs, Map.of());
    }

    /**
     * As above, where {@code keptByName} maps device names of volumes the migration knows but
     * cannot name by UUID or label (LVM or RAID members, unformatted) to the reason: their entries
     * keep the device name, get the no-fail option, and the change record says why.
     */
    public FstabRewriter(GuestStartup startup, Map<String, String> volumeSpecs, Map<String, String> keptByName) {
        this.startup = startup;
        this.volumeSpecs = new LinkedHashMap<>(volumeSpecs);
        this.keptByName = new LinkedHashMap<>(keptByName);
    }

    /** Rewrites {@code lines}, mounting {@code /} from {@code rootSpec} (e.g. {@code UUID=...}). */
    public List<String> rewrite(List<String> lines, String rootSpec) {
        return rewrite(lines, rootSpec, "");
    }

    /**
     * The same, and when {@code bootSpec} is not empty, mounting {@code /boot} (a partition of the
     * root volume, so it is there whenever the root is: no {@code nofail}) from it.
     */
    public List<String> rewrite(List<String> lines, String rootSpec, String bootSpec) {
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
                if (!w[0].startsWith("UUID=") && !w[0].startsWith("LABEL=") && !w[0].equals(rootSpec)) {
                    changes.add("mount / by " + rootSpec + " instead of " + w[0] + " (device names change under HVM)");
                    w[0] = rootSpec;
                }
                out.add(String.join("\t", w));
            } else if (!bootSpec.isEmpty() && e.mountPoint().equals("/boot")) {
                if (!w[0].startsWith("UUID=") && !w[0].startsWith("LABEL=")) {
                    changes.add("mount /boot by " + bootSpec + " instead of " + w[0] + " (device names change under HVM)");
                    w[0] = bootSpec;
                }
                out.add(String.join("\t", w));
            } else if (e.namesDevice() || w[0].matches("(UUID|LABEL|PARTUUID)=.+")) {
                out.add(volume(e, w.length < 4 ? padded(w) : w));
            } else {
                out.add(line);
            }
        }
        if (!rootSeen) {
            out.add(rootSpec + "\t/\tauto\tdefaults\t0\t1");
            warnings.add("fstab had no entry for /; added one for " + rootSpec + ".");
            changes.add("added an entry mounting / by " + rootSpec);
        }
        return out;
    }

    /** What the rewrite changed that the user should know about. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Each change made to the file, with its reason. */
    public List<String> changes() {
        return List.copyOf(changes);
    }

    private String volume(FstabEntry e, String[] w) {
        String known = volumeSpecs.get(w[0]);
        if (known != null) {
            changes.add("mount " + e.mountPoint() + " by " + known + " instead of " + w[0]
                    + " (Nitro names it /dev/nvmeXn1; the UUID was read from the volume)");
            w[0] = known;
        } else if (keptByName.containsKey(w[0])) {
            String why = "kept " + e.mountPoint() + " on " + w[0] + " by its device name: " + keptByName.get(w[0])
                    + "; under Nitro that name may not exist, so the entry must not stop the boot";
            changes.add(why);
            warnings.add("fstab entry '" + e.spec() + " " + e.mountPoint() + "' " + why + ". Check it mounts after the"
                    + " migration, or mount it by the UUID of the device it belongs to.");
        } else if (e.namesDevice()) {
            warnings.add("fstab entry '" + e.spec() + " " + e.mountPoint() + "' names a device that may be called "
                    + "differently under HVM and pv2hvm was not given that volume; added "
                    + String.join(",", wanted()) + ". Mount it by UUID or LABEL.");
        }
        List<String> options = new ArrayList<>(List.of(w[3].split(",")));
        List<String> added = new ArrayList<>();
        for (String o : wanted()) {
            String key = o.contains("=") ? o.substring(0, o.indexOf('=') + 1) : o;
            if (options.stream().noneMatch(x -> x.equals(o) || (key.endsWith("=") && x.startsWith(key)))) {
                options.add(o);
                added.add(o);
            }
        }
        if (!added.isEmpty()) {
            w[3] = String.join(",", options);
            changes.add("added " + String.join(",", added) + " to " + e.mountPoint() + " (a volume attached late or"
                    + " missing must not stop the boot under " + startup.init() + ")");
        }
        return String.join("\t", w);
    }

    private List<String> wanted() {
        if (startup.isSystemd()) {
            return List.of("nofail", DEVICE_TIMEOUT);
        }
        if (startup.usesMountall()) {
            return List.of("nobootwait");
        }
        return List.of("nofail");
    }

    private static String[] padded(String[] w) {
        String[] p = {w[0], w[1], w.length > 2 ? w[2] : "auto", "defaults", "0", "0"};
        return p;
    }
}
