package io.pv2hvm.aws;

import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The default worker path on its own terms: a launched worker reached over SSM, its agent
 * registering only because the Ubuntu image ships it and the worker has a profile allowing SSM
 * (or DHMC is on), its tools installed or baked into a prepared worker image.
 */
@Execution(ExecutionMode.CONCURRENT)
class SsmWorkerTest extends EmulatorTestBase {
    private final SimulatedGuest guest = SimulatedGuest.typical();

    @TempDir
    Path tmp;

    private void startWith(UnaryOperator<World.Builder> world) {
        start(world.apply(EmulatedAws.webServerWorld()).build(), b -> b.ssmExecutor(new SpooledWorker()));
    }

    private AwsSteps.Builder aws() {
        return AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatedAws.timeouts()).guestConversion(guest);
    }

    private MigrationResult migrate(AwsSteps aws) {
        return Migration.of(SOURCE).toHvm().preservingIps().withProvider(aws).withJournal(InMemoryJournal.create()).run();
    }

    private StepFailedException failedMigration(AwsSteps aws) {
        return catchThrowableOfType(StepFailedException.class, () -> migrate(aws));
    }

    private List<Instance> workers() {
        return ec2.describeInstances(r -> r.filters(Filter.builder().name("tag:" + Tags.ROLE).values("worker").build()))
                .reservations().stream().flatMap(r -> r.instances().stream()).toList();
    }

    private List<RecordedCall> changes() {
        return emulator.journal().mutatingCalls().stream().filter(RecordedCall::succeeded)
                .filter(c -> !"true".equals(c.param("DryRun"))).toList();
    }

    @Test
    void workerWithoutProfile_andDhmcOff_isRefusedInPreflightWithTheFix_andNothingChanges() {
        startWith(w -> w);

        PreflightException e = catchThrowableOfType(PreflightException.class, () -> migrate(aws().build()));

        assertThat(e).isNotNull();
        assertThat(e.blockers()).filteredOn(b -> b.code().equals("WORKER_INSTANCE_PROFILE")).singleElement()
                .satisfies(b -> {
                    assertThat(b.reason()).contains("Default Host Management Configuration is off");
                    assertThat(b.fix()).contains("AmazonSSMManagedInstanceCore", "workerInstanceProfile(",
                            "--worker-profile", "iam:PassRole", "Default Host Management");
                });
        assertThat(emulator.journal().calls("GetServiceSetting")).isNotEmpty();
        assertThat(changes()).as("preflight changed nothing").isEmpty();
    }

    @Test
    void getServiceSettingDenied_isNamedInTheBlocker() {
        startWith(w -> w);
        emulator.faults().failNext("GetServiceSetting", 1, "AccessDeniedException", "not authorized to perform"
                + " ssm:GetServiceSetting");

        PreflightException e = catchThrowableOfType(PreflightException.class, () -> migrate(aws().build()));

        assertThat(e.blockers()).extracting(Blocker::reason).anySatisfy(r -> assertThat(r)
                .contains("may not call ssm:GetServiceSetting"));
        assertThat(changes()).isEmpty();
    }

    @Test
    void workerWithProfile_runsOnTheUbuntuImage_whoseAgentRegisters_andTheMigrationCompletes() {
        startWith(w -> w);

        MigrationResult r = migrate(aws().workerInstanceProfile(EmulatedAws.WORKER_PROFILE).build());

        assertThat(r.newInstanceId()).isNotNull();
        assertThat(workers()).singleElement().satisfies(w -> {
            assertThat(w.imageId()).isEqualTo(EmulatedAws.UBUNTU_IMAGE);
            assertThat(w.iamInstanceProfile().arn()).endsWith("instance-profile/" + EmulatedAws.WORKER_PROFILE);
            assertThat(w.state().nameAsString()).isIn("shutting-down", "terminated");
        });
        assertThat(emulator.journal().calls("GetParameter")).extracting(c -> c.param("Name"))
                .contains(AwsSteps.UBUNTU_24_04_PARAMETER);
        assertThat(emulator.journal().calls("SendCommand")).filteredOn(RecordedCall::succeeded).isNotEmpty();
        assertThat(emulator.journal().calls("GetServiceSetting")).as("a profile needs no DHMC check").isEmpty();
    }

    @Test
    void dhmcOn_letsAWorkerWithoutProfileRegister() {
        startWith(w -> w.defaultHostManagement(true));

        MigrationResult r = migrate(aws().build());

        assertThat(r.newInstanceId()).isNotNull();
        assertThat(workers()).singleElement().satisfies(w -> assertThat(w.iamInstanceProfile()).isNull());
    }

    @Test
    void workerWhoseRoleLacksTheSsmPolicy_failsWaitingForItsAgent_namingTheCauses_andRollsBack() {
        startWith(w -> w.instanceProfile("no-ssm-role"));
        AwsSteps aws = aws().workerInstanceProfile("no-ssm-role")
                .timeouts(EmulatedAws.timeouts().withAgentOnline(Duration.ofSeconds(3))).build();

        StepFailedException e = failedMigration(aws);

        assertAgentOffline(e);
    }

    @Test
    void workerImageWithoutTheAgent_failsWaitingForItsAgent() {
        String debian = "ami-0deb1a0deb1a0deb1";
        startWith(w -> w.image(ImageSeed.hvm(debian, "debian-12-amd64-20251117-2300").publicByAmazon())
                .publicParameter("/aws/service/debian/release/12/latest/amd64", debian));
        AwsSteps aws = aws().workerInstanceProfile(EmulatedAws.WORKER_PROFILE)
                .workerImageParameter("/aws/service/debian/release/12/latest/amd64")
                .timeouts(EmulatedAws.timeouts().withAgentOnline(Duration.ofSeconds(3))).build();

        StepFailedException e = failedMigration(aws);

        assertAgentOffline(e);
        assertThat(workers()).singleElement().satisfies(w -> assertThat(w.imageId()).isEqualTo(debian));
    }

    private void assertAgentOffline(StepFailedException e) {
        assertThat(e).isNotNull();
        assertThat(e.step()).isEqualTo("launch-worker");
        assertThat(e.getCause()).isInstanceOfSatisfying(SsmAgentOfflineException.class, c -> {
            assertThat(c.pingStatus()).isEqualTo("not registered");
            assertThat(c.getMessage()).contains("AmazonSSMManagedInstanceCore", "ssmmessages", "ec2messages",
                    "NAT gateway", "does not ship the SSM agent");
        });
        assertThat(e.notRolledBack()).isEmpty();
        assertThat(workers()).allSatisfy(w -> assertThat(w.state().nameAsString()).isIn("shutting-down", "terminated"));
        assertThat(ec2.describeInstances(r -> r.instanceIds(SOURCE)).reservations().get(0).instances().get(0)
                .state().nameAsString()).isEqualTo("running");
    }

    @Test
    void workerWithoutAPackageMirror_failsWithTheFixes() throws Exception {
        startWith(w -> w);
        emulator.ssmExecutor(SpooledWorker.withoutMirror(tmp));

        StepFailedException e = failedMigration(aws().workerInstanceProfile(EmulatedAws.WORKER_PROFILE).build());

        assertThat(e.step()).isEqualTo("launch-worker");
        assertThat(e.getCause()).isInstanceOfSatisfying(WorkerToolsException.class, c -> {
            assertThat(c.noMirror()).isTrue();
            assertThat(c.getMessage()).contains("NAT gateway", "pv2hvm worker-image", "ssmmessages",
                    "Failed to fetch");
        });
        assertThat(e.notRolledBack()).isEmpty();
    }

    @Test
    void prepareWorkerImage_buildsATaggedImageOnce_reusesIt_andWorkersLaunchFromIt() {
        startWith(w -> w);
        AwsSteps aws = aws().workerInstanceProfile(EmulatedAws.WORKER_PROFILE).build();

        WorkerImage built = aws.prepareWorkerImage();

        assertThat(built.reused()).isFalse();
        assertThat(built.baseImageId()).isEqualTo(EmulatedAws.UBUNTU_IMAGE);
        Image image = ec2.describeImages(r -> r.imageIds(built.imageId())).images().get(0);
        Map<String, String> tags = image.tags().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value()));
        assertThat(tags).containsEntry(Tags.ROLE, "worker-image").containsEntry("pv2hvm:tools-version", "3")
                .containsEntry("pv2hvm:base-image", EmulatedAws.UBUNTU_IMAGE).containsKey(Tags.MIGRATION_ID);
        assertThat(tags.get("pv2hvm:tools")).contains("extlinux", "grub-pc-bin", "xfsprogs", "rsync");
        // a describe right after TerminateInstances may still show "running"
        List<Instance> builders = settled(() -> ec2.describeInstances(r -> r.filters(Filter.builder()
                .name("tag:" + Tags.ROLE).values("worker-image-builder").build())).reservations().stream()
                .flatMap(r -> r.instances().stream()).toList());
        assertThat(builders).singleElement().satisfies(b -> {
            assertThat(b.state().nameAsString()).isIn("shutting-down", "terminated");
            assertThat(b.imageId()).isEqualTo(EmulatedAws.UBUNTU_IMAGE);
        });
        assertThat(emulator.journal().calls("SendCommand")).anySatisfy(c -> assertThat(c.params().values())
                .anySatisfy(v -> assertThat(v).contains("install-tools.sh")));

        WorkerImage again = aws.prepareWorkerImage();
        assertThat(again.reused()).isTrue();
        assertThat(again.imageId()).isEqualTo(built.imageId());
        assertThat(emulator.journal().calls("CreateImage")).hasSize(1);

        migrate(aws);
        assertThat(workers()).singleElement().satisfies(w -> assertThat(w.imageId()).isEqualTo(built.imageId()));
    }
}
