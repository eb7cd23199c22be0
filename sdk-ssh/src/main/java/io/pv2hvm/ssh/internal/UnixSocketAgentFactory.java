package io.pv2hvm.ssh.internal;

import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Gives MINA's public-key login the keys of the ssh-agent at one socket; no agent forwarding. */
public final class UnixSocketAgentFactory implements SshAgentFactory {
    private final Path socket;

    public UnixSocketAgentFactory(Path socket) {
        this.socket = socket;
    }

    @Override
    public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
        return List.of();
    }

    @Override
    public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
        return UnixSocketAgent.connect(socket);
    }

    @Override
    public SshAgentServer createServer(ConnectionService service) {
        throw new UnsupportedOperationException("pv2hvm does not forward its ssh-agent to workers");
    }
}
