package io.pv2hvm.testkit.postgres;


import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server of its own for tests: {@code initdb} into a temporary directory, on a free
 * 127.0.0.1 port, password authentication (scram-sha-256), run as the {@code postgres} user when
 * this process is root (initdb refuses root), stopped when the JVM exits. One per JVM
 * ({@link #shared()}); each test takes a schema of its own ({@link #newSchema}). It needs Debian's
 * {@code postgresql} package (the binaries under {@code /usr/lib/postgresql/VERSION/bin}, or
 * {@code PV2HVM_PG_BIN}); {@link #missing()} says what this machine lacks (tests pass it to
 * {@code LabExtension.assumeAvailable} of {@code pv2hvm-sdk-testkit-junit5}).
 */
public final class PrivatePostgres {
    /** The login the journal tests connect as: owns the database, not a superuser. */
    public static final String USER = "pv2hvm";
    /** The database of {@link #USER}. */
    public static final String DATABASE = "pv2hvm";

    private static final Pattern SCHEMA = Pattern.compile("[a-z][a-z0-9_]{0,40}");
    private static final String ADMIN = "pv2hvm_admin";
    private static PrivatePostgres shared;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final String password;
    private final String adminPassword;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path bin, Path dir, int port, String password, String adminPassword,
                            boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.adminPassword = adminPassword;
        this.asPostgresUser = asPostgresUser;
    }

    /** What this machine lacks to run the server; empty when it can. */
    public static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (binaries().isEmpty()) {
            missing.add("PostgreSQL server binaries (apt-get install postgresql)");
        } else if (isRoot() && (!onPath("runuser") || !userExists("postgres"))) {
            missing.add("runuser and a 'postgres' user (initdb refuses root; Debian's postgresql package adds the user)");
        }
        return missing;
    }

    /** The server of this JVM, started on first use; check {@link #missing()} first. */
    public static synchronized PrivatePostgres shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the test PostgreSQL server: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting PostgreSQL", e);
            }
            PrivatePostgres s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "pv2hvm-postgres-stop"));
        }
        return shared;
    }

    private static PrivatePostgres start() throws IOException, InterruptedException {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries; see missing()"));
        boolean root = isRoot();
        stopAbandoned(bin, root);
        Path dir = Files.createTempDirectory("pv2hvm-pg-");
        Files.writeString(dir.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
        String password = token();
        String adminPassword = token();
        Files.writeString(dir.resolve("admin.pw"), adminPassword + "\n");
        if (root) {
            run(List.of("chown", "-R", "postgres:", dir.toString()), Map.of(), false);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path data = dir.resolve("data");
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", ADMIN, "--auth=scram-sha-256",
                "--pwfile=" + dir.resolve("admin.pw"), "-E", "UTF8", "--no-locale", "--no-sync"), Map.of(), root);
        for (int attempt = 0; ; attempt++) {
            int port = freePort();
            PrivatePostgres server = new PrivatePostgres(bin, dir, port, password, adminPassword, root);
            // Small and local: no Unix socket (a shared /run/postgresql is not ours), loopback only.
            server.writeConfig(String.join("\n", "port = " + port, "listen_addresses = '127.0.0.1'",
                    "unix_socket_directories = ''", "max_connections = 60", "shared_buffers = 16MB",
                    "log_min_messages = warning", ""));
            try {
                server.pgCtl("-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
                server.admin("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'", "postgres");
                server.admin("CREATE DATABASE " + DATABASE + " OWNER " + USER, "postgres");
                return server;
            } catch (IllegalStateException e) {
                server.stopServer();
                if (attempt >= 2) {
                    throw new IllegalStateException(e.getMessage() + "\n" + server.log(), e);
                }
            }
        }
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The password of {@link #USER} (as PGPASSWORD would carry it). */
    public String password() {
        return password;
    }

    /** The JDBC URL of {@link #DATABASE} as {@link #USER}, without the password. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + USER;
    }

    /** A new, empty schema owned by {@link #USER}; the returned URL makes it the current schema. */
    public String newSchema(String name) {
        if (!SCHEMA.matcher(name).matches()) {
            throw new IllegalArgumentException("schema name " + name + ": lowercase letters, digits and _");
        }
        admin("DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name + " AUTHORIZATION " + USER,
                DATABASE);
        return url() + "&currentSchema=" + name;
    }

    /** Runs {@code sql} as the superuser in {@code database} with psql; returns what it printed (unaligned, tuples only). */
    public String admin(String sql, String database) {
        try {
            return run(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U",
                    ADMIN, "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", "-c", sql),
                    Map.of("PGPASSWORD", adminPassword), false);
        } catch (IOException e) {
            throw new IllegalStateException("psql failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The server's log so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    private synchronized void stop() {
        stopServer();
        deleteQuietly(dir);
    }

    private void stopServer() {
        try {
            pgCtl("-m", "immediate", "-w", "-t", "30", "stop");
        } catch (RuntimeException notRunning) {
            // nothing to stop
        }
    }

    private void writeConfig(String settings) throws IOException, InterruptedException {
        Path conf = dir.resolve("data").resolve("postgresql.auto.conf");
        Files.writeString(conf, settings);
        if (asPostgresUser) {
            run(List.of("chown", "postgres:", conf.toString()), Map.of(), false);
        }
    }

    private void pgCtl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D",
                dir.resolve("data").toString()));
        cmd.addAll(List.of(args));
        try {
            run(cmd, Map.of(), asPostgresUser);
        } catch (IOException e) {
            throw new IllegalStateException("pg_ctl failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops and deletes clusters of JVMs that died before their shutdown hook ran (kill -9). */
    private static void stopAbandoned(Path bin, boolean root) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "pv2hvm-pg-*")) {
            for (Path d : dirs) {
                Path owner = d.resolve("owner.pid");
                if (!Files.isRegularFile(owner)) {
                    continue;
                }
                long pid = Long.parseLong(Files.readString(owner).strip());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                if (Files.isDirectory(d.resolve("data"))) {
                    try {
                        run(List.of(bin.resolve("pg_ctl").toString(), "-D", d.resolve("data").toString(), "-m",
                                "immediate", "-w", "-t", "30", "stop"), Map.of(), root);
                    } catch (IOException | IllegalStateException notRunning) {
                        // already stopped
                    }
                }
                deleteQuietly(d);
            }
        } catch (IOException | NumberFormatException | InterruptedException e) {
            // best effort: a leftover directory costs disk space, not correctness
        }
    }

    private static String run(List<String> command, Map<String, String> env, boolean asPostgres)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Path out = Files.createTempFile("pv2hvm-pg-cmd", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .directory(new File("/"));
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(2, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly();
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (!done || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Optional<Path> binaries() {
        String override = System.getenv("PV2HVM_PG_BIN");
        if (override != null && !override.isEmpty()) {
            return Optional.of(Path.of(override)).filter(PrivatePostgres::complete);
        }
        Path lib = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(lib)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(lib)) {
            return versions.map(v -> v.resolve("bin")).filter(PrivatePostgres::complete)
                    .max(Comparator.comparingInt(PrivatePostgres::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean complete(Path bin) {
        return Stream.of("initdb", "pg_ctl", "postgres", "psql").allMatch(t -> Files.isExecutable(bin.resolve(t)));
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean userExists(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String token() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }
}
