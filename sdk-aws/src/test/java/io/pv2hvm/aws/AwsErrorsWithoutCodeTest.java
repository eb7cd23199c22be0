package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.testkit.Faults;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Answers that are no AWS error document (a proxy's HTML page, a truncated body), error codes
 * pv2hvm has never seen, and actions the endpoint does not support, through the real SDK client
 * against the emulator's fault injection: classified by HTTP status, never a NullPointerException.
 */
class AwsErrorsWithoutCodeTest extends EmulatorTestBase {

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    @Test
    void htmlBadGateway_isRetryable_namesActionStatusAndBodyStart_withoutControlCharacters() {
        emulator.faults().answerNext("DescribeInstances", 10, Faults.htmlPage(502));

        AwsCallException e = describeInstances();

        assertThat(e.errorCode()).isNull();
        assertThat(e.httpStatus()).isEqualTo(502);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("DescribeInstances", "HTTP 502", "<html> <head><title>502 Bad Gateway")
                .doesNotContain("\r", "\n");
        assertThat(emulator.journal().calls("DescribeInstances")).as("the SDK's own retries of a 5xx").hasSize(3);
    }

    @Test
    void codelessTooManyRequests_isRetryable_andCodelessClientErrors_areNot() {
        emulator.faults().answerNext("DescribeInstances", 3, new Faults.Raw(429, "text/plain", "slow down"));
        AwsCallException tooMany = describeInstances();
        emulator.journal().clear();
        emulator.faults().answerNext("DescribeInstances", 3, new Faults.Raw(403, "text/html", "<h1>Forbidden</h1>"));
        AwsCallException forbidden = describeInstances();

        assertThat(tooMany.retryable()).isTrue();
        assertThat(tooMany.getMessage()).contains("HTTP 429", "slow down");
        assertThat(forbidden.retryable()).isFalse();
        assertThat(forbidden.httpStatus()).isEqualTo(403);
        assertThat(forbidden.getMessage()).contains("DescribeInstances", "HTTP 403", "<h1>Forbidden</h1>");
        assertThat(emulator.journal().calls("DescribeInstances")).as("a 4xx is not retried").hasSize(1);
    }

    @Test
    void truncatedXmlBody_isClassifiedByItsStatus() {
        emulator.faults().answerNext("DescribeInstances", 10, Faults.malformedXml(500));

        AwsCallException e = describeInstances();

        assertThat(e.retryable()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.getMessage()).contains("DescribeInstances", "500");
    }

    @Test
    void anUnknownErrorCode_isKeptAndClassifiedByItsStatus() {
        emulator.faults().failNext("DescribeInstances", 1, "Pv2hvm.NeverSeenBefore", "something new", 400);
        AwsCallException client = describeInstances();
        emulator.faults().failNext("DescribeInstances", 3, "Pv2hvm.NeverSeenBefore", "something new", 503);
        AwsCallException server = describeInstances();

        assertThat(client.errorCode()).isEqualTo("Pv2hvm.NeverSeenBefore");
        assertThat(client.retryable()).isFalse();
        assertThat(client.getMessage()).contains("DescribeInstances", "Pv2hvm.NeverSeenBefore", "something new");
        assertThat(server.retryable()).isTrue();
    }

    @Test
    void aLongBody_isCutToAFewHundredCharacters() {
        emulator.faults().answerNext("DescribeInstances", 1, new Faults.Raw(400, "text/html",
                "<p>" + "x".repeat(5000) + "</p>\u0007\u001b[31m"));

        AwsCallException e = describeInstances();

        assertThat(e.getMessage()).hasSizeLessThan(600).contains("<p>xxx", "xxx...")
                .doesNotContain("\u001b", "</p>");
    }

    @Test
    void preflight_whenProductCodesAnswerHtml500_failsNamingTheActionAndStatus_notNullPointerException_andChangesNothing() {
        emulator.faults().answerNext("DescribeVolumeAttribute", 1000, Faults.htmlPage(500));

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> migration(EmulatedAws.SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker())
                        .preservingIps().run());

        assertThat(e.step()).isEqualTo("preflight");
        assertThat(e).hasMessageContaining("DescribeVolumeAttribute").hasMessageContaining("HTTP 500")
                .hasMessageNotContaining("NullPointerException");
        assertThat(e.getCause()).isInstanceOf(AwsCallException.class);
        assertThat(emulator.journal().all()).filteredOn(RecordedCall::mutating).as("mutating calls")
                .filteredOn(c -> !"true".equals(c.param("DryRun"))).isEmpty();
    }

    @Test
    void productCodesNotSupported_degradeToAWarningSayingWhatWasNotChecked_andTheMigrationRuns() {
        emulator.faults().failNext("DescribeVolumeAttribute", 1000, "InvalidAction",
                "The action DescribeVolumeAttribute is not valid for this web service.", 400);
        List<String> warnings = new CopyOnWriteArrayList<>();

        MigrationResult r = migration(EmulatedAws.SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker())
                .preservingIps().withListener(event -> {
                    if (event instanceof MigrationEvent.Warning warning) {
                        warnings.add(warning.message());
                    }
                }).run();

        assertThat(r.newInstanceId()).isNotNull();
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("Not checked", "Marketplace product codes",
                "DescribeVolumeAttribute", "InvalidAction"));
    }

    @Test
    void terminationProtectionNotImplemented501_degradesToAWarning() {
        emulator.faults().answerNext("DescribeInstanceAttribute", 1,
                new Faults.Raw(501, "text/plain", "Not Implemented"));
        List<String> warnings = new CopyOnWriteArrayList<>();

        MigrationResult r = migration(EmulatedAws.SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker())
                .withListener(event -> {
                    if (event instanceof MigrationEvent.Warning warning) {
                        warnings.add(warning.message());
                    }
                }).run();

        assertThat(r.newInstanceId()).isNotNull();
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("termination protection", "HTTP 501"));
    }

    private AwsCallException describeInstances() {
        return catchThrowableOfType(AwsCallException.class, () -> new AwsCalls().call("DescribeInstances",
                () -> ec2.describeInstances(b -> b.instanceIds(EmulatedAws.SOURCE))));
    }
}
