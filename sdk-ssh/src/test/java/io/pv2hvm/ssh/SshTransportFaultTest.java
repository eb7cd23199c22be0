package io.pv2hvm.ssh;

import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.OutputLine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** SshTransport against embedded MINA servers: dropped connections, silent servers, jump hosts. */
class SshTransportFaultTest {
    private static final String DROP = "; : " + LocalShellCommand.DROP_MARKER;

    private static KeyPair userKey;
    private static SshKey key;

    @BeforeAll
    static void keys() throws Exception {
        userKey = TestKeys.ed25519();
        key = SshKey.fromText(TestKeys.openSshText(userKey, null));
    }

    private static SshTransport.Builder to(MinaServer server) {
        return SshTransport.builder().host("127.0.0.1").port(server.port()).user("root").key(key)
                .hostKeys(HostKeyPolicy.pinned(server.fingerprint()))
                .connectTimeout(Duration.ofSeconds(5)).authTimeout(Duration.ofSeconds(10));
    }

    @Test
    void exec_whenConnectionDropsDuringIdempotentCommand_throwsRetryableAndReconnectsNextTime() throws Exception {
        try (MinaServer server = MinaServer.start(userKey.getPublic(), false, 1);
             SshTransport ssh = to(server).build()) {
            List<OutputLine> seen = Collections.synchronizedList(new ArrayList<>());
            Command command = Command.bash("echo started; sleep 20" + DROP);

            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(command, seen::add));

            assertThat(seen).contains(OutputLine.stdout("started"));
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("lost", "safe to run it again", command.toString());
            assertThat(ssh.exec(Command.of("echo", "back")).stdout()).isEqualTo("back\n");
        }
    }

    @Test
    void exec_whenConnectionDropsDuringNonIdempotentCommand_throwsNotRetryableSayingItMayHaveRun() throws Exception {
        try (MinaServer server = MinaServer.start(userKey.getPublic(), false, 1);
             SshTransport ssh = to(server).reconnectAndRetry(3, Duration.ZERO).build()) {
            Command command = Command.bash("echo started; sleep 20" + DROP).notIdempotent();

            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(command));

            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("not idempotent", "may or may not have completed", command.toString());
            assertThat(server.drops).as("never run a second time").hasValue(1);
        }
    }

    @Test
    void exec_withReconnectAndRetry_runsAnIdempotentCommandAgainOnANewConnection() throws Exception {
        try (MinaServer server = MinaServer.start(userKey.getPublic(), false, 1);
             SshTransport ssh = to(server).reconnectAndRetry(2, Duration.ofMillis(100)).build()) {
            List<OutputLine> seen = Collections.synchronizedList(new ArrayList<>());

            CommandResult result = ssh.exec(Command.bash("echo started; sleep 0.5; echo finished" + DROP), seen::add);

            assertThat(result.exitCode()).isZero();
            assertThat(result.stdout()).isEqualTo("started\nfinished\n");
            assertThat(server.drops).hasValue(2);
            assertThat(seen).containsExactly(OutputLine.stdout("started"), OutputLine.stdout("started"),
                    OutputLine.stdout("finished"));
        }
    }

    @Test
    void exec_whenTheNetworkPathSilentlyDiesMidCommand_keepaliveNoticesAndThrowsRetryable() throws Exception {
        try (MinaServer server = MinaServer.start(userKey.getPublic(), false, 0);
             FreezableProxy proxy = new FreezableProxy(server.port());
             SshTransport ssh = to(server).port(proxy.port()).keepAlive(Duration.ofMillis(300), 2).build()) {
            // The command would run for a minute; only the keepalive can end the wait early.
            Command command = Command.bash("echo started; sleep 60").withTimeout(Duration.ofMinutes(1));

            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(command, line -> {
                if (line.text().equals("started")) {
                    proxy.freeze();
                }
            }));

            assertThat(e.getMessage()).contains("was lost").doesNotContain("timed out");
            assertThat(e.retryable()).isTrue();
        }
    }

    @Test
    void exec_whenServerAcceptsButNeverAnswers_throwsRetryableHandshakeTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> held = Collections.synchronizedList(new ArrayList<>());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (SshTransport ssh = SshTransport.builder().host("127.0.0.1").port(silent.getLocalPort()).user("root")
                    .key(key).hostKeys(HostKeyPolicy.pinned("SHA256:" + "B".repeat(43)))
                    .authTimeout(Duration.ofSeconds(1)).build()) {
                TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

                assertThat(e.retryable()).isTrue();
                assertThat(e.getMessage()).contains("did not complete within PT1S", "127.0.0.1:" + silent.getLocalPort());
                assertThat(held).hasSize(1);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void exec_whenNothingListens_throwsRetryableConnectFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (SshTransport ssh = SshTransport.builder().host("127.0.0.1").port(port).user("root").key(key)
                .hostKeys(HostKeyPolicy.pinned("SHA256:" + "B".repeat(43))).build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("Could not connect", "127.0.0.1:" + port);
        }
    }

    @Test
    void exec_withReconnectAndRetry_pausesThroughTheInjectedSleeper() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<Duration> paused = Collections.synchronizedList(new ArrayList<>());
        // An hour between attempts: on real time this test would take two hours.
        try (SshTransport ssh = SshTransport.builder().host("127.0.0.1").port(port).user("root").key(key)
                .hostKeys(HostKeyPolicy.pinned("SHA256:" + "B".repeat(43)))
                .reconnectAndRetry(2, Duration.ofHours(1)).sleeper(paused::add).build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("Could not connect");
            assertThat(paused).containsExactly(Duration.ofHours(1), Duration.ofHours(1));
        }
    }

    @Test
    void exec_measuresTheCommandsDurationOnTheBuildersClock() throws Exception {
        // Each reading is an hour after the last: the duration is one hour, whatever the real time.
        java.time.Clock hourly = new java.time.Clock() {
            private final java.util.concurrent.atomic.AtomicLong readings = new java.util.concurrent.atomic.AtomicLong();

            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.EPOCH.plus(Duration.ofHours(readings.getAndIncrement()));
            }
        };
        try (MinaServer server = MinaServer.start(userKey.getPublic(), false, 0);
             SshTransport ssh = to(server).clock(hourly).build()) {
            CommandResult result = ssh.exec(Command.of("echo", "hi"));

            assertThat(result.stdout()).isEqualTo("hi\n");
            assertThat(result.duration()).isEqualTo(Duration.ofHours(1));
        }
    }

    @Test
    void exec_throughAChainOfTwoJumpHosts_runsOnTheTargetWithEachHopChecked() throws Exception {
        try (MinaServer jump1 = MinaServer.start(userKey.getPublic(), true, 0);
             MinaServer jump2 = MinaServer.start(userKey.getPublic(), true, 0);
             MinaServer target = MinaServer.start(userKey.getPublic(), false, 0);
             SshTransport ssh = to(target).jumpHosts(jump(jump1, jump1.fingerprint()), jump(jump2, jump2.fingerprint()))
                     .build()) {
            CommandResult result = ssh.exec(Command.of("echo", "through the bastions"));

            assertThat(result.stdout()).isEqualTo("through the bastions\n");
            assertThat(ssh.describe()).isEqualTo("ssh root@127.0.0.1:" + target.port() + " via hop@127.0.0.1:"
                    + jump1.port() + ", hop@127.0.0.1:" + jump2.port());
            assertThat(jump1.activeSessions()).isEqualTo(1);
            assertThat(jump2.activeSessions()).isEqualTo(1);
        }
    }

    @Test
    void exec_whenAJumpHostKeyDoesNotMatch_throwsNamingThatHopAndBothFingerprints() throws Exception {
        String wrong = "SHA256:" + "C".repeat(43);
        try (MinaServer jump1 = MinaServer.start(userKey.getPublic(), true, 0);
             MinaServer target = MinaServer.start(userKey.getPublic(), false, 0);
             SshTransport ssh = to(target).jumpHosts(jump(jump1, wrong)).build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.getMessage()).contains("127.0.0.1:" + jump1.port(), jump1.fingerprint(), wrong);
            assertThat(e.retryable()).isFalse();
            assertThat(target.activeSessions()).isZero();
        }
    }

    @Test
    void exec_whenTheTargetBehindAJumpHostHasAnotherKey_throwsNamingTheTargetNotTheLocalForward() throws Exception {
        String wrong = "SHA256:" + "D".repeat(43);
        try (MinaServer jump1 = MinaServer.start(userKey.getPublic(), true, 0);
             MinaServer target = MinaServer.start(userKey.getPublic(), false, 0);
             SshTransport ssh = to(target).hostKeys(HostKeyPolicy.pinned(wrong))
                     .jumpHosts(jump(jump1, jump1.fingerprint())).build()) {
            TransportException e = catchThrowableOfType(TransportException.class, () -> ssh.exec(Command.of("true")));

            assertThat(e.getMessage()).contains("127.0.0.1:" + target.port(), target.fingerprint(), wrong);
            assertThat(e.retryable()).isFalse();
        }
    }

    private static JumpHost jump(MinaServer server, String fingerprint) {
        return JumpHost.at("127.0.0.1").port(server.port()).user("hop").key(key)
                .hostKeys(HostKeyPolicy.pinned(fingerprint));
    }
}
