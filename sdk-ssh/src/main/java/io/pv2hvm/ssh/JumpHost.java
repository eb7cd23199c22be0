package io.pv2hvm.ssh;

import io.pv2hvm.core.InvalidSpecException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A bastion the connection passes through (OpenSSH's ProxyJump), with its own login and its own
 * host-key check. What is not set here comes, as with OpenSSH, from the SSH config file's entry
 * for this host (if the transport reads one: HostName, Port, User, IdentityFile), else from the
 * transport: its user, key (or ssh-agent) and host-key policy. Immutable; each method returns a
 * changed copy:
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
    private final Integer port;
    private final String user;
    private final SshKey key;
    private final HostKeyPolicy hostKeyPolicy;

    private JumpHost(String host, Integer port, String user, SshKey key, HostKeyPolicy hostKeyPolicy) {
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
        return new JumpHost(host.strip(), null, null, null, null);
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

    /** The SSH port: the one set, else 22 (a config file's Port, if any, applies when none was set). */
    public int port() {
        return port != null ? port : 22;
    }

    /** The port set with {@link #port(int)}, or null. */
    Integer explicitPort() {
        return port;
    }

    /**
     * The jump hosts of an OpenSSH ProxyJump value: {@code [user@]host[:port]} (or
     * {@code ssh://[user@]host[:port]}, and {@code [v6-address]:port}), comma-separated, in order
     * from this machine towards the worker. User, key and host keys not given come as described
     * in the class comment.
     *
     * @throws InvalidSpecException naming the part that is not a jump host
     */
    public static List<JumpHost> parse(String proxyJump) {
        if (proxyJump == null || proxyJump.isBlank()) {
            throw new InvalidSpecException("A jump host list is empty; expected [user@]host[:port][,...].");
        }
        List<JumpHost> chain = new ArrayList<>();
        for (String part : proxyJump.split(",", -1)) {
            chain.add(parseOne(part.strip(), proxyJump));
        }
        return List.copyOf(chain);
    }

    private static JumpHost parseOne(String part, String whole) {
        String rest = part.startsWith("ssh://") ? part.substring(6) : part;
        String user = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            user = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        String host = rest;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            host = close > 0 ? rest.substring(1, close) : "";
            port = close > 0 && rest.length() > close + 1 && rest.charAt(close + 1) == ':' ? rest.substring(close + 2)
                    : close > 0 && rest.length() == close + 1 ? null : "";
        } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
            host = rest.substring(0, rest.indexOf(':'));
            port = rest.substring(rest.indexOf(':') + 1);
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace) || (user != null && user.isBlank())
                || (port != null && (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1
                || Integer.parseInt(port) > 65535))) {
            throw new InvalidSpecException("'" + part + "' in jump host list '" + whole + "' is not a jump host;"
                    + " expected [user@]host[:port], e.g. ec2-user@bastion.example.com:22.");
        }
        JumpHost j = at(host);
        if (user != null) {
            j = j.user(user);
        }
        return port == null ? j : j.port(Integer.parseInt(port));
    }

    /** The login user, or null if not set. */
    public String user() {
        return user;
    }

    /** The login key, or null if not set. */
    public SshKey key() {
        return key;
    }

    /** The host-key policy, or null if not set. */
    public HostKeyPolicy hostKeyPolicy() {
        return hostKeyPolicy;
    }

    /** {@code user@host:port}, for logs. */
    @Override
    public String toString() {
        return (user == null ? "" : user + "@") + host + ":" + port();
    }
}
