package io.pv2hvm.ssh;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real OpenSSH {@code sshd} on a free 127.0.0.1 port, with a generated host key and
 * authorized_keys files in a temporary directory; plus generated user keys and throwaway users
 * with or without passwordless sudo. Tests that use it skip when sshd is not installed (or this
 * process is not root), and fail instead when {@code -Dpv2hvm.lab.required=true}.
 */
final class OpenSshLab implements AutoCloseable {
    static final String SSHD = "/usr/sbin/sshd";
    private static final Random RANDOM = new Random();

    private final Path dir;
    private final Process sshd;
    private final int port;
    private final String hostKeyType;
    private final List<String> users = new ArrayList<>();

    private OpenSshLab(Path dir, Process sshd, int port, String hostKeyType) {
        this.dir = dir;
        this.sshd = sshd;
        this.port = port;
        this.hostKeyType = hostKeyType;
    }

    /** Skips the calling test (or fails it when the lab is required) if sshd cannot be run here. */
    static void assumeAvailable() {
        String missing = null;
        if (!Files.isExecutable(Path.of(SSHD)) || !onPath("ssh-keygen")) {
            missing = "OpenSSH server and client (apt-get install openssh-server openssh-client)";
        } else if (!onPath("sudo") || !onPath("useradd") || !onPath("pgrep")) {
            missing = "sudo, useradd and pgrep (apt-get install sudo passwd procps)";
        } else if (!"root".equals(System.getProperty("user.name"))) {
            missing = "root (sshd must switch users)";
        }
        if (missing != null) {
            if (Boolean.getBoolean("pv2hvm.lab.required")) {
                fail("pv2hvm.lab.required=true but this test needs " + missing);
            }
            Assumptions.assumeTrue(false, "needs " + missing);
        }
    }

    static boolean onPath(String program) {
        for (String d : (System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    /** Starts sshd; call {@link #assumeAvailable()} first. */
    static OpenSshLab start() throws Exception {
        return start("ed25519");
    }

    /**
     * Starts sshd with a host key of {@code hostKeyType} (as for ssh-keygen -t) and these extra
     * sshd_config lines, e.g. to offer only some algorithms.
     */
    static OpenSshLab start(String hostKeyType, String... extraConfig) throws Exception {
        Path dir = Files.createTempDirectory("pv2hvm-sshd-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd"));
        Path hostKey = dir.resolve("host_" + hostKeyType);
        run("ssh-keygen", "-q", "-t", hostKeyType, "-N", "", "-C", "lab-host", "-f", hostKey.toString());
        for (int attempt = 0; ; attempt++) {
            int port = freePort();
            Path config = dir.resolve("sshd_config");
            Files.writeString(config, String.join("\n",
                    "Port " + port,
                    "ListenAddress 127.0.0.1",
                    "HostKey " + hostKey,
                    "AuthorizedKeysFile " + dir.resolve("authorized_keys") + "/%u",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "PermitRootLogin prohibit-password",
                    "PidFile " + dir.resolve("sshd.pid"),
                    "LogLevel VERBOSE",
                    "MaxStartups 50",
                    "MaxSessions 50",
                    String.join("\n", extraConfig),
                    ""));
            Process p = new ProcessBuilder(SSHD, "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
                    .start();
            if (waitForBanner(port, p, Duration.ofSeconds(15))) {
                return new OpenSshLab(dir, p, port, hostKeyType);
            }
            p.destroyForcibly();
            if (attempt >= 2) {
                throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
            }
        }
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    /** The host key fingerprint as {@code ssh-keygen -l} prints it. */
    String hostFingerprint() throws Exception {
        String line = run("ssh-keygen", "-l", "-E", "sha256", "-f", dir.resolve("host_" + hostKeyType + ".pub").toString());
        return line.split(" ")[1];
    }

    /** A known_hosts file listing this server's real host key for [127.0.0.1]:port. */
    Path knownHosts() throws IOException {
        Path kh = dir.resolve("known_hosts");
        String pub = Files.readString(dir.resolve("host_" + hostKeyType + ".pub")).strip();
        String[] parts = pub.split(" ");
        Files.writeString(kh, "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n");
        return kh;
    }

    /** Generates a user key pair ({@code type} as for ssh-keygen -t) and returns the private key file. */
    Path newUserKey(String name, String type, String passphrase) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Path key = keys.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name,
                "-f", key.toString()));
        if (type.equals("rsa")) {
            cmd.addAll(List.of("-b", "3072"));
        }
        run(cmd.toArray(String[]::new));
        return key;
    }

    /** Lets {@code user} log in with the key whose private half is {@code privateKey}. */
    void authorize(String user, Path privateKey) throws IOException {
        Path file = dir.resolve("authorized_keys").resolve(user);
        Files.writeString(file, Files.readString(Path.of(privateKey + ".pub")), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Creates a throwaway login user, with passwordless sudo if asked; removed by {@link #close()}. */
    String newUser(boolean passwordlessSudo) throws Exception {
        String user = "pv2hvm" + Integer.toString(RANDOM.nextInt(1 << 24), 36);
        run("useradd", "-m", "-s", "/bin/sh", "-p", "*", user);
        users.add(user);
        if (passwordlessSudo) {
            Path sudoers = Path.of("/etc/sudoers.d", user);
            Files.writeString(sudoers, user + " ALL=(ALL) NOPASSWD: ALL\n");
            Files.setPosixFilePermissions(sudoers, PosixFilePermissions.fromString("r--r-----"));
        }
        return user;
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("sshd.log"));
    }

    @Override
    public void close() throws IOException {
        try {
            sshd.destroy();
            if (!sshd.waitFor(5, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
            }
            for (String user : users) {
                Files.deleteIfExists(Path.of("/etc/sudoers.d", user));
                // Session processes of the user may still be exiting; userdel refuses while they run.
                new ProcessBuilder("pkill", "-KILL", "-u", user).start().waitFor(5, TimeUnit.SECONDS);
                new ProcessBuilder("userdel", "-r", "-f", user).redirectErrorStream(true).start()
                        .waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    static String run(String... cmd) throws Exception {
        Path out = Files.createTempFile("pv2hvm-lab-cmd", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String text = Files.readString(out);
            if (!done || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean waitForBanner(int port, Process p, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(2000);
                InputStream in = s.getInputStream();
                byte[] b = new byte[8];
                int n = in.readNBytes(b, 0, 8);
                if (n == 8 && new String(b, StandardCharsets.US_ASCII).startsWith("SSH-2.0")) {
                    return true;
                }
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        return false;
    }
}
