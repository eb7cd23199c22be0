package io.pv2hvm.testkit.lab;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.transport.LocalTransport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guest lab: fetches a real Debian kernel, builds PV-style {@link Fixture} images, hands out
 * scratch copies of them and boots images in QEMU. Kernel and fixtures are cached between runs
 * under {@code ~/.cache/pv2hvm-lab} (or {@code -Dpv2hvm.lab.cache}), each fixture keyed by a hash
 * of its recipe (the build scripts, its parameters and the kernel version), so changing a recipe
 * rebuilds it. Scratch files live under {@code target/lab-work} (or {@code -Dpv2hvm.lab.work}).
 * Needs root; see {@link LabPrerequisites} (tests: {@code @RequiresLab} of {@code pv2hvm-sdk-testkit-junit5}).
 */
public final class GuestLab {
    private static final List<String> SCRIPTS = List.of("fetch-kernel.sh", "build-fixture.sh", "marker-init.sh",
            "initramfs-init.sh", "seeds-recipe.sh");
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    /** A cold debootstrap of a full userland on a busy 2-core machine. */
    private static final Duration USERLAND_BUILD_TIMEOUT = Duration.ofMinutes(45);
    private static final String USERLAND_SCRIPT = "build-userland.sh";
    private static final String LVM_USERLAND_SCRIPT = "build-userland-lvm.sh";
    private static volatile GuestLab shared;

    private final Path cacheDir;
    private final Path workDir;
    private final LocalTransport local = LocalTransport.create();
    private final Map<Fixture, Path> built = new ConcurrentHashMap<>();
    private final Map<UserlandFixture, UserlandImage> userlands = new ConcurrentHashMap<>();
    private UserlandImage lvmUserland;
    private Path scriptDir;
    private String kernelVersion;

    private GuestLab(Path cacheDir, Path workDir) {
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.workDir = workDir.toAbsolutePath().normalize();
    }

    /** The lab of this JVM, with the default or configured directories. */
    public static GuestLab shared() {
        if (shared == null) {
            synchronized (GuestLab.class) {
                if (shared == null) {
                    String cache = System.getProperty("pv2hvm.lab.cache",
                            System.getenv().getOrDefault("PV2HVM_LAB_CACHE", System.getProperty("user.home") + "/.cache/pv2hvm-lab"));
                    GuestLab lab = new GuestLab(Path.of(cache), Path.of(System.getProperty("pv2hvm.lab.work", "target/lab-work")));
                    lab.releaseStaleLoops();
                    shared = lab;
                }
            }
        }
        return shared;
    }

    /** Where kernel and fixtures are cached. */
    public Path cacheDir() {
        return cacheDir;
    }

    /** Where scratch images and boot logs go. */
    public Path workDir() {
        return workDir;
    }

    /** The version of the Debian kernel the fixtures boot, fetched with apt on first use. */
    public synchronized String kernelVersion() {
        if (kernelVersion == null) {
            String out = script("fetch-kernel.sh", List.of(cacheDir.toString()));
            kernelVersion = out.lines().filter(l -> l.startsWith("KVER=")).map(l -> l.substring(5)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("fetch-kernel.sh printed no KVER"));
        }
        return kernelVersion;
    }

    /** The cached image of {@code fixture}, built first if missing. Never modify it: use {@link #copyOf}. */
    public Path image(Fixture fixture) {
        return built.computeIfAbsent(fixture, this::buildIfMissing);
    }

    /**
     * The cached full-userland guest {@code fixture}, built first if missing (debootstrap, then for
     * a cloud-init guest one boot as PV, so that cloud-init ran its per-instance modules as the PV
     * instance). Cached under a key of the build script and the fixture, so CI on this machine
     * reuses it.
     */
    public UserlandImage userland(UserlandFixture fixture) {
        return userlands.computeIfAbsent(fixture, this::buildUserlandIfMissing);
    }

    /**
     * The cached sysvinit userland re-laid with its root on LVM ({@code build-userland-lvm.sh}: {@code /boot}
     * on partition 1, VG {@code VolGroup00} on partition 2, root LV {@code LogVol00}, lvm2 in the guest's
     * initramfs), built first if missing and then proven by one boot as its PV instance (direct
     * kernel boot, the PV-GRUB stand-in, PV MAC), which must serve the page with {@code /} mounted
     * from the LV its initramfs activated. Cached under a key of its script and of the source
     * userland's, one builder across JVMs.
     */
    public UserlandImage userlandOnLvm() {
        synchronized (userlands) {
            if (lvmUserland == null) {
                lvmUserland = buildLvmUserlandIfMissing(userland(UserlandFixture.SYSVINIT));
            }
            return lvmUserland;
        }
    }

    private UserlandImage buildLvmUserlandIfMissing(UserlandImage source) {
        byte[] script = resource(LVM_USERLAND_SCRIPT);
        String key = hashOf(List.of(HexFormat.of().formatHex(script), source.root().getFileName().toString())).substring(0, 16);
        Path image = cacheDir.resolve("fixtures").resolve("userland-sysvinit-lvm-" + key + ".img");
        try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(Path.of(image + ".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = lock.lock()) {
            if (!Files.isRegularFile(Path.of(image + ".pv-page")) || !Files.isRegularFile(image)) {
                Path staging = image.resolveSibling(".staging-" + image.getFileName());
                if (!Files.isRegularFile(Path.of(staging + ".facts")) || !Files.isRegularFile(staging)) {
                    // a staged build whose script finished is reused: a run killed during the PV boot does not repeat it
                    Path scriptFile = cacheDir.resolve("scripts").resolve("userland-lvm-" + key).resolve(LVM_USERLAND_SCRIPT);
                    Files.createDirectories(scriptFile.getParent());
                    Files.write(scriptFile, script);
                    run(Command.of("bash", scriptFile.toString(), source.root().toString(), staging.toString())
                            .withTimeout(USERLAND_BUILD_TIMEOUT), LVM_USERLAND_SCRIPT);
                }
                UserlandImage staged = loadUserland(UserlandFixture.SYSVINIT, staging);
                String page = bootAsPvOnLvm(staged);
                for (String suffix : List.of(".data-f", ".data-g", ".boot", ".facts")) {
                    run(Command.of("rm", "-rf", image + suffix), "clear " + image + suffix);
                    Files.move(Path.of(staging + suffix), Path.of(image + suffix), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(staging, image, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                Files.writeString(Path.of(image + ".pv-page"), page);  // last: marks the fixture proven
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return loadUserland(UserlandFixture.SYSVINIT, image);
    }

    /**
     * Boots a copy of the staged LVM guest once as its PV instance; its page must be served with
     * {@code /} on the LV ({@code root-source=} in the returned text, from {@code findmnt}).
     */
    private String bootAsPvOnLvm(UserlandImage staged) throws IOException {
        String cmdline = Files.readString(staged.pvBoot().resolve("cmdline")).strip();
        LiveGuest.Options pv = LiveGuest.Options.direct(staged.pvBoot().resolve("vmlinuz"), staged.pvBoot().resolve("initrd"),
                cmdline, staged.fixture().pvMac(), false);
        // on a copy: the boot ends by cutting the power, and the fixture stays as built (clean, never booted)
        Path copy = copyOf(staged.root(), "first-boot-sysvinit-lvm.img");
        try (LiveGuest guest = LiveGuest.start(workDir.resolve("boot-logs"), "first-boot-sysvinit-lvm", pv, copy,
                List.of(staged.dataF(), staged.dataG()))) {
            // as PV its only getty is on hvc0, which QEMU has not: read it over HTTP, then cut the power
            String page = guest.httpGet("/cgi-bin/page", Duration.ofMinutes(10));
            String root = guest.httpGet("/cgi-bin/root", Duration.ofMinutes(1));
            if (!page.contains("data=data-f") || !root.contains("root-source=/dev/mapper/VolGroup00-LogVol00")) {
                throw new IllegalStateException("the PV boot of the LVM guest did not serve from its LV: " + root + ", page:\n" + page);
            }
            return page + root;
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** A fresh sparse scratch copy of any cached file, named {@code name}. */
    public Path copyOf(Path cached, String name) {
        Path copy = scratch(name);
        run(Command.of("cp", "--sparse=always", cached.toString(), copy.toString()), "copy " + cached);
        return copy;
    }

    /** A fresh sparse scratch copy of the fixture's image, named {@code name}. */
    public Path copyOf(Fixture fixture, String name) {
        Path copy = scratch(name);
        run(Command.of("cp", "--sparse=always", image(fixture).toString(), copy.toString()), "copy " + fixture);
        return copy;
    }

    /** A path for a scratch file, removed first if it exists. */
    public Path scratch(String name) {
        try {
            Path dir = workDir.resolve("images");
            Files.createDirectories(dir);
            Path p = dir.resolve(name);
            Files.deleteIfExists(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** QEMU boots logging into the work directory. */
    public QemuBoot qemu() {
        return QemuBoot.loggingTo(workDir.resolve("boot-logs"));
    }

    /** Boots {@code fixture} the way PV-GRUB would: its default entry's kernel, initrd and arguments, loaded by QEMU. */
    public BootResult bootAsPv(Fixture fixture) {
        Path image = image(fixture);
        Path boot = Path.of(image + ".boot");
        try {
            String cmdline = Files.readString(boot.resolve("cmdline")).strip();
            return qemu().direct(image, boot.resolve("vmlinuz"), boot.resolve("initrd"), cmdline, "pv-" + fixture.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lab script {@code name} extracted to the cache (for tools such as the benchmark). */
    public synchronized Path scriptPath(String name) {
        if (scriptDir == null) {
            scriptDir = cacheDir.resolve("scripts").resolve(recipeHash(List.of()));
            try {
                Files.createDirectories(scriptDir);
                for (String s : SCRIPTS) {
                    Path target = scriptDir.resolve(s);
                    if (!Files.exists(target)) {
                        Path tmp = Files.createTempFile(scriptDir, s, ".tmp");
                        Files.write(tmp, resource(s));
                        tmp.toFile().setExecutable(true);
                        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scriptDir.resolve(name);
    }

    /** SHA-256 of a file, hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path buildIfMissing(Fixture fixture) {
        String kv = kernelVersion();
        String key = recipeHash(List.of(fixture.name(), fixture.fsType(), fixture.features(), Integer.toString(fixture.sizeMiB()),
                fixture.variant(), String.join(" ", fixture.modules()), kv)).substring(0, 16);
        Path image = cacheDir.resolve("fixtures").resolve(fixture.name().toLowerCase() + "-" + key + ".img");
        if (Files.isRegularFile(image) && Files.isDirectory(Path.of(image + ".boot"))) {
            return image;
        }
        try {
            Files.createDirectories(image.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        script("build-fixture.sh", List.of(cacheDir.toString(), image.toString(), fixture.fsType(), fixture.features(),
                Integer.toString(fixture.sizeMiB()), fixture.variant(), String.join(" ", fixture.modules())));
        return image;
    }

    private String script(String name, List<String> args) {
        List<String> argv = new ArrayList<>(List.of("bash", scriptPath(name).toString()));
        argv.addAll(args);
        return run(Command.of(argv).withTimeout(BUILD_TIMEOUT), name).stdout();
    }

    private UserlandImage buildUserlandIfMissing(UserlandFixture fixture) {
        byte[] script = resource(USERLAND_SCRIPT);
        String key = hashOf(List.of(HexFormat.of().formatHex(script), fixture.init(), fixture.pvMac(), "first-boot-1")).substring(0, 16);
        Path fixtures = cacheDir.resolve("fixtures");
        Path image = fixtures.resolve("userland-" + fixture.init() + "-" + key + ".img");
        if (Files.isRegularFile(image)) {
            return loadUserland(fixture, image);
        }
        try {
            Files.createDirectories(fixtures);
            // one builder per fixture across JVMs (CI and a developer share the cache)
            try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(Path.of(image + ".lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock held = lock.lock()) {
                if (!Files.isRegularFile(image)) {
                    buildUserland(fixture, script, key, image);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return loadUserland(fixture, image);
    }

    /**
     * Builds into {@code .staging-<name>} and renames into place, the image last since it marks
     * completeness. A staged build whose script finished (its facts file exists) is reused, so
     * a run killed during the first boot does not repeat debootstrap.
     */
    private void buildUserland(UserlandFixture fixture, byte[] script, String key, Path image) throws IOException {
        Path staging = image.resolveSibling(".staging-" + image.getFileName());
        if (!Files.isRegularFile(Path.of(staging + ".facts")) || !Files.isRegularFile(staging)) {
            Path scriptFile = cacheDir.resolve("scripts").resolve("userland-" + key).resolve(USERLAND_SCRIPT);
            Files.createDirectories(scriptFile.getParent());
            Files.write(scriptFile, script);
            run(Command.of("bash", scriptFile.toString(), cacheDir.toString(), staging.toString(), fixture.init(),
                    fixture.pvMac()).withTimeout(USERLAND_BUILD_TIMEOUT), USERLAND_SCRIPT + " " + fixture.init());
        }
        UserlandImage staged = loadUserland(fixture, staging);
        if (fixture.hasCloudInit()) {
            Files.writeString(Path.of(staging + ".pv-page"), firstBootAsPv(staged));
        }
        for (String suffix : List.of(".data-f", ".data-g", ".boot", ".facts", ".pv-page")) {
            Path from = Path.of(staging + suffix);
            if (Files.exists(from)) {
                run(Command.of("rm", "-rf", image + suffix), "clear " + image + suffix);
                Files.move(from, Path.of(image + suffix), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(staging, image, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Boots the staged guest once as its PV instance (PV-GRUB stand-in, PV MAC, writes kept): logs
     * in on the console, waits for cloud-init, reads the page, powers off. Returns the page.
     */
    private String firstBootAsPv(UserlandImage staged) throws IOException {
        String cmdline = Files.readString(staged.pvBoot().resolve("cmdline")).strip();
        LiveGuest.Options pv = LiveGuest.Options.direct(staged.pvBoot().resolve("vmlinuz"), staged.pvBoot().resolve("initrd"),
                cmdline, staged.fixture().pvMac(), true);
        try (LiveGuest guest = LiveGuest.start(workDir.resolve("boot-logs"), "first-boot-" + staged.fixture().init(), pv,
                staged.root(), List.of(staged.dataF(), staged.dataG()))) {
            guest.login(Duration.ofMinutes(10));
            guest.run(LiveGuest.AWAIT_CLOUD_INIT, Duration.ofMinutes(10));
            String page = guest.httpGet("/cgi-bin/page", Duration.ofMinutes(3));
            if (!page.contains("userdata-runs=1") || !page.contains("data=data-f")) {
                throw new IllegalStateException("the first PV boot of " + staged.fixture() + " did not serve as expected:\n" + page);
            }
            guest.type("poweroff");
            if (!guest.awaitExit(Duration.ofMinutes(3))) {
                throw new IllegalStateException("the first PV boot of " + staged.fixture() + " did not power off; console tail:\n"
                        + guest.tail());
            }
            return page;
        }
    }

    private static UserlandImage loadUserland(UserlandFixture fixture, Path image) {
        try {
            Map<String, String> facts = new java.util.HashMap<>();
            for (String line : Files.readAllLines(Path.of(image + ".facts"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    facts.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return new UserlandImage(fixture, image, Path.of(image + ".data-f"), Path.of(image + ".data-g"),
                    Path.of(image + ".boot"), facts.get("KVER"), facts.get("UPDATE_KVER"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CommandResult run(Command command, String what) {
        return local.exec(command).orThrow("lab: " + what);
    }

    /** Loop devices left attached to lab files by a run that was killed. */
    private void releaseStaleLoops() {
        CommandResult r = local.exec(Command.of("losetup", "-nO", "NAME,BACK-FILE"));
        for (String line : r.stdout().split("\n")) {
            String[] f = line.strip().split("\\s+", 2);
            if (f.length == 2 && (f[1].startsWith(workDir + "/") || f[1].startsWith(cacheDir + "/"))) {
                local.exec(Command.of("losetup", "-d", f[0]));
            }
        }
    }

    private static String hashOf(List<String> parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                md.update(p.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String recipeHash(List<String> parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : SCRIPTS) {
                md.update(resource(s));
            }
            for (String p : parts) {
                md.update(p.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = GuestLab.class.getResourceAsStream("/io/pv2hvm/testkit/lab/" + name)) {
            if (in == null) {
                throw new IllegalStateException("lab resource missing: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
