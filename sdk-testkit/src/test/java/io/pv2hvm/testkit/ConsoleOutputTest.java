package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pv2hvm.testkit.world.World;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.GetConsoleOutputResponse;

/**
 * GetConsoleOutput on a manual clock at EC2's own latencies: a boot prints the kernel first and
 * its services later; Latest reads the console as it is now, on Nitro types only; the default
 * buffer lags the guest by {@link LatencyModel#consoleBuffer()}.
 */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class ConsoleOutputTest {

    private final ManualClock clock = ManualClock.create();
    private final LatencyModel latency = LatencyModel.realistic();
    private Ec2Emulator aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).clock(clock).latency(latency).build().start();
        ec2 = AwsClients.ec2NoRetry(aws);
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.stop();
    }

    private String console(String id, boolean latest) {
        GetConsoleOutputResponse r = ec2.getConsoleOutput(b -> b.instanceId(id).latest(latest));
        return r.output() == null ? "" : new String(Base64.getDecoder().decode(r.output()), StandardCharsets.UTF_8);
    }

    private String launch(String image, String type) {
        String id = ec2.runInstances(r -> r.imageId(image).instanceType(type).minCount(1).maxCount(1).subnetId(World.SUBNET_A))
                .instances().get(0).instanceId();
        clock.advance(latency.instancePending());
        return id;
    }

    @Test
    void latest_onNitro_showsTheKernelFirst_thenTheServices() {
        String id = launch(World.AMAZON_LINUX_HVM_IMAGE, "m5.large");
        assertThat(console(id, true)).isEmpty();

        clock.advance(latency.guestBoot().dividedBy(3));
        String kernel = console(id, true);
        assertThat(kernel).contains("Linux version").doesNotContain("login:").doesNotContain("Cloud-init");

        clock.advance(latency.guestBoot());
        assertThat(console(id, true)).startsWith(kernel).contains("Cloud-init").contains(id + " login:");
    }

    @Test
    void defaultBuffer_lagsTheGuestByTheConsoleBufferDelay() {
        String id = launch(World.AMAZON_LINUX_HVM_IMAGE, "m5.large");
        clock.advance(latency.guestBoot());
        assertThat(console(id, true)).contains("login:");
        assertThat(console(id, false)).as("not posted yet").isEmpty();

        clock.advance(latency.consoleBuffer().minus(latency.guestBoot().dividedBy(3)));
        assertThat(console(id, false)).as("the kernel's lines are posted, the services' not yet")
                .contains("Linux version").doesNotContain("login:");

        clock.advance(latency.guestBoot());
        assertThat(console(id, false)).contains("login:");
    }

    @Test
    void latest_onXen_isRefused_likeEc2_whileTheDefaultBufferWorks() {
        String id = launch(Worlds.PV_IMAGE, "m1.large");
        clock.advance(latency.guestBoot().plus(latency.consoleBuffer()).plus(Duration.ofSeconds(1)));

        Throwable t = catchThrowable(() -> console(id, true));
        assertThat(t).isInstanceOf(Ec2Exception.class);
        assertThat(((Ec2Exception) t).awsErrorDetails().errorCode()).isEqualTo("UnsupportedOperation");
        assertThat(console(id, false)).contains("Booting paravirtualized kernel on Xen").contains("login:");
    }
}
