package io.pv2hvm.core.guest;

import io.pv2hvm.core.guest.internal.InspectionParser;
import io.pv2hvm.core.guest.internal.ScriptOutput;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Objects;

/**
 * Reads a guest root volume attached to a worker and reports its {@link GuestFacts}. Mounts the
 * volume read-only without journal or log replay, so inspection never writes to it.
 *
 * <pre>{@code
 * GuestFacts facts = GuestInspector.on(transport).inspect("/dev/xvdf");
 * }</pre>
 */
public final class GuestInspector {
    private final CommandTransport transport;

    private GuestInspector(CommandTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** An inspector that runs its script through {@code transport}. */
    public static GuestInspector on(CommandTransport transport) {
        return new GuestInspector(transport);
    }

    /**
     * Inspects the volume at {@code device} (e.g. {@code /dev/xvdf}).
     *
     * @throws io.pv2hvm.core.InvalidSpecException   if {@code device} is not a plain device path
     * @throws io.pv2hvm.core.CommandFailedException if the volume cannot be read or mounted
     * @throws io.pv2hvm.core.UnsafeGuestException   if the guest holds a path that leads out of it, a link loop,
     *                                               or a device node where a file is expected
     */
    public GuestFacts inspect(String device) {
        return inspect(List.of(), device);
    }

    /**
     * Inspects the running guest whose root filesystem {@code device} is mounted at {@code liveRoot}
     * ({@code /} on the source itself), read-only; also reports the guest's own {@code extlinux}
     * among its tools.
     */
    GuestFacts inspectLive(String liveRoot, String device) {
        return inspect(List.of(WorkerScript.liveRootOption(liveRoot)), device);
    }

    private GuestFacts inspect(List<String> options, String device) {
        return inspectRecorded(options, device).facts();
    }

    /** An inspection with the records it was parsed from. */
    record Inspection(GuestFacts facts, String records) {
        /** The fingerprint the script printed last, absent where it stopped early (a root it cannot map). */
        Optional<String> fingerprint() {
            return records.lines().filter(l -> l.startsWith("fingerprint\t")).map(l -> l.substring(12)).findFirst();
        }
    }

    /** The inspect job's arguments for {@code device}: it and the drivers every target may need. */
    static List<String> arguments(String device) {
        List<String> args = new ArrayList<>(List.of(WorkerScript.device(device)));
        args.addAll(TargetPlatform.KNOWN_DRIVERS);
        return args;
    }

    /** {@link #inspect(String)}, keeping the records. */
    Inspection inspectRecorded(String device) {
        return inspectRecorded(List.of(), device);
    }

    private Inspection inspectRecorded(List<String> options, String device) {
        List<String> args = new ArrayList<>(options);
        args.addAll(arguments(device));
        CommandResult result = ScriptOutput.orThrow(transport.exec(WorkerScript.INSPECT.command(args)),
                "Inspecting " + device + " on " + transport.describe());
        return new Inspection(InspectionParser.parse(device, result.stdout()), result.stdout());
    }
}
