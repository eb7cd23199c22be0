package io.pv2hvm.testkit;

import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulator's file-backed disks do not outlive it, nor a JVM that died without stopping it. */
class EmulatorDisksTest {
    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

    private static List<Path> ours() throws Exception {
        String mine = "pv2hvm-emulator-disks-" + ProcessHandle.current().pid() + "-";
        try (Stream<Path> s = Files.list(TMP)) {
            return s.filter(p -> p.getFileName().toString().startsWith(mine)).toList();
        }
    }

    @Test
    void aStoppedEmulator_deletesItsDiskDirectory_andAnOrphanOfADeadJvmGoesAtTheNextStart() throws Exception {
        // a directory as a JVM that was killed would leave it (pid 2^22+ is above Linux's pid_max default range)
        Path orphan = Files.createDirectories(TMP.resolve("pv2hvm-emulator-disks-4194999-123"));
        Files.writeString(orphan.resolve("vol-0.img"), "disk");
        Path image = Files.createTempFile("root", ".img");
        Files.write(image, new byte[4096]);
        List<Path> before = ours();
        World world = World.builder().volume(VolumeSeed.of("/dev/sdf", 1).id("vol-0123456789abcdef0").availabilityZone("us-east-1a").diskImage(image)).build();
        try (Ec2Emulator emulator = Ec2Emulator.builder().world(world).build().start();
             Ec2Client ec2 = AwsClients.ec2(emulator)) {
            // a snapshot copies the volume's disk into the emulator's own directory
            String snapshot = ec2.createSnapshot(b -> b.volumeId("vol-0123456789abcdef0")).snapshotId();
            Path copy = emulator.diskImage(snapshot).orElseThrow();
            assertThat(copy).exists();
            assertThat(ours()).hasSize(before.size() + 1).anySatisfy(dir -> assertThat(copy).startsWith(dir));
            assertThat(orphan).as("a dead JVM's disks").doesNotExist();
        }
        assertThat(ours()).hasSameSizeAs(before);
        Files.deleteIfExists(image);
    }
}
