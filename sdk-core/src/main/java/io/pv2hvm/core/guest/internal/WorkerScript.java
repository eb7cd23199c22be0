package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.spi.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One worker-side job script (a resource under {@code io/pv2hvm/core/guest/}), composed with the
 * shared library and turned into a {@link Command}: {@code bash -c <library + script> pv2hvm-<name>
 * arg...}. Values travel only as positional parameters, never inside the script text, so no value
 * can inject shell syntax; the scripts validate them again.
 */
public enum WorkerScript {
    INSPECT("inspect", Duration.ofMinutes(10)),
    INSTALL_EXTLINUX("install-extlinux", Duration.ofMinutes(10)),
    PARTITION_COPY("partition-copy", Duration.ofHours(12)),
    RESYNC("resync", Duration.ofHours(12)),
    INSTALL_GRUB("install-grub", Duration.ofMinutes(10)),
    WRITE_FSTAB("write-fstab", Duration.ofMinutes(5)),
    FIX_DRIVERS("fix-drivers", Duration.ofMinutes(30)),
    ADAPT_GUEST("adapt-guest", Duration.ofMinutes(5)),
    ATTACH_IMAGE("attach-image", Duration.ofMinutes(1)),
    DETACH_IMAGE("detach-image", Duration.ofMinutes(1)),
    READ_FILESYSTEMS("read-filesystems", Duration.ofMinutes(2)),
    LIVE_ROOT("live-root", Duration.ofMinutes(1)),
    /** Runs other jobs in one command; built by {@link #asPlanned}, not by {@link #command}. */
    CONVERT_AS_PLANNED("convert-as-planned", Duration.ofMinutes(45));

    /** Prefix of the script's {@code $0}, which names the job in process lists and errors. */
    public static final String NAME_PREFIX = "pv2hvm-";

    private static final Pattern DEVICE = Pattern.compile("/dev/[A-Za-z0-9/_.-]+");
    private static final Pattern GUEST_PATH = Pattern.compile("/[A-Za-z0-9/_.+@-]+");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._+~-]+");

    private final String name;
    private final Duration timeout;

    WorkerScript(String name, Duration timeout) {
        this.name = name;
        this.timeout = timeout;
    }

    /** The job's name, e.g. {@code partition-copy}. */
    public String jobName() {
        return name;
    }

    /**
     * The command that runs this job with these arguments. Jobs that write are marked not
     * idempotent, so a transport does not silently repeat one after a dropped connection.
     */
    public Command command(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("bash", "-c", library() + "\n" + text(name + ".sh"), NAME_PREFIX + name));
        argv.addAll(args);
        Command c = Command.of(argv).withTimeout(timeout);
        return this == INSPECT || this == ATTACH_IMAGE || this == DETACH_IMAGE || this == READ_FILESYSTEMS || this == LIVE_ROOT ? c : c.notIdempotent();
    }

    /**
     * The one command of convert-as-planned: its script, after variables holding the library, the
     * {@code locateScript} (empty: the first locate argument is the device) and the scripts of
     * {@code jobs}, which it runs each in a bash of its own as their separate commands would. Not
     * idempotent (it writes), though a resend is safe (the script says why).
     */
    public static Command asPlanned(String locateScript, List<WorkerScript> jobs, List<String> args) {
        // The library travels once, as a variable that this script and each job evaluate, not
        // twice: SSM carries the whole command as one parameter value.
        StringBuilder text = new StringBuilder("PV2HVM_LIBRARY=").append(Command.quote(library())).append('\n')
                .append("eval \"$PV2HVM_LIBRARY\"\n")
                .append("PV2HVM_LOCATE=").append(Command.quote(locateScript)).append('\n');
        for (WorkerScript job : jobs.stream().distinct().toList()) {
            if (job == CONVERT_AS_PLANNED) {
                throw new IllegalArgumentException("convert-as-planned cannot run itself");
            }
            text.append("PV2HVM_JOB_").append(job.name.replace('-', '_')).append('=')
                    .append(Command.quote(text(job.name + ".sh"))).append('\n');
        }
        text.append(text(CONVERT_AS_PLANNED.name + ".sh"));
        List<String> argv = new ArrayList<>(List.of("bash", "-c", text.toString(), NAME_PREFIX + CONVERT_AS_PLANNED.name));
        argv.addAll(args);
        return Command.of(argv).withTimeout(CONVERT_AS_PLANNED.timeout).notIdempotent();
    }

    /** The job of a command this enum built, from its {@code $0}; empty for any other command. */
    public static java.util.Optional<WorkerScript> of(Command command) {
        List<String> argv = command.argv();
        if (argv.size() < 4 || !argv.get(0).equals("bash") || !argv.get(1).equals("-c")) {
            return java.util.Optional.empty();
        }
        for (WorkerScript s : values()) {
            if (argv.get(3).equals(NAME_PREFIX + s.name)) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }

    /** The command with arguments given inline. */
    public Command command(String... args) {
        return command(List.of(args));
    }

    /** Checks a device path before it reaches a worker: {@code /dev/...}, plain characters, no {@code ..}. */
    public static String device(String value) {
        if (value == null || !DEVICE.matcher(value).matches() || value.contains("..")) {
            throw new InvalidSpecException("'" + value + "' is not a device path like /dev/xvdf or /dev/nvme1n1.");
        }
        return value;
    }

    /** Checks a path inside the guest (a kernel or initramfs file). */
    public static String guestPath(String value) {
        if (value == null || !GUEST_PATH.matcher(value).matches() || value.contains("..")) {
            throw new InvalidSpecException("'" + value + "' is not a plain absolute path inside the guest.");
        }
        return value;
    }

    /**
     * {@code --live-root=DIR}, the option that makes a job work on a running guest whose root
     * filesystem is mounted at {@code DIR} ({@code /} on the source itself), never mounting it.
     */
    public static String liveRootOption(String dir) {
        if (dir == null || !(dir.equals("/") || GUEST_PATH.matcher(dir).matches()) || dir.contains("..")) {
            throw new InvalidSpecException("'" + dir + "' is not a plain absolute directory for the live root.");
        }
        return "--live-root=" + dir;
    }

    /** Checks a single word: a kernel version, a driver or tool name. */
    public static String word(String value) {
        if (value == null || !WORD.matcher(value).matches()) {
            throw new InvalidSpecException("'" + value + "' contains characters not allowed here (letters, digits, . _ + ~ -).");
        }
        return value;
    }

    /** The text of a guest-side resource that a job installs into the guest (e.g. {@code kernel-hook.sh}). */
    public static String guestResource(String name) {
        return text(name);
    }

    /** The shared library: {@code lib.sh}, then the layout functions of {@code layout.sh}. */
    private static String library() {
        return text("lib.sh") + "\n" + text("layout.sh");
    }

    private static String text(String resource) {
        try (InputStream in = WorkerScript.class.getResourceAsStream("/io/pv2hvm/core/guest/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("worker script resource missing: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
