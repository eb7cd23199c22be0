package io.pv2hvm.ssh;

import io.pv2hvm.core.CommandFailedException;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.OutputLine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** SshTransport against a real OpenSSH sshd on a loopback port. */
class SshTransportOpenSshTest {
    private static final String PASSPHRASE = "correct horse battery staple";

    private static OpenSshLab lab;
    private static Path ed25519;
    private static SshTransport.Builder asRoot;
    private static SshTransport root;
    private static String sudoer;
    private static SshTransport viaSudo;

    @BeforeAll
    static void startSshd() throws Exception {
        OpenSshLab.assumeAvailable();
        lab = OpenSshLab.start();
        ed25519 = lab.newUserKey("root_ed25519", "ed25519", PASSPHRASE);
        lab.authorize("root", ed25519);
        asRoot = SshTransport.builder()
                .host("127.0.0.1")
                .port(lab.port())
                .user("root")
                .key(SshKey.fromFile(ed25519).withPassphrase(PASSPHRASE))
                .hostKeys(HostKeyPolicy.knownHosts(lab.knownHosts()))
                .connectTimeout(Duration.ofSeconds(5))
                .authTimeout(Duration.ofSeconds(10));
        root = asRoot.build();
        sudoer = lab.newUser(true);
        lab.authorize(sudoer, ed25519);
        viaSudo = asRoot.user(sudoer).build();
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (root != null) {
            root.close();
        }
        if (viaSudo != null) {
            viaSudo.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void exec_whenCommandSucceeds_returnsStdoutAndExitZeroWithArgumentsIntact() {
        CommandResult result = root.exec(Command.of("printf", "%s|", "a b", "it's", "$HOME", "*", ""));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("a b|it's|$HOME|*||\n");
        assertThat(root.describe()).isEqualTo("ssh root@127.0.0.1:" + lab.port());
    }

    @Test
    void exec_whenCommandExitsNonZero_returnsTheExitCodeAndStderrWithoutThrowing() {
        CommandResult result = root.exec(Command.bash("echo partial; echo 'disk not found' >&2; exit 3"));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("partial\n");
        assertThat(result.stderr()).isEqualTo("disk not found\n");
    }

    @Test
    void exec_whileCommandRuns_streamsEachLineBeforeTheCommandEnds() throws Exception {
        // The command waits for a file that the consumer creates only when it has seen the first
        // line, so it can finish only if that line arrived while it was still running.
        Path go = lab.dir().resolve("go-" + System.nanoTime());
        List<OutputLine> seen = Collections.synchronizedList(new ArrayList<>());
        CommandResult result = root.exec(Command.of("bash", "-c",
                        "echo waiting; echo on-stderr >&2; while [ ! -e \"$1\" ]; do sleep 0.05; done; echo released",
                        "bash", go.toString()).withTimeout(Duration.ofSeconds(20)),
                line -> {
                    seen.add(line);
                    if (line.text().equals("waiting")) {
                        try {
                            Files.createFile(go);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });

        assertThat(result.exitCode()).isZero();
        assertThat(seen).contains(OutputLine.stdout("waiting"), OutputLine.stderr("on-stderr"),
                OutputLine.stdout("released"));
        assertThat(seen.indexOf(OutputLine.stdout("waiting"))).isLessThan(seen.indexOf(OutputLine.stdout("released")));
    }

    @Test
    void exec_whenStdoutAndStderrInterleave_keepsTheOrderWithinEachStream() {
        List<OutputLine> seen = Collections.synchronizedList(new ArrayList<>());
        root.exec(Command.bash("for i in $(seq 1 2000); do echo \"out $i\"; echo \"err $i\" >&2; done"), seen::add);

        List<String> out = seen.stream().filter(l -> l.stream() == OutputLine.Stream.STDOUT).map(OutputLine::text).toList();
        List<String> err = seen.stream().filter(l -> l.stream() == OutputLine.Stream.STDERR).map(OutputLine::text).toList();
        List<String> expectedOut = new ArrayList<>();
        List<String> expectedErr = new ArrayList<>();
        for (int i = 1; i <= 2000; i++) {
            expectedOut.add("out " + i);
            expectedErr.add("err " + i);
        }
        assertThat(out).isEqualTo(expectedOut);
        assertThat(err).isEqualTo(expectedErr);
    }

    @Test
    void exec_whenOutputExceeds10MB_deliversEveryLineAndBoundsTheCapture() {
        AtomicLong lines = new AtomicLong();
        AtomicLong chars = new AtomicLong();
        AtomicBoolean allEqual = new AtomicBoolean(true);
        String text = "0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdefghijklmnopqrstuvwxyz";
        CommandResult result = root.exec(Command.bash("yes " + text + " | head -n 200000"), line -> {
            lines.incrementAndGet();
            chars.addAndGet(line.text().length() + 1);
            if (!line.text().equals(text)) {
                allEqual.set(false);
            }
        });

        assertThat(result.exitCode()).isZero();
        assertThat(lines.get()).isEqualTo(200_000);
        assertThat(chars.get()).isGreaterThan(10L * 1024 * 1024);
        assertThat(allEqual).isTrue();
        assertThat(result.truncated()).isTrue();
        assertThat(result.stdout().length()).isLessThanOrEqualTo(CommandResult.CAPTURE_LIMIT);
    }

    @Test
    void exec_withEnvironment_givesTheValuesToTheCommandButNotToAnyCommandLine() {
        // printf is a bash builtin, so the value reaches the pattern file without being an argument
        // of any process; grep then searches every process's command line for it, one at a time: a
        // process that exits between the glob and its read is skipped, not an error (grep exit 2).
        String script = "printf '%s\\n' \"$DB_PASSWORD\"; f=$(mktemp); printf '%s' \"$DB_PASSWORD\" > \"$f\";"
                + " found=0; for c in /proc/[0-9]*/cmdline; do"
                + " if grep -q -a -F -f \"$f\" \"$c\" 2>/dev/null; then found=1; echo \"$c\"; fi; done;"
                + " echo \"found=$found\"; rm -f \"$f\"";
        CommandResult result = root.exec(Command.bash(script)
                .withEnvironment(Map.of("DB_PASSWORD", "hunter2 it's $secret")));

        assertThat(result.stdout()).isEqualTo("hunter2 it's $secret\nfound=0\n");
    }

    @Test
    void upload_whenGivenBytes_writesTheFileWithTheModeAtomically() throws Exception {
        Path target = lab.dir().resolve("script-" + System.nanoTime() + ".sh");
        byte[] content = "#!/bin/sh\necho uploaded $1\n".getBytes(StandardCharsets.UTF_8);

        root.upload(content, target.toString(), 0750);

        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-x---");
        assertThat(root.exec(Command.of(target.toString(), "ok")).stdout()).isEqualTo("uploaded ok\n");
        try (var siblings = Files.list(target.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".pv2hvm-upload"));
        }
    }

    @Test
    void upload_whenGivenALargeFile_streamsItCompletely() throws Exception {
        Path local = lab.dir().resolve("local-" + System.nanoTime());
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(42).nextBytes(data);
        Files.write(local, data);
        Path target = lab.dir().resolve("remote-" + System.nanoTime());

        root.upload(local, target.toString(), 0600);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void upload_whenParentDirectoryIsMissing_throwsCommandFailedNamingThePath() {
        String target = lab.dir().resolve("no/such/dir/file").toString();

        assertThatThrownBy(() -> root.upload(new byte[] {1, 2, 3}, target, 0644))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining(target);
    }

    @Test
    void exec_asNonRootUserWithPasswordlessSudo_runsCommandsAndUploadsAsRoot() throws Exception {
        assertThat(viaSudo.exec(Command.of("id", "-un")).stdout()).isEqualTo("root\n");
        assertThat(viaSudo.exec(Command.bash("echo $SUDO_USER")).stdout()).isEqualTo(sudoer + "\n");

        Path target = lab.dir().resolve("sudo-upload-" + System.nanoTime());
        viaSudo.upload("data".getBytes(StandardCharsets.UTF_8), target.toString(), 0600);
        assertThat(Files.getOwner(target).getName()).isEqualTo("root");
        assertThat(Files.readString(target)).isEqualTo("data");
    }

    @Test
    void exec_asNonRootUserWithoutSudoRights_throwsNamingSudoAndTheUser() throws Exception {
        String user = lab.newUser(false);
        lab.authorize(user, ed25519);
        try (SshTransport ssh = asRoot.user(user).build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.getMessage()).contains("sudo -n", user, "NOPASSWD");
            assertThat(e.retryable()).isFalse();
        }
        try (SshTransport ssh = asRoot.user(user).sudo(false).build()) {
            assertThat(ssh.exec(Command.of("id", "-un")).stdout()).isEqualTo(user + "\n");
        }
    }

    @Test
    void exec_whenHostKeyDoesNotMatchThePin_throwsNamingBothFingerprints() throws Exception {
        String wrong = "SHA256:" + "A".repeat(43);
        try (SshTransport ssh = asRoot.hostKeys(HostKeyPolicy.pinned(wrong)).build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.getMessage()).contains(lab.hostFingerprint(), wrong, "127.0.0.1:" + lab.port());
            assertThat(e.retryable()).isFalse();
        }
        try (SshTransport ssh = asRoot.hostKeys(HostKeyPolicy.pinned(lab.hostFingerprint())).build()) {
            assertThat(ssh.exec(Command.of("true")).exitCode()).isZero();
        }
    }

    @Test
    void exec_whenKnownHostsListsAnotherKey_throwsNamingBothFingerprints() throws Exception {
        Path other = lab.dir().resolve("other_host_key");
        OpenSshLab.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
        String[] pub = Files.readString(Path.of(other + ".pub")).split(" ");
        Path knownHosts = lab.dir().resolve("known_hosts_other");
        Files.writeString(knownHosts, "[127.0.0.1]:" + lab.port() + " " + pub[0] + " " + pub[1] + "\n");
        String expected = OpenSshLab.run("ssh-keygen", "-l", "-E", "sha256", "-f", other + ".pub").split(" ")[1];

        try (SshTransport ssh = asRoot.hostKeys(HostKeyPolicy.knownHosts(knownHosts)).build()) {
            assertThatThrownBy(() -> ssh.exec(Command.of("true")))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining(lab.hostFingerprint())
                    .hasMessageContaining(expected)
                    .hasMessageContaining("does not match");
        }
    }

    @Test
    void exec_whenHostIsNotInKnownHosts_refusesAndNamesThePresentedKey() throws Exception {
        Path empty = Files.writeString(lab.dir().resolve("known_hosts_empty"), "");
        try (SshTransport ssh = asRoot.hostKeys(HostKeyPolicy.knownHosts(empty)).build()) {
            assertThatThrownBy(() -> ssh.exec(Command.of("true")))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("not listed")
                    .hasMessageContaining(lab.hostFingerprint());
        }
    }

    @Test
    void exec_withTrustOnFirstUse_recordsTheKeyOnceAndThenChecksIt() throws Exception {
        Path knownHosts = lab.dir().resolve("tofu/known_hosts");
        try (SshTransport ssh = asRoot.hostKeys(HostKeyPolicy.trustOnFirstUse(knownHosts)).build()) {
            assertThat(ssh.exec(Command.of("true")).exitCode()).isZero();
        }
        String recorded = Files.readString(knownHosts);
        assertThat(recorded).startsWith("[127.0.0.1]:" + lab.port() + " ssh-ed25519 ");
        try (SshTransport ssh = asRoot.hostKeys(HostKeyPolicy.knownHosts(knownHosts)).build()) {
            assertThat(ssh.exec(Command.of("true")).exitCode()).isZero();
        }
        assertThat(Files.readString(knownHosts)).isEqualTo(recorded);
    }

    @Test
    void exec_whenUserKeyIsNotAuthorized_throwsNonRetryableNamingUserAndKey() throws Exception {
        Path stranger = lab.newUserKey("stranger", "ed25519", "");
        try (SshTransport ssh = asRoot.key(SshKey.fromFile(stranger)).build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.getMessage()).contains("refused the login", "'root'", stranger.toString());
            assertThat(e.retryable()).isFalse();
        }
    }

    @Test
    void exec_whenCommandOutlivesItsTimeout_throwsNamingCommandAndTimeoutAndKillsIt() throws Exception {
        String marker = "4242" + System.nanoTime() % 1000;
        Command sleeper = Command.of("bash", "-c", "sleep 3" + marker + "; echo never").withTimeout(Duration.ofSeconds(2));

        TransportException e = catchThrowableOfType(TransportException.class, () -> root.exec(sleeper));

        assertThat(e.getMessage()).contains("timed out", "PT2S", sleeper.toString());
        assertThat(e.retryable()).isFalse();
        assertThat(running("sleep 3" + marker)).as("the sleeper is gone from the worker").isFalse();
        assertThat(root.exec(Command.of("true")).exitCode()).as("the connection is still usable").isZero();
    }

    @Test
    void exec_whenTheCallerIsInterrupted_throwsAndStopsTheCommandOnTheWorker() throws Exception {
        // As a sudo user, the usual login on a worker: OpenSSH refuses "signal" requests for root
        // logins ("session signalling requires privilege separation"); those rely on the worker's timeout.
        String marker = "5151" + System.nanoTime() % 1000;
        Command sleeper = Command.bash("echo started; sleep 6" + marker).withTimeout(Duration.ofMinutes(1));
        Thread caller = Thread.currentThread();

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> viaSudo.exec(sleeper, line -> {
            if (line.text().equals("started")) {
                caller.interrupt();
            }
        }));
        boolean wasInterrupted = Thread.interrupted();

        assertThat(thrown).isInstanceOf(TransportException.class).hasMessageContaining("Interrupted")
                .hasMessageContaining(sleeper.toString());
        assertThat(wasInterrupted).as("the interrupt flag is kept for the caller").isTrue();
        assertThat(eventually(() -> !running("sleep 6" + marker), Duration.ofSeconds(5)))
                .as("SIGTERM reached the command long before its one-minute timeout").isTrue();
    }

    @Test
    void exec_whenTheCommandIsKilledBySignal_returns128PlusTheSignalNumber() {
        assertThat(root.exec(Command.bash("kill -TERM $$")).exitCode()).isEqualTo(143);
    }

    @Test
    void exec_fromSeveralThreadsAtOnce_runsEachCommandOnItsOwnChannel() throws Exception {
        List<java.util.concurrent.Future<CommandResult>> results = new ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            for (int i = 0; i < 12; i++) {
                int n = i;
                results.add(pool.submit(() -> root.exec(Command.bash("sleep 0.2; echo " + n))));
            }
            for (int i = 0; i < 12; i++) {
                assertThat(results.get(i).get().stdout()).isEqualTo(i + "\n");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean running(String commandLine) {
        try {
            return new ProcessBuilder("pgrep", "-f", commandLine).start().waitFor() == 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    @Test
    void exec_throughAnOpenSshJumpHost_runsOnTheTargetWithBothHostKeysChecked() throws Exception {
        // sshd serves as its own bastion: the second hop is reached through its direct-tcpip forwarding.
        JumpHost bastion = JumpHost.at("127.0.0.1").port(lab.port()).user(sudoer)
                .key(SshKey.fromFile(ed25519).withPassphrase(PASSPHRASE))
                .hostKeys(HostKeyPolicy.pinned(lab.hostFingerprint()));
        int logged = lab.log().length();
        try (SshTransport ssh = asRoot.jumpHosts(bastion).build()) {
            assertThat(ssh.exec(Command.of("echo", "hopped")).stdout()).isEqualTo("hopped\n");
        }
        String log = lab.log().substring(logged);
        assertThat(log.indexOf("Accepted publickey for " + sudoer)).as("bastion login first").isNotNegative()
                .isLessThan(log.indexOf("Accepted publickey for root"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecdsa", "ed25519"})
    void exec_withEachSupportedKeyType_logsIn(String type) throws Exception {
        Path key = lab.newUserKey("root_plain_" + type, type, "");
        lab.authorize("root", key);
        try (SshTransport ssh = asRoot.key(SshKey.fromFile(key)).build()) {
            assertThat(ssh.exec(Command.of("echo", type)).stdout()).isEqualTo(type + "\n");
        }
    }

    @Test
    void exec_withInMemoryPassphraseProtectedKey_logsIn() throws Exception {
        SshKey inMemory = SshKey.fromText(Files.readString(ed25519)).withPassphrase(PASSPHRASE.toCharArray());
        try (SshTransport ssh = asRoot.key(inMemory).build()) {
            assertThat(ssh.exec(Command.of("echo", "in memory")).stdout()).isEqualTo("in memory\n");
        }
    }

    @Test
    void exec_whenPassphraseIsWrong_throwsInvalidSpecWithoutThePassphrase() {
        try (SshTransport ssh = asRoot.key(SshKey.fromFile(ed25519).withPassphrase("wrong-guess-123")).build()) {
            assertThatThrownBy(() -> ssh.exec(Command.of("true")))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining(ed25519.toString())
                    .hasMessageContaining("passphrase is wrong")
                    .hasMessageNotContaining("wrong-guess-123")
                    .hasNoCause();
        }
    }
}
