package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import io.pv2hvm.testkit.world.World;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/** A fleet's worth of concurrent calls keeps the model consistent. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class ConcurrencyTest {

    @RegisterExtension
    static Ec2EmulatorExtension extension = Ec2EmulatorExtension.create();
    static Ec2Emulator aws = extension.emulator();

    @Test
    void hundredConcurrentLaunches_getDistinctIdsAndPrivateIps() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (Ec2Client ec2 = AwsClients.ec2(aws)) {
            List<Future<Instance>> launches = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                launches.add(pool.submit(() -> {
                    ec2.describeInstances(r -> r.filters(f -> f.name("instance-state-name").values("pending")));
                    return ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro")
                            .minCount(1).maxCount(1).subnetId(World.SUBNET_B)).instances().get(0);
                }));
            }
            Set<String> ids = new HashSet<>();
            Set<String> ips = new HashSet<>();
            for (Future<Instance> f : launches) {
                Instance i = f.get();
                ids.add(i.instanceId());
                ips.add(i.privateIpAddress());
            }
            assertThat(ids).hasSize(100);
            assertThat(ips).hasSize(100).allSatisfy(ip -> assertThat(ip).startsWith("10.0.2."));
            assertThat(ec2.describeInstances(r -> r.filters(f -> f.name("subnet-id").values(World.SUBNET_B))).reservations()).hasSize(100);
        } finally {
            pool.shutdownNow();
        }
    }
}
