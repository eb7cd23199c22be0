package io.pv2hvm.ssh;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.spi.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SshTransportBuilderTest {
    private static final String PIN = "SHA256:" + "A".repeat(43);
    private static final SshKey KEY = SshKey.fromText("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n");

    @Test
    void build_whenCompletedWithAHostLater_leavesTheSharedBuilderUnchanged() {
        SshTransport.Builder workers = SshTransport.builder().user("admin").key(KEY).hostKeys(HostKeyPolicy.pinned(PIN));

        try (SshTransport a = workers.host("10.0.1.5").build();
             SshTransport b = workers.host("10.0.1.6").port(2222).build()) {
            assertThat(a.describe()).isEqualTo("ssh admin@10.0.1.5");
            assertThat(b.describe()).isEqualTo("ssh admin@10.0.1.6:2222");
        }
        assertThatThrownBy(workers::build).isInstanceOf(InvalidSpecException.class).hasMessageContaining("host");
    }

    @Test
    void build_whenHostKeyPolicyIsMissing_throwsInvalidSpecNamingIt() {
        assertThatThrownBy(() -> SshTransport.builder().host("h").user("u").key(KEY).build())
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("hostKeys");
    }

    @Test
    void build_whenAJumpHostLacksItsKeyAndHostKeys_usesTheTransportsLikeOpenSsh() {
        try (SshTransport t = SshTransport.builder().host("h").user("u").key(KEY).hostKeys(HostKeyPolicy.pinned(PIN))
                .jumpHosts(JumpHost.at("bastion").user("ec2-user")).build()) {
            assertThat(t.describe()).isEqualTo("ssh u@h via ec2-user@bastion:22");
        }
    }

    @Test
    void build_whenNoKeyConfigOrAgentGivesAKey_throwsInvalidSpecNamingTheWaysToGiveOne() {
        assertThatThrownBy(() -> SshTransport.builder().host("h").user("u").hostKeys(HostKeyPolicy.pinned(PIN)).build())
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("key (an SshKey, an IdentityFile in the SSH config, or an ssh-agent)");
    }

    @Test
    void parse_ofOpenSshJumpSyntax_givesEachHopWithItsUserAndPort() {
        List<JumpHost> chain = JumpHost.parse("alice@bastion.example.com:2222, gw,ssh://bob@[fd00::1]:22");

        assertThat(chain).extracting(JumpHost::toString)
                .containsExactly("alice@bastion.example.com:2222", "gw:22", "bob@fd00::1:22");
        assertThat(chain.get(1).user()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice@", "@host", "host:port", "host:99999", "a,,b", "bad host"})
    void parse_ofMalformedJumpHosts_throwsInvalidSpecShowingTheExpectedForm(String spec) {
        assertThatThrownBy(() -> JumpHost.parse(spec)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("host");
    }

    @Test
    void pinned_whenFingerprintIsMalformed_throwsInvalidSpec() {
        assertThatThrownBy(() -> HostKeyPolicy.pinned("MD5:aa:bb")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("SHA256:");
        assertThat(HostKeyPolicy.pinned("A".repeat(43)).toString()).isEqualTo("pinned " + PIN);
    }

    @Test
    void toString_ofKeysAndTransports_showsWhereTheKeyIsFromButNeverItsContentOrPassphrase() {
        SshKey file = SshKey.fromFile(Path.of("/keys/id_ed25519")).withPassphrase("open sesame");
        SshKey text = SshKey.fromText("-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETBODY\n-----END OPENSSH PRIVATE KEY-----")
                .withPassphrase("open sesame");

        assertThat(file.toString()).isEqualTo("SshKey[/keys/id_ed25519, passphrase protected]");
        assertThat(text.toString()).isEqualTo("SshKey[in-memory key, passphrase protected]");
        try (SshTransport t = SshTransport.builder().host("h").user("u").key(text).hostKeys(HostKeyPolicy.pinned(PIN))
                .build()) {
            assertThat(t.toString()).doesNotContain("SECRETBODY", "open sesame");
        }
    }

    @Test
    void exec_afterClose_throwsIllegalState() {
        SshTransport t = SshTransport.builder().host("h").user("root").key(KEY).hostKeys(HostKeyPolicy.pinned(PIN)).build();
        t.close();

        assertThatThrownBy(() -> t.exec(Command.of("true"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void user_whenNameHasSpacesOrAt_throwsInvalidSpec() {
        assertThatThrownBy(() -> SshTransport.builder().user("root@host")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> SshTransport.builder().user(" ")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> SshTransport.builder().port(0)).isInstanceOf(InvalidSpecException.class);
    }
}
