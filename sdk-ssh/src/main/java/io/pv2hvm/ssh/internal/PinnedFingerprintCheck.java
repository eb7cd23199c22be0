package io.pv2hvm.ssh.internal;

import java.security.PublicKey;
import java.util.Optional;

/** Accepts exactly one host key, identified by its SHA-256 fingerprint. */
public final class PinnedFingerprintCheck implements HostKeyCheck {
    private final String expected;

    /** A check for the fingerprint {@code SHA256:...} (unpadded base64). */
    public PinnedFingerprintCheck(String expected) {
        this.expected = expected;
    }

    @Override
    public Optional<String> rejection(String host, int port, PublicKey presented) {
        String seen = Fingerprint.sha256(presented);
        if (seen.equals(expected)) {
            return Optional.empty();
        }
        return Optional.of("Host key of " + host + ":" + port + " does not match the pinned fingerprint: the server"
                + " presented " + Fingerprint.describe(presented) + ", expected " + expected
                + ". Refusing to connect; if the host was legitimately re-keyed, pin the new fingerprint.");
    }

    @Override
    public String toString() {
        return "pinned " + expected;
    }
}
