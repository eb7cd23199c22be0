package io.pv2hvm.ssh.internal;

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.signature.BuiltinSignatures;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The algorithms a client offers. MINA's defaults still include CBC ciphers, hmac-sha1 and
 * ssh-rsa (SHA-1) signatures; they are removed unless the user asks for legacy algorithms, which
 * then come last in each list (and add the SHA-1 Diffie-Hellman key exchanges MINA dropped).
 */
public final class Algorithms {
    /**
     * Weak by OpenSSH's own judgement: it dropped each from its defaults (CBC and hmac-md5 in 6.7,
     * diffie-hellman-group1-sha1 and ssh-dss in 7.0, ssh-rsa in 8.8; https://www.openssh.com/releasenotes.html),
     * and hmac-sha1 and the SHA-1 key exchanges rest on SHA-1, as ssh-rsa does.
     */
    static final Set<String> WEAK = Set.of(
            "aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc", "blowfish-cbc", "arcfour128", "arcfour256",
            "hmac-sha1", "hmac-sha1-etm@openssh.com", "hmac-sha1-96", "hmac-md5", "hmac-md5-96",
            "ssh-rsa", "ssh-dss", "ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com",
            "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1");

    private Algorithms() {
    }

    /** Removes the weak algorithms from {@code client}'s lists, or appends them when {@code legacy}. */
    public static void apply(SshClient client, boolean legacy) {
        client.setCipherFactories(choose(client.getCipherFactories(), legacy, List.of(BuiltinCiphers.aes128cbc,
                BuiltinCiphers.aes192cbc, BuiltinCiphers.aes256cbc, BuiltinCiphers.tripledescbc), f -> f));
        client.setMacFactories(choose(client.getMacFactories(), legacy, List.of(BuiltinMacs.hmacsha1etm,
                BuiltinMacs.hmacsha1), f -> f));
        client.setSignatureFactories(choose(client.getSignatureFactories(), legacy, List.of(BuiltinSignatures.rsa),
                f -> f));
        client.setKeyExchangeFactories(choose(client.getKeyExchangeFactories(), legacy, List.of(
                BuiltinDHFactories.dhg14, BuiltinDHFactories.dhgex, BuiltinDHFactories.dhg1), ClientBuilder.DH2KEX));
    }

    private static <T extends NamedResource, B extends NamedResource & OptionalFeature> List<T> choose(
            List<T> defaults, boolean legacy, List<B> legacyExtras, Function<? super B, ? extends T> asFactory) {
        List<T> chosen = new ArrayList<>();
        for (T f : defaults) {
            if (!WEAK.contains(f.getName())) {
                chosen.add(f);
            }
        }
        if (legacy) {
            for (B extra : legacyExtras) {
                if (extra.isSupported() && chosen.stream().noneMatch(f -> f.getName().equals(extra.getName()))) {
                    chosen.add(asFactory.apply(extra));
                }
            }
        }
        return chosen;
    }

    /** Whether {@code message} (from MINA) says the two sides had no algorithm in common. */
    public static boolean isNegotiationFailure(String message) {
        return message != null && message.contains("Unable to negotiate");
    }
}
