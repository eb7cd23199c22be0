package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.spi.SsmCommandResult;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvalidDocumentException;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvalidParametersException;
import software.amazon.awssdk.services.ssm.model.ServiceSettingNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * The emulator's SSM is at least as strict as SSM: agents register only with an agent in the
 * image and credentials that allow it, SendCommand validates document and parameters, the
 * execution timeout is enforced, and calls can be throttled. Through the real SsmClient, on a
 * manual clock.
 */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class SsmRulesTest {
    static final String UBUNTU = "ami-0ca11ed24040ca11e";
    static final String DEBIAN = "ami-0deb1a0deb1a0deb1";
    static final String DHMC = "/ssm/managed-instance/default-ec2-instance-management-role";

    private final ManualClock clock = ManualClock.create();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private Ec2Emulator aws;
    private Ec2Client ec2;
    private SsmClient ssm;

    private void start(boolean defaultHostManagement) {
        World world = World.builder().defaultNetwork()
                .instanceProfile("ssm-role", InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                .instanceProfile("plain-role")
                .image(ImageSeed.hvm(UBUNTU, "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251201")
                        .publicByAmazon().withSsmAgent())
                .image(ImageSeed.hvm(DEBIAN, "debian-12-amd64-20251117-2300").publicByAmazon())
                .defaultHostManagement(defaultHostManagement)
                .build();
        RecordingSsmExecutor recorder = new RecordingSsmExecutor()
                .answer("exit 124", SsmCommandResult.failure(124, "timeout(1) gave up"));
        aws = Ec2Emulator.builder().world(world).clock(clock).latency(LatencyModel.realistic())
                .ssmExecutor(command -> {
                    if (command.script().contains("block")) {
                        started.countDown();
                        release.await(30, TimeUnit.SECONDS);
                    }
                    return recorder.execute(command);
                }).build().start();
        ec2 = AwsClients.ec2(aws);
        ssm = AwsClients.ssm(aws);
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (aws != null) {
            ec2.close();
            ssm.close();
            aws.stop();
        }
    }

    private String launch(String image, String profile) {
        RunInstancesRequest.Builder r = RunInstancesRequest.builder().imageId(image).instanceType("t3.micro")
                .minCount(1).maxCount(1);
        if (profile != null) {
            r.iamInstanceProfile(p -> p.name(profile));
        }
        return ec2.runInstances(r.build()).instances().get(0).instanceId();
    }

    private boolean online(String id) {
        return ssm.describeInstanceInformation(r -> r.filters(f -> f.key("InstanceIds").values(id)))
                .instanceInformationList().stream().anyMatch(i -> "Online".equals(i.pingStatusAsString()));
    }

    private String send(String id, Map<String, List<String>> parameters) {
        return ssm.sendCommand(r -> r.documentName("AWS-RunShellScript").instanceIds(id).parameters(parameters))
                .command().commandId();
    }

    private GetCommandInvocationResponse invocation(String commandId, String id) {
        return ssm.getCommandInvocation(r -> r.commandId(commandId).instanceId(id));
    }

    /** An instance from the agent image with the SSM profile, online and able to run commands. */
    private String managedInstance() {
        String id = launch(UBUNTU, "ssm-role");
        clock.advance(Duration.ofSeconds(15 + 30));
        assertThat(online(id)).isTrue();
        return id;
    }

    @Test
    void agentRegisters_onlyWithAgentInTheImage_andAProfileWhoseRoleAllowsSsm_afterTheDelay() {
        start(false);
        String managed = launch(UBUNTU, "ssm-role");
        String noProfile = launch(UBUNTU, null);
        String roleWithoutPolicy = launch(UBUNTU, "plain-role");
        String noAgent = launch(DEBIAN, "ssm-role");

        clock.advance(Duration.ofSeconds(15 + 29));
        assertThat(online(managed)).as("before the registration delay").isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(online(managed)).isTrue();

        clock.advance(Duration.ofHours(2));
        assertThat(online(noProfile)).as("no instance profile, DHMC off").isFalse();
        assertThat(online(roleWithoutPolicy)).as("role without AmazonSSMManagedInstanceCore").isFalse();
        assertThat(online(noAgent)).as("Debian ships no agent").isFalse();
        for (String id : List.of(noProfile, roleWithoutPolicy, noAgent)) {
            assertThatThrownBy(() -> send(id, Map.of("commands", List.of("true"))))
                    .isInstanceOf(InvalidInstanceIdException.class);
        }
        assertThat(ssm.listCommandInvocations(r -> r.details(false)).commandInvocations()).as("nothing ran").isEmpty();
    }

    @Test
    void defaultHostManagement_isOffByDefault_andOnceOn_registersAgentsWithoutAProfile() {
        start(false);
        var setting = ssm.getServiceSetting(r -> r.settingId(DHMC)).serviceSetting();
        assertThat(setting.settingValue()).isEqualTo("$None");
        assertThat(setting.status()).isEqualTo("Default");
        String noProfile = launch(UBUNTU, null);
        String noAgent = launch(DEBIAN, null);
        clock.advance(Duration.ofMinutes(5));
        assertThat(online(noProfile)).isFalse();

        ssm.updateServiceSetting(r -> r.settingId(DHMC).settingValue("service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"));
        assertThat(ssm.getServiceSetting(r -> r.settingId(DHMC)).serviceSetting().status()).isEqualTo("Customized");
        clock.advance(Duration.ofSeconds(29));
        assertThat(online(noProfile)).as("registration takes its delay after the setting changed").isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(online(noProfile)).isTrue();
        assertThat(online(noAgent)).as("DHMC cannot help an image without the agent").isFalse();

        assertThatThrownBy(() -> ssm.getServiceSetting(r -> r.settingId("/ssm/no/such/setting")))
                .isInstanceOf(ServiceSettingNotFoundException.class);
    }

    @Test
    void defaultHostManagement_fromTheWorld_registersAnInstanceWithoutProfile() {
        start(true);
        String id = launch(UBUNTU, null);
        clock.advance(Duration.ofSeconds(15 + 30));
        assertThat(online(id)).isTrue();
    }

    @Test
    void sendCommand_refusesAnUnknownDocument_andParametersTheDocumentDoesNotTake() {
        start(false);
        String id = managedInstance();
        assertThatThrownBy(() -> ssm.sendCommand(r -> r.documentName("AWS-RunShellScrip").instanceIds(id)
                .parameters(Map.of("commands", List.of("true"))))).isInstanceOf(InvalidDocumentException.class);
        for (Map<String, List<String>> bad : List.<Map<String, List<String>>>of(
                Map.of("command", List.of("true")),
                Map.of(),
                Map.of("commands", List.of("true"), "timeout", List.of("60")),
                Map.of("commands", List.of("true"), "executionTimeout", List.of("0")),
                Map.of("commands", List.of("true"), "executionTimeout", List.of("172801")),
                Map.of("commands", List.of("true"), "executionTimeout", List.of("ten")))) {
            assertThatThrownBy(() -> send(id, bad)).as(bad.toString()).isInstanceOf(InvalidParametersException.class);
        }
        assertThat(ssm.listCommandInvocations(r -> r.details(false)).commandInvocations()).as("nothing ran").isEmpty();
        String ok = send(id, Map.of("commands", List.of("true"), "executionTimeout", List.of("172800")));
        assertThat(ok).isNotBlank();
    }

    @Test
    void executionTimeout_isEnforced_asTimedOutWithExecutionTimedOutDetails() throws Exception {
        start(false);
        String id = managedInstance();
        String cmd = send(id, Map.of("commands", List.of("block"), "executionTimeout", List.of("60")));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(59));
        assertThat(invocation(cmd, id).status()).isEqualTo(CommandInvocationStatus.IN_PROGRESS);

        clock.advance(Duration.ofSeconds(1));
        GetCommandInvocationResponse done = invocation(cmd, id);
        assertThat(done.status()).isEqualTo(CommandInvocationStatus.TIMED_OUT);
        assertThat(done.statusDetails()).isEqualTo("ExecutionTimedOut");
        assertThat(done.responseCode()).isEqualTo(137);
        var command = ssm.listCommands(r -> r.commandId(cmd)).commands().get(0);
        assertThat(command.statusAsString()).isEqualTo("TimedOut");
        assertThat(command.statusDetails()).isEqualTo("ExecutionTimedOut");
    }

    @Test
    void commandExiting124_isFailedWithResponseCode124_notTimedOut() {
        start(false);
        String id = managedInstance();
        String cmd = send(id, Map.of("commands", List.of("exit 124")));
        clock.advance(Duration.ofSeconds(3));
        Polling.until(() -> !invocation(cmd, id).status().equals(CommandInvocationStatus.IN_PROGRESS));
        GetCommandInvocationResponse done = invocation(cmd, id);
        assertThat(done.status()).isEqualTo(CommandInvocationStatus.FAILED);
        assertThat(done.statusDetails()).isEqualTo("Failed");
        assertThat(done.responseCode()).isEqualTo(124);
    }

    @Test
    void ssmCalls_areThrottled_whenThrottlingIsOn_andRecoverAsTheBucketRefills() {
        start(false);
        aws.throttling(ThrottlingPolicy.documented());
        for (int i = 0; i < 20; i++) {
            ssm.describeInstanceInformation();
        }
        assertThatThrownBy(() -> ssm.describeInstanceInformation()).isInstanceOfSatisfying(SsmException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(e.isThrottlingException()).isTrue();
        });
        clock.advance(Duration.ofSeconds(1));
        assertThat(ssm.describeInstanceInformation().instanceInformationList()).isEmpty();
    }
}
