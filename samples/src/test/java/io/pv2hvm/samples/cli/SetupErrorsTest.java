package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.core.StepFailedException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** Each first-run failure, as the SDK and pv2hvm raise it, gets its short message; anything else none. */
class SetupErrorsTest {
    private static final SetupErrors.Target AWS = new SetupErrors.Target("eu-west-1", "prod", null);

    @Test
    void noCredentials_isTheAwsCliSentenceWithTheCommandsThatFixIt() {
        var e = SdkClientException.create("Unable to load credentials from any of the providers in the chain"
                + " AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider()...])");
        String text = SetupErrors.explain(new RuntimeException("inventory failed", e), AWS).orElseThrow();
        assertThat(text).startsWith("Unable to locate credentials.").contains("aws configure")
                .contains("aws sso login --profile NAME").contains("AWS_PROFILE=NAME").doesNotContain("SystemProperty");
        assertThat(text.lines()).hasSize(2);
    }

    @Test
    void unknownHost_namesTheEndpointTheRegionAndTheUsualCauses() {
        var e = SdkClientException.create("Unable to execute HTTP request: ec2.eu-west-1.amazonaws.com",
                new UnknownHostException("ec2.eu-west-1.amazonaws.com"));
        String text = SetupErrors.explain(e, AWS).orElseThrow();
        assertThat(text).contains("https://ec2.eu-west-1.amazonaws.com").contains("region eu-west-1")
                .contains("HTTPS_PROXY").contains("VPC endpoint");
    }

    @Test
    void refusedConnectionToACustomEndpoint_pointsAtEndpointUrl() {
        var e = new AwsCallException("DescribeInstances", null, "failed", new ConnectException("Connection refused"), true);
        String text = SetupErrors.explain(e, new SetupErrors.Target("us-east-1", null, URI.create("http://127.0.0.1:9")))
                .orElseThrow();
        assertThat(text).contains("\"http://127.0.0.1:9\"").contains("--endpoint-url");
    }

    @Test
    void expiredSsoSession_saysSsoLoginWithTheProfile() {
        var e = SdkClientException.create("The SSO session associated with this profile has expired or is otherwise"
                + " invalid. To refresh this SSO session run aws sso login with the corresponding profile.");
        assertThat(SetupErrors.explain(e, AWS).orElseThrow()).isEqualTo(
                "Your SSO session has expired.\nSign in again with: aws sso login --profile prod");
    }

    @Test
    void explanationCodes_forOutputJson_areAwsCodesWhereAwsGaveOne() {
        var noCredentials = SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        var unreachable = SdkClientException.create("Unable to execute HTTP request", new UnknownHostException("x"));
        var sso = SdkClientException.create("The SSO session associated with this profile has expired");
        var denied = new AwsCallException("DescribeInstances", "UnauthorizedOperation", 403, "denied", null, false);

        assertThat(SetupErrors.explanation(noCredentials, AWS).orElseThrow().code()).isEqualTo("NoCredentials");
        assertThat(SetupErrors.explanation(unreachable, AWS).orElseThrow().code()).isEqualTo("EndpointConnectionError");
        assertThat(SetupErrors.explanation(sso, AWS).orElseThrow().code()).isEqualTo("SSOSessionExpired");
        assertThat(SetupErrors.explanation(denied, AWS).orElseThrow().code()).isEqualTo("UnauthorizedOperation");
        assertThat(SetupErrors.explanation(denied, AWS).orElseThrow().text())
                .isEqualTo(SetupErrors.explain(denied, AWS).orElseThrow());
    }

    @Test
    void expiredToken_saysRefresh() {
        var e = new AwsCallException("GetCallerIdentity", "ExpiredToken", 400, "expired", null, false);
        assertThat(SetupErrors.explain(e, AWS).orElseThrow()).startsWith("The security token in your credentials"
                + " has expired (ExpiredToken).").contains("aws sso login --profile prod");
    }

    @Test
    void accessDeniedInsideAStepFailure_pointsAtIamPolicy() {
        var denied = new AwsCallException("DescribeInstances", "UnauthorizedOperation", 403, "You are not authorized",
                null, false);
        var wrapped = new StepFailedException("m-1", "preflight", denied, java.util.List.of(), java.util.List.of());
        String text = SetupErrors.explain(wrapped, AWS).orElseThrow();
        assertThat(text).startsWith("Access denied (UnauthorizedOperation) on DescribeInstances").contains("pv2hvm iam-policy");
    }

    @Test
    void clockSkew_saysSyncTheClock() {
        var e = new AwsCallException("DescribeInstances", "RequestTimeTooSkewed", 403, "skewed", null, false);
        assertThat(SetupErrors.explain(e, AWS).orElseThrow()).contains("clock").contains("timedatectl");
        var ssm = new AwsCallException("SendCommand", "InvalidSignatureException", 400, "Signature expired: 20261205T"
                + " is now earlier than 20261205T", null, false);
        assertThat(SetupErrors.explain(ssm, AWS)).isPresent();
    }

    @Test
    void otherFailures_areNotSetupErrors() {
        var e = new AwsCallException("RunInstances", "InsufficientInstanceCapacity", 500, "no capacity", null, true);
        assertThat(SetupErrors.explain(e, AWS)).isEmpty();
        assertThat(SetupErrors.explain(new IllegalStateException("bug"), AWS)).isEmpty();
        var badSecret = new AwsCallException("SendCommand", "InvalidSignatureException", 400,
                "The request signature we calculated does not match", null, false);
        assertThat(SetupErrors.explain(badSecret, AWS)).isEmpty();
    }
}
