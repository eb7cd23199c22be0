package io.pv2hvm.samples.sandbox;

import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.world.FilesystemSeed;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.spi.SsmCommandResult;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The worker instance of the simulated sandbox, answering the emulator's SSM commands: it has no
 * disks to touch, so it only tells where an attached volume appears (its Xen device name) and
 * answers every other command with success. Commands {@code SsmTransport} wraps (it spools their
 * output and prints the sizes, then the base64 of each stream) are answered in that form, as
 * the wrapper would print on a real worker. The guest itself is a {@link io.pv2hvm.testkit.SimulatedGuest}.
 */
public final class SimulatedWorker implements SsmCommandExecutor {
    private final List<String> scripts = new CopyOnWriteArrayList<>();

    @Override
    public SsmCommandResult execute(SsmCommand command) {
        String script = command.script();
        scripts.add(script);
        String stdout = "";
        if (script.contains("find-device.sh")) {
            stdout = command.attachedVolumes().entrySet().stream().filter(a -> script.contains(a.getValue()))
                    .map(a -> a.getKey().replace("/dev/sd", "/dev/xvd") + "\n").findFirst().orElse(null);
            if (stdout == null) {
                return SsmCommandResult.failure(1, "no attached volume named in: " + script);
            }
        }
        if (script.contains(READ_FILESYSTEMS)) {
            stdout = filesystems(command, script.substring(script.lastIndexOf(READ_FILESYSTEMS)));
        }
        return SsmCommandResult.success(spooled(script) ? wrapped(stdout) : stdout);
    }

    private static final String READ_FILESYSTEMS = "pv2hvm-read-filesystems";

    /**
     * What read-filesystems prints for the volume named in {@code arguments} (the worker's Xen name of
     * an attached device): its seeded filesystem, or an empty TYPE where nothing was seeded, as
     * blkid finds nothing on a volume without a filesystem.
     */
    private static String filesystems(SsmCommand command, String arguments) {
        return command.attachedVolumes().keySet().stream()
                .filter(device -> arguments.matches("(?s).*" + device.replace("/dev/sd", "/dev/xvd") + "\\b.*"))
                .findFirst().map(device -> {
                    FilesystemSeed fs = command.attachedFilesystems().getOrDefault(device, new FilesystemSeed("", "", ""));
                    return String.join("\t", "FS", "0", fs.type(), fs.uuid(), fs.label()) + "\n";
                }).orElse("");
    }

    /** Whether {@code script} is SsmTransport's wrapper, which prints the sizes and first chunks of the outputs. */
    private static boolean spooled(String script) {
        return script.contains("rc=$?") && script.contains("base64 -w0");
    }

    private static String wrapped(String stdout) {
        byte[] out = stdout.getBytes(StandardCharsets.UTF_8);
        return out.length + " 0\n" + Base64.getEncoder().encodeToString(out) + "\n\n";
    }

    /** How many commands the worker received. */
    public int commands() {
        return scripts.size();
    }
}
