package io.pv2hvm.ssh;

import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * MINA's weak defaults are gone: a real OpenSSH sshd that offers only weak algorithms (of one
 * kind, or of every kind) is refused with a message naming the opt-in, and works with it.
 */
class WeakAlgorithmsTest {

    @BeforeAll
    static void needsSshd() {
        OpenSshLab.assumeAvailable();
    }

    private static SshTransport.Builder rootOf(OpenSshLab lab) throws Exception {
        Path key = lab.newUserKey("root_ed25519", "ed25519", "");
        lab.authorize("root", key);
        return SshTransport.builder().host("127.0.0.1").port(lab.port()).user("root").key(SshKey.fromFile(key))
                .hostKeys(HostKeyPolicy.knownHosts(lab.knownHosts()))
                .connectTimeout(Duration.ofSeconds(5)).authTimeout(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"KexAlgorithms diffie-hellman-group14-sha1", "Ciphers aes128-cbc,aes256-cbc,3des-cbc",
            "MACs hmac-sha1,hmac-sha1-etm@openssh.com", "HostKeyAlgorithms ssh-rsa"})
    void connect_whenTheServerOffersOnlyWeakAlgorithmsOfOneKind_isRefusedNamingTheOptIn(String onlyWeak)
            throws Exception {
        // Counter-modes only, so the MAC is negotiated (an AEAD cipher would need none).
        String ciphers = onlyWeak.startsWith("MACs") ? "Ciphers aes128-ctr,aes256-ctr" : "";
        try (OpenSshLab lab = OpenSshLab.start("rsa", onlyWeak, ciphers);
             SshTransport ssh = rootOf(lab).build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.getMessage()).contains("refuses as weak", "legacyAlgorithms(true)", "--ssh-legacy-algorithms",
                    "127.0.0.1:" + lab.port());
            assertThat(e.retryable()).isFalse();
        }
    }

    @Test
    void connect_toAServerWithOnlyWeakAlgorithms_worksWithLegacyAlgorithmsAllowed() throws Exception {
        try (OpenSshLab lab = OpenSshLab.start("rsa", "KexAlgorithms diffie-hellman-group14-sha1",
                "Ciphers aes128-cbc", "MACs hmac-sha1", "HostKeyAlgorithms ssh-rsa")) {
            SshTransport.Builder root = rootOf(lab);
            try (SshTransport strict = root.build()) {
                assertThat(catchThrowableOfType(TransportException.class, () -> strict.exec(Command.of("true"))))
                        .hasMessageContaining("--ssh-legacy-algorithms");
            }
            try (SshTransport legacy = root.legacyAlgorithms(true).build()) {
                assertThat(legacy.exec(Command.of("id", "-un")).stdout()).isEqualTo("root\n");
            }
            // The server offers nothing else, so the login it accepted used the weak algorithms.
            assertThat(lab.log()).contains("no matching key exchange method found")
                    .contains("Accepted publickey for root");
        }
    }
}
