package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.RetryPolicy;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.ThrottlingPolicy;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.pv2hvm.aws.EmulatedAws.DATA_VOLUME;
import static io.pv2hvm.aws.EmulatedAws.EIP;
import static io.pv2hvm.aws.EmulatedAws.EIP_ADDRESS;
import static io.pv2hvm.aws.EmulatedAws.ENI2;
import static io.pv2hvm.aws.EmulatedAws.ENI2_IP;
import static io.pv2hvm.aws.EmulatedAws.SECONDARY_IP;
import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static io.pv2hvm.aws.EmulatedAws.SOURCE_IP;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole migration against the emulator: real Ec2Client over HTTP, guest conversion simulated. */
class MigrationEndToEndTest extends EmulatorTestBase {
    private static final String DATA_DISK_VOLUME = "vol-0da7a0da7a0da7a02";
    private final SimulatedGuest guest = SimulatedGuest.typical();
    private final EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();

    @TempDir
    Path dir;
    private Path dataDisk;
    private String dataDigest;

    @BeforeEach
    void start() throws Exception {
        // The data volume is file-backed, with content whose digest must survive the move.
        dataDisk = dir.resolve("data.img");
        byte[] block = new byte[1 << 20];
        new java.util.Random(42).nextBytes(block);
        Files.write(dataDisk, block);
        dataDigest = sha256(dataDisk);
        start(EmulatedAws.world(EmulatedAws.webServer().dataVolume(VolumeSeed.of("/dev/sdg", 1).id(DATA_DISK_VOLUME)
                .diskImage(dataDisk)), EmulatedAws.pvImage()).elasticIp(EIP, EIP_ADDRESS, SOURCE).build());
    }

    private MigrationSpec migration() {
        return migration(SOURCE, guest, worker);
    }

    @Test
    void run_preservingIps_movesEveryAddressInterfaceAndVolumeToAnHvmInstance() throws Exception {
        Instance before = instance(SOURCE);

        MigrationResult r = migration().preservingIps().run();

        Instance now = instance(r.newInstanceId());
        assertThat(now.virtualizationTypeAsString()).isEqualTo("hvm");
        assertThat(now.state().nameAsString()).isEqualTo("running");
        // EC2 refuses Linux HVM AMIs on m1, so the new instance is m1.large's documented successor.
        assertThat(now.instanceTypeAsString()).isEqualTo("m5.large");
        InstanceNetworkInterface primary = eni(now, 0);
        assertThat(primary.privateIpAddress()).isEqualTo(SOURCE_IP);
        assertThat(primary.privateIpAddresses()).extracting(p -> p.privateIpAddress())
                .containsExactlyInAnyOrder(SOURCE_IP, SECONDARY_IP);
        assertThat(eni(now, 1).networkInterfaceId()).isEqualTo(ENI2);
        assertThat(eni(now, 1).privateIpAddress()).isEqualTo(ENI2_IP);
        var address = ec2.describeAddresses(b -> b.allocationIds(EIP)).addresses().get(0);
        assertThat(address.instanceId()).isEqualTo(now.instanceId());
        assertThat(address.privateIpAddress()).isEqualTo(SOURCE_IP);
        assertThat(now.blockDeviceMappings()).anySatisfy(m -> {
            assertThat(m.deviceName()).isEqualTo("/dev/sdf");
            assertThat(m.ebs().volumeId()).isEqualTo(DATA_VOLUME);
        });
        assertThat(now.blockDeviceMappings()).anySatisfy(m -> assertThat(m.ebs().volumeId()).isEqualTo(DATA_DISK_VOLUME));
        assertThat(sha256(emulator.diskImage(DATA_DISK_VOLUME).orElseThrow())).isEqualTo(dataDigest);
        assertThat(now.keyName()).isEqualTo(before.keyName());
        assertThat(now.iamInstanceProfile().arn()).isEqualTo(before.iamInstanceProfile().arn());
        assertThat(now.securityGroups()).isEqualTo(before.securityGroups());
        assertThat(tags(now.tags())).containsEntry("Name", "web-1").containsEntry("env", "prod")
                .containsEntry(Tags.MIGRATION_ID, r.migrationId()).containsEntry(Tags.ROLE, "hvm-instance");

        assertThat(instance(SOURCE).state().nameAsString()).isEqualTo("terminated");
        Image backup = image(r.backupImageId());
        assertThat(backup.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(backup.kernelId()).isEqualTo(EmulatedAws.PV_GRUB_KERNEL);
        Image hvm = image(r.newImageId());
        assertThat(hvm.virtualizationTypeAsString()).isEqualTo("hvm");
        assertThat(hvm.architectureAsString()).isEqualTo("x86_64");
        assertThat(hvm.rootDeviceName()).isEqualTo("/dev/xvda");
        assertThat(hvm.bootModeAsString()).isEqualTo("legacy-bios");

        assertThat(r.ipsBefore()).containsExactlyInAnyOrder(SOURCE_IP, SECONDARY_IP, ENI2_IP, EIP_ADDRESS);
        assertThat(r.ipsAfter()).containsExactlyInAnyOrderElementsOf(r.ipsBefore());
        assertThat(r.facts()).containsEntry("result.virtualization-before", "paravirtual")
                .containsEntry("result.virtualization-after", "hvm");
        assertThat(Long.parseLong(r.facts().get("result.api-calls"))).isPositive();
        assertThat(guest.conversions()).isEqualTo(2);
        assertNoTemporaryResourceLeft(r.migrationId());
    }

    @Test
    void run_withoutPreservingIps_keepsTheSourceStoppedAndLaunchesBesideIt() {
        MigrationResult r = migration().withInstanceType("m5.large").run();

        assertThat(instance(SOURCE).state().nameAsString()).isEqualTo("stopped");
        Instance now = instance(r.newInstanceId());
        assertThat(now.instanceTypeAsString()).isEqualTo("m5.large");
        assertThat(now.privateIpAddress()).isNotEqualTo(SOURCE_IP);
        assertThat(image(r.newImageId()).enaSupport()).isTrue();
        assertThat(volume(DATA_VOLUME).attachments()).singleElement()
                .satisfies(a -> assertThat(a.instanceId()).isEqualTo(now.instanceId()));
        assertNoTemporaryResourceLeft(r.migrationId());
    }

    @Test
    void run_withAnSshReachableWorker_launchesItWithTheKeyAndGroup_andReachesItByItsPrivateIp() {
        List<String> reachedAt = new java.util.ArrayList<>();
        AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts()).guestConversion(guest)
                .workerTransport(ip -> {
                    reachedAt.add(ip);
                    return worker;
                }, "ops", World.DEFAULT_SECURITY_GROUP).build();

        MigrationResult r = Migration.of(SOURCE).toHvm().withProvider(aws).journal(InMemoryJournal.create()).run();

        var launch = emulator.journal().calls("RunInstances").stream()
                .filter(c -> "t3.small".equals(c.param("InstanceType"))).findFirst().orElseThrow();
        assertThat(launch.param("KeyName")).isEqualTo("ops");
        assertThat(launch.param("SecurityGroupId.1")).isEqualTo(World.DEFAULT_SECURITY_GROUP);
        assertThat(reachedAt).singleElement().asString().startsWith("10.0.");
        assertThat(worker.commands).isNotEmpty();
        assertThat(r.newInstanceId()).isNotNull();
    }

    @Test
    void run_underEventualConsistencyAndThrottling_stillCompletesWithoutLeftovers() {
        // Every new id is NotFound for a while, and EC2's documented token buckets apply.
        start(EmulatedAws.webServerWorld().build(), b -> b.consistencyWindow(Duration.ofMillis(300))
                .throttling(ThrottlingPolicy.documented()));

        MigrationResult r = migration().preservingIps()
                .withRetryPolicy(RetryPolicy.exponential(6, Duration.ofMillis(100), 2.0, Duration.ofSeconds(2))).run();

        assertThat(instance(r.newInstanceId()).privateIpAddress()).isEqualTo(SOURCE_IP);
        assertThat(emulator.journal().all()).anySatisfy(c -> assertThat(c.errorCode()).endsWith(".NotFound"));
        assertNoTemporaryResourceLeft(r.migrationId());
    }

    private void assertNoTemporaryResourceLeft(String migrationId) {
        List<Filter> ours = List.of(Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build());
        assertThat(ec2.describeInstances(b -> b.filters(ours)).reservations().stream()
                .flatMap(res -> res.instances().stream())
                .filter(i -> !"terminated".equals(i.state().nameAsString())))
                .extracting(i -> tags(i.tags()).get(Tags.ROLE)).containsOnly("hvm-instance");
        assertThat(ec2.describeVolumes(b -> b.filters(ours)).volumes())
                .filteredOn(v -> !"deleting".equals(v.stateAsString())).isEmpty(); // deletion is asynchronous
        assertThat(ec2.describeImages(b -> b.owners("self").filters(ours)).images())
                .extracting(i -> tags(i.tags()).get(Tags.ROLE)).containsExactlyInAnyOrder("hvm-image", "backup-image");
        assertThat(ec2.describeSnapshots(b -> b.ownerIds("self").filters(ours)).snapshots())
                .extracting(s -> tags(s.tags()).get(Tags.ROLE))
                .containsExactlyInAnyOrder("hvm-image-snapshot", "final-snapshot");
    }

    private static String sha256(Path file) throws java.io.IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Instance instance(String id) {
        return ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    private Image image(String id) {
        return ec2.describeImages(b -> b.imageIds(id)).images().get(0);
    }

    private Volume volume(String id) {
        return ec2.describeVolumes(b -> b.volumeIds(id)).volumes().get(0);
    }

    private static InstanceNetworkInterface eni(Instance i, int index) {
        return i.networkInterfaces().stream().filter(n -> n.attachment().deviceIndex() == index).findFirst().orElseThrow();
    }

    private static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }
}
