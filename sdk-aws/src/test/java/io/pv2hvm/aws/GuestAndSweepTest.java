package io.pv2hvm.aws;

import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.testkit.ManualClock;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class GuestAndSweepTest extends EmulatorTestBase {

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    private MigrationSpec migration(SimulatedGuest guest, InMemoryJournal journal) {
        return migration(SOURCE, guest, new EmulatedAws.FakeWorker()).withJournal(journal);
    }

    @Test
    void nitroTarget_whenTheGuestKernelHasNoEnaDriver_isRefusedBeforeAnyWriteAndTheSourceIsUntouched() {
        SimulatedGuest noEna = SimulatedGuest.typical().withDrivers("xen_blkfront", "ata_piix", "nvme");

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> migration(noEna, InMemoryJournal.create()).preservingIps().withInstanceType("m5.large").run());

        assertThat(e.step()).isEqualTo("convert-trial");
        assertThat(e.getCause()).isInstanceOf(GuestIncompatibleException.class).hasMessageContaining("ena");
        assertThat(noEna.conversions()).isZero();
        assertThat(emulator.journal().calls("StopInstances")).allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
        assertThat(ec2.describeInstances(b -> b.instanceIds(SOURCE)).reservations().get(0).instances().get(0)
                .state().nameAsString()).isEqualTo("running");
        assertThat(tagged("tag-key", Tags.ROLE)).isEmpty();
    }

    @Test
    void sweep_sparesMigrationsInProgress_andDeletesTheOrphansOfCrashedOnes() {
        InMemoryJournal journal = InMemoryJournal.create();
        MigrationSpec crashing = migration(SimulatedGuest.typical(), journal).withMigrationId("mig-crashed")
                .withStepAfter(Phase.PREPARE, new Step() {
                    @Override
                    public String name() {
                        return "process-dies";
                    }

                    @Override
                    public void run(StepContext context) {
                        throw new OutOfMemoryError("simulated death of the JVM");
                    }
                });
        assertThatThrownBy(crashing::run).isInstanceOf(OutOfMemoryError.class);
        assertThat(tagged("tag:" + Tags.ROLE, "worker")).hasSize(1);

        SweepReport spared = Migrations.sweep(ec2, journal, SweepOptions.builder().timeouts(EmulatedAws.timeouts()).build());
        assertThat(spared.deleted()).isEmpty();
        assertThat(spared.skipped()).extracting(r -> r.role())
                .contains("worker", "trial-snapshot", "scratch-source-volume");

        // A journal that does not name them (journal lost, run elsewhere): tags alone are no proof.
        SweepReport unknownSpared = Migrations.sweep(ec2, InMemoryJournal.create(),
                SweepOptions.builder().timeouts(EmulatedAws.timeouts()).build());
        assertThat(unknownSpared.deleted()).isEmpty();
        assertThat(unknownSpared.unverified()).hasSameSizeAs(spared.skipped());
        SweepReport dry = Migrations.sweep(ec2, InMemoryJournal.create(),
                SweepOptions.builder().migrationIds("mig-crashed").dryRun().timeouts(EmulatedAws.timeouts()).build());
        assertThat(dry.deleted()).hasSize(spared.skipped().size());
        assertThat(tagged("tag:" + Tags.ROLE, "worker")).hasSize(1);

        // The user names the migration (its journal was lost): its temporaries go.
        SweepReport swept = Migrations.sweep(ec2, InMemoryJournal.create(),
                SweepOptions.builder().migrationIds("mig-crashed").timeouts(EmulatedAws.timeouts()).build());
        awaitConsistency();
        assertThat(swept.deleted()).hasSize(spared.skipped().size());
        assertThat(tagged("tag:" + Tags.ROLE, "worker")).isEmpty();
        List<Filter> ours = List.of(Filter.builder().name("tag:" + Tags.MIGRATION_ID).values("mig-crashed").build());
        assertThat(ec2.describeVolumes(b -> b.filters(ours)).volumes())
                .filteredOn(v -> !"deleting".equals(v.stateAsString())).isEmpty(); // deletion is asynchronous
        assertThat(ec2.describeSnapshots(b -> b.ownerIds("self").filters(ours)).snapshots()).isEmpty();
        assertThat(swept.toText()).contains("Deleted " + swept.deleted().size());
    }

    @Test
    void sweep_sparesAResourceTaggedAsPv2hvmThatNoJournalNames_unlessItsMigrationIdIsGiven() {
        // A finished (failed, rolled back) migration in the journal: its temporaries are fair game.
        InMemoryJournal journal = InMemoryJournal.create();
        SimulatedGuest noEna = SimulatedGuest.typical().withDrivers("xen_blkfront", "ata_piix", "nvme");
        assertThatThrownBy(() -> migration(noEna, journal).withMigrationId("mig-failed").withInstanceType("m5.large")
                .run()).isInstanceOf(StepFailedException.class);
        // Someone else's volume, tagged as if that migration had made it as scratch.
        String az = ec2.describeInstances(b -> b.instanceIds(SOURCE)).reservations().get(0).instances().get(0)
                .placement().availabilityZone();
        String spoofed = ec2.createVolume(b -> b.availabilityZone(az).size(1)
                .tagSpecifications(t -> t.resourceType("volume").tags(
                        Tag.builder().key(Tags.ROLE).value("scratch-source-volume").build(),
                        Tag.builder().key(Tags.MIGRATION_ID).value("mig-failed").build()))).volumeId();
        awaitConsistency();
        int callsBefore = emulator.journal().mutatingCalls().size();

        SweepReport report = Migrations.sweep(ec2, journal, SweepOptions.builder().timeouts(EmulatedAws.timeouts()).build());

        assertThat(report.deleted()).extracting(r -> r.id()).doesNotContain(spoofed);
        assertThat(report.unverified()).extracting(r -> r.id()).contains(spoofed);
        assertThat(report.toText()).contains("no journal here names").contains(spoofed);
        assertThat(emulator.journal().mutatingCalls()).hasSize(callsBefore);
        assertThat(settled(() -> ec2.describeVolumes(b -> b.volumeIds(spoofed)).volumes()))
                .extracting(v -> v.stateAsString()).containsExactly("available");

        SweepReport named = Migrations.sweep(ec2, journal,
                SweepOptions.builder().migrationIds("mig-failed").timeouts(EmulatedAws.timeouts()).build());

        assertThat(named.deleted()).extracting(r -> r.id()).contains(spoofed);
        assertThat(settled(() -> ec2.describeVolumes(b -> b.filters(Filter.builder().name("volume-id")
                .values(spoofed).build())).volumes())).filteredOn(v -> !"deleting".equals(v.stateAsString()))
                .isEmpty();
    }

    @Test
    void sweep_waitsThroughTheOptionsSleeper_andJournalsEachDeletionOnTheOptionsClock() {
        InMemoryJournal journal = InMemoryJournal.create();
        MigrationSpec crashing = migration(SimulatedGuest.typical(), journal).withMigrationId("mig-crashed")
                .withStepAfter(Phase.PREPARE, new Step() {
                    @Override
                    public String name() {
                        return "process-dies";
                    }

                    @Override
                    public void run(StepContext context) {
                        throw new OutOfMemoryError("simulated death of the JVM");
                    }
                });
        assertThatThrownBy(crashing::run).isInstanceOf(OutOfMemoryError.class);
        ManualClock clock = ManualClock.at(Instant.parse("2030-01-02T03:04:05Z"));
        List<Duration> slept = new java.util.concurrent.CopyOnWriteArrayList<>();

        SweepReport swept = Migrations.sweep(ec2, journal, SweepOptions.builder().migrationIds("mig-crashed")
                .timeouts(EmulatedAws.timeouts()).clock(clock).sleeper(d -> {
                    slept.add(d);
                    Thread.sleep(d.toMillis()); // the emulator's resources change on real time
                }).build());

        assertThat(swept.deleted()).extracting(r -> r.role()).contains("worker");
        assertThat(slept).as("the worker's termination was waited for through the options' sleeper").isNotEmpty();
        assertThat(journal.read("mig-crashed")).filteredOn(e -> e.type() == JournalEntry.Type.RESOURCE_DELETED)
                .hasSameSizeAs(swept.deleted()).allSatisfy(e -> assertThat(e.time()).isEqualTo(clock.instant()));
    }

    private List<String> tagged(String filter, String value) {
        return ec2.describeInstances(b -> b.filters(Filter.builder().name(filter).values(value).build()))
                .reservations().stream().flatMap(r -> r.instances().stream())
                .filter(i -> !"terminated".equals(i.state().nameAsString())).map(i -> i.instanceId()).toList();
    }
}
