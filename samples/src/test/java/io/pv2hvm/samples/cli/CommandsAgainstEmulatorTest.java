package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.samples.sandbox.EmulatorTimeouts;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every AWS command of the CLI against a running emulator, through --endpoint-url, as an operator would run it. */
class CommandsAgainstEmulatorTest {
    private static final String SCALE = System.getProperty("pv2hvm.emulator.timeScale", "0.002");
    /** PV, launched stopped with termination protection and an instance-store volume. */
    private static final String PROTECTED = "i-0badbadbadbadbad0";
    private static final String STORE_IMAGE = "ami-0123401234012340a";
    private static final String MISSING = "i-00000000000000000";

    @TempDir
    Path journalDir;

    private Ec2Emulator emulator;
    private Ec2Client ec2;

    @BeforeEach
    void start() {
        emulator = Ec2Emulator.builder().latency(LatencyModel.realistic().withTimeScale(Double.parseDouble(SCALE)))
                .ssmExecutor(new SimulatedWorker())
                .world(SandboxWorld.simulatedBuilder()
                        .image(ImageSeed.pv(STORE_IMAGE, "legacy-pv").kernelId(SandboxWorld.PV_GRUB_KERNEL)
                                .instanceStore("/dev/sdb"))
                        .instance(InstanceSeed.of(PROTECTED, STORE_IMAGE).instanceType("m1.small")
                                .privateIp("10.0.1.30").instanceStore("/dev/sdb").disableApiTermination(true)
                                .stopped().tag("Name", "legacy-db")).build())
                .build().start();
        ec2 = emulator.ec2Client();
    }

    @AfterEach
    void stop() {
        ec2.close();
        emulator.stop();
    }

    private Cli.Run cli(String command, String... args) {
        List<String> argv = new ArrayList<>(List.of(command));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--endpoint-url", emulator.endpoint().toString(), "--emulator-time-scale", SCALE));
        return Cli.run(argv.toArray(String[]::new));
    }

    @Test
    void inventory_json_listsEveryPvInstanceWithItsBlockersAndTargetType() {
        Cli.Run run = cli("inventory", "--json", "--preserve-ips", "--worker-profile", SandboxWorld.WORKER_PROFILE);

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode rows = run.json();
        assertThat(rows.size()).isEqualTo(2);
        JsonNode web = row(rows, SandboxWorld.SOURCE);
        assertThat(web.path("ready").asBoolean()).isTrue();
        assertThat(web.path("name").asText()).isEqualTo("web-1");
        // EC2 refuses Linux HVM on m1: its documented successor.
        assertThat(web.path("recommendedType").asText()).isEqualTo("m5.large");
        assertThat(web.path("blockers").size()).isZero();
        JsonNode db = row(rows, PROTECTED);
        assertThat(db.path("ready").asBoolean()).isFalse();
        assertThat(db.path("blockers").findValuesAsText("code"))
                .containsExactlyInAnyOrder("INSTANCE_STORE_DATA", "TERMINATION_PROTECTION");
        // Preflight only: nothing was created or changed.
        assertThat(emulator.journal().mutatingCalls()).allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
    }

    @Test
    void inventory_deep_inspectsTheGuestPreflightClears_andDeletesWhatItCreated() {
        Cli.Run run = cli("inventory", "--json", "--deep", "--simulate-guest", "--worker-profile",
                SandboxWorld.WORKER_PROFILE);

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode web = row(run.json(), SandboxWorld.SOURCE);
        assertThat(web.path("guest").path("os").asText()).contains("CentOS");
        assertThat(web.path("guest").path("kernel").asText()).isNotEmpty();
        assertThat(web.path("ready").asBoolean()).isTrue();
        assertThat(row(run.json(), PROTECTED).has("guest")).as("blocked by preflight: not inspected").isFalse();
        assertThat(emulator.journal().calls("CreateSnapshot")).filteredOn(c -> !"true".equals(c.param("DryRun"))).hasSize(1);
        Filter ours = Filter.builder().name("tag-key").values("pv2hvm:role").build();
        assertThat(ec2.describeInstances(b -> b.filters(ours)).reservations().stream().flatMap(r -> r.instances().stream())
                .filter(i -> !"terminated".equals(i.state().nameAsString()))).isEmpty();
        assertThat(ec2.describeVolumes(b -> b.filters(ours)).volumes()).filteredOn(v -> !"deleting".equals(v.stateAsString()))
                .isEmpty();
        assertThat(ec2.describeSnapshots(b -> b.ownerIds("self").filters(ours)).snapshots()).isEmpty();
        assertThat(ec2.describeInstances(b -> b.instanceIds(SandboxWorld.SOURCE)).reservations().get(0).instances().get(0)
                .state().nameAsString()).isEqualTo("running");
    }

    @Test
    void inventory_table_namesTheBlockersAndTheirFixes() {
        Cli.Run run = cli("inventory", "--worker-profile", SandboxWorld.WORKER_PROFILE);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).containsPattern("INSTANCE +NAME +TYPE +STATE +HVM TYPE +BLOCKERS")
                .containsPattern(SandboxWorld.SOURCE + " +web-1 +m1\\.large +running +m5\\.large +none")
                .containsPattern(PROTECTED + " +legacy-db +m1\\.small +stopped .*INSTANCE_STORE_DATA")
                .contains("Fix: Copy what you need to EBS");
    }

    @Test
    void plan_json_isTheDryRunAndCallsNothing() {
        Cli.Run keep = cli("plan", SandboxWorld.SOURCE, "--preserve-ips", "--json");
        Cli.Run beside = cli("plan", SandboxWorld.SOURCE, "--instance-type", "m5.large", "--strategy", "PARTITION_COPY");

        assertThat(keep.exit()).as(keep.toString()).isZero();
        JsonNode plan = keep.json();
        assertThat(plan.path("instanceId").asText()).isEqualTo(SandboxWorld.SOURCE);
        assertThat(plan.path("options").path("preserveIps").asText()).isEqualTo("true");
        assertThat(plan.path("steps").findValuesAsText("name")).startsWith("preflight")
                .contains("terminate-source", "associate-elastic-ips").endsWith("cleanup");
        assertThat(beside.exit()).as(beside.toString()).isZero();
        assertThat(beside.out()).contains("Plan for " + SandboxWorld.SOURCE).doesNotContain("terminate-source");
        assertThat(emulator.journal().all()).isEmpty();
    }

    @Test
    void plan_dualBoot_needsTheSourceTransport_thenListsTheChangeToTheRunningSource_andCallsNothing() {
        Cli.Run without = cli("plan", SandboxWorld.SOURCE, "--preserve-ips", "--strategy", "DUAL_BOOT");
        Cli.Run with = cli("plan", SandboxWorld.SOURCE, "--preserve-ips", "--strategy", "DUAL_BOOT", "--source-over-ssm");

        assertThat(without.exit()).as(without.toString()).isEqualTo(2);
        assertThat(without.err()).contains("DUAL_BOOT changes the running source").contains("--source-over-ssm");
        assertThat(with.exit()).as(with.toString()).isZero();
        assertThat(with.out()).contains("prepare-source-dual-boot").contains("/boot/grub/menu.lst is not changed")
                .doesNotContain("convert-final");
        assertThat(emulator.journal().all()).isEmpty();
    }

    @Test
    void migrate_thenResume_runsTheMigrationAndResumeReturnsItsJournaledResult() {
        Cli.Run run = cli("migrate", SandboxWorld.SOURCE, "--preserve-ips", "--instance-type", "m5.large",
                "--simulate-guest", "--yes", "--json", "--journal-dir", journalDir.toString(), "--worker-profile", SandboxWorld.WORKER_PROFILE, "--migration-id",
                "mig-cli-test");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode result = run.json();
        assertThat(result.path("migrationId").asText()).isEqualTo("mig-cli-test");
        Instance now = instance(result.path("newInstanceId").asText());
        assertThat(now.virtualizationTypeAsString()).isEqualTo("hvm");
        assertThat(now.instanceTypeAsString()).isEqualTo("m5.large");
        assertThat(now.privateIpAddress()).isEqualTo(SandboxWorld.SOURCE_IP);
        assertThat(instance(SandboxWorld.SOURCE).state().nameAsString()).isEqualTo("terminated");
        assertThat(journalDir.resolve("mig-cli-test.jsonl")).exists();

        Cli.Run resumed = cli("resume", "mig-cli-test", "--json", "--simulate-guest", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--journal-dir",
                journalDir.toString());
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        assertThat(resumed.json().path("newInstanceId").asText()).isEqualTo(now.instanceId());
    }

    @Test
    void resume_continuesAMigrationWhoseProcessDied() {
        // The first run dies after the trial conversion (as a killed JVM would), journaled in --journal-dir.
        io.pv2hvm.core.journal.FileJournal journal = io.pv2hvm.core.journal.FileJournal.in(journalDir);
        try (SsmClient ssm = emulator.ssmClient()) {
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatorTimeouts.forTimeScale(
                    Double.parseDouble(SCALE))).guestConversion(io.pv2hvm.testkit.SimulatedGuest.typical())
                    .workerInstanceProfile(SandboxWorld.WORKER_PROFILE).build();
            assertThatThrownBy(() -> Migration.of(SandboxWorld.SOURCE).toHvm().withInstanceType("m5.large")
                    .withMigrationId("mig-crashed").withProvider(aws).withJournal(journal)
                    .withStepAfter(Phase.CONVERT, dies()).run()).isInstanceOf(OutOfMemoryError.class);
        }

        Cli.Run run = cli("resume", "mig-crashed", "--simulate-guest", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--journal-dir", journalDir.toString(),
                "--progress", "plain");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("virtualization: paravirtual -> hvm").contains("(done before resume)");
        assertThat(run.err()).doesNotContain("snapshot-root              started").contains("register-trial-image");
    }

    @Test
    void migrate_whenTheGuestCannotBeConverted_rollsBackAndExits1() {
        // Without --simulate-guest the real inspection scripts run on the emulator's disk-less worker.
        Cli.Run run = cli("migrate", SandboxWorld.SOURCE, "--yes", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--journal-dir", journalDir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("error: Migration").contains("failed").contains("Rolled back:");
        assertThat(instance(SandboxWorld.SOURCE).state().nameAsString()).isEqualTo("running");
    }

    @Test
    void migrate_whenPreflightBlocks_exits3WithEveryBlocker() {
        Cli.Run run = cli("migrate", PROTECTED, "--preserve-ips", "--yes", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--journal-dir",
                journalDir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.BLOCKED);
        assertThat(run.err()).contains("cannot be migrated yet (2 blockers); nothing was changed")
                .contains("INSTANCE_STORE_DATA").contains("TERMINATION_PROTECTION");
        Cli.Run missing = cli("migrate", MISSING, "--yes", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--journal-dir", journalDir.toString());
        assertThat(missing.exit()).isEqualTo(ExitCode.BLOCKED);
        assertThat(missing.err()).contains("INSTANCE_NOT_FOUND");
    }

    @Test
    void migrate_withoutAWorkerProfile_exits3WithTheFix_andChangesNothing() {
        Cli.Run run = cli("migrate", SandboxWorld.SOURCE, "--simulate-guest", "--yes", "--journal-dir",
                journalDir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.BLOCKED);
        assertThat(run.err()).contains("WORKER_INSTANCE_PROFILE").contains("AmazonSSMManagedInstanceCore")
                .contains("--worker-profile");
        assertThat(emulator.journal().mutatingCalls()).allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
        assertThat(instance(SandboxWorld.SOURCE).state().nameAsString()).isEqualTo("running");
    }

    @Test
    void migrate_withWorkerFlags_launchesTheWorkerWithThem() {
        Cli.Run run = cli("migrate", SandboxWorld.SOURCE, "--simulate-guest", "--yes", "--instance-type", "m5.large",
                "--journal-dir", journalDir.toString(), "--worker-profile", SandboxWorld.WORKER_PROFILE, "--worker-subnet", World.SUBNET_A,
                "--worker-security-group", World.DEFAULT_SECURITY_GROUP, "--worker-type", "t3.medium");

        assertThat(run.exit()).as(run.toString()).isZero();
        var launch = emulator.journal().calls("RunInstances").stream()
                .filter(c -> "t3.medium".equals(c.param("InstanceType"))).findFirst().orElseThrow();
        assertThat(launch.param("IamInstanceProfile.Name")).isEqualTo(SandboxWorld.WORKER_PROFILE);
        assertThat(launch.param("SubnetId")).isEqualTo(World.SUBNET_A);
        assertThat(launch.param("SecurityGroupId.1")).isEqualTo(World.DEFAULT_SECURITY_GROUP);
        assertThat(launch.param("ImageId")).isEqualTo(SandboxWorld.UBUNTU_IMAGE);
    }

    @Test
    void workerImage_buildsOnce_thenFindsIt() {
        Cli.Run built = cli("worker-image", "--json", "--worker-profile", SandboxWorld.WORKER_PROFILE);
        Cli.Run found = cli("worker-image", "--worker-profile", SandboxWorld.WORKER_PROFILE);

        assertThat(built.exit()).as(built.toString()).isZero();
        assertThat(built.json().path("reused").asBoolean()).isFalse();
        assertThat(built.json().path("baseImageId").asText()).isEqualTo(SandboxWorld.UBUNTU_IMAGE);
        String image = built.json().path("imageId").asText();
        assertThat(found.exit()).as(found.toString()).isZero();
        assertThat(found.out()).startsWith("Found worker image " + image);
        assertThat(emulator.journal().calls("CreateImage")).hasSize(1);
    }

    @Test
    void sweep_json_deletesTheTemporariesOfACrashedRunOnlyWhenAsked() {
        try (SsmClient ssm = emulator.ssmClient()) {
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatorTimeouts.forTimeScale(
                    Double.parseDouble(SCALE))).guestConversion(io.pv2hvm.testkit.SimulatedGuest.typical())
                    .workerInstanceProfile(SandboxWorld.WORKER_PROFILE).build();
            assertThatThrownBy(() -> Migration.of(SandboxWorld.SOURCE).toHvm().withProvider(aws)
                    .withMigrationId("mig-elsewhere").withJournal(InMemoryJournal.create())
                    .withStepAfter(Phase.PREPARE, dies()).run())
                    .isInstanceOf(OutOfMemoryError.class);
        }
        assertThat(workers()).hasSize(1);

        Cli.Run spared = cli("sweep", "--json", "--journal-dir", journalDir.toString());
        assertThat(spared.exit()).as(spared.toString()).isZero();
        assertThat(spared.json().path("deleted").size()).isZero();
        assertThat(spared.json().path("unverified").findValuesAsText("role")).contains("worker");

        Cli.Run dry = cli("sweep", "--json", "--migration-id", "mig-elsewhere", "--dry-run", "--journal-dir",
                journalDir.toString());
        assertThat(dry.json().path("dryRun").asBoolean()).isTrue();
        assertThat(dry.json().path("deleted").findValuesAsText("role")).contains("worker", "trial-snapshot");
        assertThat(workers()).hasSize(1);

        Cli.Run swept = cli("sweep", "--migration-id", "mig-elsewhere", "--journal-dir", journalDir.toString());
        assertThat(swept.exit()).as(swept.toString()).isZero();
        assertThat(swept.out()).startsWith("Deleted " + dry.json().path("deleted").size() + " orphaned resources");
        assertThat(workers()).isEmpty();
    }

    @Test
    void badArguments_sayWhatIsWrongAndExit2() {
        assertUsage(Cli.run("plan", "i-nothex"), "'i-nothex' is not a valid EC2 instance id");
        assertUsage(Cli.run("migrate"), "Missing required parameter: 'INSTANCE-ID'");
        assertUsage(Cli.run("plan", SandboxWorld.SOURCE, "--emulator-time-scale", "0.1", "--region", "us-east-1"),
                "--emulator-time-scale applies only with --endpoint-url");
        assertUsage(cli("plan", SandboxWorld.SOURCE, "--instance-type", "huge"), "'huge' is not an EC2 instance type");
        assertUsage(cli("plan", SandboxWorld.SOURCE, "--strategy", "MAGIC"), "MAGIC");
        assertUsage(cli("migrate", SandboxWorld.SOURCE, "--journal-dir", journalDir.toString()),
                "Not a terminal, so no one can confirm");
        assertUsage(cli("migrate", SandboxWorld.SOURCE, "--ssh-user", "admin", "--yes"),
                "SSH needs --ssh-host");
        assertUsage(Cli.run("migrate", SandboxWorld.SOURCE, "--simulate-guest", "--yes", "--region", "us-east-1"),
                "--simulate-guest is for an emulator");
        assertUsage(cli("migrate", SandboxWorld.SOURCE, "--yes", "--worker-subnet", "subnet-nothex"),
                "--worker-subnet 'subnet-nothex' is not a subnet id");
        assertUsage(cli("worker-image", "--worker-security-group", "default"),
                "--worker-security-group 'default' is not a security group id");
        assertUsage(Cli.run("resume"), "Missing required parameter: 'MIGRATION-ID'");
        assertUsage(cli("sweep", "--migration-id", "../../etc", "--journal-dir", journalDir.toString()),
                "'../../etc' is not a migration id");
        assertUsage(Cli.run("frobnicate"), "Unmatched argument at index 0: 'frobnicate'");
        assertThat(emulator.journal().mutatingCalls()).isEmpty();
    }

    @Test
    void resume_ofAnUnknownMigration_failsWithTheReason() {
        Cli.Run run = cli("resume", "mig-never-was", "--journal-dir", journalDir.toString());

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("mig-never-was");
    }

    private static void assertUsage(Cli.Run run, String message) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).as(run.toString()).contains(message);
    }

    private static JsonNode row(JsonNode rows, String instanceId) {
        for (JsonNode r : rows) {
            if (instanceId.equals(r.path("instanceId").asText())) {
                return r;
            }
        }
        throw new AssertionError("no row for " + instanceId + " in " + rows);
    }

    private Instance instance(String id) {
        return ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    private List<String> workers() {
        return ec2.describeInstances(b -> b.filters(Filter.builder().name("tag:pv2hvm:role").values("worker").build()))
                .reservations().stream().flatMap(r -> r.instances().stream())
                .filter(i -> !"terminated".equals(i.state().nameAsString())).map(Instance::instanceId).toList();
    }

    private static Step dies() {
        return new Step() {
            @Override
            public String name() {
                return "process-dies";
            }

            @Override
            public void run(StepContext context) {
                throw new OutOfMemoryError("simulated death of the JVM");
            }
        };
    }

}
