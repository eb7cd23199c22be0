package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.samples.sandbox.Sandbox;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.RecordedCall;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Volume;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated policy's KMS statement, exercised: a {@code preservingIps()} migration of a source
 * whose root and data volume are encrypted under a customer managed key. EC2 uses the caller's
 * KMS permissions on that key whenever it snapshots, creates, registers, launches or attaches
 * from it (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html#ebs-encryption-permissions);
 * the emulator records the key as a resource of each such call. Every call is allowed by the
 * policy made with {@code --kms-key}, and without it exactly the KMS operations on the key are denied.
 */
class IamPolicyKmsTest {
    private static final double SCALE = Double.parseDouble(System.getProperty("pv2hvm.emulator.timeScale", "0.002"));
    static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/0b5e55ed-12ab-34cd-56ef-1234567890ab";
    private static final List<String> KMS_OPERATIONS = List.of("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo");
    private static List<RecordedCall> calls;

    @BeforeAll
    static void migrateAnEncryptedSource() {
        try (Sandbox s = Sandbox.startSimulated(SandboxWorld.simulatedEncryptedWith(KEY), SCALE)) {
            IamPolicyTest.allowTheSourceAttachments(s);

            MigrationResult r = s.migration().preservingIps().withInstanceType("m5.large").run();

            Instance hvm = s.ec2().describeInstances(q -> q.instanceIds(r.newInstanceId())).reservations().get(0)
                    .instances().get(0);
            List<Volume> volumes = s.ec2().describeVolumes(q -> q.filters(Filter.builder().name("attachment.instance-id")
                    .values(hvm.instanceId()).build())).volumes();
            assertThat(volumes).as("the new instance's root and the moved data volume").hasSize(2)
                    .allSatisfy(v -> {
                        assertThat(v.encrypted()).isTrue();
                        assertThat(v.kmsKeyId()).isEqualTo(KEY);
                    });
            calls = s.emulator().journal().all();
        }
    }

    @Test
    void withTheKey_everyCallIsAllowed_andEveryKmsActionOfTheStatementIsUsed() throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator(policy("--kms-key", KEY));
        List<String> denied = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (RecordedCall c : calls) {
            evaluator.denied(c).forEach(d -> denied.add(c.action() + ": " + d));
            PolicyEvaluator.checks(c).forEach(check -> used.addAll(evaluator.allowing(check)));
        }

        assertThat(denied).as("calls of an encrypted migration the policy with --kms-key denies").isEmpty();
        assertThat(used).filteredOn(u -> u.startsWith("EncryptedVolumes/")).containsExactlyInAnyOrder(
                "EncryptedVolumes/kms:CreateGrant", "EncryptedVolumes/kms:Decrypt", "EncryptedVolumes/kms:DescribeKey",
                "EncryptedVolumes/kms:GenerateDataKeyWithoutPlaintext", "EncryptedVolumes/kms:ReEncrypt*");
        assertThat(calls).filteredOn(c -> c.resources().stream().anyMatch(r -> r.arn().equals(KEY)))
                .extracting(RecordedCall::action)
                .contains("CreateSnapshot", "CreateVolume", "RegisterImage", "RunInstances", "AttachVolume");
    }

    @Test
    void withoutTheKey_exactlyTheKmsOperationsOnTheKeyAreDenied_andTheDenialNamesThem() throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator(IamPolicyTest.policy());
        List<PolicyEvaluator.Check> denied = calls.stream().flatMap(c -> evaluator.denied(c).stream()).toList();

        assertThat(denied).isNotEmpty().allSatisfy(d -> assertThat(d.resource()).isEqualTo(KEY));
        assertThat(denied).extracting(PolicyEvaluator.Check::action).containsOnlyElementsOf(KMS_OPERATIONS)
                .containsAll(KMS_OPERATIONS);
        assertThat(denied.get(0).toString()).as("what the denial says")
                .matches("kms:\\w+ on " + java.util.regex.Pattern.quote(KEY) + " \\{kms:ViaService=\\[ec2.us-east-1.amazonaws.com\\]\\}");
    }

    private static JsonNode policy(String... extra) throws Exception {
        String[] args = Stream.concat(Arrays.stream(IamPolicyTest.SANDBOX_POLICY_ARGS), Arrays.stream(extra))
                .toArray(String[]::new);
        Cli.Run run = Cli.run(args);
        assertThat(run.exit()).as(run.err()).isZero();
        return new ObjectMapper().readTree(run.out());
    }
}
