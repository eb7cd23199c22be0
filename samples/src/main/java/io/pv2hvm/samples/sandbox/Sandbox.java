package io.pv2hvm.samples.sandbox;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.aws.AwsTimeouts;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.lab.BootResult;
import io.pv2hvm.testkit.lab.Fixture;
import io.pv2hvm.testkit.lab.GuestLab;
import io.pv2hvm.testkit.lab.LabPrerequisites;
import io.pv2hvm.testkit.lab.LoopbackWorker;
import io.pv2hvm.testkit.lab.QemuBootHook;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole AWS account on this machine: the {@link Ec2Emulator} seeded with {@link SandboxWorld},
 * real {@code Ec2Client}/{@code SsmClient}s pointed at it, and {@link AwsSteps} wired for it.
 * With the guest lab (root, loop devices, QEMU) the source's root volume is a real PV disk image:
 * this machine is the worker (loop devices over SSM) and every HVM instance boots in QEMU. Without
 * it the guest is simulated and {@link #simulatedBecause()} says why.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.start(GuestMode.AUTO, 0.01)) {
 *     MigrationResult r = sandbox.migration().preservingIps().run();
 * }
 * }</pre>
 */
public final class Sandbox implements AutoCloseable {
    private final Ec2Emulator emulator;
    private final Ec2Client ec2;
    private final SsmClient ssm;
    private final AwsSteps steps;
    private final AwsTimeouts timeouts;
    private final String simulatedBecause;
    private final QemuBootHook boots;
    private final LoopbackWorker loopback;
    private final Path devRoot;
    private final Path rootDisk;

    private Sandbox(Ec2Emulator emulator, AwsTimeouts timeouts, String simulatedBecause, QemuBootHook boots,
                    LoopbackWorker loopback, Path devRoot, Path rootDisk) {
        this.emulator = emulator;
        this.timeouts = timeouts;
        this.simulatedBecause = simulatedBecause;
        this.boots = boots;
        this.loopback = loopback;
        this.devRoot = devRoot;
        this.rootDisk = rootDisk;
        this.ec2 = EmulatorClients.ec2(emulator.endpoint());
        this.ssm = EmulatorClients.ssm(emulator.endpoint());
        AwsSteps.Builder b = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(timeouts)
                .workerInstanceProfile(SandboxWorld.WORKER_PROFILE);
        if (simulatedBecause != null) {
            b.guestConversion(SimulatedGuest.typical());
        }
        this.steps = b.build();
    }

    /**
     * Starts the emulator. {@code timeScale} multiplies EC2's typical latencies (0.01 makes a 45 s
     * boot take 0.45 s).
     *
     * @throws SandboxUnavailableException if {@code mode} is REAL and the lab is missing something
     */
    public static Sandbox start(GuestMode mode, double timeScale) {
        List<String> missing = mode == GuestMode.SIMULATED ? List.of("the simulated guest was asked for")
                : LabPrerequisites.missing();
        if (mode == GuestMode.REAL && !missing.isEmpty()) {
            throw new SandboxUnavailableException("A real guest disk needs the guest lab; missing: "
                    + String.join(", ", missing) + ". Run as root with QEMU and the .ci/run packages, or use"
                    + " --guest simulated.");
        }
        LatencyModel latency = LatencyModel.realistic().withTimeScale(timeScale);
        AwsTimeouts timeouts = EmulatorTimeouts.forTimeScale(timeScale);
        if (!missing.isEmpty()) {
            return simulated(latency, timeouts, mode == GuestMode.SIMULATED ? "--guest simulated was given"
                    : "this machine lacks " + String.join(", ", missing));
        }
        // The lab's scratch files go to the temp directory, not wherever the CLI was started.
        if (System.getProperty("pv2hvm.lab.work") == null) {
            System.setProperty("pv2hvm.lab.work", Path.of(System.getProperty("java.io.tmpdir"), "pv2hvm-sandbox")
                    .toString());
        }
        GuestLab lab = GuestLab.shared();
        Path root;
        try {
            // The first use builds the fixture (fetches a Debian kernel with apt): minutes, and a network.
            root = lab.copyOf(Fixture.EXT4, "sandbox-root-" + ProcessHandle.current().pid() + ".img");
        } catch (RuntimeException e) {
            if (mode == GuestMode.REAL) {
                throw new SandboxUnavailableException("The lab's PV guest image could not be built: " + e.getMessage());
            }
            return simulated(latency, timeouts, "the lab's PV guest image could not be built (" + e.getMessage() + ")");
        }
        QemuBootHook boots = new QemuBootHook(lab.qemu());
        Path devRoot = tempDir();
        LoopbackWorker worker = new LoopbackWorker(devRoot);
        Ec2Emulator emulator = Ec2Emulator.builder().world(SandboxWorld.withRootDisk(root)).latency(latency)
                .bootHook(boots).ssmExecutor(worker).build().start();
        // QEMU boots and the real conversion take real time, whatever the emulator's scale.
        AwsTimeouts real = new AwsTimeouts(timeouts.poll(), timeouts.instanceState(), Duration.ofMinutes(5),
                timeouts.volume(), timeouts.snapshot().plusMinutes(1), timeouts.image(), timeouts.ipRelease(),
                Duration.ofMinutes(10), timeouts.agentOnline());
        return new Sandbox(emulator, real, null, boots, worker, devRoot, root);
    }

    private static Sandbox simulated(LatencyModel latency, AwsTimeouts timeouts, String why) {
        Ec2Emulator emulator = Ec2Emulator.builder().world(SandboxWorld.simulated()).latency(latency)
                .ssmExecutor(new SimulatedWorker()).build().start();
        return new Sandbox(emulator, timeouts, why, null, null, null, null);
    }

    /** A migration of the sandbox's PV web server, journaled in memory; refine it, then plan or run. */
    public MigrationSpec migration() {
        return Migration.of(SandboxWorld.SOURCE).toHvm().withProvider(steps).journal(InMemoryJournal.create());
    }

    /** Why the guest is simulated, or empty when it is a real disk. */
    public Optional<String> simulatedBecause() {
        return Optional.ofNullable(simulatedBecause);
    }

    /** The QEMU boots so far (empty map when simulated). */
    public Map<String, BootResult> boots() {
        return boots == null ? Map.of() : boots.boots();
    }

    /** The emulator. */
    public Ec2Emulator emulator() {
        return emulator;
    }

    /** An EC2 client for the emulator. */
    public Ec2Client ec2() {
        return ec2;
    }

    /** An SSM client for the emulator. */
    public SsmClient ssm() {
        return ssm;
    }

    /** The AWS steps wired for the emulator. */
    public AwsSteps steps() {
        return steps;
    }

    /** The EC2 waits scaled to the emulator. */
    public AwsTimeouts timeouts() {
        return timeouts;
    }

    /** Stops the emulator and releases loop devices. */
    @Override
    public void close() {
        ec2.close();
        ssm.close();
        emulator.stop();
        if (loopback != null) {
            loopback.close();
        }
        try {
            if (rootDisk != null) {
                Files.deleteIfExists(rootDisk);
            }
        } catch (IOException e) {
            // a leftover scratch image in the temp directory is harmless
        }
        if (devRoot != null) {
            try (var paths = Files.walk(devRoot)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover empty directory in /tmp is harmless
            }
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("pv2hvm-sandbox-dev");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
