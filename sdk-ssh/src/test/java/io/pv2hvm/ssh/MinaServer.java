package io.pv2hvm.ssh;

import io.pv2hvm.ssh.internal.Fingerprint;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded Apache MINA SSH server on a free 127.0.0.1 port: its own host key, public-key
 * login for one user key, commands run by {@link LocalShellCommand} (optionally with a fault),
 * and optionally port forwarding, so it can serve as a jump host.
 */
final class MinaServer implements AutoCloseable {
    private final SshServer server;
    private final KeyPair hostKey;
    /** How many exec channels have run a script containing the drop marker. */
    final AtomicInteger drops = new AtomicInteger();

    private MinaServer(SshServer server, KeyPair hostKey) {
        this.server = server;
        this.hostKey = hostKey;
    }

    /**
     * Starts a server.
     *
     * @param userKey      the only key allowed to log in (any user name)
     * @param forwarding   whether clients may open direct-tcpip channels (jump host)
     * @param dropTimes    how many runs of a script containing {@link LocalShellCommand#DROP_MARKER}
     *                     lose their connection mid-command (later runs complete)
     */
    static MinaServer start(PublicKey userKey, boolean forwarding, int dropTimes) throws Exception {
        KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, userKey));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setForwardingFilter(forwarding ? AcceptAllForwardingFilter.INSTANCE : RejectAllForwardingFilter.INSTANCE);
        MinaServer mina = new MinaServer(server, hostKey);
        server.setCommandFactory((channel, command) -> new LocalShellCommand(command, mina.drops, dropTimes));
        server.start();
        return mina;
    }

    int port() {
        return server.getPort();
    }

    int activeSessions() {
        return server.getActiveSessions().size();
    }

    String fingerprint() {
        return Fingerprint.sha256(hostKey.getPublic());
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
