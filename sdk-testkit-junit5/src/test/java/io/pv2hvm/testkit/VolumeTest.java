package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttributeName;
import software.amazon.awssdk.services.ec2.model.VolumeState;

/** EBS volume transitions and AttachVolume/DeleteVolume state checks. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class VolumeTest extends MigrationWorldTest {

    private Volume volume(String id) {
        return ec2.describeVolumes(r -> r.volumeIds(id)).volumes().get(0);
    }

    private static String code(Throwable t) {
        return ((Ec2Exception) t).awsErrorDetails().errorCode();
    }

    @Test
    void createAttachDetachDelete_transitionsObservedWithWaiters() {
        var created = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(20).volumeType("gp3"));
        assertThat(created.state()).isEqualTo(VolumeState.CREATING);
        String id = created.volumeId();
        waiter.waitUntilVolumeAvailable(r -> r.volumeIds(id)).matched().response().orElseThrow();

        var attach = ec2.attachVolume(r -> r.volumeId(id).instanceId(Worlds.SOURCE).device("/dev/sdg"));
        assertThat(attach.stateAsString()).isEqualTo("attaching");
        // The volume turns in-use at once (that is what the waiter watches); the attachment follows.
        waiter.waitUntilVolumeInUse(r -> r.volumeIds(id)).matched().response().orElseThrow();
        Polling.until(() -> volume(id).attachments().get(0).stateAsString().equals("attached"));

        assertThat(ec2.detachVolume(r -> r.volumeId(id)).stateAsString()).isEqualTo("detaching");
        waiter.waitUntilVolumeAvailable(r -> r.volumeIds(id)).matched().response().orElseThrow();
        assertThat(volume(id).attachments()).isEmpty();

        ec2.deleteVolume(r -> r.volumeId(id));
        waiter.waitUntilVolumeDeleted(r -> r.volumeIds(id)).matched().exception().orElseThrow();
        assertThatThrownBy(() -> volume(id)).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidVolume.NotFound"));
    }

    @Test
    void deleteVolume_whileAttached_failsWithVolumeInUse() {
        assertThatThrownBy(() -> ec2.deleteVolume(r -> r.volumeId(Worlds.DATA_VOLUME)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("VolumeInUse"));
    }

    @Test
    void attachVolume_alreadyAttached_failsWithVolumeInUse() {
        assertThatThrownBy(() -> ec2.attachVolume(r -> r.volumeId(Worlds.DATA_VOLUME).instanceId(Worlds.MARKETPLACE_INSTANCE).device("/dev/sdh")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("VolumeInUse"));
    }

    @Test
    void attachVolume_inAnotherZone_failsWithZoneMismatch() {
        assertThatThrownBy(() -> ec2.attachVolume(r -> r.volumeId(Worlds.LOOSE_VOLUME_B).instanceId(Worlds.SOURCE).device("/dev/sdh")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidVolume.ZoneMismatch"));
    }

    @Test
    void attachVolume_onAnOccupiedDevice_failsWithInvalidParameterValue() {
        String id = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1)).volumeId();
        waiter.waitUntilVolumeAvailable(r -> r.volumeIds(id));
        assertThatThrownBy(() -> ec2.attachVolume(r -> r.volumeId(id).instanceId(Worlds.SOURCE).device("/dev/sdf")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void marketplaceCodedVolume_attachesOnlyToAStoppedInstance() {
        // A copy of the Marketplace root: the code travels snapshot -> volume.
        String rootId = ec2.describeInstances(r -> r.instanceIds(Worlds.MARKETPLACE_INSTANCE)).reservations().get(0).instances().get(0)
                .blockDeviceMappings().get(0).ebs().volumeId();
        assertThat(ec2.describeVolumeAttribute(r -> r.volumeId(rootId).attribute(VolumeAttributeName.PRODUCT_CODES)).productCodes())
                .extracting(c -> c.productCodeId()).containsExactly("aw0evgkw8e5c1q413zgy5pjce");
        String snap = ec2.createSnapshot(r -> r.volumeId(rootId)).snapshotId();
        waiter.waitUntilSnapshotCompleted(r -> r.snapshotIds(snap));
        String copy = ec2.createVolume(r -> r.availabilityZone("us-east-1a").snapshotId(snap)).volumeId();
        waiter.waitUntilVolumeAvailable(r -> r.volumeIds(copy));

        assertThatThrownBy(() -> ec2.attachVolume(r -> r.volumeId(copy).instanceId(Worlds.SOURCE).device("/dev/sdm")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IncorrectInstanceState");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Marketplace codes").contains("'stopped'");
                });

        ec2.stopInstances(r -> r.instanceIds(Worlds.SOURCE));
        waiter.waitUntilInstanceStopped(r -> r.instanceIds(Worlds.SOURCE));
        ec2.attachVolume(r -> r.volumeId(copy).instanceId(Worlds.SOURCE).device("/dev/sdm"));
        waiter.waitUntilVolumeInUse(r -> r.volumeIds(copy)).matched().response().orElseThrow();
    }

    @Test
    void terminate_honorsDeleteOnTermination() {
        String root = ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations().get(0).instances().get(0)
                .blockDeviceMappings().stream().filter(b -> b.deviceName().equals("/dev/sda1")).findFirst().orElseThrow().ebs().volumeId();
        String otherRoot = ec2.describeInstances(r -> r.instanceIds(Worlds.MARKETPLACE_INSTANCE)).reservations().get(0).instances().get(0)
                .blockDeviceMappings().get(0).ebs().volumeId();
        // Keep SOURCE's root by flipping DeleteOnTermination; MARKETPLACE_INSTANCE keeps the default (true).
        ec2.modifyInstanceAttribute(r -> r.instanceId(Worlds.SOURCE)
                .blockDeviceMappings(b -> b.deviceName("/dev/sda1").ebs(e -> e.deleteOnTermination(false))));
        ec2.terminateInstances(r -> r.instanceIds(Worlds.SOURCE, Worlds.MARKETPLACE_INSTANCE));
        waiter.waitUntilInstanceTerminated(r -> r.instanceIds(Worlds.SOURCE, Worlds.MARKETPLACE_INSTANCE));

        assertThat(volume(root).state()).isEqualTo(VolumeState.AVAILABLE);
        assertThat(volume(Worlds.DATA_VOLUME).state()).isEqualTo(VolumeState.AVAILABLE);
        waiter.waitUntilVolumeDeleted(r -> r.volumeIds(otherRoot)).matched().exception().orElseThrow();
        assertThatThrownBy(() -> volume(otherRoot)).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidVolume.NotFound"));
    }

    @Test
    void detachVolume_rootOfRunningInstance_failsWithIncorrectState() {
        String root = ec2.describeInstances(r -> r.instanceIds(Worlds.SOURCE)).reservations().get(0).instances().get(0)
                .blockDeviceMappings().stream().filter(b -> b.deviceName().equals("/dev/sda1")).findFirst().orElseThrow().ebs().volumeId();
        assertThatThrownBy(() -> ec2.detachVolume(r -> r.volumeId(root)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("IncorrectState"));
    }

    @Test
    void describeVolumes_filtersByAttachmentAndTag() {
        var attached = ec2.describeVolumes(r -> r.filters(f -> f.name("attachment.instance-id").values(Worlds.SOURCE))).volumes();
        assertThat(attached).extracting(Volume::volumeId).contains(Worlds.DATA_VOLUME).hasSize(2);
        var byDevice = ec2.describeVolumes(r -> r.filters(f -> f.name("attachment.device").values("/dev/sdf"),
                f -> f.name("attachment.instance-id").values(Worlds.SOURCE))).volumes();
        assertThat(byDevice).extracting(Volume::volumeId).containsExactly(Worlds.DATA_VOLUME);
        assertThatThrownBy(() -> ec2.describeVolumes(r -> r.filters(f -> f.name("no-such-filter").values("x"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void createVolume_fromSnapshotSmallerThanSnapshot_failsWithInvalidParameterValue() {
        assertThatThrownBy(() -> ec2.createVolume(r -> r.availabilityZone("us-east-1a").snapshotId(Worlds.PV_ROOT_SNAPSHOT).size(4)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }
}
