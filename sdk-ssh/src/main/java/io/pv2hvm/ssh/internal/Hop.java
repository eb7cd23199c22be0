package io.pv2hvm.ssh.internal;

import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One SSH server on the way to the worker (a jump host, or the worker itself): where it is,
 * how to log in, and how its host key is checked.
 *
 * @param host         the name or address as the user gave it (and as known_hosts lists it)
 * @param port         the SSH port
 * @param user         the login user
 * @param keys         reads the private keys when connecting (may be empty when an ssh-agent has them)
 * @param keySource    where the keys come from, for messages
 * @param hostKeyCheck the host-key check for this hop
 */
public record Hop(String host, int port, String user, Supplier<List<KeyPair>> keys, String keySource,
                  HostKeyCheck hostKeyCheck) {

    /** {@code user@host:port}. */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }

    /** One connection attempt to a hop; records why the host key was refused, if it was. */
    public static final class Attempt {
        private final Hop hop;
        private final AtomicReference<String> rejection = new AtomicReference<>();

        Attempt(Hop hop) {
            this.hop = hop;
        }

        /** The hop being connected to. */
        public Hop hop() {
            return hop;
        }

        void reject(String why) {
            rejection.compareAndSet(null, why);
        }

        /** Why the host key was refused, or null. */
        String rejection() {
            return rejection.get();
        }
    }
}
