package io.pv2hvm.core.guest.internal;

import io.pv2hvm.core.spi.OutputLine;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressLinesTest {
    @Test
    void accept_scalesScriptProgressIntoItsSliceAndPassesOtherLinesOn() {
        List<String> reports = new ArrayList<>();
        List<String> logged = new ArrayList<>();
        ProgressLines lines = new ProgressLines((p, d) -> reports.add(p + " " + d), 20, 60, l -> logged.add(l.text()));

        lines.accept(OutputLine.stdout("PV2HVM-PROGRESS 50.0 copying used blocks"));
        lines.accept(OutputLine.stdout("PV2HVM-PROGRESS 100 done"));
        lines.accept(OutputLine.stderr("PV2HVM-PROGRESS 10 from stderr is not progress"));
        lines.accept(OutputLine.stdout("resize2fs 1.47.0"));

        assertThat(reports).containsExactly("40.0 copying used blocks", "60.0 done");
        assertThat(logged).containsExactly("PV2HVM-PROGRESS 10 from stderr is not progress", "resize2fs 1.47.0");
    }
}
