package io.pv2hvm.ssh.internal;

import io.pv2hvm.core.TransportException;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An authenticated SSH session to the last of a chain of hops, each reached through a port
 * forward of the one before. Closing it closes every session and forward, target first.
 */
public final class SshConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SshConnection.class);

    private final List<AutoCloseable> openedInOrder;
    private final ClientSession target;

    private SshConnection(List<AutoCloseable> openedInOrder, ClientSession target) {
        this.openedInOrder = openedInOrder;
        this.target = target;
    }

    /**
     * Connects and authenticates to every hop in turn.
     *
     * @param legacyAlgorithms whether the client allows weak algorithms (only to word a failed negotiation)
     *
     * @throws TransportException retryable for network failures and handshake timeouts, not
     *                            retryable for a refused host key or login
     */
    public static SshConnection open(SshClient client, List<Hop> hops, Duration connectTimeout, Duration authTimeout,
                                     boolean legacyAlgorithms) {
        List<AutoCloseable> opened = new ArrayList<>();
        ClientSession previous = null;
        Hop previousHop = null;
        try {
            for (Hop hop : hops) {
                List<KeyPair> keys = hop.keys().get();
                SocketAddress address;
                if (previous == null) {
                    InetSocketAddress resolved = new InetSocketAddress(hop.host(), hop.port());
                    if (resolved.isUnresolved()) {
                        throw new TransportException("Cannot resolve the host name of " + hop + ".", null, true);
                    }
                    address = resolved;
                } else {
                    ExplicitPortForwardingTracker forward = forward(previous, previousHop, hop);
                    opened.add(forward);
                    address = forward.getBoundAddress().toInetSocketAddress();
                }
                String via = previousHop == null ? "" : " (via " + previousHop + ")";
                ClientSession session = connect(client, hop, keys, address, via, connectTimeout, authTimeout,
                        legacyAlgorithms);
                opened.add(session);
                previous = session;
                previousHop = hop;
            }
            return new SshConnection(opened, previous);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static ExplicitPortForwardingTracker forward(ClientSession jump, Hop jumpHop, Hop next) {
        try {
            return jump.createLocalPortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress(next.host(), next.port()));
        } catch (IOException | RuntimeException e) {
            throw new TransportException("Jump host " + jumpHop + " refused to forward to " + next.host() + ":"
                    + next.port() + ": " + e.getMessage(), e, !jump.isOpen());
        }
    }

    private static ClientSession connect(SshClient client, Hop hop, List<KeyPair> keys, SocketAddress address, String via,
                                         Duration connectTimeout, Duration authTimeout, boolean legacyAlgorithms) {
        Hop.Attempt attempt = new Hop.Attempt(hop);
        AttributeRepository context = AttributeRepository.ofKeyValuePair(HostKeyVerifier.ATTEMPT, attempt);
        String where = hop + via;
        ClientSession session = null;
        try {
            ConnectFuture connecting = client.connect(hop.user(), address, context, null);
            if (!connecting.await(connectTimeout)) {
                connecting.cancel();
                throw new TransportException("Could not connect to " + where + " within " + connectTimeout
                        + " (no TCP connection: host down, wrong address or port, or a firewall/security group).",
                        null, true);
            }
            if (!connecting.isConnected()) {
                Throwable cause = connecting.getException();
                throw new TransportException("Could not connect to " + where + ": " + messageOf(cause), cause, true);
            }
            session = connecting.getSession();
            keys.forEach(session::addPublicKeyIdentity);
            AuthFuture auth = session.auth();
            boolean done = auth.await(authTimeout);
            if (attempt.rejection() != null) {
                throw new TransportException(attempt.rejection());
            }
            if (!done) {
                throw new TransportException("SSH handshake and login with " + where + " did not complete within "
                        + authTimeout + " (the server accepted the TCP connection but did not answer in time).",
                        null, true);
            }
            if (auth.isSuccess()) {
                LOG.debug("Authenticated to {} with {}", where, hop.keySource());
                return session;
            }
            Throwable cause = auth.getException();
            if (Algorithms.isNegotiationFailure(messageOf(cause))) {
                throw new TransportException(negotiationFailure(where, messageOf(cause), legacyAlgorithms));
            }
            if (messageOf(cause).toLowerCase(Locale.ROOT).contains("authentication")) {
                String fingerprints = keys.stream().map(k -> Fingerprint.describe(k.getPublic()))
                        .collect(Collectors.joining(", "));
                throw new TransportException("SSH server " + where + " refused the login of user '" + hop.user()
                        + "' with " + (keys.isEmpty() ? "" : "key " + fingerprints + " ") + "(" + hop.keySource()
                        + "). Check that this public key is in the user's authorized_keys on that host.");
            }
            throw new TransportException("SSH connection to " + where + " failed during the handshake: "
                    + messageOf(cause), cause, true);
        } catch (IOException e) {
            if (attempt.rejection() != null) {
                throw new TransportException(attempt.rejection());
            }
            if (Algorithms.isNegotiationFailure(messageOf(e))) {
                throw new TransportException(negotiationFailure(where, messageOf(e), legacyAlgorithms));
            }
            throw new TransportException("SSH connection to " + where + " failed: " + messageOf(e), e, true);
        } catch (RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            if (attempt.rejection() != null && !(e instanceof TransportException)) {
                throw new TransportException(attempt.rejection());
            }
            throw e;
        } finally {
            if (session != null && !session.isAuthenticated()) {
                session.close(true);
            }
        }
    }

    private static String negotiationFailure(String where, String detail, boolean legacyAlgorithms) {
        if (legacyAlgorithms) {
            return "SSH server " + where + " and pv2hvm have no algorithm in common, even with legacy algorithms"
                    + " allowed (" + detail + ").";
        }
        return "SSH server " + where + " offers only algorithms pv2hvm refuses as weak (" + detail + "). Upgrade"
                + " its sshd; if this host must stay as it is, allow them for it with"
                + " SshTransport.Builder.legacyAlgorithms(true) (CLI: --ssh-legacy-algorithms).";
    }

    private static String messageOf(Throwable t) {
        if (t == null) {
            return "connection closed";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** The session to the final hop. */
    public ClientSession target() {
        return target;
    }

    /** Whether every session in the chain is still open. */
    public boolean isOpen() {
        for (AutoCloseable c : openedInOrder) {
            if (c instanceof ClientSession s && (!s.isOpen() || s.isClosing())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closeAll(openedInOrder);
    }

    private static void closeAll(List<AutoCloseable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            AutoCloseable c = opened.get(i);
            try {
                if (c instanceof ClientSession s) {
                    s.close(false).await(Duration.ofSeconds(5));
                } else {
                    c.close();
                }
            } catch (Exception e) {
                LOG.debug("Ignoring an error while closing {}: {}", c, e.toString());
            }
        }
    }
}
