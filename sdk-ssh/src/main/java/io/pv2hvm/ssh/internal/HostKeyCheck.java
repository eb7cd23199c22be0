package io.pv2hvm.ssh.internal;

import java.security.PublicKey;
import java.util.Optional;

/** Decides whether a server's host key is the one expected for a host and port. */
public interface HostKeyCheck {

    /**
     * Checks the key {@code presented} by {@code host:port}.
     *
     * @return empty when the key is accepted, otherwise why it is not, naming the fingerprint
     *         presented and the one(s) expected
     */
    Optional<String> rejection(String host, int port, PublicKey presented);
}
