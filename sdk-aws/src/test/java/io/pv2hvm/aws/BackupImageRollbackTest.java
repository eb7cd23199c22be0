package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationListener;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static io.pv2hvm.aws.EmulatedAws.SOURCE_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The source is terminated once its backup image is registered, not yet available. A rollback
 * after the termination relaunches the source from that image: it waits until the image is
 * available, and if the image ended failed, registers a backup image again from the kept final
 * snapshot and relaunches from that one.
 */
class BackupImageRollbackTest extends EmulatorTestBase {
    /** Long enough (scaled: about a second) that the backup image is still pending when the source is terminated. */
    private static final Duration REGISTRATION = Duration.ofMinutes(10);

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final InMemoryJournal journal = InMemoryJournal.create();
    private final List<String> backupStateAtTermination = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build(), b -> b.latency(LatencyModel.fromSystemProperty().toBuilder()
                .imageRegistration(REGISTRATION).build()));
    }

    @Test
    void rollbackAfterTheTermination_waitsUntilThePendingBackupImageIsAvailable_andRelaunchesTheSourceFromIt() {
        StepFailedException e = failAfterTheTermination();

        assertThat(backupStateAtTermination).as("terminated while the backup image was pending").containsExactly("pending");
        Image backup = imageWithRole(e.migrationId(), "backup-image");
        Instance source = runningHolderOf(SOURCE_IP);
        assertThat(source.instanceId()).as("relaunched").isNotEqualTo(SOURCE);
        assertThat(source.imageId()).isEqualTo(backup.imageId());
        assertThat(backup.stateAsString()).isEqualTo("available");
        // The emulator refuses RunInstances of a pending image, as EC2 does: the rollback waited.
        assertThat(restoreLaunches()).as("one relaunch, accepted at once").hasSize(1).allMatch(RecordedCall::succeeded);
        assertThat(imagesWithRole(e.migrationId(), "reregistered-backup-image")).isEmpty();
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("relaunched from backup image " + backup.imageId()));
    }

    @Test
    void rollbackAfterTheTermination_whenTheBackupImageFailed_registersItAgainFromTheFinalSnapshot_andRelaunchesFromThat() {
        emulator.failImageRegistrations("pv2hvm-backup-", 1);

        StepFailedException e = failAfterTheTermination();

        assertThat(backupStateAtTermination).as("terminated while the backup image was pending").containsExactly("pending");
        Image failed = imageWithRole(e.migrationId(), "backup-image");
        Image again = imageWithRole(e.migrationId(), "reregistered-backup-image");
        assertThat(failed.stateAsString()).isEqualTo("failed");
        assertThat(again.stateAsString()).isEqualTo("available");
        String finalSnapshot = ec2.describeSnapshots(b -> b.ownerIds("self").filters(ours(e.migrationId()),
                Filter.builder().name("tag:" + Tags.ROLE).values("final-snapshot").build())).snapshots().get(0).snapshotId();
        assertThat(again.blockDeviceMappings().get(0).ebs().snapshotId()).as("the same kept final snapshot")
                .isEqualTo(failed.blockDeviceMappings().get(0).ebs().snapshotId()).isEqualTo(finalSnapshot);
        assertThat(again.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(again.kernelId()).isEqualTo(failed.kernelId()).isNotNull();
        Instance source = runningHolderOf(SOURCE_IP);
        assertThat(source.instanceId()).as("relaunched").isNotEqualTo(SOURCE);
        assertThat(source.imageId()).isEqualTo(again.imageId());
        assertThat(source.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(restoreLaunches()).hasSize(1).allMatch(RecordedCall::succeeded);
        assertThat(journal.read(e.migrationId())).as("journaled like the first backup image")
                .anyMatch(j -> j.type() == JournalEntry.Type.RESOURCE_CREATED && j.data().containsValue(again.imageId())
                        && j.data().containsValue("reregistered-backup-image"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(failed.imageId()).contains("failed")
                .contains(again.imageId()));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("relaunched from backup image " + again.imageId()));
    }

    @Test
    void rollbackWhoseSecondRegistrationsAnswerWasLost_findsThatImageByItsTag_andRegistersNoThird() {
        emulator.failImageRegistrations("pv2hvm-backup-", 1);
        // The trial image, the backup image, then the rollback's registration: that one takes effect,
        // its answer is lost, and the SDK's retry finds the name taken.
        emulator.faults().loseResponseOfCall("RegisterImage", 3, false);

        StepFailedException e = failAfterTheTermination();

        Image again = imageWithRole(e.migrationId(), "reregistered-backup-image");
        assertThat(emulator.journal().all()).as("the lost registration")
                .anyMatch(c -> c.action().equals("RegisterImage") && c.tookEffect() && !c.succeeded());
        assertThat(emulator.journal().all()).as("registered again once, found by its tag")
                .filteredOn(c -> c.action().equals("RegisterImage") && c.tookEffect()
                        && c.params().containsValue("reregistered-backup-image")).hasSize(1);
        Instance source = runningHolderOf(SOURCE_IP);
        assertThat(source.instanceId()).isNotEqualTo(SOURCE);
        assertThat(source.imageId()).isEqualTo(again.imageId());
        assertThat(journal.read(e.migrationId())).as("journaled")
                .anyMatch(j -> j.type() == JournalEntry.Type.RESOURCE_CREATED && j.data().containsValue(again.imageId()));
    }

    private StepFailedException failAfterTheTermination() {
        StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> spec(Migration.of(SOURCE)
                .toHvm().preservingIps()).run());
        assertThat(e).isNotNull();
        assertThat(e.step()).isEqualTo("terminate-source");
        assertThat(e.notRolledBack()).isEmpty();
        return e;
    }

    /** {@code spec} failing right after the termination, journaled in {@link #journal}, watched by the listener. */
    private io.pv2hvm.core.MigrationSpec spec(io.pv2hvm.core.MigrationSpec spec) {
        AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts())
                .guestConversion(SimulatedGuest.typical()).build();
        MigrationListener listener = event -> {
            if (event instanceof MigrationEvent.Warning warning) {
                warnings.add(warning.message());
            } else if (event instanceof MigrationEvent.StepFailed failed) {
                // The injected failure, right after the termination's work and before any rollback.
                if (failed.step().equals("terminate-source")) {
                    imagesWithRole(failed.migrationId(), "backup-image")
                            .forEach(i -> backupStateAtTermination.add(i.stateAsString()));
                }
            }
        };
        io.pv2hvm.core.MigrationSpec withSteps = spec.withProvider(InjectedFailures.failingAfter(aws, "terminate-source"))
                .withTransport(new EmulatedAws.FakeWorker()).withListener(listener);
        return withSteps.withJournal(journal);
    }

    private List<RecordedCall> restoreLaunches() {
        return emulator.journal().all().stream().filter(c -> c.action().equals("RunInstances")
                && c.params().containsValue("restored-source")).toList();
    }

    private Image imageWithRole(String migrationId, String role) {
        List<Image> images = imagesWithRole(migrationId, role);
        assertThat(images).as("images tagged " + role).hasSize(1);
        return images.get(0);
    }

    private List<Image> imagesWithRole(String migrationId, String role) {
        return ec2.describeImages(b -> b.owners("self").filters(ours(migrationId),
                Filter.builder().name("tag:" + Tags.ROLE).values(role).build())).images();
    }

    private static Filter ours(String migrationId) {
        return Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build();
    }

    private Instance runningHolderOf(String ip) {
        List<Instance> holders = settled(() -> ec2.describeInstances(b -> b.filters(
                        Filter.builder().name("private-ip-address").values(ip).build(),
                        Filter.builder().name("instance-state-name").values("running").build()))
                .reservations().stream().flatMap(r -> r.instances().stream()).toList());
        assertThat(holders).as("running instances holding " + ip).hasSize(1);
        return holders.get(0);
    }
}
