package io.pv2hvm.samples.cli;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.ssh.SshTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The CLI's SSH options: the SSH config, --ssh-jump, explicit options winning, the passphrase sources. */
class SshOptionsTest {
    @TempDir
    Path dir;

    private MigrationOptions options(String host) throws Exception {
        MigrationOptions o = new MigrationOptions();
        o.sshHost = host;
        o.knownHosts = Files.writeString(dir.resolve("known_hosts"), "");
        return o;
    }

    private Path config(String... lines) throws Exception {
        Path file = Files.writeString(dir.resolve("ssh_config"), String.join("\n", lines) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void sshConfig_andSshJump_resolveTheAliasAndReplaceTheConfigsProxyJump() throws Exception {
        MigrationOptions o = options("worker");
        o.sshConfig = config("Host worker", "  HostName 10.0.1.5", "  User admin", "  Port 2222",
                "  IdentityFile " + dir.resolve("id_ed25519"), "  ProxyJump old-bastion").toString();
        try (SshTransport t = SshOptions.transport(o, Map.of(), null)) {
            assertThat(t.describe()).isEqualTo("ssh admin@10.0.1.5:2222 via admin@old-bastion:22");
        }
        o.sshJump = "ec2-user@bastion.example.com:2200";

        try (SshTransport t = SshOptions.transport(o, Map.of(), null)) {
            assertThat(t.describe()).isEqualTo("ssh admin@10.0.1.5:2222 via ec2-user@bastion.example.com:2200");
        }
    }

    @Test
    void explicitUserAndPort_winOverTheSshConfig() throws Exception {
        MigrationOptions o = options("worker");
        o.sshConfig = config("Host worker", "  HostName 10.0.1.5", "  User admin", "  Port 2222",
                "  IdentityFile " + dir.resolve("id_ed25519")).toString();
        o.sshUser = "root";
        o.sshPort = 22;

        try (SshTransport t = SshOptions.transport(o, Map.of(), null)) {
            assertThat(t.describe()).isEqualTo("ssh root@10.0.1.5");
        }
    }

    @Test
    void sshConfigNone_readsNoConfig_soAnAliasWithoutUserOrKeyIsRefused() throws Exception {
        MigrationOptions o = options("worker");
        o.sshConfig = "none";

        assertThatThrownBy(() -> SshOptions.transport(o, Map.of(), null)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("user").hasMessageContaining("key");
    }

    @Test
    void sshJump_whenMalformed_isRefusedShowingTheExpectedForm() throws Exception {
        MigrationOptions o = options("10.0.1.5");
        o.sshUser = "admin";
        o.sshKey = dir.resolve("id_ed25519");
        o.sshJump = "bastion:ssh";

        assertThatThrownBy(() -> SshOptions.transport(o, Map.of(), null)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("[user@]host[:port]");
    }

    @Test
    void passphrase_withoutATerminal_comesFromTheEnvironmentOnce() {
        TerminalPassphrasePrompt prompt = new TerminalPassphrasePrompt(null,
                Map.of(TerminalPassphrasePrompt.ENV, "s3cret"));

        assertThat(prompt.passphrase("/keys/id", 1)).containsExactly("s3cret".toCharArray());
        assertThat(prompt.passphrase("/keys/id", 2)).isNull();
    }

    @Test
    void passphrase_withoutATerminalOrTheVariable_failsSayingHowToGiveIt() {
        TerminalPassphrasePrompt prompt = new TerminalPassphrasePrompt(null, Map.of());

        assertThatThrownBy(() -> prompt.passphrase("/keys/id", 1)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("/keys/id").hasMessageContaining("PV2HVM_SSH_PASSPHRASE")
                .hasMessageContaining("ssh-add /keys/id");
    }

    @Test
    void encryptedKey_isDecryptedWithPv2hvmSshPassphraseBeforeConnecting() throws Exception {
        Path key = dir.resolve("id_encrypted");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-a", "2", "-N", "right one", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(keygen.waitFor(30, TimeUnit.SECONDS) && keygen.exitValue() == 0).as("ssh-keygen").isTrue();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        MigrationOptions o = options("127.0.0.1");
        o.sshUser = "root";
        o.sshPort = closedPort;
        o.sshKey = key;
        o.sshConfig = "none";

        try (SshTransport wrong = SshOptions.transport(o, Map.of(TerminalPassphrasePrompt.ENV, "wrong one"), null)) {
            assertThat(catchThrowable(() -> wrong.exec(Command.of("true")))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("passphrase is wrong");
        }
        try (SshTransport right = SshOptions.transport(o, Map.of(TerminalPassphrasePrompt.ENV, "right one"), null)) {
            // The key was read; only then was the (closed) port tried.
            assertThat(catchThrowable(() -> right.exec(Command.of("true")))).isInstanceOf(TransportException.class)
                    .hasMessageContaining("Could not connect to root@127.0.0.1:" + closedPort);
        }
    }
}
