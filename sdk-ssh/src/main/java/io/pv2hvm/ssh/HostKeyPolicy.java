package io.pv2hvm.ssh;

import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.ssh.internal.HostKeyCheck;
import io.pv2hvm.ssh.internal.KnownHostsCheck;
import io.pv2hvm.ssh.internal.PinnedFingerprintCheck;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the server's host key is checked before anything is sent to it. Strict by default: the
 * key must be listed in a known_hosts file or match a pinned fingerprint. Trust-on-first-use is
 * an explicit opt-in, and there is deliberately no "accept any key" policy.
 *
 * <p>A rejected key fails the connection with a {@code TransportException} (not retryable)
 * that names the fingerprint the server presented and the one(s) expected.
 */
public final class HostKeyPolicy {
    private final HostKeyCheck check;

    private HostKeyPolicy(HostKeyCheck check) {
        this.check = check;
    }

    /**
     * Accepts only keys listed for the host in an OpenSSH known_hosts file (plain or hashed host
     * names, {@code [host]:port} entries, {@code @revoked} honoured). An unknown host is refused.
     */
    public static HostKeyPolicy knownHosts(Path knownHostsFile) {
        return new HostKeyPolicy(KnownHostsCheck.strict(Objects.requireNonNull(knownHostsFile, "knownHostsFile")));
    }

    /**
     * Accepts only the key with this SHA-256 fingerprint, as printed by
     * {@code ssh-keygen -l -f key.pub}: {@code SHA256:} followed by unpadded base64 (the prefix
     * may be left out).
     */
    public static HostKeyPolicy pinned(String sha256Fingerprint) {
        Objects.requireNonNull(sha256Fingerprint, "sha256Fingerprint");
        String fp = sha256Fingerprint.strip();
        if (!fp.startsWith("SHA256:")) {
            fp = "SHA256:" + fp;
        }
        if (!fp.matches("SHA256:[A-Za-z0-9+/]{43}=?")) {
            throw new InvalidSpecException("'" + sha256Fingerprint + "' is not a SHA-256 host key fingerprint; "
                    + "expected SHA256: and 43 base64 characters, as printed by ssh-keygen -l -f <host key>.pub.");
        }
        return new HostKeyPolicy(new PinnedFingerprintCheck(fp.endsWith("=") ? fp.substring(0, fp.length() - 1) : fp));
    }

    /**
     * Trust on first use: a host not yet listed in {@code knownHostsFile} is accepted once and its
     * key appended to the file (created if missing); from then on the host is checked strictly,
     * and a changed key is refused like with {@link #knownHosts(Path)}. Use it only where the first
     * connection cannot be intercepted, for example a worker just launched in your own VPC.
     */
    public static HostKeyPolicy trustOnFirstUse(Path knownHostsToAppend) {
        return new HostKeyPolicy(KnownHostsCheck.trustOnFirstUse(
                Objects.requireNonNull(knownHostsToAppend, "knownHostsToAppend")));
    }

    HostKeyCheck check() {
        return check;
    }

    /** Names the policy, for example {@code known_hosts /home/me/.ssh/known_hosts}. */
    @Override
    public String toString() {
        return check.toString();
    }
}
