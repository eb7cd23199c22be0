package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.Ec2Resources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Ec2Resources' typed operations against the emulator: counted, rate-limited and translated as their action. */
class Ec2ResourcesTypedOperationsTest extends EmulatorTestBase {

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    @Test
    void typedOperation_isCountedAsItsAction() {
        AwsCalls calls = new AwsCalls();
        Ec2Resources res = new Ec2Resources(ec2, calls, EmulatedAws.timeouts());

        var described = res.describeInstances(r -> r.instanceIds(SOURCE));

        assertThat(described.reservations()).singleElement()
                .satisfies(r -> assertThat(r.instances().get(0).instanceId()).isEqualTo(SOURCE));
        assertThat(calls.calls(Ec2Action.DESCRIBE_INSTANCES.awsName())).isEqualTo(1.0);
        assertThat(calls.total()).isEqualTo(1);
        assertThat(emulator.journal().count("DescribeInstances")).isEqualTo(1);
    }

    @Test
    void typedOperation_whenEc2Refuses_throwsTheTranslatedErrorNamingTheAction() {
        Ec2Resources res = new Ec2Resources(ec2, new AwsCalls(), EmulatedAws.timeouts());

        AwsCallException e = catchThrowableOfType(AwsCallException.class,
                () -> res.stopInstances(r -> r.instanceIds("i-0000000000000dead")));

        assertThat(e.action()).isEqualTo("StopInstances");
        assertThat(e.errorCode()).isEqualTo("InvalidInstanceID.NotFound");
        assertThat(e.getMessage()).startsWith("StopInstances failed: InvalidInstanceID.NotFound");
    }
}
