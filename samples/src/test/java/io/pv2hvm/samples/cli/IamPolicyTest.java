package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.aws.Migrations;
import io.pv2hvm.aws.SsmTransport;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code pv2hvm iam-policy} allows exactly the EC2 and SSM actions pv2hvm calls: every action the
 * emulator answered during migrations (keeping IPs or not), rollbacks from every phase, a sweep
 * of a crashed run and an inventory is in the policy, and the policy has no other EC2 or SSM
 * action. The two permissions EC2 checks without an API call of their own (tagging on create,
 * passing the instance profile) are the only other statements.
 */
class IamPolicyTest {
    private static final double SCALE = Double.parseDouble(System.getProperty("pv2hvm.emulator.timeScale", "0.002"));
    private static final Set<String> OBSERVED = new TreeSet<>();

    @BeforeAll
    static void runEveryScenarioAndRecordTheActions() {
        scenario(s -> s.migration().preservingIps().withInstanceType("m5.large").run());
        scenario(s -> s.migration().withInstanceType("m5.large").run());
        // A failure at the very end of CUTOVER undoes everything: with IPs kept, that relaunches the source.
        scenario(s -> assertThatThrownBy(() -> failingAtEndOfCutover(s.migration().preservingIps()).run())
                .isInstanceOf(StepFailedException.class));
        scenario(s -> assertThatThrownBy(() -> failingAtEndOfCutover(s.migration()).run())
                .isInstanceOf(StepFailedException.class));
        scenario(s -> {
            InMemoryJournal journal = InMemoryJournal.create();
            assertThatThrownBy(() -> s.migration().journal(journal).withMigrationId("mig-iam-crashed").withStep(Phase.PREPARE, step("process-dies", () -> {
                throw new OutOfMemoryError("simulated death of the JVM");
            })).run()).isInstanceOf(OutOfMemoryError.class);
            assertThat(Migrations.sweep(s.ec2(), InMemoryJournal.create(), Set.of("mig-iam-crashed"), false,
                    s.timeouts()).deleted())
                    .isNotEmpty();
        });
        scenario(s -> assertThat(PreflightProbe.of(SandboxWorld.SOURCE, s.steps(), true).blockers()).isEmpty());
        // Without a worker profile, preflight asks SSM whether Default Host Management is on.
        scenario(s -> assertThat(PreflightProbe.of(SandboxWorld.SOURCE, AwsSteps.builder().ec2(s.ec2()).ssm(s.ssm())
                .timeouts(s.timeouts()).build(), true).blockers()).extracting(b -> b.code())
                .containsExactly("WORKER_INSTANCE_PROFILE"));
        scenario(s -> assertThat(s.steps().prepareWorkerImage().reused()).isFalse());
        scenario(IamPolicyTest::interruptARunningWorkerCommand);
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
        // A worker as pv2hvm launches it: the Ubuntu image (with the agent) and the SSM profile.
        String id = s.ec2().runInstances(r -> r.imageId(SandboxWorld.UBUNTU_IMAGE).instanceType("t3.small")
                .minCount(1).maxCount(1).iamInstanceProfile(p -> p.name(SandboxWorld.WORKER_PROFILE)))
                .instances().get(0).instanceId();
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
        JsonNode policy = policy();
        Set<String> allowed = new TreeSet<>();
        for (JsonNode statement : policy.path("Statement")) {
            if ("Pv2hvmCalls".equals(statement.path("Sid").asText())) {
                statement.path("Action").forEach(a -> allowed.add(a.asText()));
                assertThat(statement.path("Resource").asText()).isEqualTo("*");
            }
        }
        assertThat(OBSERVED).as("observed").contains("ec2:RunInstances", "ec2:TerminateInstances", "ssm:SendCommand",
                "ssm:GetCommandInvocation");
        assertThat(allowed).as("the policy's EC2/SSM actions vs the actions observed")
                .containsExactlyInAnyOrderElementsOf(OBSERVED);
    }

    @Test
    void policy_hasOnlyTheImplicitPermissionsBesides_eachNarrowedByACondition() throws Exception {
        JsonNode policy = policy();
        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        List<String> others = new ArrayList<>();
        for (JsonNode statement : policy.path("Statement")) {
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            String sid = statement.path("Sid").asText();
            if ("Pv2hvmCalls".equals(sid)) {
                continue;
            }
            others.add(sid + "=" + statement.path("Action"));
            switch (sid) {
                case "TagOnCreate" -> assertThat(statement.path("Condition").path("StringEquals")
                        .path("ec2:CreateAction")).extracting(JsonNode::toString).asString()
                        .contains("RunInstances", "CreateVolume", "CreateSnapshot", "RegisterImage", "CreateSecurityGroup");
                case "PassInstanceProfileToEc2" -> assertThat(statement.path("Condition").path("StringEquals")
                        .path("iam:PassedToService").asText()).isEqualTo("ec2.amazonaws.com");
                default -> throw new AssertionError("unexpected statement " + statement);
            }
        }
        assertThat(others).containsExactlyInAnyOrder("TagOnCreate=[\"ec2:CreateTags\"]",
                "PassInstanceProfileToEc2=[\"iam:PassRole\"]");
    }

    @Test
    void cli_printsThePolicy() throws Exception {
        Cli.Run run = Cli.run("iam-policy");
        assertThat(run.exit()).isZero();
        assertThat(run.json()).isEqualTo(policy());
    }

    private static JsonNode policy() throws Exception {
        return new ObjectMapper().readTree(IamPolicyCommand.policy());
    }

    private static void scenario(Consumer<Sandbox> body) {
        try (Sandbox sandbox = Sandbox.start(GuestMode.SIMULATED, SCALE)) {
            body.accept(sandbox);
            for (RecordedCall c : sandbox.emulator().journal().all()) {
                OBSERVED.add(c.service() + ":" + c.action());
            }
        }
    }

    private static MigrationSpec failingAtEndOfCutover(MigrationSpec spec) {
        return spec.withStep(Phase.CUTOVER, step("fail-after-cutover", () -> {
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
