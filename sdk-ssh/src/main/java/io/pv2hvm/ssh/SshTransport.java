package io.pv2hvm.ssh;

import io.pv2hvm.core.CommandFailedException;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.core.spi.Sleeper;
import io.pv2hvm.ssh.internal.ChannelRun;
import io.pv2hvm.ssh.internal.Hop;
import io.pv2hvm.core.spi.OutputCapture;
import io.pv2hvm.ssh.internal.RemoteShell;
import io.pv2hvm.ssh.internal.SshClientFactory;
import io.pv2hvm.ssh.internal.SshConnection;
import org.apache.sshd.client.SshClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs worker commands over SSH (Apache MINA SSHD): public-key login (a key, the IdentityFiles of
 * an OpenSSH config file, or an ssh-agent), strict host-key checking, optional jump hosts (set
 * here or the config's ProxyJump), keepalive, timeouts on every step, streamed output and
 * {@code sudo -n} when the user is not root. Weak algorithms (CBC ciphers, hmac-sha1, ssh-rsa
 * SHA-1 signatures, SHA-1 key exchanges) are not offered unless
 * {@link Builder#legacyAlgorithms(boolean)} allows them.
 *
 * <pre>{@code
 * try (SshTransport ssh = SshTransport.builder()
 *         .host("10.0.1.5")
 *         .user("admin")
 *         .key(SshKey.fromFile(Path.of("worker_ed25519")).withPassphrase(passphrase))
 *         .hostKeys(HostKeyPolicy.knownHosts(Path.of("known_hosts")))
 *         .build()) {
 *     ssh.exec(Command.of("lsblk", "-J"), line -> System.out.println(line.text()));
 * }
 * }</pre>
 *
 * <p>As OpenSSH users have it: {@code SshTransport.builder().host("worker").sshConfig(home.resolve(".ssh/config"))
 * .agentFromEnvironment().hostKeys(HostKeyPolicy.knownHosts(home.resolve(".ssh/known_hosts")))} takes
 * HostName, User, Port, IdentityFile and ProxyJump from the config; what the builder sets wins.
 *
 * <p>The connection is opened on first use and re-opened if it was lost. Each command is sent as
 * a script on the channel's standard input, so environment values never appear in a command
 * line, a log or an exception; the script runs the command under the worker's
 * {@code timeout}, so it is killed there when its time is up. When the caller's thread is
 * interrupted, or the client gives up waiting, the command is sent SIGTERM (OpenSSH honours
 * this for non-root logins only) and its channel closed.
 *
 * <p>The login shell on the worker must understand POSIX {@code sh} quoting (bash, dash, zsh,
 * sh; not csh or fish), and the worker needs coreutils ({@code timeout}, {@code mktemp},
 * {@code wc}, {@code mv}); without {@code timeout} a timed-out command is only cut off from
 * its channel.
 *
 * <p>Failures: a refused host key or login is a non-retryable {@link TransportException}. A
 * connection that cannot be made is retryable (nothing was sent). A connection lost while a
 * command runs is retryable only if the command is {@link Command#idempotent() idempotent};
 * otherwise the message says the command may or may not have completed. A command that runs
 * past its timeout is a non-retryable {@link TransportException} naming the command. Uploads are
 * atomic (temporary file, size check, rename) and therefore always retryable.
 *
 * <p>Thread-safe: commands from several threads share the connection, each on its own channel.
 */
public final class SshTransport implements CommandTransport {
    private static final Logger LOG = LoggerFactory.getLogger(SshTransport.class);
    /** Extra time the client waits past a command's timeout for the worker's own timeout to act. */
    private static final Duration CLIENT_GRACE = RemoteShell.KILL_AFTER.plusSeconds(2);
    private static final Duration SUDO_CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Map<String, Integer> SIGNALS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
            Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("ABRT", 6), Map.entry("FPE", 8), Map.entry("KILL", 9),
            Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13),
            Map.entry("ALRM", 14), Map.entry("TERM", 15));

    private final Builder config;
    private final List<Hop> hops;
    private final boolean sudo;
    private final String description;
    private final AtomicLong runs = new AtomicLong();
    private final Object lock = new Object();
    private SshClient client;
    private SshConnection connection;
    private boolean closed;

    private SshTransport(Builder config, List<Hop> hops) {
        this.config = config;
        this.hops = hops;
        Hop target = hops.get(hops.size() - 1);
        this.sudo = config.sudo != null ? config.sudo : !"root".equals(target.user());
        List<Hop> jumps = hops.subList(0, hops.size() - 1);
        this.description = "ssh " + target.user() + "@" + target.host() + (target.port() == 22 ? "" : ":" + target.port())
                + (jumps.isEmpty() ? "" : " via " + jumps.stream().map(Hop::toString).collect(Collectors.joining(", ")));
    }

    /** A builder with the defaults: port 22, strict host keys (none chosen yet), no jump hosts. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder with this transport's settings, for example to reach another host the same way. */
    public Builder toBuilder() {
        return config;
    }

    @Override
    public CommandResult exec(Command command, Consumer<OutputLine> output) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(output, "output");
        for (int attempt = 1; ; attempt++) {
            try {
                return execOnce(command, output);
            } catch (TransportException e) {
                if (!e.retryable() || !command.idempotent() || attempt > config.reconnectAttempts) {
                    throw e;
                }
                LOG.warn("{} (attempt {} of {}); reconnecting and running it again in {}", e.getMessage(), attempt,
                        config.reconnectAttempts + 1, config.reconnectDelay);
                pause(config.reconnectDelay);
            }
        }
    }

    private CommandResult execOnce(Command command, Consumer<OutputLine> output) {
        SshConnection conn = connection();
        LOG.debug("Running on {}: {}", description, command);
        OutputCapture capture = new OutputCapture(output);
        byte[] script = RemoteShell.execScript(command);
        ChannelRun.Outcome outcome = ChannelRun.run(conn.target(), RemoteShell.execLine(sudo), out -> out.write(script),
                capture, config.connectTimeout, command.timeout().plus(CLIENT_GRACE), threadName(), config.clock);
        if (capture.consumerFailure() != null) {
            throw capture.consumerFailure();
        }
        if (outcome.interrupted()) {
            throw new TransportException("Interrupted while running on " + description + "; the command was sent"
                    + " SIGTERM and its channel closed: " + command, null, false);
        }
        boolean killedByWorkerTimeout = outcome.exitStatus() != null
                && (outcome.exitStatus() == 124 || outcome.exitStatus() == 137)
                && outcome.took().compareTo(command.timeout()) >= 0;
        if (outcome.timedOut() || killedByWorkerTimeout) {
            throw new TransportException("Command timed out after " + command.timeout() + " on " + description
                    + " and was stopped (the worker's timeout kills it and its children): " + command, null, false);
        }
        if (outcome.finished()) {
            int exit = outcome.exitStatus() != null ? outcome.exitStatus()
                    : 128 + SIGNALS.getOrDefault(outcome.exitSignal(), 0);
            LOG.debug("Finished on {} with status {} in {}: {}", description, exit, outcome.took(), command);
            return capture.result(exit, outcome.took());
        }
        forget(conn);
        if (!outcome.started()) {
            throw new TransportException("Could not open a channel for a command on " + description + cause(outcome)
                    + "; nothing was run, so it can be retried: " + command, outcome.failure(), true);
        }
        if (command.idempotent()) {
            throw new TransportException("Connection to " + description + " was lost while running an idempotent"
                    + " command; it is safe to run it again: " + command + cause(outcome), outcome.failure(), true);
        }
        throw new TransportException("Connection to " + description + " was lost while running a command marked"
                + " not idempotent, so pv2hvm will not run it again: it may or may not have completed on the worker."
                + " Check the worker before retrying: " + command + cause(outcome), outcome.failure(), false);
    }

    @Override
    public void upload(byte[] content, String remotePath, int mode) {
        Objects.requireNonNull(content, "content");
        upload(out -> out.write(content), content.length, remotePath, mode);
    }

    /** Streams the file to the worker instead of reading it into memory. */
    @Override
    public void upload(Path localFile, String remotePath, int mode) {
        long size;
        try {
            size = Files.size(localFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + localFile, e);
        }
        upload(out -> Files.copy(localFile, out), size, remotePath, mode);
    }

    private void upload(ChannelRun.Stdin content, long size, String remotePath, int mode) {
        if (remotePath == null || remotePath.isBlank() || remotePath.indexOf('\0') >= 0 || remotePath.endsWith("/")) {
            throw new InvalidSpecException("'" + remotePath + "' is not a file path to upload to.");
        }
        String what = "Upload of " + size + " bytes to " + remotePath + " on " + description;
        for (int attempt = 1; ; attempt++) {
            try {
                uploadOnce(content, size, remotePath, mode, what);
                return;
            } catch (TransportException e) {
                if (!e.retryable() || attempt > config.reconnectAttempts) {
                    throw e;
                }
                LOG.warn("{} (attempt {} of {}); reconnecting and uploading again in {}", e.getMessage(), attempt,
                        config.reconnectAttempts + 1, config.reconnectDelay);
                pause(config.reconnectDelay);
            }
        }
    }

    private void uploadOnce(ChannelRun.Stdin content, long size, String remotePath, int mode, String what) {
        SshConnection conn = connection();
        LOG.debug("{} (mode {})", what, Integer.toOctalString(mode & 07777));
        OutputCapture capture = new OutputCapture(line -> { });
        ChannelRun.Outcome outcome = ChannelRun.run(conn.target(), RemoteShell.uploadLine(remotePath, mode, size, sudo),
                content, capture, config.connectTimeout, config.uploadTimeout, threadName(), config.clock);
        if (outcome.interrupted()) {
            throw new TransportException("Interrupted: " + what + "; the target was left unchanged.", null, false);
        }
        if (outcome.timedOut()) {
            throw new TransportException(what + " timed out after " + config.uploadTimeout
                    + "; its channel was closed and the target left unchanged.", null, true);
        }
        if (outcome.exitStatus() != null && outcome.exitStatus() == 0) {
            return;
        }
        if (outcome.finished()) {
            int exit = outcome.exitStatus() != null ? outcome.exitStatus() : 128;
            throw new CommandFailedException(what, exit, capture.stderr());
        }
        forget(conn);
        throw new TransportException(what + " failed: the connection was lost; the target was left unchanged and"
                + " the upload can be repeated" + cause(outcome), outcome.failure(), true);
    }

    @Override
    public String describe() {
        return description;
    }

    /** Closes the connection and its jump-host sessions. The transport cannot be used afterwards. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (connection != null) {
                connection.close();
                connection = null;
            }
            if (client != null) {
                client.stop();
                client = null;
            }
        }
    }

    /** The transport's target, for logs; never a key or passphrase. */
    @Override
    public String toString() {
        return "SshTransport[" + description + ", host keys: " + config.hostKeyPolicy + "]";
    }

    private SshConnection connection() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("This SshTransport to " + description + " is closed.");
            }
            if (connection != null && connection.isOpen()) {
                return connection;
            }
            if (connection != null) {
                connection.close();
                connection = null;
            }
            if (client == null) {
                client = SshClientFactory.create(config.connectTimeout, config.keepAliveInterval,
                        config.keepAliveMaxUnanswered, config.legacyAlgorithms, config.agentSocket);
            }
            SshConnection opened = SshConnection.open(client, hops, config.connectTimeout, config.authTimeout,
                    config.legacyAlgorithms);
            if (sudo) {
                checkSudo(opened);
            }
            LOG.info("Connected to {}", description);
            connection = opened;
            return opened;
        }
    }

    private void checkSudo(SshConnection opened) {
        OutputCapture capture = new OutputCapture(line -> { });
        ChannelRun.Outcome outcome = ChannelRun.run(opened.target(), "sudo -n true", out -> { }, capture,
                config.connectTimeout, SUDO_CHECK_TIMEOUT, threadName(), config.clock);
        if (outcome.exitStatus() != null && outcome.exitStatus() == 0) {
            return;
        }
        opened.close();
        if (!outcome.finished()) {
            throw new TransportException("Could not check sudo on " + description + ": the connection was lost"
                    + cause(outcome), outcome.failure(), true);
        }
        throw new TransportException("User '" + hops.get(hops.size() - 1).user() + "' cannot run 'sudo -n' on " + description + " (exit "
                + outcome.exitStatus() + ": " + capture.stderr().strip() + "). Grant it passwordless sudo (NOPASSWD),"
                + " log in as root, or turn sudo off with sudo(false) if the commands need no root rights.");
    }

    /** Drops a connection whose session died, so the next call opens a new one. */
    private void forget(SshConnection lost) {
        synchronized (lock) {
            if (lost.isOpen()) {
                // Only the channel ended; other commands may still be using the session.
                return;
            }
            lost.close();
            if (connection == lost) {
                connection = null;
            }
        }
    }

    private String threadName() {
        return config.host + "-" + runs.incrementAndGet();
    }

    private static String cause(ChannelRun.Outcome outcome) {
        Throwable t = outcome.failure();
        return t == null || t.getMessage() == null ? "" : " (" + t.getMessage() + ")";
    }

    /** Waits through the builder's sleeper, so a test's fake one takes no real time. */
    private void pause(Duration d) {
        try {
            config.sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("Interrupted while waiting to reconnect", e, false);
        }
    }

    static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidSpecException("SSH port " + port + " is out of range 1-65535.");
        }
        return port;
    }

    static String checkUser(String user) {
        if (user == null || user.isBlank() || user.chars().anyMatch(c -> Character.isWhitespace(c) || c == '@')) {
            throw new InvalidSpecException("'" + user + "' is not a valid SSH user name.");
        }
        return user;
    }

    private static Duration checkPositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new InvalidSpecException("The SSH " + what + " must be positive; got " + d + ".");
        }
        return d;
    }

    /**
     * Settings for an {@link SshTransport}. Immutable: every method returns a new builder, so a
     * partly filled builder (user, key, host-key policy) can be kept and completed later with a
     * host known only at run time, for example a worker's private IP:
     *
     * <pre>{@code
     * SshTransport.Builder workers = SshTransport.builder().user("admin").key(key).hostKeys(policy);
     * // later, once the worker is up
     * CommandTransport worker = workers.host(privateIp).build();
     * }</pre>
     *
     * <p>Defaults: port 22 (or the SSH config's), no SSH config file, no ssh-agent, no legacy
     * algorithms, connect timeout 10 s, handshake-and-login timeout 30 s, keepalive every
     * 15 s (the connection is dropped after 3 unanswered), upload timeout 10 min, sudo when the
     * user is not root, no automatic reconnect-and-retry.
     */
    public static final class Builder {
        private String host;
        private Integer port;
        private String user;
        private SshKey key;
        private HostKeyPolicy hostKeyPolicy;
        private List<JumpHost> jumpHosts;
        private Path configFile;
        private Path agentSocket;
        private PassphrasePrompt passphrases;
        private boolean legacyAlgorithms;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration authTimeout = Duration.ofSeconds(30);
        private Duration keepAliveInterval = Duration.ofSeconds(15);
        private int keepAliveMaxUnanswered = 3;
        private Duration uploadTimeout = Duration.ofMinutes(10);
        private Boolean sudo;
        private int reconnectAttempts;
        private Duration reconnectDelay = Duration.ofSeconds(2);
        private Sleeper sleeper = Sleeper.system();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.host = host;
            b.port = port;
            b.user = user;
            b.key = key;
            b.hostKeyPolicy = hostKeyPolicy;
            b.jumpHosts = jumpHosts;
            b.configFile = configFile;
            b.agentSocket = agentSocket;
            b.passphrases = passphrases;
            b.legacyAlgorithms = legacyAlgorithms;
            b.connectTimeout = connectTimeout;
            b.authTimeout = authTimeout;
            b.keepAliveInterval = keepAliveInterval;
            b.keepAliveMaxUnanswered = keepAliveMaxUnanswered;
            b.uploadTimeout = uploadTimeout;
            b.sudo = sudo;
            b.reconnectAttempts = reconnectAttempts;
            b.reconnectDelay = reconnectDelay;
            return b;
        }

        /** The worker's host name or IP address (as listed in known_hosts, if that policy is used). */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new InvalidSpecException("An SSH host name or IP address is required.");
            }
            Builder b = copy();
            b.host = host.strip();
            return b;
        }

        /** The worker's SSH port (default: the SSH config's Port for the host, else 22). */
        public Builder port(int port) {
            Builder b = copy();
            b.port = checkPort(port);
            return b;
        }

        /**
         * The login user (default: the SSH config's User for the host). Commands run through
         * {@code sudo -n} unless it is {@code root}.
         */
        public Builder user(String user) {
            Builder b = copy();
            b.user = checkUser(user);
            return b;
        }

        /**
         * The private key to log in with. Optional when the SSH config names an IdentityFile for
         * the host or an ssh-agent is used; when set, the config's IdentityFiles are not read.
         */
        public Builder key(SshKey key) {
            Builder b = copy();
            b.key = Objects.requireNonNull(key, "key");
            return b;
        }

        /** How the worker's host key is checked. Required: there is no implicit default. */
        public Builder hostKeys(HostKeyPolicy policy) {
            Builder b = copy();
            b.hostKeyPolicy = Objects.requireNonNull(policy, "policy");
            return b;
        }

        /**
         * Jump hosts to pass through, in order from this machine towards the worker (replaces any
         * set before, and the SSH config's ProxyJump; none given means none). See
         * {@link JumpHost#parse(String)} for OpenSSH's {@code -J} syntax.
         */
        public Builder jumpHosts(JumpHost... chain) {
            Builder b = copy();
            b.jumpHosts = List.copyOf(Arrays.asList(chain));
            return b;
        }

        /**
         * Reads an OpenSSH client config file ({@code ~/.ssh/config} or another) with MINA's own
         * resolver: Host patterns, HostName, User, Port, IdentityFile and ProxyJump apply to the
         * worker and to each jump host, and a value set on this builder (or the {@link JumpHost})
         * wins over the file's. Off by default: an embedded SDK reads no file it was not pointed
         * at. Known hosts are checked under the HostName, as OpenSSH does. The file must not be
         * writable by others (as for OpenSSH); it is read when the transport is built.
         */
        public Builder sshConfig(Path configFile) {
            Builder b = copy();
            b.configFile = Objects.requireNonNull(configFile, "configFile");
            return b;
        }

        /**
         * Also offers the keys of the ssh-agent listening on {@code socket} (tried before the
         * key files, as OpenSSH does); the private keys never leave the agent. The agent is not
         * forwarded to the worker.
         */
        public Builder agent(Path socket) {
            Builder b = copy();
            b.agentSocket = Objects.requireNonNull(socket, "socket");
            return b;
        }

        /**
         * {@link #agent(Path)} with the socket in {@code SSH_AUTH_SOCK}.
         *
         * @throws InvalidSpecException if {@code SSH_AUTH_SOCK} is not set
         */
        public Builder agentFromEnvironment() {
            String socket = System.getenv("SSH_AUTH_SOCK");
            if (socket == null || socket.isBlank()) {
                throw new InvalidSpecException("SSH_AUTH_SOCK is not set, so there is no ssh-agent to use. Start one"
                        + " (eval $(ssh-agent); ssh-add KEY) or give a key instead.");
            }
            return agent(Path.of(socket));
        }

        /**
         * Asked for the passphrase of an encrypted key that has none (the {@link #key(SshKey)}
         * or an IdentityFile of the SSH config) when connecting.
         */
        public Builder passphrases(PassphrasePrompt prompt) {
            Builder b = copy();
            b.passphrases = Objects.requireNonNull(prompt, "prompt");
            return b;
        }

        /**
         * Whether weak algorithms are offered too, after the strong ones: CBC ciphers, hmac-sha1,
         * ssh-rsa (SHA-1) signatures and the SHA-1 Diffie-Hellman key exchanges. Off by default;
         * a server offering nothing else is then refused with a message naming this option. Turn
         * it on only for a host that cannot be upgraded.
         */
        public Builder legacyAlgorithms(boolean allowed) {
            Builder b = copy();
            b.legacyAlgorithms = allowed;
            return b;
        }

        /** How long opening a TCP connection (and a channel) may take. */
        public Builder connectTimeout(Duration timeout) {
            Builder b = copy();
            b.connectTimeout = checkPositive(timeout, "connect timeout");
            return b;
        }

        /** How long the SSH handshake (key exchange, host-key check) and login may take. */
        public Builder authTimeout(Duration timeout) {
            Builder b = copy();
            b.authTimeout = checkPositive(timeout, "auth timeout");
            return b;
        }

        /**
         * Sends a keepalive every {@code interval} and drops the connection after
         * {@code maxUnanswered} keepalives without an answer, so a dead network path is noticed
         * during a long silent command.
         */
        public Builder keepAlive(Duration interval, int maxUnanswered) {
            if (maxUnanswered < 1) {
                throw new InvalidSpecException("maxUnanswered keepalives must be at least 1; got " + maxUnanswered + ".");
            }
            Builder b = copy();
            b.keepAliveInterval = checkPositive(interval, "keepalive interval");
            b.keepAliveMaxUnanswered = maxUnanswered;
            return b;
        }

        /** How long one upload may take. */
        public Builder uploadTimeout(Duration timeout) {
            Builder b = copy();
            b.uploadTimeout = checkPositive(timeout, "upload timeout");
            return b;
        }

        /**
         * Whether commands and uploads go through {@code sudo -n}; by default they do when the
         * user is not root. With sudo, the first connection checks that {@code sudo -n true} works
         * and fails with a clear message if it needs a password.
         */
        public Builder sudo(boolean sudo) {
            Builder b = copy();
            b.sudo = sudo;
            b.sleeper = sleeper;
            b.clock = clock;
            return b;
        }

        /**
         * Built-in retry for a lost connection, off by default: an idempotent command or an upload
         * whose connection fails or drops is run again on a new connection up to {@code attempts}
         * more times, {@code delay} apart. A command not marked idempotent is never re-run. The
         * output consumer then sees the lines of the lost attempt, then those of the new one.
         * Use this or the engine's step retry policy, not both, or retries multiply.
         */
        public Builder reconnectAndRetry(int attempts, Duration delay) {
            if (attempts < 0) {
                throw new InvalidSpecException("Reconnect attempts cannot be negative; got " + attempts + ".");
            }
            Builder b = copy();
            b.reconnectAttempts = attempts;
            b.reconnectDelay = delay == null || delay.isNegative() ? Duration.ZERO : delay;
            return b;
        }

        /**
         * The sleeper the pause between reconnect attempts goes through (default
         * {@link Sleeper#system()}). A worker transport made by {@code AwsSteps.Builder.workerTransport}
         * is the caller's, so it takes the sleeper given here, not the migration's.
         */
        public Builder sleeper(Sleeper sleeper) {
            Builder b = copy();
            b.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return b;
        }

        /** The clock a command's duration is measured on (default: the system clock, UTC). */
        public Builder clock(Clock clock) {
            Builder b = copy();
            b.clock = Objects.requireNonNull(clock, "clock");
            return b;
        }

        /**
         * Builds the transport; nothing connects until the first command (the SSH config, if
         * any, is read now; keys are read when connecting).
         *
         * @throws InvalidSpecException if the host, user, key or host-key policy (of the worker
         *                              or a jump host) is missing, from the builder and the SSH
         *                              config alike, or the config or agent socket is unusable
         */
        public SshTransport build() {
            if (host == null) {
                throw new InvalidSpecException("SshTransport is missing: host.");
            }
            if (agentSocket != null && !Files.exists(agentSocket)) {
                throw new InvalidSpecException("There is no ssh-agent socket at " + agentSocket + "; start ssh-agent"
                        + " (eval $(ssh-agent)) or check SSH_AUTH_SOCK.");
            }
            HopResolver resolver = new HopResolver(configFile, agentSocket, passphrases);
            List<Hop> hops = resolver.resolve(new HopResolver.Given(host, port, user, key, hostKeyPolicy), jumpHosts);
            return new SshTransport(this, hops);
        }
    }
}
