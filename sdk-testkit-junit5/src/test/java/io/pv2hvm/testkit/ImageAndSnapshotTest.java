package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotState;

/** Snapshots, CreateImage, RegisterImage's defaults and RunInstances' image/type checks. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class ImageAndSnapshotTest extends MigrationWorldTest {

    private static String code(Throwable t) {
        return ((Ec2Exception) t).awsErrorDetails().errorCode();
    }

    private Image image(String id) {
        return ec2.describeImages(r -> r.imageIds(id)).images().get(0);
    }

    private String completedSnapshot() {
        String snap = ec2.createSnapshot(r -> r.volumeId(Worlds.DATA_VOLUME).description("converted root")).snapshotId();
        waiter.waitUntilSnapshotCompleted(r -> r.snapshotIds(snap)).matched().response().orElseThrow();
        return snap;
    }

    @Test
    void createSnapshot_isPendingThenCompletedAt100Percent() {
        var created = ec2.createSnapshot(r -> r.volumeId(Worlds.DATA_VOLUME));
        assertThat(created.state()).isEqualTo(SnapshotState.PENDING);
        assertThat(created.volumeSize()).isEqualTo(100);

        waiter.waitUntilSnapshotCompleted(r -> r.snapshotIds(created.snapshotId())).matched().response().orElseThrow();
        Snapshot done = ec2.describeSnapshots(r -> r.snapshotIds(created.snapshotId())).snapshots().get(0);
        assertThat(done.state()).isEqualTo(SnapshotState.COMPLETED);
        assertThat(done.progress()).isEqualTo("100%");
    }

    @Test
    void createSnapshot_sixthPendingOnOneVolume_failsWithConcurrentSnapshotLimitExceeded() {
        for (int i = 0; i < 5; i++) {
            ec2.createSnapshot(r -> r.volumeId(Worlds.DATA_VOLUME));
        }
        assertThatThrownBy(() -> ec2.createSnapshot(r -> r.volumeId(Worlds.DATA_VOLUME)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ConcurrentSnapshotLimitExceeded"));
    }

    @Test
    void createImage_snapshotsEveryVolume_andBecomesAvailable() {
        String ami = ec2.createImage(r -> r.instanceId(Worlds.SOURCE).name("backup-web-1").noReboot(true)).imageId();
        assertThat(image(ami).state()).isEqualTo(ImageState.PENDING);

        waiter.waitUntilImageAvailable(r -> r.imageIds(ami)).matched().response().orElseThrow();
        Image img = image(ami);
        assertThat(img.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(img.kernelId()).isEqualTo("aki-919dcaf8");
        assertThat(img.blockDeviceMappings()).extracting(b -> b.deviceName()).contains("/dev/sda1", "/dev/sdf", "/dev/sdb");
        assertThat(img.blockDeviceMappings()).filteredOn(b -> b.deviceName().equals("/dev/sdb"))
                .extracting(b -> b.virtualName()).containsExactly("ephemeral0");
        assertThatThrownBy(() -> ec2.createImage(r -> r.instanceId(Worlds.SOURCE).name("backup-web-1")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidAMIName.Duplicate"));
    }

    @Test
    void registerImage_withoutTypeOrArchitecture_defaultsToParavirtualI386() {
        String snap = completedSnapshot();
        String ami = ec2.registerImage(r -> r.name("defaults-trap").rootDeviceName("/dev/sda1")
                .blockDeviceMappings(b -> b.deviceName("/dev/sda1").ebs(e -> e.snapshotId(snap)))).imageId();
        Image img = image(ami);
        assertThat(img.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(img.architectureAsString()).isEqualTo("i386");
        assertThat(img.enaSupport()).isFalse();
    }

    @Test
    void registerImage_honorsVirtualizationTypeArchitectureRootDeviceMappingsAndEna() {
        String snap = completedSnapshot();
        String ami = ec2.registerImage(r -> r.name("web-1-hvm").virtualizationType("hvm").architecture("x86_64")
                .rootDeviceName("/dev/xvda").enaSupport(true).bootMode("legacy-bios")
                .blockDeviceMappings(b -> b.deviceName("/dev/xvda").ebs(e -> e.snapshotId(snap).volumeSize(120).deleteOnTermination(true).volumeType("gp3")),
                        b -> b.deviceName("/dev/sdb").virtualName("ephemeral0"))).imageId();
        waiter.waitUntilImageAvailable(r -> r.imageIds(ami)).matched().response().orElseThrow();

        Image img = image(ami);
        assertThat(img.virtualizationTypeAsString()).isEqualTo("hvm");
        assertThat(img.architectureAsString()).isEqualTo("x86_64");
        assertThat(img.rootDeviceName()).isEqualTo("/dev/xvda");
        assertThat(img.enaSupport()).isTrue();
        assertThat(img.blockDeviceMappings().get(0).ebs().snapshotId()).isEqualTo(snap);
        assertThat(img.blockDeviceMappings().get(0).ebs().volumeSize()).isEqualTo(120);

        // ...and an instance launched from it gets a root volume from that snapshot on a Nitro type.
        var i = ec2.runInstances(r -> r.imageId(ami).instanceType("t3.micro").minCount(1).maxCount(1)).instances().get(0);
        String rootVol = i.blockDeviceMappings().stream().filter(b -> b.deviceName().equals("/dev/xvda")).findFirst().orElseThrow().ebs().volumeId();
        var root = ec2.describeVolumes(r -> r.volumeIds(rootVol)).volumes().get(0);
        assertThat(root.snapshotId()).isEqualTo(snap);
        assertThat(root.size()).isEqualTo(120);
        assertThat(root.volumeTypeAsString()).isEqualTo("gp3");
    }

    @Test
    void registerImage_rootWithoutSnapshot_failsWithInvalidBlockDeviceMapping() {
        assertThatThrownBy(() -> ec2.registerImage(r -> r.name("broken").virtualizationType("hvm").rootDeviceName("/dev/xvda")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidBlockDeviceMapping"));
        assertThatThrownBy(() -> ec2.registerImage(r -> r.rootDeviceName("/dev/xvda")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("MissingParameter"));
    }

    @Test
    void runInstances_pvImageOnHvmOnlyType_failsWithInvalidParameterCombination() {
        for (String type : new String[] {"t2.micro", "t3.micro", "m5.large", "c4.large"}) {
            assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(Worlds.PV_IMAGE).instanceType(type).minCount(1).maxCount(1)))
                    .as(type).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterCombination"));
        }
    }

    @Test
    void runInstances_imageWithoutEnaOnEnaRequiredType_failsWithInvalidParameterCombination() {
        String snap = completedSnapshot();
        String noEna = ec2.registerImage(r -> r.name("hvm-no-ena").virtualizationType("hvm").architecture("x86_64")
                .rootDeviceName("/dev/xvda").blockDeviceMappings(b -> b.deviceName("/dev/xvda").ebs(e -> e.snapshotId(snap)))).imageId();
        waiter.waitUntilImageAvailable(r -> r.imageIds(noEna));

        assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(noEna).instanceType("t3.micro").minCount(1).maxCount(1)))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("ENA");
                });
        // A Xen HVM type does not need ENA.
        assertThat(ec2.runInstances(r -> r.imageId(noEna).instanceType("t2.micro").minCount(1).maxCount(1)).instances()).hasSize(1);
    }

    @Test
    void runInstances_i386ImageOnX86OnlyType_failsWithInvalidParameterValue() {
        String snap = completedSnapshot();
        String i386 = ec2.registerImage(r -> r.name("i386-hvm").virtualizationType("hvm").enaSupport(true)
                .rootDeviceName("/dev/xvda").blockDeviceMappings(b -> b.deviceName("/dev/xvda").ebs(e -> e.snapshotId(snap)))).imageId();
        waiter.waitUntilImageAvailable(r -> r.imageIds(i386));
        assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(i386).instanceType("t3.micro").minCount(1).maxCount(1)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void deregisterImage_keepsSnapshots_andFreesThemForDeletion() {
        assertThatThrownBy(() -> ec2.deleteSnapshot(r -> r.snapshotId(Worlds.PV_ROOT_SNAPSHOT)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidSnapshot.InUse"));
        ec2.deregisterImage(r -> r.imageId(Worlds.PV_IMAGE));
        assertThatThrownBy(() -> image(Worlds.PV_IMAGE)).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidAMIID.NotFound"));
        assertThat(ec2.describeSnapshots(r -> r.snapshotIds(Worlds.PV_ROOT_SNAPSHOT)).snapshots()).hasSize(1);
        ec2.deleteSnapshot(r -> r.snapshotId(Worlds.PV_ROOT_SNAPSHOT));
        assertThatThrownBy(() -> ec2.describeSnapshots(r -> r.snapshotIds(Worlds.PV_ROOT_SNAPSHOT)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidSnapshot.NotFound"));
    }

    @Test
    void describeImages_byOwnerAndFilter() {
        assertThat(ec2.describeImages(r -> r.owners("amazon").filters(f -> f.name("image-type").values("machine"))).images())
                .extracting(Image::imageId).containsExactly(World.AMAZON_LINUX_HVM_IMAGE);
        assertThat(ec2.describeImages(r -> r.owners("self").filters(f -> f.name("virtualization-type").values("paravirtual"))).images())
                .extracting(Image::imageId).containsExactlyInAnyOrder(Worlds.PV_IMAGE, Worlds.MARKETPLACE_IMAGE);
    }

    @Test
    void pvGrubKernel_isDescribableByTheAmisKernelId_butNotLaunchable() {
        String aki = image(Worlds.PV_IMAGE).kernelId();
        Image kernel = image(aki);
        assertThat(kernel.imageTypeAsString()).isEqualTo("kernel");
        assertThat(kernel.imageLocation()).contains("pv-grub-hd0");
        assertThat(kernel.rootDeviceTypeAsString()).isEqualTo("instance-store");
        assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(aki).instanceType("m1.small").minCount(1).maxCount(1)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }

    /** Progress grows with time in proportion to the volume size; a manual clock makes it exact. */
    @Test
    void snapshotProgress_isProportionalToElapsedTime() {
        ManualClock clock = ManualClock.create();
        try (Ec2Emulator manual = Ec2Emulator.builder().world(Worlds.migration()).clock(clock)
                .latency(LatencyModel.realistic()).build().start();
             Ec2Client c = AwsClients.ec2(manual)) {
            // 100 GiB: 30 s + 4 s/GiB = 430 s.
            String snap = c.createSnapshot(r -> r.volumeId(Worlds.DATA_VOLUME)).snapshotId();
            clock.advance(Duration.ofSeconds(215));
            assertThat(c.describeSnapshots(r -> r.snapshotIds(snap)).snapshots().get(0).progress()).isEqualTo("50%");
            clock.advance(Duration.ofSeconds(214));
            Snapshot almost = c.describeSnapshots(r -> r.snapshotIds(snap)).snapshots().get(0);
            assertThat(almost.state()).isEqualTo(SnapshotState.PENDING);
            assertThat(almost.progress()).isEqualTo("99%");
            clock.advance(Duration.ofSeconds(1));
            assertThat(c.describeSnapshots(r -> r.snapshotIds(snap)).snapshots().get(0).state()).isEqualTo(SnapshotState.COMPLETED);
        }
    }

    @Test
    void failImageRegistrations_theMatchingRegistrationIsPendingThenFailed_othersAndLaterOnesBecomeAvailable() {
        String snap = completedSnapshot();
        aws.failImageRegistrations("backup-", 1);
        java.util.function.Function<String, String> register = name -> ec2.registerImage(r -> r.name(name)
                .rootDeviceName("/dev/sda1").blockDeviceMappings(b -> b.deviceName("/dev/sda1")
                        .ebs(e -> e.snapshotId(snap)))).imageId();

        String other = register.apply("trial-1");
        String failing = register.apply("backup-1");
        String again = register.apply("backup-2");

        Polling.until(() -> image(failing).state() != ImageState.PENDING);
        Image failed = image(failing);
        assertThat(failed.state()).isEqualTo(ImageState.FAILED);
        assertThat(failed.stateReason().code()).isEqualTo("Server.InternalError");
        waiter.waitUntilImageAvailable(r -> r.imageIds(other, again)).matched().response().orElseThrow();
        assertThatThrownBy(() -> ec2.runInstances(r -> r.imageId(failing).instanceType("t3.micro").minCount(1).maxCount(1)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidAMIID.Unavailable"));
    }

    @Test
    void failImageRegistrations_withoutANamePrefixOrCount_isRefusedAndChangesNothing() {
        assertThatThrownBy(() -> aws.failImageRegistrations(" ", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namePrefix");
        assertThatThrownBy(() -> aws.failImageRegistrations("backup-", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("times");
        String snap = completedSnapshot();
        String ami = ec2.registerImage(r -> r.name("backup-3").rootDeviceName("/dev/sda1")
                .blockDeviceMappings(b -> b.deviceName("/dev/sda1").ebs(e -> e.snapshotId(snap)))).imageId();
        waiter.waitUntilImageAvailable(r -> r.imageIds(ami)).matched().response().orElseThrow();
    }
}
