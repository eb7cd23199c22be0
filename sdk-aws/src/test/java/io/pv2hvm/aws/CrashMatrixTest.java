package io.pv2hvm.aws;

import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.core.spi.JournalEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static io.pv2hvm.aws.EmulatedAws.SOURCE_IP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash matrix: a {@code preservingIps()} migration runs in a child JVM that is killed with
 * SIGKILL right after each step, then a new JVM resumes it from the journal. Every run must end as
 * an uninterrupted one does, with no orphaned resource, and the source's data must be reachable
 * at the moment of each kill.
 */
@Execution(ExecutionMode.CONCURRENT)
class CrashMatrixTest extends EmulatorTestBase {
    @TempDir
    Path journalDir;

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    static List<String> steps() {
        return RollbackTest.steps();
    }

    @ParameterizedTest
    @MethodSource("steps")
    void sigkillAfterStep_thenResumeInANewJvm_endsAsAnUninterruptedRun(String step) throws Exception {
        crashAndResume(step, "typical");
    }

    /** A sysvinit guest's new instance boots first quarantined: a crash around the hold and the release resumes too. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"read-data-volume-filesystems", "launch-hvm-instance",
            "attach-data-volumes", "start-new-instance-with-data-volumes"})
    void sigkillAfterStep_ofASysvinitGuest_thenResume_endsWithTheSourcesGroups(String step) throws Exception {
        List<String> sourceGroups = ec2.describeInstances(b -> b.instanceIds(SOURCE)).reservations().get(0).instances()
                .get(0).securityGroups().stream().map(g -> g.groupId()).toList();
        Instance now = crashAndResume(step, "sysvinit");
        assertThat(now.networkInterfaces()).filteredOn(n -> n.attachment().deviceIndex() == 0).singleElement()
                .satisfies(n -> assertThat(n.groups()).extracting(g -> g.groupId()).containsExactlyElementsOf(sourceGroups));
    }

    private Instance crashAndResume(String step, String guest) throws Exception {
        String migrationId = "mig-crash-" + Math.abs((step + guest).hashCode());
        String root = EndState.rootVolume(ec2, SOURCE);

        CrashingMigration.Child crashed = CrashingMigration.spawn(emulator.endpoint(), journalDir, migrationId, "run", step, guest);
        assertThat(crashed.exitCode()).as("killed by SIGKILL after %s; output:%n%s", step, crashed.output()).isEqualTo(137);
        KILLED.incrementAndGet();
        assertSourceDataReachable(migrationId);

        CrashingMigration.Child resumed = CrashingMigration.spawn(emulator.endpoint(), journalDir, migrationId, "resume", null, guest);
        assertThat(resumed.exitCode()).as("resume output:%n%s", resumed.output()).isZero();

        List<JournalEntry> journal = FileJournal.in(journalDir).read(migrationId);
        assertThat(journal).last().extracting(JournalEntry::type).isEqualTo(JournalEntry.Type.MIGRATION_SUCCEEDED);
        String newInstance = resumed.newInstance();
        Instance now = ec2.describeInstances(b -> b.instanceIds(newInstance)).reservations().get(0).instances().get(0);
        assertThat(now.virtualizationTypeAsString()).isEqualTo("hvm");
        assertThat(now.privateIpAddress()).isEqualTo(SOURCE_IP);
        assertThat(ec2.describeAddresses(b -> b.allocationIds(EmulatedAws.EIP)).addresses().get(0).instanceId())
                .isEqualTo(newInstance);
        // Every step done exactly once across both runs (a step cut short re-runs, but none is done twice).
        assertThat(journal.stream().filter(e -> e.type() == JournalEntry.Type.STEP_DONE).map(JournalEntry::step))
                .doesNotHaveDuplicates();
        assertNoOrphans(migrationId);
        awaitConsistency();
        List<String> leaked = EndState.leaked(ec2, migrationId, EndState.KEPT_AFTER_SUCCESS, root);
        if (!leaked.isEmpty()) {
            LEAKED.incrementAndGet();
        }
        assertThat(leaked).as("left over").isEmpty();
        RESUMED.incrementAndGet();
        awaitConsistency();
        return ec2.describeInstances(b -> b.instanceIds(newInstance)).reservations().get(0).instances().get(0);
    }

    private static final java.util.concurrent.atomic.AtomicInteger RESUMED = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger KILLED = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger LEAKED = new java.util.concurrent.atomic.AtomicInteger();

    @org.junit.jupiter.api.AfterAll
    static void writeTally() throws IOException {
        Path out = Path.of("target", "reliability", "crash-matrix.txt");
        java.nio.file.Files.createDirectories(out.getParent());
        // kill points: every step of the typical guest, plus the sysvinit guest's own hold-and-release points
        java.nio.file.Files.writeString(out, "kill-points=" + KILLED + " killed-and-resumed-to-the-same-end-state="
                + RESUMED + " leaked=" + LEAKED + "\n");
    }

    /** The source volume, the final snapshot or the backup image: one of them must exist at any instant. */
    private void assertSourceDataReachable(String migrationId) {
        boolean sourceVolume = ec2.describeVolumes(b -> b.filters(Filter.builder().name("attachment.instance-id")
                .values(SOURCE).build())).volumes().stream().anyMatch(v -> "/dev/sda1".equals(v.attachments().get(0).device()))
                || ec2.describeInstances(b -> b.instanceIds(SOURCE)).reservations().get(0).instances().get(0)
                .blockDeviceMappings().stream().anyMatch(m -> m.ebs() != null);
        boolean backup = !ec2.describeImages(b -> b.owners("self").filters(Filter.builder().name("tag:" + Tags.ROLE)
                .values("backup-image").build())).images().isEmpty();
        // Between moving the stopped source's root to the worker and registering the backup image, its
        // data is the final snapshot's: point-in-time at the request, untouched by the conversion.
        boolean finalSnapshot = ec2.describeSnapshots(b -> b.ownerIds("self").filters(
                Filter.builder().name("tag:" + Tags.ROLE).values("final-snapshot").build(),
                Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build())).snapshots().stream()
                .anyMatch(s -> !"error".equals(s.stateAsString()));
        assertThat(sourceVolume || backup || finalSnapshot).as("source data reachable after the kill").isTrue();
    }

    private void assertNoOrphans(String migrationId) {
        List<Filter> ours = List.of(Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build());
        assertThat(ec2.describeInstances(b -> b.filters(ours)).reservations().stream()
                .flatMap(r -> r.instances().stream()).filter(i -> !"terminated".equals(i.state().nameAsString()))
                .map(i -> role(i.tags()))).containsExactly("hvm-instance");
        assertThat(ec2.describeSecurityGroups(b -> b.filters(ours)).securityGroups()).isEmpty();
        // The source's own root, converted in place (IN_PLACE with kept IPs), is kept and tagged: the user's volume.
        assertThat(ec2.describeVolumes(b -> b.filters(ours)).volumes())
                .filteredOn(v -> !"deleting".equals(v.stateAsString())).extracting(v -> role(v.tags()))
                .isSubsetOf(List.of("converted-source-root")).doesNotHaveDuplicates();
        assertThat(ec2.describeImages(b -> b.owners("self").filters(ours)).images()).extracting(i -> role(i.tags()))
                .containsExactlyInAnyOrder("hvm-image", "backup-image");
        assertThat(ec2.describeSnapshots(b -> b.ownerIds("self").filters(ours)).snapshots())
                .extracting(s -> role(s.tags())).containsExactlyInAnyOrder("hvm-image-snapshot", "final-snapshot");
    }

    private static String role(List<Tag> tags) {
        Map<String, String> m = tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
        return m.get(Tags.ROLE);
    }

}
