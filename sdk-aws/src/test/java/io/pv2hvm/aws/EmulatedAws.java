package io.pv2hvm.aws;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.DataVolumes;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestStartup;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.ProgressSink;
import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.spi.CommandResult;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.OutputLine;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.ThrottlingPolicy;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.NetworkInterfaceSeed;
import io.pv2hvm.testkit.world.FilesystemSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/** The world, clients and fakes the sdk-aws tests share. */
final class EmulatedAws {
    static final String PV_IMAGE = "ami-0c0ffee0c0ffee001";
    static final String PV_GRUB_KERNEL = "aki-919dcaf8";
    /** Ubuntu Server 24.04, the default worker image: ships the SSM agent, as Canonical's AMIs do. */
    static final String UBUNTU_IMAGE = "ami-0ca11ed24040ca11e";
    /** The instance profile workers get; its role has AmazonSSMManagedInstanceCore. */
    static final String WORKER_PROFILE = "pv2hvm-worker";
    static final String SOURCE = "i-0123456789abcdef0";
    static final String SOURCE_IP = "10.0.1.10";
    static final String SECONDARY_IP = "10.0.1.11";
    static final String ENI2 = "eni-0aaaaaaaaaaaaaaa2";
    static final String ENI2_IP = "10.0.1.20";
    static final String DATA_VOLUME = "vol-0da7a0da7a0da7a01";
    /** The filesystem UUID of the ext4 filesystem on {@link #DATA_VOLUME}, as blkid reads it. */
    static final String DATA_VOLUME_UUID = "5b1e7c0a-3d2f-4e6b-9a8c-0f1e2d3c4b5a";
    static final String EIP = "eipalloc-0e1e1e1e1e1e1e1e1";
    static final String EIP_ADDRESS = "198.51.100.200";
    static final double TIME_SCALE = LatencyModel.fromSystemProperty().timeScale();

    private EmulatedAws() {
    }

    /** The web server with its Elastic IP. */
    static World.Builder webServerWorld() {
        return world(webServer(), pvImage()).elasticIp(EIP, EIP_ADDRESS, SOURCE);
    }

    /** A world with the worker image and one source instance launched from {@code image}. */
    static World.Builder world(InstanceSeed source, ImageSeed image) {
        return World.builder().defaultNetwork().keyPair("ops").instanceProfile("app-role")
                .instanceProfile(WORKER_PROFILE, InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                .image(image)
                .image(ubuntuImage())
                .publicParameter(AwsSteps.UBUNTU_24_04_PARAMETER, UBUNTU_IMAGE)
                .instance(source);
    }

    /** Canonical's Ubuntu 24.04 AMI, which ships the SSM agent. */
    static ImageSeed ubuntuImage() {
        return ImageSeed.hvm(UBUNTU_IMAGE, "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251201")
                .enaSupport(true).publicByAmazon().withSsmAgent();
    }

    /** The PV image the web server was launched from, booted by PV-GRUB. */
    static ImageSeed pvImage() {
        return ImageSeed.pv(PV_IMAGE, "centos6-pv").kernelId(PV_GRUB_KERNEL);
    }

    /** A PV web server with a secondary IP, a secondary ENI and a data volume. */

    static InstanceSeed webServer() {
        return InstanceSeed.of(SOURCE, PV_IMAGE).instanceType("m1.large").privateIp(SOURCE_IP)
                .secondaryPrivateIp(SECONDARY_IP).keyName("ops").instanceProfile("app-role")
                .dataVolume(VolumeSeed.of("/dev/sdf", 100).id(DATA_VOLUME).filesystem(FilesystemSeed.ext4(DATA_VOLUME_UUID)))
                .secondaryEni(NetworkInterfaceSeed.in(World.SUBNET_A, ENI2_IP).id(ENI2))
                .tag("Name", "web-1").tag("env", "prod");
    }

    /**
     * The defaults of every end-to-end suite: eventual consistency at
     * {@link Ec2Emulator#REALISTIC_CONSISTENCY_WINDOW} and EC2's documented token buckets, both in
     * EC2's time (scaled with the latencies), so a run meets as many NotFounds, stale states and
     * throttles per migration as it would on EC2.
     */
    static Ec2Emulator.Builder asStrictAsEc2(Ec2Emulator.Builder emulator) {
        return emulator.eventualConsistency(Ec2Emulator.REALISTIC_CONSISTENCY_WINDOW)
                .throttling(ThrottlingPolicy.documented().onScaledClock());
    }

    static Ec2Client ec2(Ec2Emulator emulator) {
        return emulator.ec2Client();
    }

    /**
     * A client whose SDK never retries: each failure reaches pv2hvm, so what a test counts is
     * pv2hvm's own handling, not the SDK's retry strategy.
     */
    static Ec2Client ec2WithoutSdkRetries(Ec2Emulator emulator) {
        return emulator.ec2ClientBuilder().overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    static SsmClient ssm(Ec2Emulator emulator) {
        return emulator.ssmClient();
    }

    /** EC2 waits shrunk by the emulator's time scale (polls, timeouts); commands keep real time. */
    static AwsTimeouts timeouts() {
        AwsTimeouts scaled = AwsTimeouts.defaults().scaled(TIME_SCALE);
        return scaled.toBuilder().poll(Duration.ofMillis(Math.max(5, scaled.poll().toMillis())))
                .instanceState(scaled.instanceState().multipliedBy(4)).statusChecks(scaled.statusChecks().multipliedBy(4))
                .volume(scaled.volume().multipliedBy(4)).image(scaled.image().multipliedBy(4))
                .ipRelease(scaled.ipRelease().multipliedBy(4)).command(Duration.ofMinutes(5))
                .agentOnline(scaled.agentOnline().multipliedBy(4)).build();
    }

    /**
     * The worker as the control-plane tests see it: installing tools succeeds, and an attached
     * volume shows up under its Xen name. Records every command.
     */
    static final class FakeWorker implements CommandTransport {
        final List<List<String>> commands = Collections.synchronizedList(new ArrayList<>());
        /** Worker device to the volume find-device located there. */
        private final java.util.Map<String, String> volumes = new java.util.concurrent.ConcurrentHashMap<>();
        /** What blkid reads on a volume: the emulator's seeded filesystems, once a test connects it. */
        volatile java.util.function.Function<String, java.util.Optional<FilesystemSeed>> filesystems = id -> java.util.Optional.empty();

        @Override
        public CommandResult exec(Command command, Consumer<OutputLine> output) {
            commands.add(command.argv());
            List<String> argv = command.argv();
            String out = "";
            if (argv.size() >= 6 && "find-device.sh".equals(argv.get(3))) {
                out = argv.get(5).replace("/dev/sd", "/dev/xvd") + "\n";
                volumes.put(out.strip(), argv.get(4));
            }
            if (argv.size() == 5 && "pv2hvm-read-filesystems".equals(argv.get(3))) {
                // As the script prints it for an unpartitioned volume; nothing recognised: empty TYPE.
                FilesystemSeed fs = java.util.Optional.ofNullable(volumes.get(argv.get(4))).flatMap(filesystems)
                        .orElse(new FilesystemSeed("", "", ""));
                out = String.join("\t", "FS", "0", fs.type(), fs.uuid(), fs.label()) + "\n";
            }
            return new CommandResult(0, out, "", Duration.ZERO, false);
        }

        @Override
        public void upload(byte[] content, String remotePath, int mode) {
        }

        @Override
        public String describe() {
            return "fake worker";
        }
    }

    /** A simulated guest whose inspection says sysvinit: fstab is mounted once, at boot. */
    record MountsFstabOnce(GuestConversion delegate) implements GuestConversion {
        private static GuestFacts sysvinit(GuestFacts f) {
            return new GuestFacts(f.device(), f.partitioned(), f.filesystem(), f.os(), f.bootConfig(), f.defaultEntry(),
                    f.kernels(), f.fstab(), f.consoles(), f.initramfsTools(), new GuestStartup("sysvinit", false, "", false));
        }

        @Override
        public GuestFacts inspect(CommandTransport transport, String device) {
            return sysvinit(delegate.inspect(transport, device));
        }

        @Override
        public GuestFacts check(CommandTransport transport, ConversionStrategy strategy, String device, TargetPlatform target) {
            return sysvinit(delegate.check(transport, strategy, device, target));
        }

        @Override
        public ConversionResult convert(CommandTransport transport, ConversionStrategy strategy, String sourceDevice,
                                        String targetDevice, TargetPlatform target, DataVolumes dataVolumes,
                                        ProgressSink progress) {
            return delegate.convert(transport, strategy, sourceDevice, targetDevice, target, dataVolumes, progress);
        }
    }
}
