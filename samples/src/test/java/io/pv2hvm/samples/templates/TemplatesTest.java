package io.pv2hvm.samples.templates;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.aws.FleetResult;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.samples.sandbox.EmulatorTimeouts;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.InstanceSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The templates, run against the emulator with a simulated guest. */
@Execution(ExecutionMode.CONCURRENT)
class TemplatesTest {
    private static final double SCALE = Double.parseDouble(System.getProperty("pv2hvm.emulator.timeScale", "0.002"));
    private static final String SECOND = "i-0123456789abcdef1";
    private static final String PROTECTED = "i-0123456789abcdef2";

    private Ec2Emulator emulator;
    private Ec2Client ec2;
    private SsmClient ssm;
    private AwsSteps aws;

    @BeforeEach
    void start() {
        emulator = Ec2Emulator.builder().latency(LatencyModel.realistic().withTimeScale(SCALE))
                .ssmExecutor(new SimulatedWorker())
                .world(SandboxWorld.simulatedBuilder()
                        .instance(InstanceSeed.of(SECOND, SandboxWorld.PV_IMAGE).instanceType("m1.large")
                                .privateIp("10.0.1.40").tag("Name", "web-2"))
                        .instance(InstanceSeed.of(PROTECTED, SandboxWorld.PV_IMAGE).instanceType("m1.large")
                                .privateIp("10.0.1.41").disableApiTermination(true).tag("Name", "web-3"))
                        .build())
                .build().start();
        ec2 = Ec2Client.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(DefaultCredentialsProvider.builder().build()).build();
        ssm = SsmClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(DefaultCredentialsProvider.builder().build()).build();
        aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatorTimeouts.forTimeScale(SCALE))
                .workerInstanceProfile(SandboxWorld.WORKER_PROFILE)
                .guestConversion(SimulatedGuest.typical()).build();
    }

    @AfterEach
    void stop() {
        ec2.close();
        ssm.close();
        emulator.stop();
    }

    private MigrationSpec migration(String id) {
        return Migration.of(id).toHvm().preservingIps().withProvider(aws).withJournal(InMemoryJournal.create());
    }

    @Test
    void fleet_migratesEveryReadyInstanceTwoAtATime_andReportsTheBlockedOne() {
        FleetResult r = FleetMigration.migrate(List.of(SandboxWorld.SOURCE, SECOND, PROTECTED), 2, aws,
                s -> s.preservingIps().withJournal(InMemoryJournal.create()));
        Map<String, FleetResult.Outcome> outcomes = r.outcomes().stream()
                .collect(Collectors.toMap(FleetResult.Outcome::instanceId, o -> o));

        assertThat(outcomes).containsOnlyKeys(SandboxWorld.SOURCE, SECOND, PROTECTED);
        assertThat(r.peakConcurrency()).isLessThanOrEqualTo(2);
        assertThat(outcomes.get(SandboxWorld.SOURCE).succeeded()).as("%s", outcomes.get(SandboxWorld.SOURCE).error()).isTrue();
        assertThat(outcomes.get(SECOND).succeeded()).as("%s", outcomes.get(SECOND).error()).isTrue();
        assertThat(outcomes.get(PROTECTED).error()).isInstanceOf(PreflightException.class);
        assertThat(FleetMigration.describe(outcomes.get(PROTECTED))).contains("BLOCKED", "TERMINATION_PROTECTION");
        for (String id : List.of(SandboxWorld.SOURCE, SECOND)) {
            assertThat(ec2.describeInstances(b -> b.instanceIds(outcomes.get(id).result().newInstanceId())).reservations()
                    .get(0).instances().get(0).virtualizationTypeAsString()).isEqualTo("hvm");
        }
        assertThat(ec2.describeInstances(b -> b.instanceIds(outcomes.get(SECOND).result().newInstanceId())).reservations()
                .get(0).instances().get(0).privateIpAddress()).isEqualTo("10.0.1.40");
    }

    @Test
    void loadBalancerSteps_drainTheSourceBeforeCutoverAndRegisterTheNewInstanceAfter() {
        RecordingMembership lb = new RecordingMembership();

        MigrationResult r = migration(SandboxWorld.SOURCE).withStepBefore(Phase.CUTOVER, new DrainFromLoadBalancer(lb))
                .withStepAfter(Phase.CUTOVER, new RejoinLoadBalancer(lb)).run();

        assertThat(lb.events).containsExactly("deregister " + SandboxWorld.SOURCE, "register " + r.newInstanceId());
        assertThat(r.timings()).extracting(t -> t.step()).containsSubsequence("verify-trial-instance",
                "drain-from-load-balancer", "stop-source", "launch-hvm-instance", "rejoin-load-balancer", "cleanup");
    }

    @Test
    void loadBalancerSteps_whenCutoverFailsAfterwards_putTheRelaunchedSourceBack() {
        RecordingMembership lb = new RecordingMembership();
        List<String> warnings = new CopyOnWriteArrayList<>();

        StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> migration(SandboxWorld.SOURCE)
                .withListener(warningsInto(warnings))
                .withStepBefore(Phase.CUTOVER, new DrainFromLoadBalancer(lb))
                .withStepAfter(Phase.CUTOVER, new RejoinLoadBalancer(lb)).withStepAfter(Phase.CUTOVER, failing("smoke-test"))
                .run());

        assertThat(e.step()).isEqualTo("smoke-test");
        assertThat(e.rolledBack()).contains("terminate-source", "rejoin-load-balancer", "drain-from-load-balancer");
        Instance serving = onlyRunningInstanceAt(SandboxWorld.SOURCE_IP);
        assertThat(serving.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(serving.instanceId()).as("relaunched from the backup image").isNotEqualTo(SandboxWorld.SOURCE);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("relaunched", serving.instanceId()));
        String hvm = lb.events.get(1).substring("register ".length());
        assertThat(lb.events).containsExactly(
                "deregister " + SandboxWorld.SOURCE,   // drained before the stop
                "register " + hvm,                     // rejoined: the new HVM instance
                "deregister " + hvm,                   // rejoin compensated
                "register " + serving.instanceId());   // drain compensated: the relaunched source, not the terminated one
    }

    @Test
    void loadBalancerSteps_whenCutoverFailsBeforeTermination_putTheOriginalBack() {
        RecordingMembership lb = new RecordingMembership();

        StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> migration(SandboxWorld.SOURCE)
                .withStepBefore(Phase.CUTOVER, new DrainFromLoadBalancer(lb))
                .withStepBefore(Phase.CUTOVER, failing("pre-stop-check"))
                .withStepAfter(Phase.CUTOVER, new RejoinLoadBalancer(lb)).run());

        assertThat(e.step()).isEqualTo("pre-stop-check");
        assertThat(e.rolledBack()).contains("drain-from-load-balancer").doesNotContain("terminate-source");
        assertThat(onlyRunningInstanceAt(SandboxWorld.SOURCE_IP).instanceId()).isEqualTo(SandboxWorld.SOURCE);
        assertThat(lb.events).containsExactly("deregister " + SandboxWorld.SOURCE, "register " + SandboxWorld.SOURCE);
    }

    @Test
    void currentSourceId_inAUserStepsCompensation_isTheRelaunchedSource() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Step witness = new Step() {
            @Override
            public String name() {
                return "witness";
            }

            @Override
            public void run(StepContext context) {
                seen.add("run " + context.get(MigrationFacts.CURRENT_SOURCE_ID));
            }

            @Override
            public void compensate(StepContext context) {
                seen.add("compensate " + context.get(MigrationFacts.CURRENT_SOURCE_ID));
            }
        };

        catchThrowableOfType(StepFailedException.class, () -> migration(SandboxWorld.SOURCE)
                .withStepBefore(Phase.CUTOVER, witness).withStepAfter(Phase.CUTOVER, failing("smoke-test")).run());

        String relaunched = onlyRunningInstanceAt(SandboxWorld.SOURCE_IP).instanceId();
        assertThat(relaunched).isNotEqualTo(SandboxWorld.SOURCE);
        assertThat(seen).containsExactly("run " + SandboxWorld.SOURCE, "compensate " + relaunched);
    }

    private static Step failing(String name) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(StepContext context) {
                throw new IllegalStateException(name + " failed");
            }
        };
    }

    private static MigrationListener warningsInto(List<String> warnings) {
        return event -> {
            if (event instanceof MigrationEvent.Warning warning) {
                warnings.add(warning.message());
            }
        };
    }

    /** The one running instance holding {@code ip}. */
    private Instance onlyRunningInstanceAt(String ip) {
        List<Instance> running = ec2.describeInstances(b -> b.filters(Filter.builder().name("private-ip-address")
                        .values(ip).build()))
                .reservations().stream().flatMap(res -> res.instances().stream())
                .filter(i -> "running".equals(i.state().nameAsString())).toList();
        assertThat(running).hasSize(1);
        return running.get(0);
    }

    /** A load balancer that remembers what it was told, in order. */
    private static final class RecordingMembership implements LoadBalancerMembership {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void deregister(String instanceId) {
            events.add("deregister " + instanceId);
        }

        @Override
        public void register(String instanceId) {
            events.add("register " + instanceId);
        }
    }
}
