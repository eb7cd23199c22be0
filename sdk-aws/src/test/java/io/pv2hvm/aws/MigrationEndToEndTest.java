package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.guest.ConversionResult;
import io.pv2hvm.core.guest.DataVolumes;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.guest.GuestFacts;
import io.pv2hvm.core.guest.GuestStartup;
import io.pv2hvm.core.guest.TargetPlatform;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.ProgressSink;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.RetryPolicy;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.ThrottlingPolicy;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
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
@Execution(ExecutionMode.CONCURRENT)
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
        // EC2 refuses Linux HVM on m1: the documented successor, which holds both interfaces' addresses.
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
    void run_bootsTheTrialQuarantined_withoutUserData_andWithCopiesOfEveryDataVolume() {
        // Before cutover the trial is gone and its group not yet deleted: look at the group as EC2 holds it.
        Map<String, Object> seen = new java.util.HashMap<>();
        Step observe = new Step() {
            @Override
            public String name() {
                return "observe-quarantine";
            }

            @Override
            public void run(StepContext ctx) {
                String group = ctx.find(AwsFacts.TRIAL_SECURITY_GROUP).orElseThrow();
                seen.put("group", ec2.describeSecurityGroups(b -> b.groupIds(group)).securityGroups().get(0));
                seen.put("workerIp", instance(ctx.find(AwsFacts.WORKER).orElseThrow()).privateIpAddress());
            }
        };

        MigrationResult r = migration().preservingIps().withStepBefore(Phase.CUTOVER, observe).run();

        SecurityGroup group = (SecurityGroup) seen.get("group");
        assertThat(group.vpcId()).isEqualTo(World.DEFAULT_VPC);
        assertThat(tags(group.tags())).containsEntry(Tags.MIGRATION_ID, r.migrationId())
                .containsEntry(Tags.ROLE, "trial-security-group");
        assertThat(group.ipPermissionsEgress()).as("no outbound traffic").isEmpty();
        assertThat(group.ipPermissions()).singleElement().satisfies(p -> {
            assertThat(p.ipRanges()).extracting(c -> c.cidrIp()).containsExactly(seen.get("workerIp") + "/32");
            assertThat(p.userIdGroupPairs()).isEmpty();
        });
        List<RecordedCall> calls = emulator.journal().all();
        RecordedCall trialLaunch = calls.stream().filter(c -> c.action().equals("RunInstances")
                && c.params().containsValue("trial-instance")).findFirst().orElseThrow();
        assertThat(trialLaunch.params()).containsEntry("SecurityGroupId.1", group.groupId())
                .doesNotContainKey("SecurityGroupId.2").doesNotContainKey("UserData");
        // The data copies: from snapshots of the source's data volumes, at their device names, deleted with the trial.
        Map<String, String> copies = new java.util.TreeMap<>();
        for (int n = 1; trialLaunch.param("BlockDeviceMapping." + n + ".DeviceName") != null; n++) {
            copies.put(trialLaunch.param("BlockDeviceMapping." + n + ".DeviceName"),
                    trialLaunch.param("BlockDeviceMapping." + n + ".Ebs.SnapshotId"));
            assertThat(trialLaunch.param("BlockDeviceMapping." + n + ".Ebs.DeleteOnTermination")).isEqualTo("true");
        }
        assertThat(copies).containsOnlyKeys("/dev/sdf", "/dev/sdg");
        assertThat(calls).filteredOn(c -> c.action().equals("CreateSnapshot") && c.params().containsValue("trial-data-snapshot"))
                .extracting(c -> c.param("VolumeId")).containsExactlyInAnyOrder(DATA_VOLUME, DATA_DISK_VOLUME);
        assertThat(calls).filteredOn(c -> c.action().equals("DeleteSnapshot") && c.succeeded())
                .extracting(c -> c.param("SnapshotId")).containsAll(copies.values());
        assertThat(trialLaunch.params()).containsValue("trial-volume"); // its volumes are tagged
        // Cleanup deleted the group, after the trial was gone (EC2 refuses while an interface uses it).
        assertThat(calls).filteredOn(c -> c.action().equals("DeleteSecurityGroup") && c.succeeded())
                .extracting(c -> c.param("GroupId")).containsExactly(group.groupId());
        assertNoTemporaryResourceLeft(r.migrationId());
    }

    @Test
    void run_sysvinitGuest_attachesTheDataVolumesWhileTheNewInstanceIsStopped_thenStartsIt_inTheDowntimeWindow() {
        GuestConversion sysvinit = new EmulatedAws.MountsFstabOnce(guest);

        MigrationResult r = migration(SOURCE, sysvinit, worker).preservingIps().run();

        String id = r.newInstanceId();
        List<RecordedCall> calls = emulator.journal().all().stream().filter(RecordedCall::succeeded).toList();
        int stop = indexOf(calls, c -> c.action().equals("StopInstances") && id.equals(c.param("InstanceId.1")));
        int start = indexOf(calls, c -> c.action().equals("StartInstances") && id.equals(c.param("InstanceId.1")));
        List<Integer> attaches = java.util.stream.IntStream.range(0, calls.size()).filter(k -> calls.get(k).action()
                .equals("AttachVolume") && id.equals(calls.get(k).param("InstanceId"))).boxed().toList();
        assertThat(attaches).hasSize(2).allSatisfy(k -> assertThat(k).isGreaterThan(stop).isLessThan(start));
        assertThat(instance(id).state().nameAsString()).isEqualTo("running");
        assertThat(volume(DATA_VOLUME).attachments()).singleElement().satisfies(a -> {
            assertThat(a.instanceId()).isEqualTo(id);
            assertThat(a.device()).isEqualTo("/dev/sdf");
        });
        assertThat(volume(DATA_DISK_VOLUME).attachments()).singleElement().satisfies(a -> assertThat(a.instanceId()).isEqualTo(id));
        assertThat(r.downtimeSteps()).extracting(t -> t.step())
                .contains("stop-new-instance-for-data-volumes", "start-new-instance-with-data-volumes");
        assertNoTemporaryResourceLeft(r.migrationId());
    }

    @Test
    void run_sysvinitGuest_bootsFirstInTheQuarantineGroup_andGetsTheSourcesGroupsOnlyOnceStartedWithItsVolumes() {
        List<String> sourceGroups = instance(SOURCE).securityGroups().stream().map(g -> g.groupId()).toList();

        MigrationResult r = migration(SOURCE, new EmulatedAws.MountsFstabOnce(guest), worker).preservingIps().run();

        String id = r.newInstanceId();
        List<RecordedCall> calls = emulator.journal().all().stream().filter(RecordedCall::succeeded).toList();
        // The trial's quarantine group, as the trial was launched in it.
        String quarantineId = calls.stream().filter(c -> c.action().equals("RunInstances")
                && c.params().containsValue("trial-instance")).findFirst().orElseThrow().param("SecurityGroupId.1");
        assertThat(quarantineId).isNotNull().isNotIn(sourceGroups);
        // At launch (first boot, no data volumes, the production IP): the quarantine group alone.
        RecordedCall launch = calls.stream().filter(c -> c.action().equals("RunInstances")
                && c.params().containsValue("hvm-instance")).findFirst().orElseThrow();
        assertThat(launch.params()).containsEntry("NetworkInterface.1.SecurityGroupId.1", quarantineId)
                .doesNotContainKey("NetworkInterface.1.SecurityGroupId.2").doesNotContainKey("SecurityGroupId.1");
        // Restored once, after the start with the volumes attached, on the primary interface.
        int start = indexOf(calls, c -> c.action().equals("StartInstances") && id.equals(c.param("InstanceId.1")));
        int restore = indexOf(calls, c -> c.action().equals("ModifyNetworkInterfaceAttribute")
                && c.param("SecurityGroupId.1") != null);
        assertThat(restore).isGreaterThan(start);
        assertThat(calls).filteredOn(c -> c.action().equals("ModifyNetworkInterfaceAttribute") && c.param("SecurityGroupId.1") != null)
                .singleElement().satisfies(c -> assertThat(c.param("NetworkInterfaceId")).isEqualTo(eni(instance(id), 0).networkInterfaceId()));
        // Now: the source's groups on the primary interface, the secondary interface's own groups kept.
        Instance now = settled(() -> instance(id));
        assertThat(eni(now, 0).groups()).extracting(g -> g.groupId()).containsExactlyElementsOf(sourceGroups);
        assertThat(now.networkInterfaces()).allSatisfy(n -> assertThat(n.groups()).extracting(g -> g.groupId())
                .doesNotContain(quarantineId));
        // The quarantine group was deleted in cleanup: EC2 refuses that while an interface still uses it.
        assertThat(calls).filteredOn(c -> c.action().equals("DeleteSecurityGroup")).extracting(c -> c.param("GroupId"))
                .containsExactly(quarantineId);
    }

    @Test
    void run_guestWithoutHold_launchesInTheSourcesGroups_andNeverModifiesThem() {
        MigrationResult r = migration().preservingIps().run();

        RecordedCall launch = emulator.journal().all().stream().filter(c -> c.action().equals("RunInstances") && c.succeeded()
                && c.params().containsValue("hvm-instance")).findFirst().orElseThrow();
        assertThat(launch.param("NetworkInterface.1.SecurityGroupId.1"))
                .isEqualTo(instance(r.newInstanceId()).securityGroups().get(0).groupId());
        assertThat(emulator.journal().calls("ModifyNetworkInterfaceAttribute")).noneSatisfy(c ->
                assertThat(c.param("SecurityGroupId.1")).isNotNull());
    }


    @Test
    void run_toNitro_rewritesFstabToTheDataVolumesUuid_readFromCopies_andLeavesUnknownDevicesWithNofail() {
        SimulatedGuest withData = SimulatedGuest.typical().withFstabEntry("/dev/xvdf", "/data")
                .withFstabEntry("/dev/xvdg", "/disk").withFstabEntry("/dev/xvdh", "/scratch");

        MigrationResult r = migration(SOURCE, withData, worker).preservingIps().run();

        assertThat(instance(r.newInstanceId()).instanceTypeAsString()).isEqualTo("m5.large"); // Nitro: xvdf is nvme1n1 there
        assertThat(withData.conversions()).isEqualTo(2);
        // The final round's fstab: /dev/sdf's ext4 by the UUID the world seeded on it; /dev/sdg (bytes without a
        // filesystem) kept by name with the reason; /dev/xvdh, which the source does not have, left alone with nofail.
        assertThat(withData.lastFstab()).contains("UUID=" + EmulatedAws.DATA_VOLUME_UUID + "\t/data\text4\tdefaults,nofail\t0\t2",
                "/dev/xvdg\t/disk\text4\tdefaults,nofail\t0\t2", "/dev/xvdh\t/scratch\text4\tdefaults,nofail\t0\t2");
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("/dev/xvdg").contains(DATA_DISK_VOLUME)
                .contains("no filesystem"));
        assertThat(r.warnings()).filteredOn(w -> w.startsWith("Data volume " + DATA_DISK_VOLUME)).singleElement()
                .satisfies(w -> assertThat(w).contains("cannot be named by UUID or label"));
        assertThat(r.warnings()).noneSatisfy(w -> assertThat(w).startsWith("Data volume " + DATA_VOLUME));
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("/dev/xvdh /scratch").contains("was not given that volume"));
        // Read once per volume, from a copy of its trial snapshot, never from the volume itself; the final round reuses it.
        List<RecordedCall> calls = emulator.journal().all();
        List<RecordedCall> copies = calls.stream().filter(c -> c.action().equals("CreateVolume") && c.succeeded()
                && c.params().containsValue("data-volume-copy")).toList();
        assertThat(copies).hasSize(2).allSatisfy(c -> assertThat(c.param("SnapshotId")).isNotNull());
        assertThat(worker.commands).filteredOn(a -> a.size() > 3 && a.get(3).equals("pv2hvm-read-filesystems")).hasSize(2);
        assertThat(calls).filteredOn(c -> c.action().equals("AttachVolume") && c.succeeded())
                .noneSatisfy(c -> assertThat(c.param("InstanceId")).isNotEqualTo(r.newInstanceId())
                        .isNotEqualTo(SOURCE).satisfies(i -> assertThat(c.param("VolumeId")).isIn(DATA_VOLUME, DATA_DISK_VOLUME)));
        assertNoTemporaryResourceLeft(r.migrationId());
    }

    @Test
    void run_guestThatMountsDevicesAsTheyAppear_neverStopsTheNewInstance() {
        MigrationResult r = migration().preservingIps().run();

        assertThat(emulator.journal().calls("StopInstances")).extracting(c -> c.param("InstanceId.1"))
                .isNotEmpty().containsOnly(SOURCE);
        assertThat(emulator.journal().calls("StartInstances")).isEmpty();
        assertThat(volume(DATA_VOLUME).attachments()).singleElement()
                .satisfies(a -> assertThat(a.instanceId()).isEqualTo(r.newInstanceId()));
    }

    private static int indexOf(List<RecordedCall> calls, java.util.function.Predicate<RecordedCall> p) {
        int k = java.util.stream.IntStream.range(0, calls.size()).filter(i -> p.test(calls.get(i))).findFirst().orElse(-1);
        assertThat(k).as("call not found").isNotNegative();
        return k;
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

        MigrationResult r = Migration.of(SOURCE).toHvm().withProvider(aws).withJournal(InMemoryJournal.create()).run();

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
        awaitConsistency();
        List<Filter> ours = List.of(Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build());
        assertThat(ec2.describeInstances(b -> b.filters(ours)).reservations().stream()
                .flatMap(res -> res.instances().stream())
                .filter(i -> !"terminated".equals(i.state().nameAsString())))
                .extracting(i -> tags(i.tags()).get(Tags.ROLE)).containsOnly("hvm-instance");
        // Deletion is asynchronous. The source's own root, converted in place when it was terminated, is
        // the user's volume: kept and tagged, never deleted.
        assertThat(ec2.describeVolumes(b -> b.filters(ours)).volumes())
                .filteredOn(v -> !"deleting".equals(v.stateAsString()))
                .extracting(v -> tags(v.tags()).get(Tags.ROLE)).isSubsetOf(List.of("converted-source-root"))
                .doesNotHaveDuplicates();
        assertThat(ec2.describeImages(b -> b.owners("self").filters(ours)).images())
                .extracting(i -> tags(i.tags()).get(Tags.ROLE)).containsExactlyInAnyOrder("hvm-image", "backup-image");
        assertThat(ec2.describeSnapshots(b -> b.ownerIds("self").filters(ours)).snapshots())
                .extracting(s -> tags(s.tags()).get(Tags.ROLE))
                .containsExactlyInAnyOrder("hvm-image-snapshot", "final-snapshot");
        assertThat(ec2.describeSecurityGroups(b -> b.filters(ours)).securityGroups()).isEmpty();
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
