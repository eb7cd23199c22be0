package io.pv2hvm.testkit.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A guest running in QEMU (TCG) that the lab talks to as an operator would: on its serial console
 * ({@code ttyS0}, QEMU's stdio, every byte also logged) and over HTTP through QEMU user networking,
 * which forwards a free port on 127.0.0.1 to the guest's port 80. The NIC is an e1000 with the
 * MAC given; data disks sit beside the root disk on the same bus. Disks are opened with
 * {@code snapshot=on} unless {@link Options#writable}, so the guest's writes last while QEMU runs
 * and never reach the image. {@link #reboot} restarts the guest the way EC2 does: a guest reboot
 * ends the virtual machine and a new one boots from firmware on the same disks (so the root disk is
 * opened writable; it must be a copy the caller owns). SeaBIOS logs to {@code name.firmware.log}.
 * Holds one of {@link QemuBoot}'s slots while running; {@link #close()} kills QEMU.
 */
public final class LiveGuest implements AutoCloseable {
    private static final Pattern LOGIN = Pattern.compile("(?m)^\\S+ login: ");
    private static final AtomicInteger SEQ = new AtomicInteger();

    private static final Pattern RESTARTING = Pattern.compile("reboot: Restarting system");

    private final List<String> argv;
    private final String name;
    private final StringBuilder log = new StringBuilder();
    private final Path logFile;
    private final int httpPort;
    private volatile Process process;
    private volatile OutputStream console;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int consumed;
    private int bootStart;
    private boolean powerCycled;

    /**
     * How to start the guest.
     *
     * @param disk      the bus of every disk: IDE (Xen HVM stand-in) or NVMe (Nitro stand-in)
     * @param mac       the NIC's MAC address
     * @param writable  whether the guest's writes reach the data disks' image files too (the root's always do)
     * @param kernel    for a direct kernel boot (the PV-GRUB stand-in): kernel, initrd, command line; else BIOS boot
     * @param serial    the SMBIOS system serial number, or empty; cloud-init's NoCloud reads
     *                  {@code ds=nocloud;i=<instance-id>} there, as EC2's metadata gives a new instance its id
     */
    public record Options(QemuBoot.Disk disk, String mac, boolean writable, Optional<List<String>> kernel, String serial) {
        /** A BIOS boot. */
        public static Options bios(QemuBoot.Disk disk, String mac) {
            return new Options(disk, mac, false, Optional.empty(), "");
        }

        /** A direct kernel boot of {@code kernel} and {@code initrd} with {@code cmdline}, on IDE. */
        public static Options direct(Path kernel, Path initrd, String cmdline, String mac, boolean writable) {
            return new Options(QemuBoot.Disk.IDE, mac, writable, Optional.of(List.of(kernel.toString(), initrd.toString(), cmdline)), "");
        }

        /** The same with the instance id that cloud-init's NoCloud datasource reads from SMBIOS. */
        public Options withInstanceId(String instanceId) {
            if (!instanceId.matches("i-[0-9a-f]{8,17}")) {
                throw new IllegalArgumentException("not an instance id: " + instanceId);
            }
            return new Options(disk, mac, writable, kernel, "ds=nocloud;i=" + instanceId);
        }
    }

    private LiveGuest(List<String> argv, String name, Path logFile, int httpPort) {
        this.argv = List.copyOf(argv);
        this.name = name;
        this.logFile = logFile;
        this.httpPort = httpPort;
    }

    /** Starts QEMU with {@code root} and then {@code data} disks, logging the console into {@code logDir/name.console.log}. */
    public static LiveGuest start(Path logDir, String name, Options options, Path root, List<Path> data) {
        int port = freePort();
        // -no-reboot: a guest reboot ends QEMU and reboot() boots a new one, as EC2 restarts an instance
        List<String> argv = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m", "768", "-no-reboot",
                "-smp", "1", "-display", "none", "-vga", "none", "-monitor", "none", "-parallel", "none", "-serial", "stdio",
                "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:" + port + "-:80",
                "-device", "e1000,netdev=n0,mac=" + options.mac()));
        List<Path> disks = new ArrayList<>(List.of(root));
        disks.addAll(data);
        for (int i = 0; i < disks.size(); i++) {
            // the root survives the restarts of reboot(); data disks are the lab's shared fixtures
            String snapshot = options.writable() || i == 0 ? "off" : "on";
            if (options.disk() == QemuBoot.Disk.IDE) {
                argv.addAll(List.of("-drive", "file=" + disks.get(i) + ",format=raw,if=ide,index=" + i + ",snapshot=" + snapshot));
            } else {
                argv.addAll(List.of("-drive", "file=" + disks.get(i) + ",format=raw,if=none,id=d" + i + ",snapshot=" + snapshot,
                        // bootindex: SeaBIOS boots one hard disk only, which need not be the first NVMe on the command line
                        "-device", "nvme,drive=d" + i + ",serial=vol" + i + "0123456789abcdef" + (i == 0 ? ",bootindex=0" : "")));
            }
        }
        if (!options.serial().isEmpty()) {
            argv.addAll(List.of("-smbios", "type=1,serial=" + options.serial()));
        }
        options.kernel().ifPresent(k -> argv.addAll(List.of("-kernel", k.get(0), "-initrd", k.get(1), "-append", k.get(2))));
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        argv.addAll(List.of("-chardev", "file,id=seabios,path=" + logDir.resolve(safe + ".firmware.log"),
                "-device", "isa-debugcon,iobase=0x402,chardev=seabios"));
        return launched(logDir, safe, argv, port);
    }

    /** Starts {@code argv} holding a slot, its console logged into {@code logDir/name.console.log} (headed by the command). */
    private static LiveGuest launched(Path logDir, String name, List<String> argv, int port) {
        Path logFile = logDir.resolve(name + ".console.log");
        try {
            Files.createDirectories(logDir);
            Files.writeString(logFile, String.join(" ", argv) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + logFile, e);
        }
        QemuBoot.acquireSlot();
        LiveGuest guest = new LiveGuest(argv, name, logFile, port);
        try {
            guest.launch();
            return guest;
        } catch (RuntimeException e) {
            QemuBoot.releaseSlot();
            throw e;
        }
    }

    private void launch() {
        synchronized (log) {
            bootStart = log.length();
        }
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            QemuBoot.track(p);
            process = p;
            console = p.getOutputStream();
            Thread reader = new Thread(() -> pump(p), "console-" + name);
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start QEMU", e);
        }
    }

    /**
     * Reboots the guest through its own {@code reboot}: waits until it has shut down and QEMU has
     * ended, then boots a new QEMU on the same disks (firmware, boot loader and kernel run again).
     */
    public void reboot(Duration limit) {
        type("reboot");
        await(RESTARTING, limit);
        Process old = process;
        if (!awaitExit(Duration.ofSeconds(60))) {
            throw new LabTimeoutException("QEMU did not end after the guest restarted; console tail:\n" + tail());
        }
        QemuBoot.untrack(old);
        launch();
    }

    /**
     * If this boot shows a {@link LabArtifacts lab artifact} and the guest was not power-cycled yet,
     * ends QEMU and boots a new one on the same disks, as EC2's instance recovery would; the console
     * log keeps both boots. Caller holds {@code log}.
     */
    private boolean powerCycledAfterLabArtifact() {
        String artifact = powerCycled ? null : LabArtifacts.find(log, bootStart);
        if (artifact == null) {
            return false;
        }
        powerCycled = true;
        String note = LabArtifacts.note(name + ": " + artifact);
        Process old = process;
        old.destroyForcibly();
        try {
            old.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        QemuBoot.untrack(old);
        log.append(note);
        try {
            Files.writeString(logFile, note, StandardCharsets.ISO_8859_1, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + logFile, e);
        }
        consumed = log.length();
        launch();
        return true;
    }

    /** The host port that reaches the guest's port 80. */
    public int httpPort() {
        return httpPort;
    }

    /** Everything the console printed so far. */
    public String consoleLog() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** Waits until the console prints a match of {@code regex} after what was already consumed; returns the match. */
    public Matcher await(Pattern regex, Duration limit) {
        return await(regex, limit, false);
    }

    /** {@link #await} for a boot's milestone: a boot showing a {@link LabArtifacts lab artifact} is power-cycled once and waited for again. */
    Matcher awaitBoot(Pattern regex, Duration limit) {
        return await(regex, limit, true);
    }

    /** A guest that is any command speaking on stdio instead of QEMU (the lab's own tests). */
    static LiveGuest command(Path logDir, String name, List<String> argv) {
        return launched(logDir, name, argv, freePort());
    }

    private Matcher await(Pattern regex, Duration limit, boolean booting) {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (log) {
            while (true) {
                Matcher m = regex.matcher(log);
                if (m.find(consumed)) {
                    consumed = m.end();
                    return m;
                }
                if (booting && powerCycledAfterLabArtifact()) {
                    deadline = System.nanoTime() + limit.toNanos();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    throw new LabTimeoutException("console did not print /" + regex + "/ within " + limit.toSeconds()
                            + " s" + (process.isAlive() ? "" : " (QEMU exited)") + "; console tail:\n" + tail());
                }
                try {
                    log.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Waits for the getty's login prompt on the console and logs in as root (the lab guests have no root password). */
    public void login(Duration limit) {
        awaitBoot(LOGIN, limit);
        type("root");
        await(Pattern.compile("root@[^\\n]*# "), Duration.ofSeconds(60));
        run("dmesg -n 1; stty -echo", Duration.ofSeconds(30));  // keep kernel messages out of command output
    }

    /**
     * A console command that returns once cloud-init has finished its last stage on this boot
     * (systemd guests: cloud-final.service active, or failed). {@code cloud-init status} cannot
     * tell: it reads {@code /var/lib/cloud/instance/boot-finished}, which the previous boot left on
     * disk, and says "done" before this boot's stages have run.
     */
    public static final String AWAIT_CLOUD_INIT = "until systemctl show -p ActiveState --value cloud-final.service"
            + " | grep -qxE 'active|failed'; do sleep 3; done";

    /**
     * Runs {@code command} in the logged-in shell and returns its output.
     *
     * @throws LabTimeoutException if it does not finish within {@code limit}
     * @throws IllegalStateException if it exits non-zero
     */
    public String run(String command, Duration limit) {
        int n = SEQ.incrementAndGet();
        // the markers are assembled by printf, so the echoed command line never matches them
        type("printf '@@B%s-" + n + "@@\\n' EGIN; " + command + "; printf '@@E%s-" + n + "=%s@@\\n' ND $?");
        await(Pattern.compile("@@BEGIN-" + n + "@@\r?\n"), Duration.ofSeconds(60));
        int start = consumed;
        Matcher end = await(Pattern.compile("@@END-" + n + "=(\\d+)@@"), limit);
        String out;
        synchronized (log) {
            out = log.substring(start, end.start()).replace("\r", "");
        }
        if (!end.group(1).equals("0")) {
            throw new IllegalStateException("'" + command + "' exited " + end.group(1) + ":\n" + out);
        }
        return out;
    }

    /** Sends {@code text} and a newline to the console. */
    public void type(String text) {
        try {
            console.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            console.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the guest console", e);
        }
    }

    /**
     * GETs {@code path} from the guest's port 80 through the forwarded port, retrying until it
     * answers 200 or {@code limit} passes (counted again after a power cycle for a lab artifact).
     */
    public String httpGet(String path, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline && process.isAlive()) {
            synchronized (log) {
                if (powerCycledAfterLabArtifact()) {
                    deadline = System.nanoTime() + limit.toNanos();
                }
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body();
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new LabTimeoutException("GET " + path + " on 127.0.0.1:" + httpPort + " failed (" + last + ") within "
                + limit.toSeconds() + " s; console tail:\n" + tail());
    }

    /** Whether QEMU still runs. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Waits for QEMU to exit by itself (the guest powered off), up to {@code limit}. */
    public boolean awaitExit(Duration limit) {
        try {
            return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last 3000 characters of the console. */
    public String tail() {
        String s = consoleLog();
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            QemuBoot.untrack(process);
            QemuBoot.releaseSlot();
        }
    }

    private void pump(Process p) {
        byte[] buf = new byte[4096];
        try (InputStream in = p.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                String s = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                Files.writeString(logFile, s, StandardCharsets.ISO_8859_1, StandardOpenOption.APPEND);
                synchronized (log) {
                    log.append(s);
                    log.notifyAll();
                }
            }
        } catch (IOException e) {
            // QEMU exited; waiters see it through isAlive()
        }
        synchronized (log) {
            log.notifyAll();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A guest did not do what the lab waited for in time. */
    public static final class LabTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LabTimeoutException(String message) {
            super(message);
        }
    }
}
