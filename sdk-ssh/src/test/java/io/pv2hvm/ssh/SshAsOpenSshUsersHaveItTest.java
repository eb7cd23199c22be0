package io.pv2hvm.ssh;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The OpenSSH client features (config file, ProxyJump, passphrase prompt, ssh-agent, no weak
 * algorithms) against real OpenSSH sshd processes on loopback ports.
 */
class SshAsOpenSshUsersHaveItTest {
    private static final String PASSPHRASE = "tr0ub4dor&3";

    private static OpenSshLab lab;
    private static Path plainKey;
    private static Path encryptedKey;
    private static Path knownHosts;
    private static String jumper;

    @BeforeAll
    static void startSshd() throws Exception {
        OpenSshLab.assumeAvailable();
        lab = OpenSshLab.start();
        plainKey = lab.newUserKey("plain_ed25519", "ed25519", "");
        // Few bcrypt rounds (ssh-keygen -a): every passphrase attempt derives the key again.
        encryptedKey = lab.dir().resolve("keys/encrypted_ed25519");
        OpenSshLab.run("ssh-keygen", "-q", "-t", "ed25519", "-a", "2", "-N", PASSPHRASE, "-f", encryptedKey.toString());
        lab.authorize("root", plainKey);
        lab.authorize("root", encryptedKey);
        jumper = lab.newUser(false);
        lab.authorize(jumper, plainKey);
        knownHosts = lab.knownHosts();
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private static SshTransport.Builder hostKeysAndTimeouts() {
        return SshTransport.builder().hostKeys(HostKeyPolicy.knownHosts(knownHosts))
                .connectTimeout(Duration.ofSeconds(5)).authTimeout(Duration.ofSeconds(10));
    }

    private static Path config(String... lines) throws Exception {
        Path file = Files.createTempFile(lab.dir(), "ssh_config", "");
        Files.writeString(file, String.join("\n", lines) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void sshConfig_givesHostNameUserPortAndIdentityFileOfAHostAlias() throws Exception {
        Path config = config("Host worker", "  HostName 127.0.0.1", "  User " + jumper, "  Port " + lab.port(),
                "  IdentityFile " + plainKey);

        try (SshTransport ssh = hostKeysAndTimeouts().host("worker").sshConfig(config).sudo(false).build()) {
            assertThat(ssh.describe()).isEqualTo("ssh " + jumper + "@127.0.0.1:" + lab.port());
            assertThat(ssh.exec(Command.of("id", "-un")).stdout()).isEqualTo(jumper + "\n");
        }
    }

    @Test
    void sshConfig_whenTheBuilderSetsUserPortAndKey_theBuilderWins() throws Exception {
        Path config = config("Host worker", "  HostName 127.0.0.1", "  User " + jumper, "  Port 1",
                "  IdentityFile " + lab.dir().resolve("no-such-key"));

        try (SshTransport ssh = hostKeysAndTimeouts().host("worker").sshConfig(config).user("root").port(lab.port())
                .key(SshKey.fromFile(plainKey)).build()) {
            assertThat(ssh.exec(Command.of("id", "-un")).stdout()).isEqualTo("root\n");
        }
    }

    @Test
    void sshConfig_whenNothingNamesAUserOrKey_refusesToBuildListingWhatIsMissing() throws Exception {
        Path config = config("Host worker", "  HostName 127.0.0.1");

        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
                () -> hostKeysAndTimeouts().host("elsewhere").sshConfig(config).build());

        assertThat(e.getMessage()).contains("user", "key", "IdentityFile", "ssh-agent");
    }

    @Test
    void sshConfig_whenOthersMayWriteIt_isRefusedLikeOpenSshDoes() throws Exception {
        Path config = config("Host worker", "  HostName 127.0.0.1", "  User root");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));

        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
                () -> hostKeysAndTimeouts().host("worker").sshConfig(config).key(SshKey.fromFile(plainKey)).build());

        assertThat(e.getMessage()).contains(config.toString(), "not writable by others");
    }

    @Test
    void proxyJump_fromTheConfig_logsIntoTheJumpHostAndReachesTheWorkerThroughIt() throws Exception {
        Path config = config("Host worker", "  HostName 127.0.0.1", "  User root", "  Port " + lab.port(),
                "  ProxyJump bastion", "Host bastion", "  HostName 127.0.0.1", "  User " + jumper,
                "  Port " + lab.port());
        int acceptedBefore = count(lab.log(), "Accepted publickey for " + jumper + " ");

        try (SshTransport ssh = hostKeysAndTimeouts().host("worker").sshConfig(config).key(SshKey.fromFile(plainKey))
                .build()) {
            assertThat(ssh.describe()).endsWith("via " + jumper + "@127.0.0.1:" + lab.port());
            assertThat(ssh.exec(Command.of("id", "-un")).stdout()).isEqualTo("root\n");
        }
        assertThat(count(lab.log(), "Accepted publickey for " + jumper + " ")).isEqualTo(acceptedBefore + 1);
    }

    @Test
    void proxyJump_whenTheJumpHostIsUnreachable_failsNamingIt() throws Exception {
        Path config = config("Host worker", "  HostName 127.0.0.1", "  User root", "  Port " + lab.port(),
                "  ProxyJump " + jumper + "@127.0.0.1:1");

        try (SshTransport ssh = hostKeysAndTimeouts().host("worker").sshConfig(config).key(SshKey.fromFile(plainKey))
                .build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.getMessage()).contains(jumper + "@127.0.0.1:1");
        }
    }

    @Test
    void jumpHosts_parsedFromOpenSshSyntax_reachTheWorkerThroughTheJumpHost() {
        List<JumpHost> chain = JumpHost.parse(jumper + "@127.0.0.1:" + lab.port());

        try (SshTransport ssh = hostKeysAndTimeouts().host("127.0.0.1").port(lab.port()).user("root")
                .key(SshKey.fromFile(plainKey)).jumpHosts(chain.toArray(JumpHost[]::new)).build()) {
            assertThat(ssh.describe()).endsWith("via " + jumper + "@127.0.0.1:" + lab.port());
            assertThat(ssh.exec(Command.of("id", "-un")).stdout()).isEqualTo("root\n");
        }
    }

    @Test
    void encryptedKey_withoutPassphrase_asksThePromptAgainAfterAWrongAnswer() {
        List<String> asked = new ArrayList<>();
        PassphrasePrompt prompt = (source, attempt) -> {
            asked.add(source + "#" + attempt);
            return (attempt == 1 ? "wrong" : PASSPHRASE).toCharArray();
        };

        try (SshTransport ssh = hostKeysAndTimeouts().host("127.0.0.1").port(lab.port()).user("root")
                .key(SshKey.fromFile(encryptedKey)).passphrases(prompt).build()) {
            assertThat(ssh.exec(Command.of("id", "-un")).stdout()).isEqualTo("root\n");
        }
        assertThat(asked).containsExactly(encryptedKey + "#1", encryptedKey + "#2");
    }

    @Test
    void encryptedKey_whenNoPassphraseIsGivenOrThePromptGivesUp_failsSayingHowToGiveOne() {
        for (SshTransport.Builder b : List.of(hostKeysAndTimeouts(), hostKeysAndTimeouts().passphrases((s, a) -> null))) {
            try (SshTransport ssh = b.host("127.0.0.1").port(lab.port()).user("root").key(SshKey.fromFile(encryptedKey))
                    .build()) {
                InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
                        () -> ssh.exec(Command.of("true")));

                assertThat(e.getMessage()).contains(encryptedKey.toString(), "encrypted", "PV2HVM_SSH_PASSPHRASE");
            }
        }
    }

    @Test
    void encryptedKey_whenEveryAnswerIsWrong_givesUpAfterThreeAttempts() {
        List<Integer> attempts = new ArrayList<>();
        try (SshTransport ssh = hostKeysAndTimeouts().host("127.0.0.1").port(lab.port()).user("root")
                .key(SshKey.fromFile(encryptedKey)).passphrases((s, a) -> {
                    attempts.add(a);
                    return "wrong".toCharArray();
                }).build()) {
            InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.getMessage()).contains(encryptedKey.toString(), "passphrase is wrong").doesNotContain("wrong\"");
        }
        assertThat(attempts).containsExactly(1, 2, 3);
    }

    @Test
    void agent_withTheKeyAdded_logsInWithoutAKeyFile() throws Exception {
        try (Agent agent = Agent.start(lab.dir().resolve("agent-" + System.nanoTime() + ".sock"))) {
            agent.add(plainKey);

            try (SshTransport ssh = hostKeysAndTimeouts().host("127.0.0.1").port(lab.port()).user("root")
                    .agent(agent.socket).build()) {
                assertThat(ssh.exec(Command.of("id", "-un")).stdout()).isEqualTo("root\n");
            }
        }
    }

    @Test
    void agent_withoutTheRightKey_isRefusedNamingTheAgent() throws Exception {
        Path stranger = lab.newUserKey("agent_stranger", "ed25519", "");
        try (Agent agent = Agent.start(lab.dir().resolve("agent-" + System.nanoTime() + ".sock"))) {
            agent.add(stranger);

            try (SshTransport ssh = hostKeysAndTimeouts().host("127.0.0.1").port(lab.port()).user("root")
                    .agent(agent.socket).build()) {
                TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

                assertThat(e.getMessage()).contains("refused the login", "ssh-agent " + agent.socket);
                assertThat(e.retryable()).isFalse();
            }
        }
    }

    @Test
    void agent_whenTheSocketDoesNotExist_refusesToBuild() {
        Path missing = lab.dir().resolve("no-agent.sock");

        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> hostKeysAndTimeouts()
                .host("127.0.0.1").user("root").agent(missing).build());

        assertThat(e.getMessage()).contains(missing.toString(), "ssh-agent");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** A real ssh-agent on its own socket, stopped by close. */
    private static final class Agent implements AutoCloseable {
        final Path socket;
        private final Process process;

        private Agent(Path socket, Process process) {
            this.socket = socket;
            this.process = process;
        }

        static Agent start(Path socket) throws Exception {
            Process p = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            if (!Files.exists(socket)) {
                p.destroyForcibly();
                throw new IllegalStateException("ssh-agent did not create " + socket);
            }
            return new Agent(socket, p);
        }

        void add(Path key) throws Exception {
            ProcessBuilder pb = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
            pb.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("ssh-add failed: " + out);
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
