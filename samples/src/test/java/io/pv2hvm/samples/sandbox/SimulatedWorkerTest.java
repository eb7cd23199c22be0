package io.pv2hvm.samples.sandbox;

import io.pv2hvm.core.guest.VolumeFilesystem;
import io.pv2hvm.core.guest.internal.WorkerScript;
import io.pv2hvm.testkit.spi.SsmCommand;
import io.pv2hvm.testkit.world.FilesystemSeed;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedWorkerTest {

    @Test
    void execute_readFilesystems_answersTheSeededFilesystemOfTheNamedVolume_andNothingForAnUnseededOne() {
        SimulatedWorker worker = new SimulatedWorker();
        Map<String, String> volumes = Map.of("/dev/sdf", "vol-1", "/dev/sdg", "vol-2");
        Map<String, FilesystemSeed> seeded = Map.of("/dev/sdg", FilesystemSeed.ext4("5b1e7c0a-3d2f-4e6b-9a8c-0f1e2d3c4b5a"));

        String onG = worker.execute(command(WorkerScript.READ_FILESYSTEMS.command("/dev/xvdg").argv(), volumes, seeded)).stdout();
        String onF = worker.execute(command(WorkerScript.READ_FILESYSTEMS.command("/dev/xvdf").argv(), volumes, seeded)).stdout();

        assertThat(VolumeFilesystem.parse(onG)).containsExactly(
                new VolumeFilesystem(0, "ext4", "5b1e7c0a-3d2f-4e6b-9a8c-0f1e2d3c4b5a", ""));
        assertThat(VolumeFilesystem.parse(onF)).singleElement().satisfies(fs -> assertThat(fs.fstabSpec()).isEmpty());
    }

    private static SsmCommand command(List<String> argv, Map<String, String> volumes, Map<String, FilesystemSeed> fs) {
        // As SsmTransport sends it: one shell line running the script with its arguments.
        String line = String.join(" ", argv.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        return new SsmCommand("c-1", "i-worker", "AWS-RunShellScript", List.of(line), Duration.ofMinutes(1), Map.of(),
                Map.of(), volumes, "nitro", fs);
    }
}
