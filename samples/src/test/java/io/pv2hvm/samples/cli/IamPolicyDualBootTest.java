package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.samples.sandbox.Sandbox;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pv2hvm iam-policy --source-over-ssm}, exercised: a DUAL_BOOT migration whose live change
 * reaches the running source over SSM Run Command. With the option every call is allowed and its
 * statement is used; without it exactly the SendCommand on the source is denied (the option is
 * the only thing that lets a command reach the production instance), and the statement is absent.
 */
class IamPolicyDualBootTest {
    private static final double SCALE = Double.parseDouble(System.getProperty("pv2hvm.emulator.timeScale", "0.002"));
    private static final String SOURCE_ARN = "arn:aws:ec2:us-east-1:123456789012:instance/" + SandboxWorld.SOURCE;
    private static List<RecordedCall> calls;

    @BeforeAll
    static void migrateWithDualBootOverSsm() {
        try (Sandbox s = Sandbox.startSimulated(SandboxWorld.simulatedWithSourceOnSsm(), SCALE)) {
            IamPolicyTest.allowTheSourceAttachments(s);
            // the user also tags the source instance, for the policy scoped by tag (no --instance)
            s.ec2().createTags(r -> r.resources(SandboxWorld.SOURCE)
                    .tags(Tag.builder().key("pv2hvm-source").value("allowed").build()));
            s.emulator().journal().clear();
            SimulatedGuest guest = SimulatedGuest.typical();
            AwsSteps aws = AwsSteps.builder().ec2(s.ec2()).ssm(s.ssm()).timeouts(s.timeouts())
                    .workerInstanceProfile(SandboxWorld.WORKER_PROFILE).guestConversion(guest).sourceOverSsm().build();

            MigrationResult r = Migration.of(SandboxWorld.SOURCE).toHvm().withProvider(aws)
                    .withJournal(InMemoryJournal.create()).preservingIps().withStrategy(ConversionStrategy.DUAL_BOOT).run();

            assertThat(r.newInstanceId()).isNotBlank();
            assertThat(guest.liveChanges()).isEqualTo(1);
            calls = s.emulator().journal().all();
        }
    }

    @Test
    void withTheOption_everyCallIsAllowed_andTheSourceStatementAllowedTheCommandOnTheSource() throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator(policy("--source-over-ssm"));
        List<String> denied = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (RecordedCall c : calls) {
            evaluator.denied(c).forEach(d -> denied.add(c.action() + ": " + d));
            PolicyEvaluator.checks(c).forEach(check -> used.addAll(evaluator.allowing(check)));
        }

        assertThat(calls).filteredOn(c -> c.action().equals("SendCommand"))
                .anyMatch(c -> SandboxWorld.SOURCE.equals(c.param("InstanceIds.1")));
        assertThat(denied).as("calls of a DUAL_BOOT migration the policy with --source-over-ssm denies").isEmpty();
        assertThat(used).contains("SendCommandToSource/ssm:SendCommand");
    }

    @Test
    void withoutTheOption_exactlyTheCommandsOnTheSourceAreDenied_andTheStatementIsAbsent() throws Exception {
        JsonNode policy = IamPolicyTest.policy();
        PolicyEvaluator evaluator = new PolicyEvaluator(policy);
        List<PolicyEvaluator.Check> denied = calls.stream().flatMap(c -> evaluator.denied(c).stream()).toList();

        assertThat(denied).isNotEmpty().allSatisfy(d -> {
            assertThat(d.action()).isEqualTo("ssm:SendCommand");
            assertThat(d.resource()).isEqualTo(SOURCE_ARN);
        });
        assertThat(policy.path("Statement")).noneMatch(st -> st.path("Sid").asText().equals("SendCommandToSource"));
    }

    @Test
    void byTag_withoutInstance_theCommandIsAllowedOnlyOnASourceCarryingTheSourceTag() throws Exception {
        JsonNode byTag = policyWithout("--instance", SandboxWorld.SOURCE, "--source-over-ssm");
        JsonNode statement = statement(byTag, "SendCommandToSource");
        assertThat(statement.path("Condition").path("StringEquals").path("ssm:resourceTag/pv2hvm-source").asText())
                .isEqualTo("allowed");
        PolicyEvaluator evaluator = new PolicyEvaluator(byTag);
        List<RecordedCall> toSource = calls.stream().filter(c -> c.action().equals("SendCommand")
                && SandboxWorld.SOURCE.equals(c.param("InstanceIds.1"))).toList();

        assertThat(toSource).isNotEmpty().allSatisfy(c -> assertThat(evaluator.denied(c)).isEmpty());
    }

    @Test
    void theStatement_isScopedToTheNamedSourceAndTheRunShellScriptDocumentOnly() throws Exception {
        JsonNode policy = policy("--source-over-ssm");
        JsonNode statement = statement(policy, "SendCommandToSource");

        assertThat(statement.path("Action")).extracting(JsonNode::asText).containsExactly("ssm:SendCommand");
        assertThat(statement.path("Resource").asText()).isEqualTo(SOURCE_ARN);
        // SendCommand needs the document too; the only document any statement allows is AWS-RunShellScript
        List<String> resources = new ArrayList<>();
        for (JsonNode st : policy.path("Statement")) {
            JsonNode r = st.path("Resource");
            if (r.isArray()) {
                r.forEach(each -> resources.add(each.asText()));
            } else {
                resources.add(r.asText());
            }
        }
        assertThat(resources).filteredOn(r -> r.contains(":document/"))
                .containsOnly("arn:aws:ssm:us-east-1::document/AWS-RunShellScript");
    }

    private static JsonNode statement(JsonNode policy, String sid) {
        for (JsonNode st : policy.path("Statement")) {
            if (st.path("Sid").asText().equals(sid)) {
                return st;
            }
        }
        throw new AssertionError("no statement " + sid + " in " + policy);
    }

    private static JsonNode policy(String... extra) throws Exception {
        return run(Stream.concat(Arrays.stream(IamPolicyTest.SANDBOX_POLICY_ARGS), Arrays.stream(extra))
                .toArray(String[]::new));
    }

    /** The sandbox's policy arguments without {@code option value}, plus {@code extra}. */
    private static JsonNode policyWithout(String option, String value, String... extra) throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList(IamPolicyTest.SANDBOX_POLICY_ARGS));
        int i = args.indexOf(option);
        assertThat(args.get(i + 1)).isEqualTo(value);
        args.subList(i, i + 2).clear();
        args.addAll(Arrays.asList(extra));
        return run(args.toArray(String[]::new));
    }

    private static JsonNode run(String[] args) throws Exception {
        Cli.Run run = Cli.run(args);
        assertThat(run.exit()).as(run.err()).isZero();
        return new ObjectMapper().readTree(run.out());
    }
}
