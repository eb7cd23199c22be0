package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.spi.BootRequest;
import io.pv2hvm.testkit.spi.BootResult;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Disk images behind volumes and snapshots, the boot hook and the disks SSM commands see. */
class DataPlaneTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    private Path diskWithData(String name) throws IOException {
        Path p = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(16 * MIB);
            f.seek(0);
            f.write("MBR-and-superblock".getBytes(StandardCharsets.UTF_8));
            f.seek(8 * MIB);
            f.write("file data in the middle".getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    /** Bytes actually allocated on disk, from du(1): sparse files allocate less than their length. */
    private static long allocated(Path p) throws Exception {
        Process proc = new ProcessBuilder("du", "--block-size=1", p.toString()).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        proc.waitFor();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    @Test
    void snapshotAndVolumeFromSnapshot_copyTheDiskImageSparsely() throws Exception {
        Path data = diskWithData("data.img");
        World world = World.builder().defaultNetwork()
                .image(ImageSeed.pv("ami-0c0ffee0c0ffee001", "pv"))
                .instance(InstanceSeed.of("i-0123456789abcdef0", "ami-0c0ffee0c0ffee001")
                        .dataVolume(VolumeSeed.of("/dev/sdf", 1).id("vol-0da7a0da7a0da7a01").diskImage(data)))
                .build();
        try (Ec2Emulator aws = Ec2Emulator.builder().world(world).diskDirectory(tmp.resolve("disks")).build().start();
             Ec2Client ec2 = AwsClients.ec2(aws)) {
            String snap = ec2.createSnapshot(r -> r.volumeId("vol-0da7a0da7a0da7a01")).snapshotId();
            Path snapFile = aws.diskImage(snap).orElseThrow();
            assertThat(Files.mismatch(snapFile, data)).isEqualTo(-1);
            assertThat(allocated(snapFile)).isLessThan(16 * MIB);

            AwsClients.waiter(ec2).waitUntilSnapshotCompleted(r -> r.snapshotIds(snap));
            String vol = ec2.createVolume(r -> r.availabilityZone("us-east-1a").snapshotId(snap)).volumeId();
            Path volFile = aws.diskImage(vol).orElseThrow();
            assertThat(volFile).isNotEqualTo(snapFile);
            assertThat(Files.size(volFile)).isEqualTo(1024 * MIB);
            assertThat(allocated(volFile)).isLessThan(16 * MIB);
            try (RandomAccessFile f = new RandomAccessFile(volFile.toFile(), "r")) {
                byte[] buf = new byte[23];
                f.seek(8 * MIB);
                f.readFully(buf);
                assertThat(new String(buf, StandardCharsets.UTF_8)).isEqualTo("file data in the middle");
            }

            // With a disk directory, an empty volume is a sparse file of its size.
            String empty = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(2)).volumeId();
            assertThat(Files.size(aws.diskImage(empty).orElseThrow())).isEqualTo(2048 * MIB);
        }
    }

    @Test
    void bootHook_getsTheRootDiskCopiedFromTheImage_andItsSerialLogIsTheConsoleOutput() throws Exception {
        Path root = diskWithData("root.img");
        List<BootRequest> boots = new CopyOnWriteArrayList<>();
        ManualClock clock = ManualClock.create();
        World world = World.builder().defaultNetwork()
                .image(ImageSeed.hvm("ami-0aaaaaaaaaaaaaaa1", "converted").diskImage(root))
                .build();
        try (Ec2Emulator aws = Ec2Emulator.builder().world(world).clock(clock).latency(LatencyModel.realistic())
                .bootHook(req -> {
                    boots.add(req);
                    return req.rootDisk().isPresent() ? BootResult.booted("SeaBIOS\nGRUB loading\nPV2HVM-BOOT-OK\n")
                            : BootResult.failed("no bootable device");
                }).build().start();
             Ec2Client ec2 = AwsClients.ec2(aws)) {
            String id = ec2.runInstances(r -> r.imageId("ami-0aaaaaaaaaaaaaaa1").instanceType("t3.micro").minCount(1).maxCount(1))
                    .instances().get(0).instanceId();
            clock.advance(Duration.ofSeconds(45));
            ec2.describeInstances(r -> r.instanceIds(id));
            Polling.until(() -> ec2.getConsoleOutput(r -> r.instanceId(id).latest(true)).output() != null);

            String console = new String(Base64.getDecoder().decode(ec2.getConsoleOutput(r -> r.instanceId(id).latest(true)).output()), StandardCharsets.UTF_8);
            assertThat(console).contains("PV2HVM-BOOT-OK");
            assertThat(boots).singleElement().satisfies(b -> {
                assertThat(b.virtualizationType()).isEqualTo("hvm");
                assertThat(b.hypervisor()).isEqualTo("nitro");
                assertThat(b.rootDeviceName()).isEqualTo("/dev/xvda");
                assertThat(b.rootDisk()).isPresent();
                assertThat(b.rootDisk().get()).isNotEqualTo(root);
            });
            // Same bytes as the image's disk, grown sparsely to the 8 GiB root volume.
            assertThat(Files.mismatch(boots.get(0).rootDisk().get(), root)).isEqualTo(Files.size(root));
            assertThat(Files.size(boots.get(0).rootDisk().get())).isEqualTo(8192 * MIB);
            clock.advance(Duration.ofSeconds(120));
            assertThat(ec2.describeInstanceStatus(r -> r.instanceIds(id)).instanceStatuses().get(0).instanceStatus().statusAsString())
                    .isEqualTo("ok");
        }
    }

    @Test
    void failedBoot_impairsTheInstanceStatusCheck() {
        ManualClock clock = ManualClock.create();
        try (Ec2Emulator aws = Ec2Emulator.builder().clock(clock).latency(LatencyModel.realistic())
                .bootHook(req -> BootResult.failed("Kernel panic - not syncing: VFS: Unable to mount root fs")).build().start();
             Ec2Client ec2 = AwsClients.ec2(aws)) {
            String id = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1))
                    .instances().get(0).instanceId();
            clock.advance(Duration.ofSeconds(45));
            ec2.describeInstances(r -> r.instanceIds(id));
            Polling.until(() -> ec2.getConsoleOutput(r -> r.instanceId(id).latest(true)).output() != null);
            clock.advance(Duration.ofSeconds(120));
            var status = ec2.describeInstanceStatus(r -> r.instanceIds(id)).instanceStatuses().get(0);
            assertThat(status.instanceStatus().statusAsString()).isEqualTo("impaired");
            assertThat(status.systemStatus().statusAsString()).isEqualTo("ok");
            assertThat(new String(Base64.getDecoder().decode(ec2.getConsoleOutput(r -> r.instanceId(id).latest(true)).output()), StandardCharsets.UTF_8))
                    .contains("Kernel panic");
        }
    }

    @Test
    void ssmCommands_seeTheAttachedDiskImages() throws Exception {
        Path data = diskWithData("data.img");
        World world = World.builder().defaultNetwork()
                .instanceProfile("ssm-role", InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                .image(ImageSeed.pv("ami-0c0ffee0c0ffee001", "pv").withSsmAgent())
                .instance(InstanceSeed.of("i-0123456789abcdef0", "ami-0c0ffee0c0ffee001").instanceProfile("ssm-role")
                        .dataVolume(VolumeSeed.of("/dev/sdf", 1).diskImage(data)))
                .build();
        RecordingSsmExecutor recorder = new RecordingSsmExecutor();
        try (Ec2Emulator aws = Ec2Emulator.builder().world(world).ssmExecutor(recorder).build().start();
             SsmClient ssm = AwsClients.ssm(aws)) {
            ssm.sendCommand(r -> r.documentName("AWS-RunShellScript").instanceIds("i-0123456789abcdef0")
                    .parameters(Map.of("commands", List.of("blkid /dev/sdf"))));
            Polling.until(() -> !recorder.received().isEmpty());
            assertThat(recorder.received().get(0).attachedDisks()).containsEntry("/dev/sdf", data);
            assertThat(recorder.received().get(0).attachedVolumes()).containsKeys("/dev/sda1", "/dev/sdf");
            assertThat(recorder.received().get(0).hypervisor()).isEqualTo("xen");
        }
    }
}
