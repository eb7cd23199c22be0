package io.pv2hvm.aws;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of the downtime window, read from the emulator's journal: IN_PLACE converts the
 * stopped source's own root after its final snapshot was requested (no volume is made from that
 * snapshot) and keeps it, tagged; PARTITION_COPY makes its final target before the stop and keeps
 * the trial's converted target until the final round. Both terminate the source once the backup
 * image is registered from the completed final snapshot, before the HVM image is registered.
 */
class CutoverOrderTest extends EmulatorTestBase {
    private final EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    @Test
    void inPlace_convertsTheStoppedSourcesOwnRootAfterItsFinalSnapshot_andKeepsItConvertedAndTagged() {
        String root = EndState.rootVolume(ec2, SOURCE);

        MigrationResult r = migration(SOURCE, SimulatedGuest.typical(), worker).preservingIps().run();

        List<RecordedCall> calls = emulator.journal().all().stream().filter(RecordedCall::succeeded).toList();
        int stop = first(calls, c -> c.action().equals("StopInstances") && SOURCE.equals(c.param("InstanceId.1")));
        int finalSnapshot = first(calls, c -> c.action().equals("CreateSnapshot") && root.equals(c.param("VolumeId"))
                && calls.indexOf(c) > stop);
        int rootDetached = first(calls, c -> c.action().equals("DetachVolume") && root.equals(c.param("VolumeId")));
        int rootOnWorker = first(calls, c -> c.action().equals("AttachVolume") && root.equals(c.param("VolumeId")));
        int hvmSnapshot = first(calls, c -> c.action().equals("CreateSnapshot") && root.equals(c.param("VolumeId"))
                && calls.indexOf(c) > finalSnapshot);
        int backup = first(calls, c -> c.action().equals("RegisterImage") && "paravirtual".equals(c.param("VirtualizationType")));
        int hvmImage = first(calls, c -> c.action().equals("RegisterImage") && "hvm".equals(c.param("VirtualizationType"))
                && calls.indexOf(c) > stop);
        int terminate = first(calls, c -> c.action().equals("TerminateInstances") && SOURCE.equals(c.param("InstanceId.1")));
        int launch = first(calls, c -> c.action().equals("RunInstances") && calls.indexOf(c) > stop);
        assertThat(List.of(stop, finalSnapshot, rootDetached, rootOnWorker, hvmSnapshot, backup, terminate, hvmImage, launch))
                .as("stop, final snapshot, root to the worker, HVM snapshot started, backup image, terminate,"
                        + " HVM image, launch").isSorted().doesNotContain(-1);
        assertTerminatedOnceTheBackupIsRegistered(calls, stop);
        String finalSnapshotId = tagged("final-snapshot");
        assertThat(calls).as("no volume from the final snapshot inside the window")
                .noneMatch(c -> c.action().equals("CreateVolume") && finalSnapshotId.equals(c.param("SnapshotId")));

        Image hvm = ec2.describeImages(b -> b.imageIds(r.newImageId())).images().get(0);
        String hvmSnapshotId = hvm.blockDeviceMappings().get(0).ebs().snapshotId();
        assertThat(ec2.describeSnapshots(b -> b.snapshotIds(hvmSnapshotId)).snapshots().get(0).volumeId())
                .as("the HVM image is a snapshot of the source's own root").isEqualTo(root);
        Image backupImage = ec2.describeImages(b -> b.imageIds(r.backupImageId())).images().get(0);
        assertThat(backupImage.blockDeviceMappings().get(0).ebs().snapshotId()).isEqualTo(finalSnapshotId);

        Volume original = settled(() -> ec2.describeVolumes(b -> b.volumeIds(root)).volumes().get(0));
        assertThat(original.stateAsString()).as("detached for the user").isEqualTo("available");
        assertThat(tags(original.tags())).containsEntry(Tags.ROLE, "converted-source-root")
                .containsEntry(Tags.MIGRATION_ID, r.migrationId());
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains(root).contains("converted to HVM"));
    }

    @Test
    void partitionCopy_makesItsFinalTargetBeforeTheStop_keepsTheTrialTargetForTheFinalRound_andOnlyReadsTheRoot() {
        String root = EndState.rootVolume(ec2, SOURCE);
        List<String> trialTargetsAtFinalRound = new CopyOnWriteArrayList<>();
        MigrationListener watch = event -> {
            if (event instanceof MigrationEvent.StepStarted started && started.step().equals("convert-final")) {
                ec2.describeVolumes(b -> b.filters(Filter.builder().name("tag:" + Tags.ROLE)
                        .values("scratch-target-volume").build(), Filter.builder().name("tag:" + Tags.MIGRATION_ID)
                        .values(started.migrationId()).build())).volumes().stream()
                        .filter(v -> v.attachments().stream().anyMatch(a -> "attached".equals(a.stateAsString())))
                        .forEach(v -> trialTargetsAtFinalRound.add(v.volumeId()));
            }
        };

        MigrationResult r = migration(SOURCE, SimulatedGuest.typical(), worker).preservingIps()
                .withStrategy(ConversionStrategy.PARTITION_COPY).withListener(watch).run();

        List<RecordedCall> calls = emulator.journal().all().stream().filter(RecordedCall::succeeded).toList();
        int stop = first(calls, c -> c.action().equals("StopInstances") && SOURCE.equals(c.param("InstanceId.1")));
        List<Integer> emptyVolumes = calls.stream().filter(c -> c.action().equals("CreateVolume")
                && c.param("SnapshotId") == null && c.param("DryRun") == null).map(calls::indexOf).toList();
        assertThat(emptyVolumes).as("trial and final targets, both made while the source ran").hasSize(2)
                .allSatisfy(i -> assertThat(i).isLessThan(stop));
        assertThat(trialTargetsAtFinalRound).as("the trial's converted target, still on the worker").hasSize(1);
        assertTerminatedOnceTheBackupIsRegistered(calls, stop);
        Volume original = settled(() -> ec2.describeVolumes(b -> b.volumeIds(root)).volumes().get(0));
        assertThat(tags(original.tags())).as("only read: not tagged as converted").doesNotContainKey(Tags.ROLE);
        assertThat(r.warnings()).noneSatisfy(w -> assertThat(w).contains("converted to HVM"));
        assertThat(settled(() -> ec2.describeVolumes(b -> b.filters(Filter.builder().name("tag:" + Tags.MIGRATION_ID)
                .values(r.migrationId()).build())).volumes()).stream().filter(v -> !"deleting".equals(v.stateAsString())))
                .as("cleanup deleted both targets").isEmpty();
    }

    /**
     * In the window, the backup image is registered from the final snapshot once that snapshot
     * completed, the source's TerminateInstances follows a DescribeImages that saw the backup
     * registered, and only then is the HVM image registered: the termination waits for neither the
     * HVM image nor the backup's "available".
     */
    private void assertTerminatedOnceTheBackupIsRegistered(List<RecordedCall> calls, int stop) {
        String finalSnapshotId = tagged("final-snapshot");
        int backup = first(calls, c -> c.action().equals("RegisterImage") && "paravirtual".equals(c.param("VirtualizationType")));
        int hvmImage = first(calls, c -> c.action().equals("RegisterImage") && "hvm".equals(c.param("VirtualizationType"))
                && calls.indexOf(c) > stop);
        int terminate = first(calls, c -> c.action().equals("TerminateInstances") && SOURCE.equals(c.param("InstanceId.1")));
        assertThat(List.of(stop, backup, terminate, hvmImage))
                .as("stop, backup image, terminate, HVM image").isSorted().doesNotContain(-1);
        assertThat(calls.get(backup).param("BlockDeviceMapping.1.Ebs.SnapshotId")).isEqualTo(finalSnapshotId);
        assertThat(calls.subList(stop, backup)).as("the backup's registration waited for the final snapshot")
                .anyMatch(c -> c.action().equals("DescribeSnapshots") && names(c, finalSnapshotId));
        String backupId = ec2.describeImages(b -> b.owners("self").filters(Filter.builder().name("tag:" + Tags.ROLE)
                .values("backup-image").build())).images().get(0).imageId();
        assertThat(calls.subList(backup, terminate)).as("the termination saw the backup image registered")
                .anyMatch(c -> c.action().equals("DescribeImages") && names(c, backupId));
    }

    private String tagged(String role) {
        return ec2.describeSnapshots(b -> b.ownerIds("self").filters(Filter.builder().name("tag:" + Tags.ROLE)
                .values(role).build())).snapshots().get(0).snapshotId();
    }

    /** Whether the call names {@code id}: in an id list or a filter value (polls may be shared). */
    private static boolean names(RecordedCall c, String id) {
        return c.params().containsValue(id);
    }

    private static int first(List<RecordedCall> calls, Predicate<RecordedCall> which) {
        for (int i = 0; i < calls.size(); i++) {
            if (which.test(calls.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }
}
