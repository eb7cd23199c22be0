package io.pv2hvm.ssh.internal;

import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A client of a running ssh-agent (OpenSSH's {@code SSH_AUTH_SOCK}) over a Java 16+ unix domain
 * socket. MINA's own {@code UnixAgentFactory} needs tomcat-jni's native APR library; the agent
 * protocol itself (MINA's {@link AbstractAgentProxy}) only needs a byte stream, which the JDK has.
 */
public final class UnixSocketAgent extends AbstractAgentProxy {
    /** OpenSSH's own client limit on an agent reply (authfd.c, MAX_AGENT_REPLY_LEN). */
    private static final int MAX_MESSAGE = 256 * 1024;

    private final Path socket;
    private final SocketChannel channel;

    private UnixSocketAgent(Path socket, SocketChannel channel) {
        super(null);
        this.socket = socket;
        this.channel = channel;
    }

    /** Connects to the agent listening on {@code socket}. */
    public static UnixSocketAgent connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("Cannot reach ssh-agent at " + socket + " (" + e.getMessage() + ")", e);
        }
        return new UnixSocketAgent(socket, channel);
    }

    /** Sends one request (already length-prefixed by {@link #prepare}) and reads its answer. */
    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteBuffer length = readFully(4);
        int size = length.getInt(0);
        if (size <= 0 || size > MAX_MESSAGE) {
            throw new IOException("ssh-agent at " + socket + " sent a malformed answer (length " + size + ")");
        }
        return new ByteArrayBuffer(readFully(size).array());
    }

    private ByteBuffer readFully(int size) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(size);
        while (in.hasRemaining()) {
            if (channel.read(in) < 0) {
                throw new EOFException("ssh-agent at " + socket + " closed the connection");
            }
        }
        return in;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "ssh-agent " + socket;
    }
}
