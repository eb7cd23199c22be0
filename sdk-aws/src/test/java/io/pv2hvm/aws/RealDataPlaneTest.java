package io.pv2hvm.aws;

import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.lab.BootMarker;
import io.pv2hvm.testkit.lab.Fixture;
import io.pv2hvm.testkit.lab.GuestLab;
import io.pv2hvm.testkit.lab.LoopbackWorker;
import io.pv2hvm.testkit.lab.QemuBootHook;
import io.pv2hvm.testkit.junit5.RequiresLab;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only EC2's control plane is simulated: the source root is a real PV lab disk, the worker is this
 * machine (loop devices, the real conversion scripts over SsmTransport), and every HVM instance
 * really boots its root disk in QEMU under BIOS, as NVMe on the Nitro target.
 */
@RequiresLab
class RealDataPlaneTest {
    private static final String SOURCE = "i-0123456789abcdef0";

    @TempDir
    Path devRoot;

    @Test
    void run_onARealGuestDisk_convertsAndBootsTheTrialAndTheNewInstance() {
        GuestLab lab = GuestLab.shared();
        Path root = lab.copyOf(Fixture.EXT4, "real-data-plane-root");
        QemuBootHook boots = new QemuBootHook(lab.qemu());
        InstanceSeed source = InstanceSeed.of(SOURCE, EmulatedAws.PV_IMAGE).instanceType("m1.large")
                .privateIp(EmulatedAws.SOURCE_IP).root(VolumeSeed.of("/dev/sda1", 1).diskImage(root));
        try (LoopbackWorker worker = new LoopbackWorker(devRoot);
             Ec2Emulator emulator = Ec2Emulator.builder().bootHook(boots).ssmExecutor(worker)
                     .world(EmulatedAws.world(source, EmulatedAws.pvImage()).build()).build().start();
             Ec2Client ec2 = EmulatedAws.ec2(emulator);
             SsmClient ssm = EmulatedAws.ssm(emulator)) {
            AwsTimeouts scaled = EmulatedAws.timeouts();
            // QEMU boots take real time under software emulation.
            AwsTimeouts timeouts = scaled.toBuilder().statusChecks(Duration.ofMinutes(5))
                    .snapshot(scaled.snapshot().plusMinutes(1)).command(Duration.ofMinutes(10))
                    .agentOnline(AwsTimeouts.DEFAULT_AGENT_ONLINE).build();
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(timeouts)
                    .workerInstanceProfile(EmulatedAws.WORKER_PROFILE).build();

            MigrationResult r = Migration.of(SOURCE).toHvm().preservingIps().withInstanceType("m5.large")
                    .withProvider(aws).withJournal(InMemoryJournal.create()).run();

            // Two HVM boots: the trial instance, then the new one (the worker has no lab disk).
            assertThat(boots.boots()).hasSize(2).containsKey(r.newInstanceId());
            String trial = boots.boots().keySet().stream().filter(id -> !id.equals(r.newInstanceId())).findFirst()
                    .orElseThrow();
            assertThat(boots.bootOf(trial)).as("trial boot").hasValueSatisfying(b -> {
                assertThat(b.marker()).hasValueSatisfying(m -> {
                    assertThat(m.fstabOk()).isTrue();
                    assertThat(m.root()).startsWith("/dev/nvme0n1");
                });
            });
            assertThat(boots.bootOf(r.newInstanceId())).as("new instance boot")
                    .hasValueSatisfying(b -> assertThat(b.marker()).hasValueSatisfying(m -> assertThat(m.fstabOk()).isTrue()));
            String console = new String(Base64.getMimeDecoder().decode(ec2.getConsoleOutput(b -> b
                    .instanceId(r.newInstanceId())).output()), StandardCharsets.UTF_8);
            assertThat(console).contains(BootMarker.PREFIX);
            assertThat(r.ipsAfter()).contains(EmulatedAws.SOURCE_IP);
            assertThat(r.facts()).containsEntry("result.virtualization-after", "hvm");
        }
    }

    /**
     * A sysvinit guest whose fstab mounts a data volume by device name ({@code /dev/xvdf}), moved to
     * Nitro: the worker's real blkid reads the UUID from a copy of the volume's trial snapshot, and
     * the new instance's root carries an fstab that names the volume by it. Boots are the emulator's
     * (no QEMU): the fstab is read from the new instance's root disk with debugfs.
     */
    @Test
    void run_withADataVolumeByDeviceName_writesTheUuidTheWorkersBlkidReadsIntoTheNewRootsFstab() throws Exception {
        GuestLab lab = GuestLab.shared();
        io.pv2hvm.testkit.lab.UserlandImage guest = lab.userland(io.pv2hvm.testkit.lab.UserlandFixture.SYSVINIT);
        Path root = lab.copyOf(guest.root(), "real-data-plane-userland-root");
        Path dataF = lab.copyOf(guest.dataF(), "real-data-plane-data-f");
        Path dataG = lab.copyOf(guest.dataG(), "real-data-plane-data-g");
        String uuidF = run("blkid", "-p", "-s", "UUID", "-o", "value", dataF.toString()).strip();
        assertThat(uuidF).matches("[0-9a-f-]{36}");
        InstanceSeed source = InstanceSeed.of(SOURCE, EmulatedAws.PV_IMAGE).instanceType("m1.large")
                .privateIp(EmulatedAws.SOURCE_IP)
                .root(VolumeSeed.of("/dev/sda1", (int) (java.nio.file.Files.size(root) >> 30)).diskImage(root))
                .dataVolume(VolumeSeed.of("/dev/sdf", 1).diskImage(dataF))
                .dataVolume(VolumeSeed.of("/dev/sdg", 1).diskImage(dataG));
        try (LoopbackWorker worker = new LoopbackWorker(devRoot);
             Ec2Emulator emulator = Ec2Emulator.builder().ssmExecutor(worker)
                     .world(EmulatedAws.world(source, EmulatedAws.pvImage()).build()).build().start();
             Ec2Client ec2 = EmulatedAws.ec2(emulator);
             SsmClient ssm = EmulatedAws.ssm(emulator)) {
            AwsTimeouts scaled = EmulatedAws.timeouts();
            AwsTimeouts timeouts = scaled.toBuilder().snapshot(scaled.snapshot().plusMinutes(1))
                    .command(Duration.ofMinutes(10)).agentOnline(AwsTimeouts.DEFAULT_AGENT_ONLINE).build();
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(timeouts)
                    .workerInstanceProfile(EmulatedAws.WORKER_PROFILE).build();

            MigrationResult r = Migration.of(SOURCE).toHvm().preservingIps().withInstanceType("m5.large")
                    .withStrategy(io.pv2hvm.core.ConversionStrategy.IN_PLACE)
                    .withProvider(aws).withJournal(InMemoryJournal.create()).run();

            String rootVolume = ec2.describeInstances(b -> b.instanceIds(r.newInstanceId())).reservations().get(0)
                    .instances().get(0).blockDeviceMappings().stream().filter(m -> m.deviceName().equals("/dev/xvda"))
                    .findFirst().orElseThrow().ebs().volumeId();
            Path newRoot = emulator.diskImage(rootVolume).orElseThrow();
            String fstab = run("debugfs", "-R", "cat /etc/fstab", newRoot.toString());
            assertThat(fstab.lines().map(String::strip)).contains("UUID=" + uuidF + "\t/data\text4\tdefaults,nofail\t0\t2");
            assertThat(fstab).doesNotContain("/dev/xvdf");
            assertThat(run("debugfs", "-R", "cat /etc/fstab.pv2hvm-orig", newRoot.toString())).contains("/dev/xvdf");

            // The source's own root was converted in place after its final snapshot was requested: the
            // snapshot behind the backup image still holds the PV disk (a whole-disk filesystem with the
            // original fstab), the kept original holds the conversion.
            String sourceRoot = emulator.journal().calls("CreateSnapshot").get(0).param("VolumeId");
            String backupSnapshot = ec2.describeImages(b -> b.imageIds(r.backupImageId())).images().get(0)
                    .blockDeviceMappings().get(0).ebs().snapshotId();
            Path backupDisk = emulator.diskImage(backupSnapshot).orElseThrow();
            assertThat(run("debugfs", "-R", "cat /etc/fstab", backupDisk.toString())).contains("/dev/xvdf")
                    .doesNotContain("UUID=" + uuidF);
            Path convertedOriginal = emulator.diskImage(sourceRoot).orElseThrow();
            assertThat(run("debugfs", "-R", "cat /etc/fstab", convertedOriginal.toString()))
                    .contains("UUID=" + uuidF);
        }
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", argv)).isZero();
        return out;
    }
}
