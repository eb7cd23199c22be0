package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** The raw Query protocol: error envelope, status codes, unknown actions, malformed input. */
class WireFormatTest {

    @RegisterExtension
    static Ec2EmulatorExtension extension = Ec2EmulatorExtension.of(Ec2Emulator.builder().world(Worlds.migration()));
    static Ec2Emulator aws = extension.emulator();

    private HttpResponse<String> post(String form) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(aws.endpoint() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unknownAction_answersInvalidActionInTheEc2ErrorEnvelope() throws Exception {
        HttpResponse<String> r = post("Action=LaunchRocket&Version=2016-11-15");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Response><Errors><Error><Code>InvalidAction</Code><Message>")
                .contains("</Message></Error></Errors><RequestID>");
    }

    @Test
    void missingParameter_answersMissingParameter() throws Exception {
        HttpResponse<String> r = post("Action=AttachVolume&Version=2016-11-15&VolumeId=" + Worlds.DATA_VOLUME);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>MissingParameter</Code>");
    }

    @Test
    void wireMockAdminApi_isClosed_soNoClientCanResetTheEmulator() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(aws.endpoint() + "/__admin/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        assertThat(HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(post("Action=DescribeInstances&Version=2016-11-15").statusCode()).isEqualTo(200);
    }

    @Test
    void missingAction_answersMissingAction() throws Exception {
        assertThat(post("Version=2016-11-15").body()).contains("<Code>MissingAction</Code>");
    }

    @Test
    void successfulAnswer_isNamespacedXmlWithRequestId() throws Exception {
        HttpResponse<String> r = post("Action=DescribeInstances&Version=2016-11-15&InstanceId.1=" + Worlds.SOURCE);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>")
                .contains("<reservationSet><item>").contains("<instanceState><code>16</code><name>running</name></instanceState>");
    }

    @Test
    void malformedIds_andBadValues_areClientErrors() {
        try (Ec2Client ec2 = AwsClients.ec2NoRetry(aws)) {
            assertThatThrownBy(() -> ec2.describeInstances(r -> r.instanceIds("web-1")))
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.Malformed"));
            assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(Worlds.PV_IMAGE).instanceType("m9.huge").minCount(1).maxCount(1)))
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
            assertThatThrownBy(() -> ec2.describeInstances(r -> r.instanceIds("i-0fffffffffffffff0")))
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound"));
        }
    }

    @Test
    void dryRun_answersDryRunOperation_andChangesNothing() {
        try (Ec2Client ec2 = AwsClients.ec2NoRetry(aws)) {
            assertThatThrownBy(() -> ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE).dryRun(true)))
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("DryRunOperation");
                        assertThat(e.statusCode()).isEqualTo(412);
                    });
            assertThat(ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations().get(0).instances().get(0)
                    .state().nameAsString()).isEqualTo("running");
        }
    }

    @Test
    void getConsoleOutput_isBase64OfTheConsole() {
        try (Ec2Client ec2 = AwsClients.ec2NoRetry(aws)) {
            var out = ec2.getConsoleOutput(r -> r.instanceId(Worlds.SOURCE));
            String text = new String(java.util.Base64.getDecoder().decode(out.output()), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text).contains("console=hvc0").contains("paravirtualized kernel on Xen");
        }
    }
}
