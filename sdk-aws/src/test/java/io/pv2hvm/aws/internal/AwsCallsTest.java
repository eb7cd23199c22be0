package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.Ec2RateLimits;
import io.pv2hvm.aws.ThrottlingCategory;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ssm.model.SsmException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What AwsCalls counts: calls, throttling errors that got past the SDK's retries, time waiting for permits. */
class AwsCallsTest {

    @Test
    void throttlingErrorsThatReachIt_areCounted_andRetryable() {
        AwsCalls calls = new AwsCalls();
        AwsCallException ec2 = catchThrowableOfType(AwsCallException.class,
                () -> calls.call("DescribeInstances", () -> { throw error(Ec2Exception.builder(), "RequestLimitExceeded", 503); }));
        AwsCallException ssm = catchThrowableOfType(AwsCallException.class,
                () -> calls.call("SendCommand", () -> { throw error(SsmException.builder(), "ThrottlingException", 400); }));
        catchThrowableOfType(AwsCallException.class,
                () -> calls.call("RunInstances", () -> { throw error(Ec2Exception.builder(), "InvalidParameterValue", 400); }));

        assertThat(ec2.throttled()).isTrue();
        assertThat(ec2.retryable()).isTrue();
        assertThat(ssm.throttled()).isTrue();
        assertThat(calls.throttlingErrors()).isEqualTo(2);
        assertThat(calls.total()).isEqualTo(3);
        assertThat(calls.rateLimitWait()).isZero();
    }

    @Test
    void timeWaitingForPermits_isAddedUp() {
        Ec2RateLimits limits = Ec2RateLimits.documented().withHeadroom(1)
                .withBucket(ThrottlingCategory.RUN_AND_START, 2, 20);
        AwsCalls calls = new AwsCalls(limits);
        for (int i = 0; i < 4; i++) {
            calls.call("RunInstances", () -> "ok");
        }
        assertThat(calls.rateLimitWait()).as("4 calls at 20/s with a burst of 1").isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(calls.total()).isEqualTo(4);
        assertThat(calls.limits()).isSameAs(limits);
    }

    @Test
    void aPermissionErrorNamesTheServiceOfTheAction() {
        AwsCallException e = catchThrowableOfType(AwsCallException.class,
                () -> new AwsCalls().call("SendCommand", () -> { throw error(SsmException.builder(), "AccessDeniedException", 400); }));
        assertThat(e).hasMessageContaining("ssm:SendCommand");
        AwsCallException f = catchThrowableOfType(AwsCallException.class,
                () -> new AwsCalls().call("RunInstances", () -> { throw error(Ec2Exception.builder(), "UnauthorizedOperation", 403); }));
        assertThat(f).hasMessageContaining("ec2:RunInstances");
    }

    @Test
    void everyActionsIamName_isThePermissionItsRefusalAsksFor() {
        List<AwsAction> actions = new ArrayList<>(List.of(Ec2Action.values()));
        actions.addAll(List.of(SsmAction.values()));
        for (AwsAction action : actions) {
            AwsCallException e = catchThrowableOfType(AwsCallException.class, () -> new AwsCalls().call(action,
                    () -> { throw error(Ec2Exception.builder(), "UnauthorizedOperation", 403); }));
            assertThat(e).as(action.toString()).hasMessageContaining("Grant " + action.iamAction() + " in the IAM policy");
        }
        assertThat(Ec2Action.DESCRIBE_SUBNETS.iamAction()).isEqualTo("ec2:DescribeSubnets");
        assertThat(SsmAction.GET_SERVICE_SETTING.iamAction()).isEqualTo("ssm:GetServiceSetting");
    }

    @Test
    void bodyStart_stripsControlAndFormatCharacters_andCutsLongBodies() {
        assertThat(AwsCalls.bodyStart("a\r\n\tb\u0000c\u202Ed")).isEqualTo("a b c d");
        assertThat(AwsCalls.bodyStart("y".repeat(1000))).hasSize(303).endsWith("...");
    }

    @Test
    void aServiceErrorWithoutDetails_isClassifiedByStatus_notANullPointerException() {
        AwsCallException e = AwsCalls.translate("DescribeVolumeAttribute", Ec2Exception.builder().statusCode(503).build());
        AwsCallException f = AwsCalls.translate("DescribeVolumeAttribute", Ec2Exception.builder().statusCode(404).build());

        assertThat(e.retryable()).isTrue();
        assertThat(e).hasMessageContaining("DescribeVolumeAttribute").hasMessageContaining("HTTP 503")
                .hasMessageContaining("empty body");
        assertThat(f.retryable()).isFalse();
    }

    private static RuntimeException error(software.amazon.awssdk.awscore.exception.AwsServiceException.Builder b,
                                          String code, int status) {
        return b.statusCode(status).awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("no").build())
                .build();
    }
}
