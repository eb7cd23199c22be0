package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.spi.SsmCommandResult;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** SSM Run Command through the real SsmClient, on a manual clock. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class SsmTest {

    private final ManualClock clock = ManualClock.create();
    private final RecordingSsmExecutor recorder = new RecordingSsmExecutor()
            .answer("lsblk", SsmCommandResult.success("xvda 8G\nxvdf 100G\n"))
            .answer("exit 3", SsmCommandResult.failure(3, "boom"))
            .answer("big-output", SsmCommandResult.success("x".repeat(30_000)));
    private Ec2Emulator aws;
    private SsmClient ssm;

    @BeforeEach
    void start() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).clock(clock).latency(LatencyModel.realistic())
                .consistencyWindow(Duration.ofMillis(500)).ssmExecutor(recorder).build().start();
        ssm = AwsClients.ssm(aws);
    }

    @AfterEach
    void stop() {
        ssm.close();
        aws.stop();
    }

    private String send(String... commands) {
        return ssm.sendCommand(r -> r.documentName("AWS-RunShellScript").instanceIds(Worlds.SOURCE)
                .parameters(Map.of("commands", List.of(commands), "executionTimeout", List.of("600")))).command().commandId();
    }

    private GetCommandInvocationResponse invocation(String commandId) {
        return ssm.getCommandInvocation(r -> r.commandId(commandId).instanceId(Worlds.SOURCE));
    }

    /** Advances model time past dispatch and run latency, and waits for the executor thread. */
    private GetCommandInvocationResponse finished(String commandId) {
        clock.advance(Duration.ofSeconds(3));
        Polling.until(() -> !invocation(commandId).status().equals(CommandInvocationStatus.IN_PROGRESS));
        return invocation(commandId);
    }

    @Test
    void sendCommand_goesPendingInProgressSuccess_withTheExecutorsOutput() {
        String id = send("lsblk -o NAME,SIZE");
        assertThatThrownBy(() -> invocation(id)).isInstanceOf(InvocationDoesNotExistException.class);
        clock.advance(Duration.ofMillis(500));
        assertThat(invocation(id).status()).isEqualTo(CommandInvocationStatus.PENDING);
        clock.advance(Duration.ofMillis(500));
        assertThat(invocation(id).status()).isEqualTo(CommandInvocationStatus.IN_PROGRESS);

        GetCommandInvocationResponse done = finished(id);
        assertThat(done.status()).isEqualTo(CommandInvocationStatus.SUCCESS);
        assertThat(done.responseCode()).isZero();
        assertThat(done.standardOutputContent()).isEqualTo("xvda 8G\nxvdf 100G\n");
        assertThat(recorder.received()).singleElement().satisfies(c -> {
            assertThat(c.commands()).containsExactly("lsblk -o NAME,SIZE");
            assertThat(c.executionTimeout()).isEqualTo(Duration.ofSeconds(600));
            assertThat(c.instanceId()).isEqualTo(Worlds.SOURCE);
        });
    }

    @Test
    void failingCommand_isFailedWithItsExitCodeAndStderr() {
        String id = send("exit 3");
        GetCommandInvocationResponse done = finished(id);
        assertThat(done.status()).isEqualTo(CommandInvocationStatus.FAILED);
        assertThat(done.responseCode()).isEqualTo(3);
        assertThat(done.standardErrorContent()).isEqualTo("boom");
    }

    @Test
    void longOutput_isTruncatedTo24000Characters() {
        String id = send("big-output");
        assertThat(finished(id).standardOutputContent()).hasSize(24_000);
    }

    @Test
    void listCommandInvocations_withDetails_andCancelCommand() {
        String id = send("sleep 100");
        clock.advance(Duration.ofMillis(500));
        ssm.cancelCommand(r -> r.commandId(id));
        assertThat(invocation(id).status()).isEqualTo(CommandInvocationStatus.CANCELLED);

        var list = ssm.listCommandInvocations(r -> r.commandId(id).details(true)).commandInvocations();
        assertThat(list).singleElement().satisfies(i -> {
            assertThat(i.instanceId()).isEqualTo(Worlds.SOURCE);
            assertThat(i.status()).isEqualTo(CommandInvocationStatus.CANCELLED);
            assertThat(i.commandPlugins()).hasSize(1);
        });
    }

    @Test
    void describeInstanceInformation_reportsOnlineAgents_andSendCommandRefusesOthers() {
        var info = ssm.describeInstanceInformation(r -> r.filters(f -> f.key("InstanceIds").values(Worlds.SOURCE))).instanceInformationList();
        assertThat(info).singleElement().satisfies(i -> {
            assertThat(i.pingStatusAsString()).isEqualTo("Online");
            assertThat(i.ipAddress()).isEqualTo(Worlds.SOURCE_IP);
        });

        try (Ec2Client ec2 = AwsClients.ec2(aws)) {
            ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));
            clock.advance(Duration.ofSeconds(45));
        }
        assertThat(ssm.describeInstanceInformation(r -> r.filters(f -> f.key("InstanceIds").values(Worlds.SOURCE)))
                .instanceInformationList().get(0).pingStatusAsString()).isEqualTo("ConnectionLost");
        assertThatThrownBy(() -> send("true")).isInstanceOf(InvalidInstanceIdException.class);
    }

    @Test
    void newInstance_agentComesOnline30SecondsAfterRunning() {
        String id;
        try (Ec2Client ec2 = AwsClients.ec2(aws)) {
            id = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1)
                    .iamInstanceProfile(p -> p.name("app-role"))).instances().get(0).instanceId();
        }
        clock.advance(Duration.ofSeconds(15 + 29));
        assertThat(ssm.describeInstanceInformation(r -> r.filters(f -> f.key("InstanceIds").values(id))).instanceInformationList()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(ssm.describeInstanceInformation(r -> r.filters(f -> f.key("InstanceIds").values(id))).instanceInformationList())
                .singleElement().satisfies(i -> assertThat(i.pingStatusAsString()).isEqualTo("Online"));
    }

    @Test
    void instanceWithoutAgent_isNeverOnline_andRefusesCommands() {
        try (Ec2Emulator noAgent = Ec2Emulator.builder().world(World.builder().defaultNetwork()
                .image(ImageSeed.pv("ami-0c0ffee0c0ffee001", "centos5-pv"))
                .instance(InstanceSeed.of("i-0123456789abcdef0", "ami-0c0ffee0c0ffee001").withoutSsmAgent()).build()).build().start();
             SsmClient c = AwsClients.ssm(noAgent)) {
            assertThat(c.describeInstanceInformation(r -> r.filters(f -> f.key("InstanceIds").values("i-0123456789abcdef0")))
                    .instanceInformationList()).isEmpty();
            assertThatThrownBy(() -> c.sendCommand(r -> r.documentName("AWS-RunShellScript").instanceIds("i-0123456789abcdef0")
                    .parameters(Map.of("commands", List.of("true"))))).isInstanceOf(InvalidInstanceIdException.class);
        }
    }

    @Test
    void injectedSsmFault_isAJsonErrorTheSdkUnderstands() {
        aws.faults().failNext("SendCommand", 1, "ThrottlingException", "Rate exceeded");
        assertThatThrownBy(() -> send("true")).isInstanceOfSatisfying(SsmException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.isThrottlingException()).isTrue();
        });
        assertThat(aws.journal().calls("SendCommand")).extracting(RecordedCall::errorCode).containsExactly("ThrottlingException");
    }

    @Test
    void getParameter_resolvesPublicAmiParameters() {
        assertThat(ssm.getParameter(r -> r.name(World.AMAZON_LINUX_PARAMETER)).parameter().value()).isEqualTo(World.AMAZON_LINUX_HVM_IMAGE);
        assertThatThrownBy(() -> ssm.getParameter(r -> r.name("/aws/service/nope"))).isInstanceOf(ParameterNotFoundException.class);
    }

    @Test
    void localExecutor_cancelKillsTheScript() throws Exception {
        aws.ssmExecutor(new LocalSsmExecutor());
        java.nio.file.Path marker = java.nio.file.Files.createTempFile("ssm-cancel", ".txt");
        java.nio.file.Files.delete(marker);
        String id = send("sleep 1; touch " + marker);
        Thread.sleep(200);
        clock.advance(Duration.ofMillis(500));
        ssm.cancelCommand(r -> r.commandId(id));
        Thread.sleep(1500);
        assertThat(marker).doesNotExist();
        assertThat(invocation(id).status()).isEqualTo(CommandInvocationStatus.CANCELLED);
    }

    @Test
    void localExecutor_runsTheScriptOnThisMachine() {
        aws.ssmExecutor(new LocalSsmExecutor());
        String id = send("echo hello from $PV2HVM_INSTANCE_ID", "echo oops >&2");
        GetCommandInvocationResponse done = finished(id);
        assertThat(done.status()).isEqualTo(CommandInvocationStatus.SUCCESS);
        assertThat(done.standardOutputContent()).isEqualTo("hello from " + Worlds.SOURCE + "\n");
        assertThat(done.standardErrorContent()).isEqualTo("oops\n");
    }
}
