package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import io.pv2hvm.testkit.world.World;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;

/** MaxResults/NextToken pagination through the SDK's paginators. */
class PaginationTest {

    @RegisterExtension
    static Ec2EmulatorExtension extension = Ec2EmulatorExtension.create();
    static Ec2Emulator aws = extension.emulator();

    @Test
    void describeInstancesPaginator_walksAllPages() {
        try (Ec2Client ec2 = AwsClients.ec2NoRetry(aws)) {
            ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(12).maxCount(12));
            aws.journal().clear();
            List<Instance> all = ec2.describeInstancesPaginator(r -> r.maxResults(5)).reservations().stream()
                    .flatMap(res -> res.instances().stream()).toList();
            assertThat(all).hasSize(12).extracting(Instance::instanceId).doesNotHaveDuplicates();
            assertThat(aws.journal().count("DescribeInstances")).isEqualTo(3);
            assertThat(ec2.describeVolumesPaginator(r -> r.maxResults(5)).volumes().stream().count()).isEqualTo(12);
        }
    }

    @Test
    void badTokenOrPageSize_areClientErrors() {
        try (Ec2Client ec2 = AwsClients.ec2NoRetry(aws)) {
            assertThatThrownBy(() -> ec2.describeInstances(r -> r.nextToken("garbage!")))
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidPaginationToken"));
            assertThatThrownBy(() -> ec2.describeInstances(r -> r.maxResults(2)))
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
        }
    }
}
