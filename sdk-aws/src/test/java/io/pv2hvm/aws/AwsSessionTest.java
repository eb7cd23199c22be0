package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** What the AWS steps build and close: nothing for a plan; a run's own transports and default clients, never the user's. */
class AwsSessionTest extends EmulatorTestBase {

    @Test
    void plan_buildsNoClient_andNeedsNoRegion() {
        AtomicInteger made = new AtomicInteger();
        AwsSteps aws = AwsSteps.builder().defaultClients(
                () -> {
                    made.incrementAndGet();
                    throw new AssertionError("a plan built an EC2 client");
                },
                () -> {
                    made.incrementAndGet();
                    throw new AssertionError("a plan built an SSM client");
                }).build();

        MigrationPlan plan = Migration.of(SOURCE).toHvm().preservingIps().withProvider(aws).plan();

        assertThat(plan.steps()).extracting(s -> s.name()).contains("preflight", "launch-hvm-instance");
        assertThat(made).hasValue(0);
    }

    @Test
    void plan_withTheSdkDefaults_andNoRegionAnywhere_succeeds() {
        assumeThat(System.getenv("AWS_REGION")).as("no region in the environment").isNull();
        assumeThat(System.getenv("AWS_DEFAULT_REGION")).isNull();
        String property = System.clearProperty("aws.region");
        try {
            MigrationPlan plan = Migration.of(SOURCE).toHvm().withProvider(new AwsSteps()).plan();

            assertThat(plan.steps()).isNotEmpty();
        } finally {
            if (property != null) {
                System.setProperty("aws.region", property);
            }
        }
    }

    @Test
    void run_closesTheTransportsAndDefaultClientsItCreated_notTheUsers() {
        start(EmulatedAws.webServerWorld().build());
        AtomicInteger ec2Made = new AtomicInteger();
        AtomicInteger ec2Closed = new AtomicInteger();
        AtomicInteger usersSsmClosed = new AtomicInteger();
        AtomicInteger transportsClosed = new AtomicInteger();
        EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();
        worker.filesystems = emulator::filesystem;
        // No EC2 client given: the run makes the default one. The SSM client is the user's.
        AwsSteps aws = AwsSteps.builder().ssm(closeCounting(SsmClient.class, ssm, usersSsmClosed))
                .timeouts(EmulatedAws.timeouts()).guestConversion(SimulatedGuest.typical())
                .defaultClients(() -> {
                    ec2Made.incrementAndGet();
                    return closeCounting(Ec2Client.class, EmulatedAws.ec2(emulator), ec2Closed);
                }, () -> {
                    throw new AssertionError("the user's SSM client was given");
                })
                .workerTransport(ip -> new CloseCountingTransport(worker, transportsClosed), "ops", World.DEFAULT_SECURITY_GROUP)
                .build();
        AtomicInteger ec2ClosedDuringRun = new AtomicInteger(-1);
        MigrationSpec spec = Migration.of(SOURCE).toHvm().withJournal(InMemoryJournal.create()).withProvider(aws)
                .withStepAfter(Phase.CLEANUP, io.pv2hvm.core.spi.Step.of("look", ctx -> ec2ClosedDuringRun.set(ec2Closed.get())));

        // The engine opens the provider's session for the run and closes it when the run ends.
        MigrationResult result = spec.run();

        assertThat(result.newInstanceId()).isNotNull();
        assertThat(ec2ClosedDuringRun).as("open during the run").hasValue(0);
        assertThat(ec2Made).hasValue(1);
        assertThat(ec2Closed).hasValue(1);
        assertThat(transportsClosed).hasValue(1);
        assertThat(usersSsmClosed).hasValue(0);
        assertThat(worker.commands).isNotEmpty();
    }

    @Test
    void guestInspection_closesTheWorkerTransportItMade_whenItSucceeds() {
        start(EmulatedAws.webServerWorld().build());
        AtomicInteger made = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();

        GuestInspection g = GuestInspection.of(SOURCE, inspectingOver(made, closed, false));

        assertThat(g.instanceId()).isEqualTo(SOURCE);
        assertThat(made).hasValue(1);
        assertThat(closed).as("closed when the inspection ended").hasValue(1);
    }

    @Test
    void guestInspection_closesTheWorkerTransportItMade_whenItFails() {
        start(EmulatedAws.webServerWorld().build());
        AtomicInteger made = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();

        assertThatThrownBy(() -> GuestInspection.of(SOURCE, inspectingOver(made, closed, true)))
                .isInstanceOf(StepFailedException.class).hasMessageContaining("refused by the test");

        assertThat(made).hasPositiveValue();
        assertThat(closed).as("each transport made, closed once").hasValue(made.get());
    }

    /** Steps whose worker transports are made by the provider (counted), over the emulator's clients. */
    private AwsSteps inspectingOver(AtomicInteger made, AtomicInteger closed, boolean failing) {
        EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();
        worker.filesystems = emulator::filesystem;
        return AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts())
                .guestConversion(SimulatedGuest.typical())
                .workerTransport(ip -> {
                    made.incrementAndGet();
                    return new CloseCountingTransport(worker, closed, failing);
                }, "ops", World.DEFAULT_SECURITY_GROUP)
                .build();
    }

    /** {@code client}, counting its close() calls (and closing it). */
    @SuppressWarnings("unchecked")
    private static <T extends AutoCloseable> T closeCounting(Class<T> type, T client, AtomicInteger closed) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                closed.incrementAndGet();
            }
            try {
                return method.invoke(client, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

}
