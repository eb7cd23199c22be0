package io.pv2hvm.ssh.internal;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AlgorithmsTest {

    private static List<String> offered(boolean legacy) {
        SshClient client = SshClientFactory.create(Duration.ofSeconds(1), Duration.ofSeconds(15), 3, legacy, null);
        try {
            List<String> names = new ArrayList<>();
            client.getCipherFactories().forEach(f -> names.add(f.getName()));
            client.getMacFactories().forEach(f -> names.add(f.getName()));
            client.getSignatureFactories().forEach(f -> names.add(f.getName()));
            client.getKeyExchangeFactories().forEach(f -> names.add(f.getName()));
            return names;
        } finally {
            client.stop();
        }
    }

    @Test
    void create_byDefault_offersNoWeakAlgorithmButStrongOnesOfEachKind() {
        List<String> names = offered(false);

        assertThat(names).doesNotContainAnyElementsOf(Algorithms.WEAK)
                .contains("aes256-ctr", "hmac-sha2-256-etm@openssh.com", "rsa-sha2-256", "ssh-ed25519",
                        "curve25519-sha256");
    }

    @Test
    void create_withLegacyAlgorithms_offersTheWeakOnesAfterEveryStrongOne() {
        SshClient client = SshClientFactory.create(Duration.ofSeconds(1), Duration.ofSeconds(15), 3, true, null);
        try {
            List<String> ciphers = NamedResource.getNameList(client.getCipherFactories());
            List<String> kex = NamedResource.getNameList(client.getKeyExchangeFactories());

            assertThat(ciphers).contains("aes128-cbc", "3des-cbc");
            assertThat(ciphers.indexOf("aes128-cbc")).isGreaterThan(ciphers.indexOf("aes256-gcm@openssh.com"));
            assertThat(kex).contains("diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1");
            assertThat(kex.get(0)).isNotIn(Algorithms.WEAK);
            assertThat(offered(true)).contains("hmac-sha1", "ssh-rsa");
        } finally {
            client.stop();
        }
    }
}
