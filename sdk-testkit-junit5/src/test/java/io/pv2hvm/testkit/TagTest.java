package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.TagDescription;

/** Tags on every resource kind, with tag and resource filters. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class TagTest {

    @RegisterExtension
    static Ec2EmulatorExtension extension = Ec2EmulatorExtension.of(Ec2Emulator.builder().world(Worlds.migration()));
    static Ec2Emulator aws = extension.emulator();

    private Ec2Client ec2;

    @BeforeEach
    void clients() {
        aws.reset();
        ec2 = AwsClients.ec2(aws);
    }

    @AfterEach
    void close() {
        ec2.close();
    }

    private static String code(Throwable t) {
        return ((Ec2Exception) t).awsErrorDetails().errorCode();
    }

    @Test
    void createTags_onSeveralResourceKinds_areFoundByDescribeTagsFilters() {
        ec2.createTags(r -> r.resources(Worlds.SOURCE, Worlds.DATA_VOLUME, Worlds.PV_IMAGE)
                .tags(t -> t.key("pv2hvm:migration").value("m-1")));

        var all = ec2.describeTags(r -> r.filters(f -> f.name("key").values("pv2hvm:migration"))).tags();
        assertThat(all).extracting(TagDescription::resourceId).containsExactlyInAnyOrder(Worlds.SOURCE, Worlds.DATA_VOLUME, Worlds.PV_IMAGE);
        var volumes = ec2.describeTags(r -> r.filters(f -> f.name("key").values("pv2hvm:*"), f -> f.name("resource-type").values("volume"))).tags();
        assertThat(volumes).extracting(TagDescription::resourceId).containsExactly(Worlds.DATA_VOLUME);
        assertThat(volumes.get(0).resourceTypeAsString()).isEqualTo("volume");
        var byResource = ec2.describeTags(r -> r.filters(f -> f.name("resource-id").values(Worlds.SOURCE))).tags();
        assertThat(byResource).extracting(TagDescription::key).containsExactlyInAnyOrder("Name", "env", "pv2hvm:migration");
    }

    @Test
    void describeInstances_filtersByTag() {
        var res = ec2.describeInstances(r -> r.filters(f -> f.name("tag:Name").values("web-*"))).reservations();
        assertThat(res).hasSize(1);
        assertThat(res.get(0).instances().get(0).instanceId()).isEqualTo(Worlds.SOURCE);
        assertThat(ec2.describeInstances(r -> r.filters(f -> f.name("tag-key").values("env"))).reservations()).hasSize(1);
    }

    @Test
    void deleteTags_removesOnlyMatchingValues() {
        ec2.deleteTags(r -> r.resources(Worlds.SOURCE).tags(t -> t.key("env").value("staging"), t -> t.key("Name")));
        var left = ec2.describeTags(r -> r.filters(f -> f.name("resource-id").values(Worlds.SOURCE))).tags();
        assertThat(left).extracting(TagDescription::key).containsExactly("env");
    }

    @Test
    void createTags_onUnknownResource_failsAndTagsNothing() {
        assertThatThrownBy(() -> ec2.createTags(r -> r.resources(Worlds.SOURCE, "i-0fffffffffffffff0").tags(t -> t.key("k").value("v"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidInstanceID.NotFound"));
        assertThat(ec2.describeTags(r -> r.filters(f -> f.name("key").values("k"))).tags()).isEmpty();
        assertThatThrownBy(() -> ec2.createTags(r -> r.resources("vol-0fffffffffffffff0").tags(t -> t.key("k").value("v"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidVolume.NotFound"));
    }

    @Test
    void createTags_beyond50PerResource_failsWithTagLimitExceeded_andTagsNothing() {
        for (int i = 0; i < 48; i++) {
            int k = i;
            ec2.createTags(r -> r.resources(Worlds.SOURCE).tags(t -> t.key("k" + k).value("v")));
        }
        assertThatThrownBy(() -> ec2.createTags(r -> r.resources(Worlds.DATA_VOLUME, Worlds.SOURCE)
                .tags(t -> t.key("x").value("1"), t -> t.key("y").value("2"), t -> t.key("z").value("3"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("TagLimitExceeded"));
        assertThat(ec2.describeTags(r -> r.filters(f -> f.name("resource-id").values(Worlds.DATA_VOLUME))).tags()).isEmpty();
        assertThat(ec2.describeTags(r -> r.filters(f -> f.name("resource-id").values(Worlds.SOURCE))).tags()).hasSize(50);
    }

    @Test
    void createTags_withReservedAwsPrefix_failsWithInvalidParameterValue() {
        assertThatThrownBy(() -> ec2.createTags(r -> r.resources(Worlds.SOURCE).tags(t -> t.key("aws:owner").value("me"))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void tagSpecifications_onCreateVolumeAndSnapshot_areApplied() {
        String vol = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1)
                .tagSpecifications(t -> t.resourceType("volume").tags(tag -> tag.key("purpose").value("scratch")))).volumeId();
        String snap = ec2.createSnapshot(r -> r.volumeId(Worlds.DATA_VOLUME)
                .tagSpecifications(t -> t.resourceType("snapshot").tags(tag -> tag.key("purpose").value("final")))).snapshotId();
        assertThat(ec2.describeVolumes(r -> r.filters(f -> f.name("tag:purpose").values("scratch"))).volumes())
                .extracting(v -> v.volumeId()).containsExactly(vol);
        assertThat(ec2.describeSnapshots(r -> r.filters(f -> f.name("tag:purpose").values("final"))).snapshots())
                .extracting(s -> s.snapshotId()).containsExactly(snap);
    }
}
