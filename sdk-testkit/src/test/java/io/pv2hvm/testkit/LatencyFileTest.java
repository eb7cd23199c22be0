package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latency-model file: round trip, what a measured file sets, and a typed error naming line and field. */
class LatencyFileTest {
    @TempDir
    Path dir;

    @Test
    void aModelSurvivesTheRoundTripThroughItsFile() {
        LatencyModel m = LatencyModel.builder().instancePending(Duration.ofMillis(12_345)).statusChecks(Duration.ofSeconds(97))
                .snapshotPerGiB(Duration.ofMillis(3_250)).ssmRun(Duration.ofMillis(1)).build();
        Path file = dir.resolve("m.json");
        m.toFile(file);
        assertThat(LatencyModel.fromFile(file)).isEqualTo(m).isNotEqualTo(LatencyModel.realistic());
        // The file holds EC2 time: the time scale is the reader's choice.
        LatencyModel fast = m.withTimeScale(0.01);
        fast.toFile(file);
        assertThat(LatencyModel.fromFile(file)).isEqualTo(m);
        assertThat(LatencyModel.fromFile(file).withTimeScale(0.01)).isEqualTo(fast);
        assertThat(LatencyFile.read(file).fromFile()).containsExactlyElementsOf(LatencyFile.names());
    }

    @Test
    void aMeasuredFileSetsWhatItHoldsAndKeepsTheDefaultsForTheRest() throws Exception {
        Path file = write("""
                {
                  "format" : "pv2hvm-latency-model",
                  "version" : 1,
                  "region" : "eu-west-1",
                  "measuredAt" : "2026-12-05T20:00:00Z",
                  "repetitions" : 3,
                  "pollResolutionSeconds" : 5.0,
                  "notes" : [ "a note" ],
                  "latencies" : {
                    "instancePending" : { "seconds" : 14.5, "min" : 12.0, "median" : 14.5, "max" : 17.0, "samples" : 3 }
                  },
                  "measuredOnly" : { "instanceStarting" : { "seconds" : 9.0 } }
                }
                """);
        LatencyFile f = LatencyFile.read(file);
        assertThat(f.model().instancePending()).isEqualTo(Duration.ofMillis(14_500));
        assertThat(f.model().instanceStopping()).isEqualTo(LatencyModel.realistic().instanceStopping());
        assertThat(f.region()).contains("eu-west-1");
        assertThat(f.measuredAt()).contains(Instant.parse("2026-12-05T20:00:00Z"));
        assertThat(f.repetitions()).hasValue(3);
        assertThat(f.fromFile()).containsExactly("instancePending");
        assertThat(f.describe()).contains("eu-west-1", "1 of 20", "defaults kept for instanceStopping");
    }

    @Test
    void aBadValueIsRefusedNamingItsLineAndField() throws Exception {
        Path file = write("""
                {
                  "format" : "pv2hvm-latency-model",
                  "version" : 1,
                  "latencies" : {
                    "instancePending" : { "seconds" : 15 },
                    "volumeCreating" : { "seconds" : "eight" }
                  }
                }
                """);
        assertThatThrownBy(() -> LatencyModel.fromFile(file)).isInstanceOfSatisfying(LatencyFileException.class, e -> {
            assertThat(e.line()).isEqualTo(6);
            assertThat(e.field()).contains("latencies.volumeCreating.seconds");
            assertThat(e.getMessage()).contains("line 6", "latencies.volumeCreating.seconds", "number of seconds >= 0",
                    "\"eight\"");
        });
    }

    @Test
    void anUnknownVersionAnUnknownLatencyAndANegativeValueAreRefused() throws Exception {
        Path v2 = write("{\n  \"format\" : \"pv2hvm-latency-model\",\n  \"version\" : 2,\n  \"latencies\" : {}\n}\n");
        assertThatThrownBy(() -> LatencyModel.fromFile(v2)).isInstanceOfSatisfying(LatencyFileException.class, e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.getMessage()).contains("unknown version 2", "reads version 1");
        });
        Path unknown = write("{\n  \"format\" : \"pv2hvm-latency-model\",\n  \"version\" : 1,\n  \"latencies\" : {\n"
                + "    \"warpDrive\" : { \"seconds\" : 1 }\n  }\n}\n");
        assertThatThrownBy(() -> LatencyModel.fromFile(unknown)).isInstanceOfSatisfying(LatencyFileException.class, e -> {
            assertThat(e.line()).isEqualTo(5);
            assertThat(e.getMessage()).contains("unknown latency \"warpDrive\"", "instancePending");
        });
        Path negative = write("{\"format\":\"pv2hvm-latency-model\",\"version\":1,\"latencies\":{\"ssmRun\":{\"seconds\":-1}}}");
        assertThatThrownBy(() -> LatencyModel.fromFile(negative)).isInstanceOf(LatencyFileException.class)
                .hasMessageContaining("latencies.ssmRun.seconds").hasMessageContaining("-1");
    }

    @Test
    void notJsonAForeignFileAndAMissingFileAreRefused() throws Exception {
        Path broken = write("{\n  \"format\" : \"pv2hvm-latency-model\",\n  \"version\" : 1,,\n}");
        assertThatThrownBy(() -> LatencyModel.fromFile(broken)).isInstanceOfSatisfying(LatencyFileException.class,
                e -> assertThat(e.line()).isEqualTo(3));
        Path world = write("{\n  \"vpcs\" : []\n}\n");
        assertThatThrownBy(() -> LatencyModel.fromFile(world)).isInstanceOf(LatencyFileException.class)
                .hasMessageContaining("not a pv2hvm latency-model file");
        assertThatThrownBy(() -> LatencyModel.fromFile(dir.resolve("absent.json"))).isInstanceOf(LatencyFileException.class)
                .hasMessageContaining("no such file");
    }

    @Test
    void theStandaloneEmulatorLoadsAFileAndRefusesABadOne() throws Exception {
        LatencyModel m = LatencyModel.builder().volumeCreating(Duration.ofSeconds(42)).build();
        Path file = dir.resolve("m.json");
        m.toFile(file);
        Ec2Emulator emulator = Ec2EmulatorMain.fromArgs("--port", "0", "--latencies", file.toString(), "--time-scale", "0.5");
        assertThat(emulator.latency()).isEqualTo(m.withTimeScale(0.5));
        Path bad = write("[]");
        assertThatThrownBy(() -> Ec2EmulatorMain.fromArgs("--latencies", bad.toString()))
                .isInstanceOf(LatencyFileException.class);
    }

    private Path write(String text) throws Exception {
        Path file = Files.createTempFile(dir, "latencies", ".json");
        Files.writeString(file, text);
        return file;
    }
}
