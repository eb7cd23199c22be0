package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Help.Ansi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Colour only on a terminal, and never with a non-empty NO_COLOR (https://no-color.org). */
class ColorsTest {
    private static final String ESC = "\u001b[";

    @TempDir
    Path dir;

    @Test
    void noColor_nonEmpty_turnsColourOff_onATerminal() {
        assertThat(Colors.ansi(Map.of("NO_COLOR", "1"), true)).isEqualTo(Ansi.OFF);
        assertThat(Colors.ansi(Map.of("NO_COLOR", "false"), true)).as("any value, even 'false'").isEqualTo(Ansi.OFF);
    }

    @Test
    void noColor_empty_orUnset_leavesColourOnATerminal() {
        assertThat(Colors.ansi(Map.of("NO_COLOR", ""), true)).isEqualTo(Ansi.ON);
        assertThat(Colors.ansi(Map.of(), true)).isEqualTo(Ansi.ON);
    }

    @Test
    void noTerminal_orADumbOne_meansNoColour() {
        assertThat(Colors.ansi(Map.of(), false)).isEqualTo(Ansi.OFF);
        assertThat(Colors.ansi(Map.of("TERM", "dumb"), true)).isEqualTo(Ansi.OFF);
    }

    @Test
    void helpOnAPty_isColoured_unlessNoColorIsSet() throws Exception {
        Pty.Screen coloured = Pty.run(dir, Map.of("TERM", "xterm", "NO_COLOR", ""), "", Pv2hvm.class.getName(),
                List.of("--help"));
        Pty.Screen plain = Pty.run(dir, Map.of("TERM", "xterm", "NO_COLOR", "1"), "", Pv2hvm.class.getName(),
                List.of("--help"));

        assertThat(coloured.exit()).as(coloured.text()).isZero();
        assertThat(coloured.text()).contains("pv2hvm").contains(ESC);
        assertThat(plain.exit()).as(plain.text()).isZero();
        assertThat(plain.text()).contains("Usage: pv2hvm").doesNotContain(ESC);
    }
}
