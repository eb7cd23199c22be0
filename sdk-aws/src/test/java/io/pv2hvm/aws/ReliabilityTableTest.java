package io.pv2hvm.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReliabilityTableTest {
    @TempDir
    Path dir;

    @Test
    void render_takesEveryFigureFromTheTallies_andMarksWhatDidNotRun() throws Exception {
        Files.writeString(dir.resolve("lost-responses.txt"), "actions=20 ssm-commands=7 runs=27 responses-lost=34"
                + " sdk-retries=0 same-end-state=26 duplicated=1 commands-run-twice-or-lost=0 leaked=2\n");
        Files.writeString(dir.resolve("tally-from-a-new-suite.txt"), "images=7 refused=7\n");

        String table = ReliabilityTable.render(dir);

        assertThat(table.lines()).filteredOn(l -> l.startsWith("| `LostResponseMatrixTest`")).singleElement()
                .satisfies(l -> assertThat(l).contains("| 27 (20 actions, 7 SSM step commands) | 34 lost responses, 0 SDK retries |")
                        .contains("| 26 (same end state; 1 resources created twice; 0 step commands run twice or lost)"
                                + " | 1 failed (see the test report) | 2 |"));
        assertThat(table.lines()).filteredOn(l -> l.startsWith("| `CrashMatrixTest`")).singleElement()
                .satisfies(l -> assertThat(l).contains("| not run |"));
        assertThat(table).contains("| `tally-from-a-new-suite.txt` | images=7 refused=7 |");
    }

    @Test
    void render_marksAFigureATallyLacks() throws Exception {
        Files.writeString(dir.resolve("crash-matrix.txt"), "kill-points=27 killed-and-resumed-to-the-same-end-state=27\n");

        assertThat(ReliabilityTable.render(dir)).contains("| 0 | (no leaked) |");
    }

    @Test
    void knownFiles_areOnePerRow() {
        assertThat(ReliabilityTable.knownFiles()).doesNotHaveDuplicates().contains("in-step-crashes.txt", "rollbacks.txt");
    }
}
