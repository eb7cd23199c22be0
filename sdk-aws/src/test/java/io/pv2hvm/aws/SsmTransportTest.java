package io.pv2hvm.aws;

import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LocalSsmExecutor;
import io.pv2hvm.testkit.ManualClock;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SsmTransport through the real SsmClient against the emulator, whose executor runs bash on this machine. */
class SsmTransportTest {
    private static final String WORKER = "i-0feedfeedfeedfee1";
    private static final String NO_AGENT = "i-0feedfeedfeedfee2";

    private Ec2Emulator emulator;
    private SsmClient ssm;

    @TempDir
    Path dir;

    private void start(Duration consistencyWindow) {
        emulator = Ec2Emulator.builder().ssmExecutor(new LocalSsmExecutor()).consistencyWindow(consistencyWindow)
                .world(World.builder().defaultNetwork()
                        .instanceProfile("worker", InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                        .instance(InstanceSeed.of(WORKER, World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.small")
                                .instanceProfile("worker"))
                        .instance(InstanceSeed.of(NO_AGENT, World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.small")
                                .instanceProfile("worker").withoutSsmAgent())
                        .build()).build().start();
        ssm = EmulatedAws.ssm(emulator);
    }

    @AfterEach
    void stop() {
        ssm.close();
        emulator.stop();
    }

    private SsmTransport transport(String instance) {
        SsmTransport t = SsmTransport.builder().client(ssm).instanceId(instance).maxPoll(Duration.ofMillis(20)).build();
        // The agent comes online a (scaled) moment after the instance runs.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                t.exec(Command.of("true"));
                return t;
            } catch (TransportException e) {
                if (!e.retryable() || !e.getMessage().contains("did not come online")) {
                    throw e;
                }
            }
        }
        throw new AssertionError("agent never came online");
    }

    @Test
    void reportingWaitsTo_saysTheCommandsStateOnEachPoll_andSharesTheAgentCheck() {
        start(Duration.ZERO);
        SsmTransport t = transport(WORKER);
        List<String> waits = new java.util.concurrent.CopyOnWriteArrayList<>();

        CommandResult r = t.reportingWaitsTo(waits::add).exec(Command.bash("sleep 1; echo done"));

        assertThat(r.stdout()).isEqualTo("done\n");
        assertThat(waits).as("polled while it ran, then saw it finish").contains("SSM command on " + WORKER + ": Success")
                .anyMatch(w -> w.matches("SSM command on " + WORKER + ": (Pending|InProgress|not registered yet)"));
        assertThat(waits).as("the agent was checked once, by the transport it came from")
                .noneMatch(w -> w.startsWith("SSM agent"));
    }

    @Test
    void exec_returnsExitCodesAndBothStreams() {
        start(Duration.ZERO);
        SsmTransport t = transport(WORKER);
        List<OutputLine> lines = new ArrayList<>();

        CommandResult r = t.exec(Command.bash("echo out; echo err >&2; exit 3"), lines::add);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(lines).containsExactly(OutputLine.stdout("out"), OutputLine.stderr("err"));
    }

    @Test
    void exec_readsBackOutputBeyondSsms24000CharacterLimitCompletely_thenRemovesTheSpoolFiles() {
        start(Duration.ZERO);
        SsmTransport t = transport(WORKER);
        emulator.journal().clear();

        CommandResult r = t.exec(Command.bash("for i in $(seq 1 20000); do echo \"line $i of the inventory\"; done"));

        assertThat(r.stdout().length()).isGreaterThan(100_000);
        assertThat(r.stdout().lines()).hasSize(20_000).endsWith("line 20000 of the inventory");
        assertThat(r.truncated()).isFalse();
        List<RecordedCall> sends = emulator.journal().calls("SendCommand");
        assertThat(sends.get(sends.size() - 1).param("Parameters.commands.1")).as("the last command cleans up")
                .startsWith("rm -f /var/tmp/pv2hvm/");
        assertThat(spoolFiles(sends.get(0))).isNotEmpty().allSatisfy(f -> assertThat(f).doesNotExist());
    }

    @Test
    void exec_ofAShortCommand_isOneRoundTrip_andTheWorkerRemovesItsSpoolFilesItself() {
        start(Duration.ZERO);
        SsmTransport t = transport(WORKER);
        emulator.journal().clear();

        CommandResult r = t.exec(Command.bash("echo out; echo err >&2"));

        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        List<RecordedCall> sends = emulator.journal().calls("SendCommand");
        assertThat(sends).as("no second command to remove the spool files").hasSize(1);
        assertThat(spoolFiles(sends.get(0))).hasSize(2).allSatisfy(f -> assertThat(f).doesNotExist());
    }

    /** The spool files the transport's wrapper script named in {@code send}. */
    private static List<Path> spoolFiles(RecordedCall send) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" >(/var/tmp/pv2hvm/\\S+\\.out) 2>(\\S+\\.err) ")
                .matcher(send.param("Parameters.commands.1"));
        return m.find() ? List.of(Path.of(m.group(1)), Path.of(m.group(2))) : List.of();
    }

    @Test
    void exec_quotesArgumentsSoValuesCannotInjectShell() {
        start(Duration.ZERO);
        SsmTransport t = transport(WORKER);
        Path marker = dir.resolve("pwned");

        CommandResult r = t.exec(Command.of("printf", "%s|", "x; touch " + marker));

        assertThat(r.stdout()).isEqualTo("x; touch " + marker + "|\n");
        assertThat(marker).doesNotExist();
    }

    @Test
    void exec_rightAfterSend_toleratesInvocationDoesNotExist() {
        start(Duration.ofMillis(300));
        SsmTransport t = SsmTransport.builder().client(ssm).instanceId(WORKER).maxPoll(Duration.ofMillis(20)).build();
        CommandResult r = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (r == null && System.nanoTime() < deadline) {
            try {
                r = t.exec(Command.bash("echo ready"));
            } catch (TransportException e) {
                assertThat(e.getMessage()).contains("did not come online");
            }
        }

        assertThat(r).isNotNull();
        assertThat(r.stdout()).isEqualTo("ready\n");
        assertThat(emulator.journal().calls("GetCommandInvocation")).extracting(RecordedCall::errorCode)
                .contains("InvocationDoesNotExist");
    }

    @Test
    void exec_pastItsTimeout_failsClearly_andTheCommandIsStopped() throws Exception {
        start(Duration.ZERO);
        SsmTransport t = transport(WORKER);
        Path done = dir.resolve("finished");

        assertThatThrownBy(() -> t.exec(Command.bash("sleep 8; touch " + done).withTimeout(Duration.ofSeconds(2))))
                .isInstanceOf(TransportException.class).hasMessageContaining("timed out");
        Thread.sleep(7_000);
        assertThat(done).doesNotExist();
    }

    @Test
    void exec_deadline_followsTheInjectedClock_notRealTime() {
        start(Duration.ZERO);
        transport(WORKER); // waits for the agent on real time
        ManualClock clock = ManualClock.create();
        Instant started = clock.instant();
        List<Duration> slept = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Each pause is a minute of the injected clock and no real time: only that clock can pass the deadline.
        SsmTransport t = SsmTransport.builder().client(ssm).instanceId(WORKER).maxPoll(Duration.ofMillis(20))
                .clock(clock).sleeper(d -> {
                    slept.add(d);
                    clock.advance(Duration.ofMinutes(1));
                }).build();

        assertThatThrownBy(() -> t.exec(Command.bash("sleep 30").withTimeout(Duration.ofMinutes(10))))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("did not finish within PT11M").hasMessageContaining("was cancelled");
        // The SSM command gets the command's timeout plus a minute (the worker's own timeout fires
        // first); the deadline adds 30 s of grace, read on the injected clock.
        assertThat(clock.instant()).isAfter(started.plus(Duration.ofMinutes(11).plusSeconds(30)))
                .isBefore(started.plus(Duration.ofMinutes(13)));
        assertThat(slept.stream().reduce(Duration.ZERO, Duration::plus)).isLessThan(Duration.ofSeconds(30));
        assertThat(emulator.journal().count("CancelCommand")).isEqualTo(1);
    }

    @Test
    void exec_onAnInstanceWithoutAnOnlineAgent_pollsUntilTheAgentTimeout_thenSaysWhatTheInstanceNeeds() {
        start(Duration.ZERO);
        List<Duration> slept = new ArrayList<>();
        SsmTransport t = SsmTransport.builder().client(ssm).instanceId(NO_AGENT).maxPoll(Duration.ofSeconds(5))
                .agentTimeout(Duration.ofMinutes(1)).sleeper(slept::add).build();

        assertThatThrownBy(() -> t.exec(Command.of("true"))).isInstanceOfSatisfying(SsmAgentOfflineException.class,
                e -> {
                    assertThat(e.instanceId()).isEqualTo(NO_AGENT);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("did not come online within PT1M", "AmazonSSMManagedInstanceCore",
                            "ssmmessages", "does not ship the SSM agent");
                });
        // The injected sleeper took every wait: gaps grow to maxPoll and add up to the timeout.
        assertThat(slept).first().isEqualTo(Duration.ofSeconds(1));
        assertThat(slept).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(5)));
        assertThat(slept.stream().reduce(Duration.ZERO, Duration::plus)).isGreaterThanOrEqualTo(Duration.ofMinutes(1));
        assertThat(emulator.journal().count("DescribeInstanceInformation")).isEqualTo(slept.size() + 1);
        assertThat(emulator.journal().count("SendCommand")).isZero();
    }

    /** A command that appends a line to {@code runs} each time the worker runs it. */
    private static Command countedIn(Path runs) {
        return Command.bash("echo ran >> " + runs + "; echo done");
    }

    private SsmTransport onlineTransport(Duration acceptanceWindow) {
        transport(WORKER); // waits for the agent
        return SsmTransport.builder().client(ssm).instanceId(WORKER).maxPoll(Duration.ofMillis(20))
                .acceptanceWindow(acceptanceWindow).build();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "lost by {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"HTTP 500", "a connection reset"})
    void sendCommandWhoseAnswerIsLost_isFoundByItsCommentAndAdopted_andRunsOnce(String how) throws Exception {
        start(Duration.ofMillis(300)); // ListCommands shows a new command only after 300 ms
        SsmTransport t = onlineTransport(Duration.ofSeconds(5));
        Path runs = dir.resolve("runs");
        emulator.journal().clear();
        if (how.equals("HTTP 500")) {
            emulator.faults().loseResponseNext("SendCommand", 1);
        } else {
            emulator.faults().loseResponseByResetNext("SendCommand", 1);
        }

        CommandResult r = t.exec(countedIn(runs));

        assertThat(r.stdout()).isEqualTo("done\n");
        assertThat(Files.readAllLines(runs)).as("the worker ran the command").containsExactly("ran");
        List<RecordedCall> sends = emulator.journal().calls("SendCommand");
        assertThat(sends.get(0).responseLost()).isTrue();
        assertThat(sends.get(0).param("Comment")).startsWith("pv2hvm ");
        assertThat(sends).as("the lost one only: never the command again (a short output's spool goes with it)")
                .hasSize(1);
        assertThat(emulator.journal().calls("ListCommands")).as("looked for it until it was listed")
                .isNotEmpty().allSatisfy(c -> assertThat(c.param("Filters.1.key")).isEqualTo("InvokedAfter"));
    }

    @Test
    void sendCommandThatFailedBeforeSsmAcceptedIt_isSentAgainWithTheSameComment_andRunsOnce() throws Exception {
        start(Duration.ofMillis(300));
        SsmTransport t = onlineTransport(Duration.ofSeconds(1));
        Path runs = dir.resolve("runs");
        emulator.journal().clear();
        emulator.faults().failNext("SendCommand", 1, "InternalServerError", "Injected fault", 500);

        CommandResult r = t.exec(countedIn(runs));

        assertThat(r.stdout()).isEqualTo("done\n");
        assertThat(Files.readAllLines(runs)).containsExactly("ran");
        List<RecordedCall> sends = emulator.journal().calls("SendCommand");
        assertThat(sends.get(0).tookEffect()).isFalse();
        assertThat(sends.get(1).succeeded()).isTrue();
        assertThat(sends.get(1).param("Comment")).isEqualTo(sends.get(0).param("Comment"));
        assertThat(emulator.journal().calls("ListCommands")).as("not listed within the acceptance window").isNotEmpty();
    }

    @Test
    void sendCommandRefusedWithAClientError_isNotSentAgain_norLookedFor() {
        start(Duration.ZERO);
        SsmTransport t = onlineTransport(Duration.ofSeconds(1));
        Path runs = dir.resolve("runs");
        emulator.journal().clear();
        emulator.faults().failNext("SendCommand", 1, "InvalidDocument", "Document with name AWS-RunShellScript does not exist.");

        assertThatThrownBy(() -> t.exec(countedIn(runs))).isInstanceOf(TransportException.class)
                .hasMessageContaining("InvalidDocument");
        assertThat(runs).doesNotExist();
        assertThat(emulator.journal().calls("SendCommand")).hasSize(1);
        assertThat(emulator.journal().calls("ListCommands")).isEmpty();
    }

    @Test
    void upload_writesTheFileWithItsMode() throws Exception {
        start(Duration.ZERO);
        SsmTransport t = transport(WORKER);
        Path target = dir.resolve("script.sh");
        byte[] content = ("#!/bin/bash\necho uploaded\n" + "#".repeat(40_000) + "\n").getBytes();

        t.upload(content, target.toString(), 0750);

        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(t.exec(Command.of(target.toString())).stdout()).isEqualTo("uploaded\n");
    }
}
