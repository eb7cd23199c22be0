package io.pv2hvm.samples.sandbox;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.aws.AwsTimeouts;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.World;
import io.pv2hvm.testkit.lab.BootResult;
import io.pv2hvm.testkit.lab.Fixture;
import io.pv2hvm.testkit.lab.GuestLab;
import io.pv2hvm.testkit.lab.LabPrerequisites;
import io.pv2hvm.testkit.lab.LiveGuest;
import io.pv2hvm.testkit.lab.LoopbackWorker;
import io.pv2hvm.testkit.lab.QemuBootHook;
import io.pv2hvm.testkit.lab.ServingBootHook;
import io.pv2hvm.testkit.lab.UserlandFixture;
import io.pv2hvm.testkit.lab.UserlandImage;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A whole AWS account on this machine: the {@link Ec2Emulator} seeded with {@link SandboxWorld},
 * real {@code Ec2Client}/{@code SsmClient}s pointed at it, and {@link AwsSteps} wired for it.
 * With the guest lab (root, loop devices, QEMU) the source's root volume is a real PV disk image:
 * this machine is the worker (loop devices over SSM) and every HVM instance boots in QEMU; with
 * {@link GuestMode#REAL} it is a full-userland guest with data volumes that serves a web page as PV
 * ({@link #pvPage()}) and must serve it again on each HVM boot ({@link #pageOf(String)}). Without
 * the lab the guest is simulated and {@link #simulatedBecause()} says why.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.start(GuestMode.AUTO, 0.01)) {
 *     MigrationResult r = sandbox.migration().preservingIps().run();
 * }
 * }</pre>
 */
public final class Sandbox implements AutoCloseable {
    private static final AtomicInteger SANDBOXES = new AtomicInteger();
    private final Ec2Emulator emulator;
    private final Ec2Client ec2;
    private final SsmClient ssm;
    private final ApiCallLog apiCalls = new ApiCallLog();
    private final AwsSteps steps;
    private final AwsTimeouts timeouts;
    private final String simulatedBecause;
    private final QemuBootHook boots;
    private final ServingBootHook servingBoots;
    private final LoopbackWorker loopback;
    private final Path devRoot;
    private final List<Path> disks;
    private final PvBoot pvBoot;
    private final LocalWork localWork;

    private Sandbox(Ec2Emulator emulator, AwsTimeouts timeouts, String simulatedBecause, QemuBootHook boots,
                    ServingBootHook servingBoots, LoopbackWorker loopback, Path devRoot, List<Path> disks, PvBoot pvBoot,
                    LocalWork localWork) {
        this.emulator = emulator;
        this.localWork = localWork;
        this.timeouts = timeouts;
        this.simulatedBecause = simulatedBecause;
        this.boots = boots;
        this.servingBoots = servingBoots;
        this.loopback = loopback;
        this.devRoot = devRoot;
        this.disks = disks;
        this.pvBoot = pvBoot;
        this.ec2 = EmulatorClients.ec2(emulator.endpoint(), apiCalls, localWork.apiCalls());
        this.ssm = EmulatorClients.ssm(emulator.endpoint(), apiCalls, localWork.apiCalls());
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
        if ((mode == GuestMode.REAL || mode == GuestMode.MARKER) && !missing.isEmpty()) {
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
        if (mode == GuestMode.REAL) {
            return serving(lab, latency, timeouts);
        }
        Path root;
        try {
            // The first use builds the fixture (fetches a Debian kernel with apt): minutes, and a network.
            root = lab.copyOf(Fixture.EXT4, "sandbox-root-" + uniqueTag() + ".img");
        } catch (RuntimeException e) {
            if (mode == GuestMode.MARKER) {
                throw new SandboxUnavailableException("The lab's PV guest image could not be built: " + e.getMessage());
            }
            return simulated(latency, timeouts, "the lab's PV guest image could not be built (" + e.getMessage() + ")");
        }
        QemuBootHook boots = new QemuBootHook(lab.qemu());
        Path devRoot = tempDir();
        LoopbackWorker worker = new LoopbackWorker(devRoot);
        LocalWork work = new LocalWork();
        Ec2Emulator emulator = Ec2Emulator.builder().world(SandboxWorld.withRootDisk(root)).latency(latency)
                .bootHook(work.timed(boots)).ssmExecutor(work.timed(worker)).build().start();
        return new Sandbox(emulator, realTime(timeouts, Duration.ofMinutes(5)), null, boots, null, worker, devRoot,
                List.of(root), null, work);
    }

    /** A name for this sandbox's scratch files, unique across processes and across sandboxes of one process. */
    private static String uniqueTag() {
        return ProcessHandle.current().pid() + "-" + SANDBOXES.incrementAndGet();
    }

    /** QEMU boots and the real conversion take real time, whatever the emulator's scale. */
    private static AwsTimeouts realTime(AwsTimeouts timeouts, Duration statusChecks) {
        return timeouts.toBuilder().statusChecks(statusChecks).snapshot(timeouts.snapshot().plusMinutes(1))
                .command(Duration.ofMinutes(10)).build();
    }

    /** {@link GuestMode#REAL}: the sysvinit full-userland fixture and its data volumes, every HVM boot serving its page. */
    private static Sandbox serving(GuestLab lab, LatencyModel latency, AwsTimeouts timeouts) {
        UserlandImage img;
        try {
            // The first use builds the fixture (debootstrap from a Debian mirror): ten minutes or more, once.
            img = lab.userland(UserlandFixture.SYSVINIT);
        } catch (RuntimeException e) {
            throw new SandboxUnavailableException("The lab's full-userland guest could not be built: " + e.getMessage());
        }
        String tag = "sandbox-" + uniqueTag();
        Path root = lab.copyOf(img.root(), tag + "-root.img");
        Path dataF = lab.copyOf(img.dataF(), tag + "-data-f.img");
        Path dataG = lab.copyOf(img.dataG(), tag + "-data-g.img");
        ServingBootHook boots = new ServingBootHook(lab.workDir().resolve("boot-logs").resolve(tag), Duration.ofMinutes(8));
        Path devRoot = tempDir();
        LoopbackWorker worker = new LoopbackWorker(devRoot);
        LocalWork work = new LocalWork();
        Ec2Emulator emulator = Ec2Emulator.builder().world(SandboxWorld.withUserland(root, dataF, dataG)).latency(latency)
                .bootHook(work.timed(boots)).ssmExecutor(work.timed(worker)).build().start();
        return new Sandbox(emulator, realTime(timeouts, Duration.ofMinutes(20)), null, null, boots, worker, devRoot,
                List.of(root, dataF, dataG), new PvBoot(lab, img, tag, root, dataF, dataG), work);
    }

    /** How the full-userland source boots as its PV instance: the PV-GRUB stand-in, the PV MAC, its data volumes. */
    private record PvBoot(GuestLab lab, UserlandImage image, String tag, Path root, Path dataF, Path dataG) {
        String page() {
            try {
                // fastboot: the stand-in cannot name the root disk /dev/xvda1 as Xen does, so sysvinit's checkroot
                // would fsck it through a device node in /run, which is nodev; it skips that root fsck only
                String cmdline = Files.readString(image.pvBoot().resolve("cmdline")).strip() + " fastboot";
                LiveGuest.Options pv = LiveGuest.Options.direct(image.pvBoot().resolve("vmlinuz"), image.pvBoot().resolve("initrd"),
                        cmdline, image.fixture().pvMac(), false);
                try (LiveGuest guest = LiveGuest.start(lab.workDir().resolve("boot-logs"), tag + "-pv",
                        pv, root, List.of(dataF, dataG))) {
                    return guest.httpGet(ServingBootHook.PAGE, Duration.ofMinutes(8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The sandbox on {@code world} (such as {@link SandboxWorld#simulatedEncryptedWith}), its guest simulated. */
    public static Sandbox startSimulated(World world, double timeScale) {
        return simulated(world, LatencyModel.realistic().withTimeScale(timeScale), EmulatorTimeouts.forTimeScale(timeScale),
                "a simulated world was given");
    }

    private static Sandbox simulated(LatencyModel latency, AwsTimeouts timeouts, String why) {
        return simulated(SandboxWorld.simulated(), latency, timeouts, why);
    }

    private static Sandbox simulated(World world, LatencyModel latency, AwsTimeouts timeouts, String why) {
        LocalWork work = new LocalWork();
        Ec2Emulator emulator = Ec2Emulator.builder().world(world).latency(latency)
                .ssmExecutor(work.timed(new SimulatedWorker())).build().start();
        return new Sandbox(emulator, timeouts, why, null, null, null, null, List.of(), null, work);
    }

    /** A migration of the sandbox's PV web server, journaled in memory; refine it, then plan or run. */
    public MigrationSpec migration() {
        return Migration.of(SandboxWorld.SOURCE).toHvm().withProvider(steps).withJournal(InMemoryJournal.create())
                .withListener(localWork);
    }

    /**
     * The last migration's downtime window split into local work (real seconds) and EC2 waits (scaled),
     * or empty before a migration reached its CUTOVER steps.
     */
    public Optional<DowntimeSplit> downtimeSplit() {
        return Optional.ofNullable(localWork.split(emulator.latency().timeScale()));
    }

    /** Why the guest is simulated, or empty when it is a real disk. */
    public Optional<String> simulatedBecause() {
        return Optional.ofNullable(simulatedBecause);
    }

    /** The QEMU boots of the marker disk so far (empty map when simulated or serving). */
    public Map<String, BootResult> boots() {
        return boots == null ? Map.of() : boots.boots();
    }

    /** The instances QEMU booted so far (marker or full-userland boots), sorted. */
    public List<String> bootedInstances() {
        return (servingBoots != null ? servingBoots.pages().keySet() : boots().keySet()).stream().sorted().toList();
    }

    /** Whether the guest is a full-userland one that serves a page ({@link GuestMode#REAL}). */
    public boolean serves() {
        return pvBoot != null;
    }

    /**
     * Boots the source's disks as its PV instance would (direct kernel boot, the PV-GRUB stand-in,
     * its MAC, its data volumes; writes discarded) and returns the page it serves.
     *
     * @throws IllegalStateException unless the guest {@link #serves()}
     */
    public String pvPage() {
        if (pvBoot == null) {
            throw new IllegalStateException("only the full-userland guest (--guest real) serves a page");
        }
        return pvBoot.page();
    }

    /** The page {@code instanceId} served when QEMU booted it, if it is a full-userland guest that served. */
    public Optional<String> pageOf(String instanceId) {
        return servingBoots == null ? Optional.empty() : servingBoots.pageOf(instanceId);
    }

    /** The emulator. */
    public Ec2Emulator emulator() {
        return emulator;
    }

    /** The calls the sandbox's clients made so far (the migration's, and the command's own describes). */
    public ApiCallLog apiCalls() {
        return apiCalls;
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
        for (Path disk : disks) {
            try {
                Files.deleteIfExists(disk);
            } catch (IOException e) {
                // a leftover scratch image in the temp directory is harmless
            }
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
