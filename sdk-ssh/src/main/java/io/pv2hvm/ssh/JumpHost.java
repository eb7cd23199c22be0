package io.pv2hvm.ssh;

import io.pv2hvm.core.InvalidSpecException;

import java.util.Objects;

/**
 * A bastion the connection passes through (OpenSSH's ProxyJump), with its own login and its own
 * host-key check. Immutable; each method returns a changed copy:
 *
 * <pre>{@code
 * JumpHost bastion = JumpHost.at("bastion.example.com")
 *         .user("ec2-user")
 *         .key(SshKey.fromFile(Path.of("bastion_ed25519")))
 *         .hostKeys(HostKeyPolicy.knownHosts(Path.of("known_hosts")));
 * }</pre>
 *
 * <p>The next hop is reached through a direct-tcpip channel of this one (a port forward bound to
 * 127.0.0.1 on this machine), and its host key is checked against its own name and port, not
 * the local forward's.
 */
public final class JumpHost {
    private final String host;
    private final int port;
    private final String user;
    private final SshKey key;
    private final HostKeyPolicy hostKeyPolicy;

    private JumpHost(String host, int port, String user, SshKey key, HostKeyPolicy hostKeyPolicy) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.key = key;
        this.hostKeyPolicy = hostKeyPolicy;
    }

    /** A jump host at {@code host} (name or IP), port 22; user, key and host keys still to set. */
    public static JumpHost at(String host) {
        if (host == null || host.isBlank()) {
            throw new InvalidSpecException("A jump host needs a host name or IP address.");
        }
        return new JumpHost(host.strip(), 22, null, null, null);
    }

    /** The same jump host on another SSH port. */
    public JumpHost port(int port) {
        return new JumpHost(host, SshTransport.checkPort(port), user, key, hostKeyPolicy);
    }

    /** The same jump host, logged into as {@code user}. */
    public JumpHost user(String user) {
        return new JumpHost(host, port, SshTransport.checkUser(user), key, hostKeyPolicy);
    }

    /** The same jump host, logged into with {@code key}. */
    public JumpHost key(SshKey key) {
        return new JumpHost(host, port, user, Objects.requireNonNull(key, "key"), hostKeyPolicy);
    }

    /** The same jump host, with its host key checked by {@code policy}. */
    public JumpHost hostKeys(HostKeyPolicy policy) {
        return new JumpHost(host, port, user, key, Objects.requireNonNull(policy, "policy"));
    }

    /** The host name or IP address. */
    public String host() {
        return host;
    }

    /** The SSH port. */
    public int port() {
        return port;
    }

    /** The login user, or null if not set yet. */
    public String user() {
        return user;
    }

    /** The login key, or null if not set yet. */
    public SshKey key() {
        return key;
    }

    /** The host-key policy, or null if not set yet. */
    public HostKeyPolicy hostKeyPolicy() {
        return hostKeyPolicy;
    }

    /** {@code user@host:port}, for logs. */
    @Override
    public String toString() {
        return (user == null ? "" : user + "@") + host + ":" + port;
    }
}
