package io.pv2hvm.aws;

import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationPlan;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.PlannedStep;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.StepProvider;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Snapshot;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pv2hvm.aws.EmulatedAws.EIP;
import static io.pv2hvm.aws.EmulatedAws.EIP_ADDRESS;
import static io.pv2hvm.aws.EmulatedAws.SECONDARY_IP;
import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static io.pv2hvm.aws.EmulatedAws.SOURCE_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * DUAL_BOOT against the emulator: the running source is reached over SSM on itself (its agent
 * online only because its instance profile allows SSM, as on EC2), changed after a kept backup
 * snapshot, the trial image is a snapshot taken after the change, and the window registers the
 * final snapshot as it is: no conversion, no worker command between the stop and the launch.
 */
@Execution(ExecutionMode.CONCURRENT)
class DualBootEndToEndTest extends EmulatorTestBase {
    private static final Pattern TAG_KEY = Pattern.compile("TagSpecification\\.1\\.Tag\\.(\\d+)\\.Key");
    private final SimulatedGuest guest = SimulatedGuest.typical();
    private final EmulatedAws.FakeWorker worker = new EmulatedAws.FakeWorker();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    /** Every command the emulator's SSM delivered to an instance (answered as the transport's wrapper prints). */
    private final List<SsmCommand> received = new CopyOnWriteArrayList<>();

    /** The web server, whose PV image runs the SSM agent and whose profile's role has the SSM core policy. */
    private void startWithSsmOnTheSource(boolean sourceManagedBySsm) {
        World.Builder world = World.builder().defaultNetwork().keyPair("ops")
                .instanceProfile(EmulatedAws.WORKER_PROFILE, InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                .image(sourceManagedBySsm ? EmulatedAws.pvImage().withSsmAgent() : EmulatedAws.pvImage())
                .image(EmulatedAws.ubuntuImage())
                .publicParameter(AwsSteps.UBUNTU_24_04_PARAMETER, EmulatedAws.UBUNTU_IMAGE)
                .instance(EmulatedAws.webServer());
        world = sourceManagedBySsm ? world.instanceProfile("app-role", InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                : world.instanceProfile("app-role");
        SpooledWorker answers = new SpooledWorker();
        start(world.elasticIp(EIP, EIP_ADDRESS, SOURCE).build(), b -> b.ssmExecutor(c -> {
            received.add(c);
            return answers.execute(c);
        }));
    }

    private AwsSteps.Builder aws() {
        return AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts()).guestConversion(guest);
    }

    private MigrationSpec dualBoot(StepProvider provider) {
        worker.filesystems = emulator::filesystem;
        return Migration.of(SOURCE).toHvm().preservingIps().withStrategy(ConversionStrategy.DUAL_BOOT)
                .withProvider(provider).withTransport(worker).withJournal(InMemoryJournal.create())
                .withListener(event -> {
                    if (event instanceof MigrationEvent.Warning warning) {
                        warnings.add(warning.message());
                    }
                });
    }

    @Test
    void run_dualBoot_changesTheSourceAfterItsBackupAndRegistersTheFinalSnapshotUnconverted() {
        startWithSsmOnTheSource(true);

        MigrationResult r = dualBoot(aws().sourceOverSsm().build()).run();

        Instance now = instance(r.newInstanceId());
        assertThat(now.virtualizationTypeAsString()).isEqualTo("hvm");
        assertThat(now.privateIpAddress()).isEqualTo(SOURCE_IP);
        assertThat(now.networkInterfaces().get(0).privateIpAddresses()).extracting(p -> p.privateIpAddress())
                .contains(SECONDARY_IP);
        assertThat(guest.liveChanges()).isEqualTo(1);
        assertThat(guest.conversions()).as("nothing converted on the worker, in no round").isZero();

        List<RecordedCall> calls = emulator.journal().all().stream().filter(RecordedCall::tookEffect).toList();
        int preChange = index(calls, c -> c.action().equals("CreateSnapshot") && "pre-change-snapshot".equals(role(c)));
        int change = index(calls, c -> c.action().equals("SendCommand") && SOURCE.equals(c.param("InstanceIds.1")));
        int trial = index(calls, c -> c.action().equals("CreateSnapshot") && "trial-snapshot".equals(role(c)));
        int stop = index(calls, c -> c.action().equals("StopInstances"));
        int finalSnapshot = index(calls, c -> c.action().equals("CreateSnapshot") && "final-snapshot".equals(role(c)));
        int launch = index(calls, c -> c.action().equals("RunInstances") && "hvm-instance".equals(role(c)));
        assertThat(List.of(preChange, change, trial, stop, finalSnapshot, launch)).as("call order").isSorted()
                .doesNotHaveDuplicates().allMatch(i -> i >= 0);
        // the pre-change snapshot had completed before the first command reached the source
        assertThat(calls.subList(preChange, change)).anyMatch(c -> c.action().equals("DescribeSnapshots"));
        // inside the window: no command to any instance, no volume made or attached to the worker, one snapshot
        List<RecordedCall> window = calls.subList(stop, launch);
        assertThat(window).noneMatch(c -> c.action().equals("SendCommand"));
        assertThat(window).noneMatch(c -> c.action().equals("CreateVolume") || c.action().equals("AttachVolume"));
        assertThat(window.stream().filter(c -> c.action().equals("CreateSnapshot")).count()).isEqualTo(1);

        // the SSM command ran on the source itself, and it was the live-root job
        assertThat(received).anySatisfy(c -> {
            assertThat(c.instanceId()).isEqualTo(SOURCE);
            assertThat(c.script()).contains("pv2hvm-live-root").contains("--live-root=/");
        });

        // the HVM image is the final snapshot itself, which also backs the backup image
        String finalSnapshotId = snapshotOf(image(r.newImageId()));
        assertThat(snapshotOf(image(r.backupImageId()))).isEqualTo(finalSnapshotId);
        assertThat(image(r.newImageId()).virtualizationTypeAsString()).isEqualTo("hvm");
        assertThat(image(r.backupImageId()).virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(snapshotRoles(finalSnapshotId)).containsEntry(Tags.ROLE, "final-snapshot");
        // the pre-change backup is kept, tagged and journaled
        List<Snapshot> kept = snapshotsWithRole(r.migrationId(), "pre-change-snapshot");
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).stateAsString()).isEqualTo("completed");
        assertThat(r.resourcesKept()).anyMatch(res -> res.id().equals(kept.get(0).snapshotId()) && res.role().equals("pre-change-snapshot"));
        assertThat(warnings).anyMatch(w -> w.contains("was changed to boot both as PV and as HVM") && w.contains(kept.get(0).snapshotId()));
        assertThat(snapshotsWithRole(r.migrationId(), "trial-snapshot")).as("trial snapshot cleaned up").isEmpty();
    }

    @Test
    void run_dualBoot_closesTheTransportToTheSourceItMade_whenTheRunSucceeds() {
        startWithSsmOnTheSource(true);
        AtomicInteger made = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();

        MigrationResult r = dualBoot(aws().sourceTransport(ip -> {
            made.incrementAndGet();
            return new CloseCountingTransport(SsmTransport.builder().client(ssm).instanceId(SOURCE)
                    .maxPoll(EmulatedAws.timeouts().poll()).agentTimeout(EmulatedAws.timeouts().agentOnline()).build(), closed);
        }).build()).run();

        assertThat(r.newInstanceId()).isNotNull();
        assertThat(guest.liveChanges()).isEqualTo(1);
        assertThat(made).hasValue(1);
        assertThat(closed).as("closed when the run ended").hasValue(1);
    }

    @Test
    void run_dualBoot_closesTheTransportToTheSourceItMade_whenTheRunFails() {
        startWithSsmOnTheSource(true);
        AtomicInteger made = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();

        StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> dualBoot(aws().sourceTransport(ip -> {
            made.incrementAndGet();
            return new CloseCountingTransport(worker, closed, true);
        }).build()).run());

        assertThat(e).isNotNull();
        assertThat(e).hasMessageContaining("refused by the test");
        assertThat(made).hasPositiveValue();
        assertThat(closed).as("each transport made, closed once").hasValue(made.get());
    }

    @Test
    void plan_dualBoot_listsTheChangeToTheRunningSourceBeforeTheStopAndNoConversionInTheWindow() {
        startWithSsmOnTheSource(true);

        MigrationPlan plan = dualBoot(aws().sourceOverSsm().build()).plan();

        List<String> names = plan.steps().stream().map(PlannedStep::name).toList();
        assertThat(names).containsSubsequence("preflight", "check-source-ssm-agent", "snapshot-root-before-change", "prepare-source-dual-boot", "snapshot-root",
                "register-trial-image", "verify-trial-instance", "stop-source", "snapshot-stopped-root", "register-backup-image",
                "terminate-source", "register-final-image", "launch-hvm-instance");
        assertThat(names).noneMatch(n -> n.startsWith("convert-") || n.startsWith("move-source-root") || n.startsWith("attach-scratch"));
        PlannedStep change = plan.steps().stream().filter(s -> s.name().equals("prepare-source-dual-boot")).findFirst().orElseThrow();
        assertThat(change.downtime()).isFalse();
        assertThat(String.join("\n", change.changes())).contains("extlinux installed into the boot sector")
                .contains("/boot/grub/menu.lst is not changed").contains("/etc/fstab").contains("initramfs")
                .contains("ttyS0").contains("not undone by a rollback");
        assertThat(plan.toText()).contains("Prepare the running source to boot both as PV and as HVM");
        assertThat(emulator.journal().all()).as("plan calls nothing").isEmpty();
    }

    @Test
    void planAndRun_dualBootWithoutASourceTransport_areRefusedSayingWhatToConfigure_andCallNothing() {
        startWithSsmOnTheSource(true);
        AwsSteps withoutSource = aws().build();

        assertThatThrownBy(() -> dualBoot(withoutSource).plan())
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContainingAll("DUAL_BOOT changes the running source", "sourceOverSsm()", "sourceTransport(",
                        "IN_PLACE or PARTITION_COPY");
        assertThatThrownBy(() -> dualBoot(withoutSource).run()).isInstanceOf(InvalidSpecException.class);

        assertThat(emulator.journal().all()).as("no EC2 or SSM call at all").isEmpty();
        assertThat(guest.liveChanges()).isZero();
        assertThat(instance(SOURCE).state().nameAsString()).isEqualTo("running");
    }

    @Test
    void run_whenTheSourceIsNotManagedBySsm_isRefusedByPreflight_andNothingIsCreatedOrChanged() {
        startWithSsmOnTheSource(false);

        PreflightException e = catchThrowableOfType(PreflightException.class,
                () -> dualBoot(aws().sourceOverSsm().build()).run());

        assertThat(e).isNotNull();
        assertThat(e.blockers()).extracting(Blocker::code).containsExactly("SOURCE_NOT_ON_SSM");
        assertThat(e.blockers().get(0).fix()).contains("AmazonSSMManagedInstanceCore").contains("sourceTransport(");
        assertThat(guest.liveChanges()).isZero();
        assertThat(emulator.journal().all()).as("preflight only reads").noneMatch(c -> c.mutating() && c.tookEffect());
        assertThat(instance(SOURCE).state().nameAsString()).isEqualTo("running");
    }

    @Test
    void run_whenTheWindowFailsAfterTheTermination_relaunchesTheSourceFromItsBackupWithItsIps() {
        startWithSsmOnTheSource(true);

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> dualBoot(InjectedFailures.failingAfter(aws().sourceOverSsm().build(), "launch-hvm-instance")).run());

        assertThat(e).isNotNull();
        assertThat(e.notRolledBack()).isEmpty();
        awaitConsistency();
        List<Instance> holders = ec2.describeInstances(b -> b.filters(
                        Filter.builder().name("private-ip-address").values(SOURCE_IP).build(),
                        Filter.builder().name("instance-state-name").values("running").build()))
                .reservations().stream().flatMap(res -> res.instances().stream()).toList();
        assertThat(holders).hasSize(1);
        Instance restored = holders.get(0);
        // the source was terminated in the window, so it is relaunched from the backup image: it boots PV
        assertThat(restored.virtualizationTypeAsString()).isEqualTo("paravirtual");
        assertThat(restored.networkInterfaces().get(0).privateIpAddresses()).extracting(p -> p.privateIpAddress())
                .contains(SECONDARY_IP);
        assertThat(ec2.describeAddresses(b -> b.allocationIds(EIP)).addresses().get(0).instanceId())
                .isEqualTo(restored.instanceId());
        assertThat(snapshotsWithRole(e.migrationId(), "pre-change-snapshot")).hasSize(1);
        assertThat(warnings).anyMatch(w -> w.contains("DUAL_BOOT change was not undone") && w.contains("pre-change"));
    }

    @Test
    void run_whenTheWindowFailsBeforeTheTermination_restartsTheSourceOnItsOwnRoot_andDeregistersTheBackupImage() {
        startWithSsmOnTheSource(true);
        String root = EndState.rootVolume(ec2, SOURCE);

        // The last step before the termination: the backup image of the final snapshot is registered.
        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> dualBoot(InjectedFailures.failingAfter(aws().sourceOverSsm().build(), "register-backup-image")).run());

        assertThat(e).isNotNull();
        assertThat(e.notRolledBack()).isEmpty();
        Instance source = settled(() -> instance(SOURCE));
        assertThat(source.state().nameAsString()).isEqualTo("running");
        assertThat(source.privateIpAddress()).isEqualTo(SOURCE_IP);
        // its own root, which DUAL_BOOT changed live and which still boots PV: never detached, never replaced
        assertThat(source.blockDeviceMappings()).anySatisfy(m -> assertThat(m.ebs().volumeId()).isEqualTo(root));
        assertThat(snapshotsWithRole(e.migrationId(), "pre-change-snapshot")).hasSize(1);
        assertThat(warnings).anyMatch(w -> w.contains("DUAL_BOOT change was not undone"));
        assertThat(emulator.journal().all()).as("the backup image was registered, then deregistered")
                .filteredOn(c -> c.succeeded() && c.action().equals("RegisterImage")
                        && "paravirtual".equals(c.param("VirtualizationType"))
                        && c.param("Name").startsWith("pv2hvm-backup-")).hasSize(1);
        assertThat(settled(() -> ec2.describeImages(b -> b.owners("self").filters(Filter.builder()
                .name("tag:" + Tags.MIGRATION_ID).values(e.migrationId()).build())).images())).isEmpty();
    }

    private static int index(List<RecordedCall> calls, java.util.function.Predicate<RecordedCall> which) {
        for (int i = 0; i < calls.size(); i++) {
            if (which.test(calls.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The pv2hvm:role tag a create call asked for. */
    private static String role(RecordedCall c) {
        for (Map.Entry<String, String> p : c.params().entrySet()) {
            Matcher m = TAG_KEY.matcher(p.getKey());
            if (m.matches() && Tags.ROLE.equals(p.getValue())) {
                return c.param("TagSpecification.1.Tag." + m.group(1) + ".Value");
            }
        }
        return null;
    }

    private Instance instance(String id) {
        return ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    private Image image(String id) {
        return ec2.describeImages(b -> b.imageIds(id)).images().get(0);
    }

    private static String snapshotOf(Image image) {
        return image.blockDeviceMappings().stream().filter(m -> m.deviceName().equals(image.rootDeviceName()))
                .findFirst().orElseThrow().ebs().snapshotId();
    }

    private Map<String, String> snapshotRoles(String snapshotId) {
        return ec2.describeSnapshots(b -> b.snapshotIds(snapshotId)).snapshots().get(0).tags().stream()
                .collect(java.util.stream.Collectors.toMap(t -> t.key(), t -> t.value()));
    }

    private List<Snapshot> snapshotsWithRole(String migrationId, String role) {
        return settled(() -> ec2.describeSnapshots(b -> b.ownerIds("self").filters(
                Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build(),
                Filter.builder().name("tag:" + Tags.ROLE).values(role).build())).snapshots());
    }
}
