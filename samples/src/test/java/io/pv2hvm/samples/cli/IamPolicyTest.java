package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.aws.Migrations;
import io.pv2hvm.aws.SsmTransport;
import io.pv2hvm.aws.SweepOptions;
import io.pv2hvm.core.TransportException;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.testkit.spi.SsmCommandResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.samples.sandbox.GuestMode;
import io.pv2hvm.samples.sandbox.Sandbox;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.RecordedCall;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code pv2hvm iam-policy} allows exactly the EC2 and SSM actions pv2hvm calls, each only on the
 * resources pv2hvm acts on: every call the emulator answered during migrations (keeping IPs or
 * not), rollbacks from every phase, a sweep of a crashed run and an inventory is allowed by the
 * generated policy, resource by resource with the tags each had when the call arrived, and the
 * policy has no other EC2 or SSM action. A destructive call on a resource pv2hvm did not create
 * and the user did not allow is denied.
 */
class IamPolicyTest {
    private static final double SCALE = Double.parseDouble(System.getProperty("pv2hvm.emulator.timeScale", "0.002"));
    private static final Set<String> OBSERVED = new TreeSet<>();
    /** Every call of every scenario, with the scenario's name. */
    private static final List<Map.Entry<RecordedCall, String>> CALLS = new ArrayList<>();
    /** The policy as a user of the sandbox world generates it: the source named, both profiles' roles passable. */
    static final String[] SANDBOX_POLICY_ARGS = {"iam-policy", "--region", "us-east-1", "--account", "123456789012",
            "--instance", SandboxWorld.SOURCE, "--pass-role", "arn:aws:iam::123456789012:role/app-role",
            "--pass-role", "arn:aws:iam::123456789012:role/" + SandboxWorld.WORKER_PROFILE};
    private static String scenarioName = "";

    @BeforeAll
    static void runEveryScenarioAndRecordTheActions() {
        scenarioName = "migration keeping IPs";
        scenario(s -> s.migration().preservingIps().withInstanceType("m5.large").run());
        scenarioName = "migration";
        scenario(s -> s.migration().withInstanceType("m5.large").run());
        scenarioName = "rollback after cutover";
        // A failure at the very end of CUTOVER undoes everything: with IPs kept, that relaunches the source.
        scenario(s -> assertThatThrownBy(() -> failingAtEndOfCutover(s.migration().preservingIps()).run())
                .isInstanceOf(StepFailedException.class));
        scenario(s -> assertThatThrownBy(() -> failingAtEndOfCutover(s.migration()).run())
                .isInstanceOf(StepFailedException.class));
        scenarioName = "sweep of a crashed run";
        scenario(s -> {
            InMemoryJournal journal = InMemoryJournal.create();
            assertThatThrownBy(() -> s.migration().withJournal(journal).withMigrationId("mig-iam-crashed").withStepAfter(Phase.PREPARE, step("process-dies", () -> {
                throw new OutOfMemoryError("simulated death of the JVM");
            })).run()).isInstanceOf(OutOfMemoryError.class);
            assertThat(Migrations.sweep(s.ec2(), InMemoryJournal.create(), SweepOptions.builder()
                    .migrationIds("mig-iam-crashed").timeouts(s.timeouts()).build()).deleted())
                    .isNotEmpty();
        });
        scenarioName = "inventory";
        scenario(s -> assertThat(PreflightProbe.of(SandboxWorld.SOURCE, s.steps(), true).blockers()).isEmpty());
        // Without a worker profile, preflight asks SSM whether Default Host Management is on.
        scenario(s -> assertThat(PreflightProbe.of(SandboxWorld.SOURCE, AwsSteps.builder().ec2(s.ec2()).ssm(s.ssm())
                .timeouts(s.timeouts()).build(), true).blockers()).extracting(b -> b.code())
                .containsExactly("WORKER_INSTANCE_PROFILE"));
        scenarioName = "worker image";
        scenario(s -> assertThat(s.steps().prepareWorkerImage().reused()).isFalse());
        scenarioName = "cancelled command";
        scenario(IamPolicyTest::interruptARunningWorkerCommand);
        scenarioName = "lost SendCommand answer";
        scenario(IamPolicyTest::adoptACommandWhoseAnswerWasLost);
        scenarioName = "commands waited on together";
        scenario(IamPolicyTest::twoCommandsAtOnce);
    }

    /**
     * Commands a fleet waits on together share one ListCommandInvocations round (a lone one is
     * polled with GetCommandInvocation): two at once on one transport.
     */
    private static void twoCommandsAtOnce(Sandbox s) {
        s.emulator().ssmExecutor(command -> {
            Thread.sleep(1_000);
            return SsmCommandResult.success("0 0\n\n\n");
        });
        SsmTransport worker = SsmTransport.builder().client(s.ssm()).instanceId(launchWorker(s, "mig-iam-shared"))
                .maxPoll(java.time.Duration.ofMillis(100)).build();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> worker.exec(Command.of("true")).exitCode());
            var second = pool.submit(() -> worker.exec(Command.of("true")).exitCode());
            assertThat(first.get()).isZero();
            assertThat(second.get()).isZero();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }

        assertThat(s.emulator().journal().calls("ListCommandInvocations")).isNotEmpty();
    }

    /** A SendCommand whose answer is lost is looked for with ListCommands (by its comment) and adopted. */
    private static void adoptACommandWhoseAnswerWasLost(Sandbox s) {
        SsmTransport worker = SsmTransport.builder().client(s.ssm()).instanceId(launchWorker(s, "mig-iam-lost"))
                .maxPoll(java.time.Duration.ofMillis(100)).build();
        s.emulator().faults().loseResponseNext("SendCommand", 1);

        assertThat(worker.exec(Command.of("true")).exitCode()).isZero();

        assertThat(s.emulator().journal().calls("ListCommands")).isNotEmpty();
    }

    /** A worker as pv2hvm launches it: the Ubuntu image (with the agent), the SSM profile, its tags. */
    private static String launchWorker(Sandbox s, String migrationId) {
        return s.ec2().runInstances(r -> r.imageId(SandboxWorld.UBUNTU_IMAGE).instanceType("t3.small")
                .minCount(1).maxCount(1).iamInstanceProfile(p -> p.name(SandboxWorld.WORKER_PROFILE))
                .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE).tags(
                        Tag.builder().key("pv2hvm:migration-id").value(migrationId).build(),
                        Tag.builder().key("pv2hvm:role").value("worker").build())))
                .instances().get(0).instanceId();
    }

    /**
     * Interrupting a run (Ctrl-C, a cancelled future) while the worker runs a command cancels that
     * command; the interrupt arrives while the transport waits between two polls.
     */
    private static void interruptARunningWorkerCommand(Sandbox s) {
        s.emulator().ssmExecutor(command -> {
            Thread.sleep(3_000);
            return SsmCommandResult.success("");
        });
        String id = launchWorker(s, "mig-iam-cancel");
        SsmTransport worker = SsmTransport.builder().client(s.ssm()).instanceId(id)
                .sleeper(d -> {
                    if (s.emulator().journal().count("SendCommand") > 0) {
                        throw new InterruptedException("interrupted while waiting for the command");
                    }
                    Thread.sleep(d.toMillis()); // still waiting for the agent to register
                }).build();

        assertThatThrownBy(() -> worker.exec(Command.of("sleep", "60"))).isInstanceOf(TransportException.class)
                .hasMessageContaining("cancelled");
        Thread.interrupted(); // the transport re-asserts the interrupt for its caller; this test is that caller

        assertThat(s.emulator().journal().calls("CancelCommand")).hasSize(1);
    }

    @Test
    void policy_allowsExactlyTheEc2AndSsmActionsObserved() throws Exception {
        Set<String> allowed = new TreeSet<>();
        for (JsonNode statement : policy().path("Statement")) {
            statement.path("Action").forEach(a -> allowed.add(a.asText()));
        }
        // Permissions EC2 checks without an API call of their own: passing a role, KMS. (CreateTags is
        // both: tagging on create, and the call that tags the source's root converted in place.)
        allowed.removeIf(a -> a.equals("iam:PassRole") || a.startsWith("kms:"));
        assertThat(OBSERVED).as("observed").contains("ec2:RunInstances", "ec2:TerminateInstances", "ssm:SendCommand",
                "ssm:GetCommandInvocation");
        assertThat(allowed).as("the policy's EC2/SSM actions vs the actions observed")
                .containsExactlyInAnyOrderElementsOf(OBSERVED);
    }

    @Test
    void policy_allowsEveryCallOfEveryScenario_resourceByResource() throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator(policy());
        List<String> denied = new ArrayList<>();
        int checks = 0;
        for (var e : CALLS) {
            checks += PolicyEvaluator.checks(e.getKey()).size();
            evaluator.denied(e.getKey()).forEach(d -> denied.add(e.getValue() + ": " + d));
        }
        assertThat(CALLS).extracting(e -> e.getKey().action()).contains("TerminateInstances", "DetachVolume",
                "AttachVolume", "CreateSnapshot", "SendCommand", "DeleteVolume", "StopInstances");
        assertThat(checks).as("authorizations evaluated").isGreaterThan(CALLS.size());
        assertThat(denied).as("calls the generated policy denies").isEmpty();
    }

    /**
     * Statement/action pairs only a real guest's conversion needs (the quarantined first boot gets
     * the source's security groups back); {@link IamPolicyLabTest} proves each is used there.
     */
    static final Set<String> USED_BY_REAL_GUESTS_ONLY = Set.of("OwnResources/ec2:ModifyNetworkInterfaceAttribute",
            "AssignExistingGroups/ec2:ModifyNetworkInterfaceAttribute");

    /**
     * Least privilege, statement by statement: every action of every statement allowed some call of
     * the scenarios, except the pairs only a real guest needs (proven used by the lab test).
     */
    @Test
    void policy_everyActionOfEveryStatementIsUsed() throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator(policy());
        Set<String> used = new TreeSet<>();
        for (var e : CALLS) {
            for (PolicyEvaluator.Check check : PolicyEvaluator.checks(e.getKey())) {
                used.addAll(evaluator.allowing(check));
            }
        }
        Set<String> granted = new TreeSet<>();
        for (JsonNode statement : policy().path("Statement")) {
            statement.path("Action").forEach(a -> granted.add(statement.path("Sid").asText() + "/" + a.asText()));
        }
        granted.removeAll(USED_BY_REAL_GUESTS_ONLY);
        assertThat(granted).as("statement/action pairs no call needed").containsExactlyInAnyOrderElementsOf(used);
    }

    @Test
    void policy_scopesEveryDestructiveActionAndEveryWrite_noneOnStar() throws Exception {
        for (JsonNode statement : policy().path("Statement")) {
            if (statement.path("Resource").asText().equals("*")) {
                assertThat(statement.path("Sid").asText()).isEqualTo("ReadOnly");
                statement.path("Action").forEach(a -> assertThat(a.asText())
                        .matches("ec2:Describe\\w+|ssm:(DescribeInstanceInformation|GetCommandInvocation|CancelCommand|ListCommands|ListCommandInvocations)"));
            }
        }
    }

    @Test
    void cli_printsThePolicy() throws Exception {
        Cli.Run run = Cli.run(SANDBOX_POLICY_ARGS);
        assertThat(run.exit()).isZero();
        assertThat(run.json()).isEqualTo(policy());
        assertThat(run.out()).contains("\"Sid\" : \"PassInstanceProfileToEc2\"", "arn:aws:ec2:us-east-1:123456789012:instance/"
                + SandboxWorld.SOURCE);
    }

    /** The policy the CLI prints for the sandbox world. */
    static JsonNode policy() throws Exception {
        Cli.Run run = Cli.run(SANDBOX_POLICY_ARGS);
        assertThat(run.exit()).as(run.err()).isZero();
        return new ObjectMapper().readTree(run.out());
    }

    private static void scenario(Consumer<Sandbox> body) {
        try (Sandbox sandbox = Sandbox.start(GuestMode.SIMULATED, SCALE)) {
            allowTheSourceAttachments(sandbox);
            body.accept(sandbox);
            for (RecordedCall c : sandbox.emulator().journal().all()) {
                OBSERVED.add(c.service() + ":" + c.action());
                CALLS.add(Map.entry(c, scenarioName));
            }
        }
    }

    /**
     * What the user does before migrating: tags the source's volumes, network interfaces and
     * Elastic IPs pv2hvm may move with the policy's source tag. The user's own calls are not pv2hvm's.
     */
    static void allowTheSourceAttachments(Sandbox s) {
        List<String> ids = new ArrayList<>();
        s.ec2().describeVolumes(r -> r.filters(Filter.builder().name("attachment.instance-id").values(SandboxWorld.SOURCE).build()))
                .volumes().forEach(v -> ids.add(v.volumeId()));
        s.ec2().describeNetworkInterfaces(r -> r.filters(Filter.builder().name("attachment.instance-id")
                .values(SandboxWorld.SOURCE).build())).networkInterfaces().forEach(n -> ids.add(n.networkInterfaceId()));
        s.ec2().describeAddresses().addresses().forEach(a -> ids.add(a.allocationId()));
        assertThat(ids).contains(SandboxWorld.DATA_VOLUME, SandboxWorld.ENI2, SandboxWorld.EIP);
        s.ec2().createTags(r -> r.resources(ids).tags(Tag.builder().key("pv2hvm-source").value("allowed").build()));
        s.emulator().journal().clear();
    }

    private static MigrationSpec failingAtEndOfCutover(MigrationSpec spec) {
        return spec.withStepAfter(Phase.CUTOVER, step("fail-after-cutover", () -> {
            throw new IllegalStateException("injected failure after cutover");
        }));
    }

    private static Step step(String name, Runnable body) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(StepContext context) {
                body.run();
            }
        };
    }
}
