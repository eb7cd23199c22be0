package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.spi.BootResult;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;

/**
 * The whole data path a migration takes, on real bytes: snapshot the PV root, make a volume,
 * attach it to a worker, change it with an SSM command run locally, snapshot it, register an
 * HVM image, launch it, and let the boot hook read what the command wrote.
 */
class DataPlaneChainTest {

    @TempDir
    Path tmp;

    @Test
    void convertedBytes_travelFromSsmCommandToTheBootedHvmInstance() throws Exception {
        Path pvRoot = tmp.resolve("pv-root.img");
        try (RandomAccessFile f = new RandomAccessFile(pvRoot.toFile(), "rw")) {
            f.setLength(4 << 20);
            f.write("PV-GRUB menu.lst".getBytes(StandardCharsets.UTF_8));
        }
        World world = World.builder().defaultNetwork()
                .instanceProfile("worker", InstanceProfileSeed.SSM_MANAGED_INSTANCE_CORE)
                .image(ImageSeed.pv("ami-0c0ffee0c0ffee001", "centos6-pv").diskImage(pvRoot).rootSizeGiB(1))
                .instance(InstanceSeed.of("i-0123456789abcdef0", "ami-0c0ffee0c0ffee001").instanceType("m3.medium"))
                .build();
        try (Ec2Emulator aws = Ec2Emulator.builder().world(world).diskDirectory(tmp.resolve("disks"))
                .ssmExecutor(new LocalSsmExecutor())
                .bootHook(req -> {
                    byte[] head = new byte[16];
                    try (RandomAccessFile f = new RandomAccessFile(req.rootDisk().orElseThrow().toFile(), "r")) {
                        f.readFully(head);
                    }
                    return BootResult.booted("boot sector: " + new String(head, StandardCharsets.UTF_8) + "\n");
                }).build().start();
             Ec2Client ec2 = AwsClients.ec2(aws); Ec2Waiter waiter = AwsClients.waiter(ec2); SsmClient ssm = AwsClients.ssm(aws)) {
            String worker = ec2.runInstances(r -> r.imageId(World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro").minCount(1).maxCount(1)
                    .subnetId(World.SUBNET_A).iamInstanceProfile(p -> p.name("worker"))).instances().get(0).instanceId();
            String sourceRoot = ec2.describeInstances(r -> r.instanceIds("i-0123456789abcdef0")).reservations().get(0).instances().get(0)
                    .blockDeviceMappings().get(0).ebs().volumeId();
            String snap = ec2.createSnapshot(r -> r.volumeId(sourceRoot)).snapshotId();
            waiter.waitUntilSnapshotCompleted(r -> r.snapshotIds(snap));
            String copy = ec2.createVolume(r -> r.availabilityZone("us-east-1a").snapshotId(snap)).volumeId();
            waiter.waitUntilVolumeAvailable(r -> r.volumeIds(copy));
            waiter.waitUntilInstanceRunning(r -> r.instanceIds(worker));
            ec2.attachVolume(r -> r.volumeId(copy).instanceId(worker).device("/dev/sdo"));
            waiter.waitUntilVolumeInUse(r -> r.volumeIds(copy));

            Polling.until(() -> !ssm.describeInstanceInformation(r -> r.filters(f -> f.key("InstanceIds").values(worker)))
                    .instanceInformationList().isEmpty());
            String cmd = ssm.sendCommand(r -> r.documentName("AWS-RunShellScript").instanceIds(worker).parameters(Map.of("commands",
                    List.of("set -euo pipefail", "printf 'HVM-GRUB2 stage1' | dd of=\"$PV2HVM_DISK_SDO\" conv=notrunc status=none",
                            "head -c 16 \"$PV2HVM_DISK_SDO\"")))).command().commandId();
            Polling.until(() -> {
                var s = ssm.getCommandInvocation(r -> r.commandId(cmd).instanceId(worker)).status();
                return s != CommandInvocationStatus.PENDING && s != CommandInvocationStatus.IN_PROGRESS;
            });
            var invocation = ssm.getCommandInvocation(r -> r.commandId(cmd).instanceId(worker));
            assertThat(invocation.status()).as(invocation.standardErrorContent()).isEqualTo(CommandInvocationStatus.SUCCESS);
            assertThat(invocation.standardOutputContent()).isEqualTo("HVM-GRUB2 stage1");

            String converted = ec2.createSnapshot(r -> r.volumeId(copy)).snapshotId();
            waiter.waitUntilSnapshotCompleted(r -> r.snapshotIds(converted));
            String ami = ec2.registerImage(r -> r.name("web-1-hvm").virtualizationType("hvm").architecture("x86_64").enaSupport(true)
                    .rootDeviceName("/dev/xvda").blockDeviceMappings(b -> b.deviceName("/dev/xvda").ebs(e -> e.snapshotId(converted))))
                    .imageId();
            waiter.waitUntilImageAvailable(r -> r.imageIds(ami));
            String hvm = ec2.runInstances(r -> r.imageId(ami).instanceType("t3.micro").minCount(1).maxCount(1)).instances().get(0).instanceId();
            waiter.waitUntilInstanceStatusOk(r -> r.instanceIds(hvm));

            String console = new String(Base64.getDecoder().decode(ec2.getConsoleOutput(r -> r.instanceId(hvm)).output()), StandardCharsets.UTF_8);
            assertThat(console).contains("boot sector: HVM-GRUB2 stage1");
            // The source disk was never touched: every step worked on copies.
            assertThat(new String(Files.readAllBytes(pvRoot), 0, 16, StandardCharsets.UTF_8)).isEqualTo("PV-GRUB menu.lst");
        }
    }
}
