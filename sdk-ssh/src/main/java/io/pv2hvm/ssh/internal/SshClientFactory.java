package io.pv2hvm.ssh.internal;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Creates the MINA client a transport uses: public-key login only, with only the keys given to
 * it (never ~/.ssh identities; ~/.ssh/config only as the transport resolved it) and the
 * ssh-agent if one was chosen, every host key checked by {@link HostKeyVerifier}, no weak
 * algorithms unless asked for ({@link Algorithms}), and keepalives.
 */
public final class SshClientFactory {
    private SshClientFactory() {
    }

    /** A started client; {@code agentSocket} is null for no ssh-agent. */
    public static SshClient create(Duration connectTimeout, Duration keepAliveInterval, int keepAliveMaxUnanswered,
                                   boolean legacyAlgorithms, Path agentSocket) {
        SshClient client = SshClient.setUpDefaultClient();
        Algorithms.apply(client, legacyAlgorithms);
        if (agentSocket != null) {
            client.setAgentFactory(new UnixSocketAgentFactory(agentSocket));
        }
        client.setServerKeyVerifier(new HostKeyVerifier());
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, connectTimeout);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, keepAliveInterval);
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, keepAliveInterval);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, keepAliveMaxUnanswered);
        client.start();
        return client;
    }
}
