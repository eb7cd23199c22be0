package io.pv2hvm.ssh.internal;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;

import java.security.PublicKey;

/** The OpenSSH SHA-256 fingerprint of a public key, as {@code ssh-keygen -l} prints it. */
public final class Fingerprint {
    private Fingerprint() {
    }

    /** {@code SHA256:<unpadded base64>} of the key's SSH wire encoding. */
    public static String sha256(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    /** The key type and fingerprint, e.g. {@code ssh-ed25519 SHA256:abc...}. */
    public static String describe(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + sha256(key);
    }
}
