package io.pv2hvm.core.guest;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.guest.internal.WorkerScript;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the conversion knows about a guest's data volumes, by the device names its fstab may use:
 * those identified by a filesystem UUID or label read from the volume (their fstab entries are
 * rewritten to it, since Nitro calls the volume {@code /dev/nvmeXn1}), and those that must stay
 * by name, with the reason (an LVM or RAID member, an unformatted volume). Immutable.
 */
public final class DataVolumes {
    private static final Pattern SPEC = Pattern.compile("(UUID|LABEL)=[A-Za-z0-9_.-]{1,64}");
    private static final DataVolumes NONE = new DataVolumes(Map.of(), Map.of());

    private final Map<String, String> identified;
    private final Map<String, String> keptByName;

    private DataVolumes(Map<String, String> identified, Map<String, String> keptByName) {
        this.identified = identified;
        this.keptByName = keptByName;
    }

    /** No data volume known: device-name entries keep their names and get the init's no-fail option. */
    public static DataVolumes none() {
        return NONE;
    }

    /**
     * With {@code device} (e.g. {@code /dev/xvdf}) identified by {@code spec}, read from the volume.
     *
     * @throws InvalidSpecException for a malformed device name or a spec other than {@code UUID=}/{@code LABEL=}
     */
    public DataVolumes identified(String device, String spec) {
        WorkerScript.device(device);
        if (spec == null || !SPEC.matcher(spec).matches()) {
            throw new InvalidSpecException("'" + spec + "' for " + device + " is not UUID=<uuid> or LABEL=<label>.");
        }
        Map<String, String> m = new LinkedHashMap<>(identified);
        m.put(device, spec);
        Map<String, String> k = new LinkedHashMap<>(keptByName);
        k.remove(device);
        return new DataVolumes(Map.copyOf(m), Map.copyOf(k));
    }

    /** With {@code device} known to the migration but not nameable by UUID or label, for {@code reason}. */
    public DataVolumes keptByName(String device, String reason) {
        WorkerScript.device(device);
        Objects.requireNonNull(reason, "reason");
        if (identified.containsKey(device)) {
            return this;
        }
        Map<String, String> k = new LinkedHashMap<>(keptByName);
        k.put(device, reason);
        return new DataVolumes(identified, Map.copyOf(k));
    }

    /** Device name to {@code UUID=...}/{@code LABEL=...}. */
    public Map<String, String> identified() {
        return identified;
    }

    /** Device name to why its entries stay by name. */
    public Map<String, String> keptByName() {
        return keptByName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataVolumes d && d.identified.equals(identified) && d.keptByName.equals(keptByName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(identified, keptByName);
    }

    @Override
    public String toString() {
        return "DataVolumes" + identified + " kept by name " + keptByName.keySet();
    }
}
