package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.aws.internal.SharedDescribe;
import io.pv2hvm.aws.internal.SsmPolls;
import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.spi.SsmCommandResult;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The SSM poll rounds a fleet shares ({@link SsmPolls}), through the real SsmClient against the
 * emulator: one ListCommandInvocations round answers every waiting command, an invocation SSM does
 * not know is "not registered", a cancelled waiter cancels only its own command, every page is
 * read, and the agent wait asks for all workers at once.
 */
class SsmPollsTest {
    private static final String WORKER = "i-0feedfeedfeedfee1";
    private static final String OTHER = "i-0feedfeedfeedfee2";

    private Ec2Emulator emulator;
    private SsmClient ssm;

    private void start() {
        emulator = Ec2Emulator.builder().consistencyWindow(Duration.ZERO).world(World.builder().defaultNetwork()
                .instanceProfile("worker", InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                .instance(InstanceSeed.of(WORKER, World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.small").instanceProfile("worker"))
                .instance(InstanceSeed.of(OTHER, World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.small").instanceProfile("worker"))
                .build()).build().start();
        emulator.ssmExecutor(c -> SsmCommandResult.success("ok " + c.commandId() + "\n"));
        ssm = EmulatedAws.ssm(emulator);
        awaitOnline(WORKER);
        awaitOnline(OTHER);
        emulator.journal().clear();
    }

    @AfterEach
    void stop() {
        if (ssm != null) {
            ssm.close();
            emulator.stop();
        }
    }

    private void awaitOnline(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (ssm.describeInstanceInformation(r -> r.filters(f -> f.key("InstanceIds").values(id)))
                    .instanceInformationList().stream().anyMatch(i -> "Online".equals(i.pingStatusAsString()))) {
                return;
            }
        }
        throw new AssertionError("the agent of " + id + " never came online");
    }

    /** Sends a command straight through the client: its id and when SSM says it received it. */
    private Map.Entry<String, Instant> send(String instance) {
        var c = ssm.sendCommand(r -> r.instanceIds(instance).documentName("AWS-RunShellScript")
                .parameters(Map.of("commands", List.of("true")))).command();
        return Map.entry(c.commandId(), c.requestedDateTime());
    }

    /** A pacing that sleeps for real (the rounds' spacing is real time). */
    private static final SharedDescribe.Pacing PACING = new SharedDescribe.Pacing() {
        @Override
        public void sleep(Duration d) {
            try {
                Thread.sleep(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void checkCancelled() {
        }

        @Override
        public RuntimeException cancelled() {
            return new IllegalStateException("cancelled");
        }
    };

    private static SsmPolls polls(SsmClient ssm) {
        return new SsmPolls(ssm, Duration.ofMillis(20));
    }

    private SsmTransport transport(String instance, SsmPolls polls) {
        return SsmTransport.builder().client(ssm).instanceId(instance).maxPoll(Duration.ofMillis(20)).polls(polls)
                .calls(new AwsCalls()).build();
    }

    @Test
    void commandsWaitedOnTogether_shareOneListCommandInvocationsRound_fannedOutToEachWaiter() {
        start();
        SsmPolls polls = polls(ssm);
        List<SsmPolls.CommandWatch> watches = new ArrayList<>();
        for (String instance : List.of(WORKER, OTHER, WORKER)) {
            var sent = send(instance);
            watches.add(polls.watchCommand(sent.getKey(), instance, sent.getValue(), new AwsCalls()));
        }
        emulator.journal().clear();

        List<Optional<SsmPolls.Invocation>> seen = watches.stream()
                .map(w -> polls.invocations().look(w.watch(), PACING)).toList();

        assertThat(seen).as("each waiter got its own invocation's state").allSatisfy(s -> assertThat(s).isPresent());
        List<RecordedCall> lists = emulator.journal().calls("ListCommandInvocations");
        assertThat(lists).as("one round for the three waiters").hasSize(1);
        assertThat(lists.get(0).param("Filters.1.key")).isEqualTo("InvokedAfter");
        assertThat(lists.get(0).param("Filters.2.value")).isEqualTo("AWS-RunShellScript");
        assertThat(lists.get(0).param("MaxResults")).isEqualTo("50");
        assertThat(emulator.journal().count("GetCommandInvocation")).as("no output read before one finishes").isZero();
        watches.forEach(SsmPolls.CommandWatch::close);
    }

    @Test
    void roundsReadEveryPage_ofFiftyInvocations() {
        start();
        SsmPolls polls = polls(ssm);
        List<SsmPolls.CommandWatch> watches = new ArrayList<>();
        for (int i = 0; i < 56; i++) {
            String instance = i % 2 == 0 ? WORKER : OTHER;
            var sent = send(instance);
            watches.add(polls.watchCommand(sent.getKey(), instance, sent.getValue(), new AwsCalls()));
        }
        emulator.journal().clear();

        List<Optional<SsmPolls.Invocation>> seen = watches.stream()
                .map(w -> polls.invocations().look(w.watch(), PACING)).toList();

        assertThat(seen).allSatisfy(s -> assertThat(s).isPresent());
        List<RecordedCall> pages = emulator.journal().calls("ListCommandInvocations");
        assertThat(pages).as("56 invocations, 50 a page").hasSize(2);
        assertThat(pages.get(0).param("NextToken")).isNull();
        assertThat(pages.get(1).param("NextToken")).isNotBlank();
        watches.forEach(SsmPolls.CommandWatch::close);
    }

    @Test
    void aCommandSsmDoesNotKnow_isNotRegistered_alone_orAmongOthers() {
        start();
        SsmPolls polls = polls(ssm);
        String unknown = UUID.randomUUID().toString();
        AwsCalls owner = new AwsCalls();

        try (var alone = polls.watchCommand(unknown, WORKER, Instant.now(), owner)) {
            assertThat(polls.invocations().look(alone.watch(), PACING)).as("its own GetCommandInvocation: "
                    + "InvocationDoesNotExist").isEmpty();
            assertThat(emulator.journal().calls("GetCommandInvocation")).extracting(RecordedCall::errorCode)
                    .containsExactly("InvocationDoesNotExist");
        }
        var known = send(OTHER);
        try (var lost = polls.watchCommand(unknown, WORKER, Instant.now(), owner);
             var found = polls.watchCommand(known.getKey(), OTHER, known.getValue(), owner)) {
            assertThat(polls.invocations().look(lost.watch(), PACING)).as("not listed").isEmpty();
            assertThat(polls.invocations().look(found.watch(), PACING)).as("the same round lists the other")
                    .isPresent();
        }
        assertThat(emulator.journal().count("ListCommandInvocations")).isEqualTo(1);
    }

    @Test
    void cancellingOneWaiter_cancelsOnlyItsCommand_andTheOtherGetsItsOutput() throws Exception {
        start();
        CountDownLatch release = new CountDownLatch(1);
        emulator.ssmExecutor(c -> {
            release.await(30, TimeUnit.SECONDS);
            return SsmCommandResult.success("0 0\n" + java.util.Base64.getEncoder().encodeToString(
                    ("out of " + c.instanceId() + "\n").getBytes()) + "\n\n");
        });
        SsmPolls polls = polls(ssm);
        SsmTransport first = transport(WORKER, polls);
        SsmTransport second = transport(OTHER, polls);
        AtomicReference<Thread> firstThread = new AtomicReference<>();
        CompletableFuture<Throwable> cancelled = CompletableFuture.supplyAsync(() -> {
            firstThread.set(Thread.currentThread());
            return catchThrowable(() -> first.exec(Command.of("sleep", "60")));
        });
        CompletableFuture<CommandResult> served = CompletableFuture.supplyAsync(() -> second.exec(Command.of("true")));
        while (emulator.journal().count("SendCommand") < 2 || emulator.journal().count("ListCommandInvocations") == 0) {
            Thread.sleep(10); // both commands sent and polled together
        }

        firstThread.get().interrupt();
        Throwable thrown = cancelled.get(20, TimeUnit.SECONDS);
        release.countDown();
        CommandResult result = served.get(20, TimeUnit.SECONDS);

        assertThat(thrown).isInstanceOf(TransportException.class).hasMessageContaining("cancelled");
        List<RecordedCall> cancels = emulator.journal().calls("CancelCommand");
        assertThat(cancels).as("only the interrupted waiter's command").hasSize(1)
                .allSatisfy(c -> assertThat(c.param("InstanceIds.1")).isEqualTo(WORKER));
        assertThat(result.stdout()).isEqualTo("out of " + OTHER + "\n");
    }

    @Test
    void agentWaitsOfSeveralWorkers_shareOneDescribeInstanceInformation() {
        start();
        SsmPolls polls = polls(ssm);
        AwsCalls one = new AwsCalls();
        AwsCalls two = new AwsCalls();
        try (var a = polls.agents().watch(WORKER, one); var b = polls.agents().watch(OTHER, two)) {
            assertThat(polls.agents().look(a, PACING)).contains("Online");
            assertThat(polls.agents().look(b, PACING)).contains("Online");
        }

        List<RecordedCall> calls = emulator.journal().calls("DescribeInstanceInformation");
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).param("Filters.1.Values.1")).isEqualTo(WORKER);
        assertThat(calls.get(0).param("Filters.1.Values.2")).isEqualTo(OTHER);
        assertThat(one.exactTotal() + two.exactTotal()).as("the call, split between the two migrations")
                .isEqualTo(1.0);
    }
}
