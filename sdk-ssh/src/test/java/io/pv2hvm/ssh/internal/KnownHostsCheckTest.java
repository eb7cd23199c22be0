package io.pv2hvm.ssh.internal;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class KnownHostsCheckTest {
    private static PublicKey serverKey;
    private static PublicKey otherKey;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        serverKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256).getPublic();
        otherKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256).getPublic();
    }

    @Test
    void rejection_whenHostIsListedWithThatKey_accepts() throws Exception {
        Path kh = knownHosts("worker.internal " + PublicKeyEntry.toString(serverKey),
                "[worker.internal]:2222 " + PublicKeyEntry.toString(otherKey));

        assertThat(KnownHostsCheck.strict(kh).rejection("worker.internal", 22, serverKey)).isEmpty();
        assertThat(KnownHostsCheck.strict(kh).rejection("worker.internal", 2222, otherKey)).isEmpty();
    }

    @Test
    void rejection_whenHostIsListedHashed_accepts() throws Exception {
        Path kh = knownHosts(hashed("[10.0.1.5]:2222") + " " + PublicKeyEntry.toString(serverKey));

        assertThat(KnownHostsCheck.strict(kh).rejection("10.0.1.5", 2222, serverKey)).isEmpty();
        assertThat(KnownHostsCheck.strict(kh).rejection("10.0.1.6", 2222, serverKey)).isPresent();
    }

    @Test
    void rejection_whenListedKeyDiffers_namesBothFingerprints() throws Exception {
        Path kh = knownHosts("worker.internal " + PublicKeyEntry.toString(otherKey));

        assertThat(KnownHostsCheck.strict(kh).rejection("worker.internal", 22, serverKey)).hasValueSatisfying(why ->
                assertThat(why).contains(Fingerprint.sha256(serverKey), Fingerprint.sha256(otherKey), "does not match"));
    }

    @Test
    void rejection_whenKeyIsMarkedRevoked_refusesEvenIfAlsoListed() throws Exception {
        Path kh = knownHosts("@revoked * " + PublicKeyEntry.toString(serverKey),
                "worker.internal " + PublicKeyEntry.toString(serverKey));

        assertThat(KnownHostsCheck.strict(kh).rejection("worker.internal", 22, serverKey))
                .hasValueSatisfying(why -> assertThat(why).contains("@revoked"));
    }

    @Test
    void rejection_whenPortDiffers_treatsTheHostAsUnknown() throws Exception {
        Path kh = knownHosts("worker.internal " + PublicKeyEntry.toString(serverKey));

        assertThat(KnownHostsCheck.strict(kh).rejection("worker.internal", 2222, serverKey))
                .hasValueSatisfying(why -> assertThat(why).contains("not listed"));
    }

    @Test
    void rejection_withTrustOnFirstUse_appendsAnUnknownHostButRefusesAChangedKey() throws Exception {
        Path kh = dir.resolve("sub/known_hosts");
        KnownHostsCheck tofu = KnownHostsCheck.trustOnFirstUse(kh);

        assertThat(tofu.rejection("10.0.1.5", 22, serverKey)).isEmpty();
        assertThat(Files.readString(kh)).isEqualTo("10.0.1.5 " + PublicKeyEntry.toString(serverKey) + System.lineSeparator());
        assertThat(tofu.rejection("10.0.1.5", 22, serverKey)).isEmpty();
        assertThat(tofu.rejection("10.0.1.5", 22, otherKey)).isPresent();
        assertThat(Files.readAllLines(kh)).hasSize(1);
    }

    private Path knownHosts(String... lines) throws Exception {
        return Files.writeString(dir.resolve("known_hosts"), String.join("\n", lines) + "\n");
    }

    /** An OpenSSH hashed host name, as {@code ssh-keygen -H} writes it. */
    private static String hashed(String host) throws Exception {
        byte[] salt = new byte[20];
        new SecureRandom().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
        return "|1|" + Base64.getEncoder().encodeToString(salt) + "|" + Base64.getEncoder().encodeToString(hash);
    }
}
