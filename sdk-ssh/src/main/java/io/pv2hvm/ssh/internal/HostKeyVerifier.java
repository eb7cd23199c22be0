package io.pv2hvm.ssh.internal;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Optional;

/**
 * The client-wide MINA verifier. It checks each session against the {@link Hop} it was opened
 * for (carried in the connection context), so a hop reached through a local port forward is
 * checked by its own name and port. A session without a hop is refused: there is no blind accept.
 */
public final class HostKeyVerifier implements ServerKeyVerifier {
    /** The connection-context attribute holding the hop a session was opened for. */
    public static final AttributeRepository.AttributeKey<Hop.Attempt> ATTEMPT = new AttributeRepository.AttributeKey<>();

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        AttributeRepository context = session.getConnectionContext();
        Hop.Attempt attempt = context == null ? null : context.getAttribute(ATTEMPT);
        if (attempt == null) {
            return false;
        }
        Optional<String> rejection = attempt.hop().hostKeyCheck()
                .rejection(attempt.hop().host(), attempt.hop().port(), serverKey);
        rejection.ifPresent(attempt::reject);
        return rejection.isEmpty();
    }
}
