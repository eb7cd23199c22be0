package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pv2hvm.samples.sandbox.GuestMode;
import io.pv2hvm.samples.sandbox.Sandbox;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.RecordedCall;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated policy denies what pv2hvm must not do: destroy or change a resource it did not
 * create and the user did not allow, create an untagged resource, run a command on an instance
 * that is not a pv2hvm worker. Each call is made for real against the emulator, which records the
 * resources it touched and their tags; the evaluator then judges the recorded call.
 */
class IamPolicyScopeTest {
    private static final double SCALE = Double.parseDouble(System.getProperty("pv2hvm.emulator.timeScale", "0.002"));

    @Test
    void terminatingAnInstancePv2hvmDidNotCreateAndTheUserDidNotName_isDenied() throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator(IamPolicyTest.policy());
        try (Sandbox s = Sandbox.start(GuestMode.SIMULATED, SCALE)) {
            String someoneElses = s.ec2().runInstances(r -> r.imageId(SandboxWorld.UBUNTU_IMAGE).instanceType("t3.small")
                    .minCount(1).maxCount(1)).instances().get(0).instanceId();
            String pv2hvms = s.ec2().runInstances(r -> r.imageId(SandboxWorld.UBUNTU_IMAGE).instanceType("t3.small")
                    .minCount(1).maxCount(1).tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE)
                            .tags(Tag.builder().key("pv2hvm:migration-id").value("mig-1").build()))).instances().get(0).instanceId();
            s.ec2().terminateInstances(r -> r.instanceIds(someoneElses));
            s.ec2().terminateInstances(r -> r.instanceIds(pv2hvms));
            s.ec2().terminateInstances(r -> r.instanceIds(SandboxWorld.SOURCE));

            List<RecordedCall> launches = s.emulator().journal().calls("RunInstances");
            List<RecordedCall> terminations = s.emulator().journal().calls("TerminateInstances");
            assertThat(evaluator.denied(launches.get(0))).as("an untagged launch")
                    .extracting(PolicyEvaluator.Check::action).contains("ec2:RunInstances");
            assertThat(evaluator.denied(launches.get(1))).as("a launch tagged on create").isEmpty();
            assertThat(evaluator.denied(terminations.get(0))).as("someone else's instance")
                    .extracting(PolicyEvaluator.Check::resource)
                    .containsExactly("arn:aws:ec2:us-east-1:123456789012:instance/" + someoneElses);
            assertThat(evaluator.denied(terminations.get(1))).as("pv2hvm's instance").isEmpty();
            assertThat(evaluator.denied(terminations.get(2))).as("the source, named with --instance").isEmpty();
        }
    }

    @Test
    void theSourceTagAllowsMovingASourceVolume_neverDeletingIt_andAnUntaggedVolumeNotEvenDetaching() throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator(IamPolicyTest.policy());
        try (Sandbox s = Sandbox.start(GuestMode.SIMULATED, SCALE)) {
            s.ec2().detachVolume(r -> r.volumeId(SandboxWorld.DATA_VOLUME)); // the user has not tagged it
            RecordedCall untaggedDetach = s.emulator().journal().calls("DetachVolume").get(0);
            IamPolicyTest.allowTheSourceAttachments(s);
            s.ec2().createSnapshot(r -> r.volumeId(SandboxWorld.DATA_VOLUME));
            try {
                s.ec2().deleteVolume(r -> r.volumeId(SandboxWorld.DATA_VOLUME));
            } catch (RuntimeException stillDetaching) {
                // IAM authorizes before EC2 looks at the volume's state: the recorded call is what counts.
            }
            RecordedCall snapshot = s.emulator().journal().calls("CreateSnapshot").get(0);
            RecordedCall delete = s.emulator().journal().calls("DeleteVolume").get(0);

            String volume = "arn:aws:ec2:us-east-1:123456789012:volume/" + SandboxWorld.DATA_VOLUME;
            assertThat(evaluator.denied(untaggedDetach)).extracting(PolicyEvaluator.Check::resource).containsExactly(volume);
            assertThat(untaggedDetach.resources()).extracting(r -> r.arn())
                    .containsExactly("arn:aws:ec2:us-east-1:123456789012:instance/" + SandboxWorld.SOURCE, volume);
            assertThat(evaluator.denied(snapshot)).as("a snapshot of a source volume the user tagged, tagged on create")
                    .extracting(PolicyEvaluator.Check::resource).containsExactly("arn:aws:ec2:us-east-1:123456789012:snapshot/*");
            assertThat(delete.resources()).singleElement().satisfies(r -> assertThat(r.tags()).containsEntry("pv2hvm-source", "allowed"));
            assertThat(evaluator.denied(delete)).as("deleting a source volume, even one the user tagged")
                    .extracting(PolicyEvaluator.Check::action).containsExactly("ec2:DeleteVolume");
        }
    }

    @Test
    void sendCommand_onlyWithAwsRunShellScript_onlyToPv2hvmWorkers() throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator(IamPolicyTest.policy());
        try (Sandbox s = Sandbox.start(GuestMode.SIMULATED, SCALE)) {
            try {
                s.ssm().sendCommand(r -> r.documentName("AWS-RunShellScript").instanceIds(SandboxWorld.SOURCE)
                        .parameters(java.util.Map.of("commands", List.of("id"))));
            } catch (RuntimeException notManaged) {
                // The source has no SSM agent registered; IAM decided first.
            }
            RecordedCall call = s.emulator().journal().calls("SendCommand").get(0);
            assertThat(evaluator.denied(call)).extracting(PolicyEvaluator.Check::resource)
                    .containsExactly("arn:aws:ec2:us-east-1:123456789012:instance/" + SandboxWorld.SOURCE);
        }
    }

    @Test
    void partitionRegionAccountRolesAndKeys_goIntoTheArns() throws Exception {
        Cli.Run run = Cli.run("iam-policy", "--partition", "aws-us-gov", "--region", "us-gov-west-1",
                "--account", "111122223333", "--pass-role", "arn:aws-us-gov:iam::111122223333:role/worker",
                "--kms-key", "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "--image-parameter", "/golden/worker-ami");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode policy = new ObjectMapper().readTree(run.out());
        for (JsonNode statement : policy.path("Statement")) {
            statement.path("Resource").forEach(r -> assertThat(r.asText()).startsWith("arn:aws-us-gov:"));
            if (statement.path("Resource").isTextual() && !"*".equals(statement.path("Resource").asText())) {
                assertThat(statement.path("Resource").asText()).startsWith("arn:aws-us-gov:");
            }
        }
        assertThat(run.out()).contains("arn:aws-us-gov:ssm:us-gov-west-1:111122223333:parameter/golden/worker-ami",
                "arn:aws-us-gov:ec2:us-gov-west-1:111122223333:volume/*", "\"kms:ViaService\" : \"ec2.us-gov-west-1.amazonaws.com\"",
                "\"iam:PassedToService\" : \"ec2.amazonaws.com\"");

        Cli.Run bare = Cli.run("iam-policy");
        assertThat(bare.exit()).isZero();
        assertThat(bare.out()).doesNotContain("iam:PassRole", "kms:").contains("\"ec2:ResourceTag/pv2hvm-source\" : \"allowed\"");
    }

    @Test
    void badInput_isAUsageErrorThatSaysHowToFixIt_andPrintsNoPolicy() {
        for (String[] args : List.of(new String[]{"--partition", "aws-eu"}, new String[]{"--region", "mars"},
                new String[]{"--account", "12345"}, new String[]{"--instance", "vol-0123"},
                new String[]{"--pass-role", "arn:aws:iam::123456789012:user/bob"},
                new String[]{"--partition", "aws-cn", "--pass-role", "arn:aws:iam::123456789012:role/r"},
                new String[]{"--kms-key", "alias/aws/ebs"}, new String[]{"--source-tag", "novalue"},
                new String[]{"--image-parameter", "worker-ami"})) {
            String[] full = new String[args.length + 1];
            full[0] = "iam-policy";
            System.arraycopy(args, 0, full, 1, args.length);
            Cli.Run run = Cli.run(full);
            assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).as(String.join(" ", args)).contains(args[args.length - 2]).contains("must be");
            assertThat(run.out()).as(String.join(" ", args)).doesNotContain("Statement");
        }
    }
}
