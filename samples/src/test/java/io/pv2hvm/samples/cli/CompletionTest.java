package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pv2hvm completion bash} prints a script that a real bash sources and completes with. */
class CompletionTest {
    @TempDir
    Path dir;

    @Test
    void bashCompletes_mig_toMigrate() throws Exception {
        assertThat(complete("pv2hvm", "mig")).containsExactly("migrate");
    }

    @Test
    void bashCompletes_theCommandsOptions() throws Exception {
        assertThat(complete("pv2hvm", "migrate", "--preserve")).contains("--preserve-ips");
        assertThat(complete("pv2hvm", "--out")).contains("--output");
    }

    @Test
    void zshGetsTheSameScript_whichLoadsBashcompinitItself() {
        Cli.Run bash = Cli.run("completion", "bash");
        Cli.Run zsh = Cli.run("completion", "zsh");

        assertThat(zsh.exit()).isZero();
        assertThat(zsh.out()).isEqualTo(bash.out()).contains("bashcompinit");
    }

    @Test
    void anUnknownShell_isRefused() {
        Cli.Run run = Cli.run("completion", "fish");

        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("fish").contains("BASH");
    }

    /** Sources the script in bash -c and calls its completion function for the words typed so far. */
    private List<String> complete(String... words) throws Exception {
        Cli.Run script = Cli.run("completion", "bash");
        assertThat(script.exit()).as(script.toString()).isZero();
        Path file = dir.resolve("pv2hvm-completion.bash");
        Files.writeString(file, script.out(), StandardCharsets.UTF_8);
        String line = String.join(" ", words);
        String[] quoted = java.util.Arrays.stream(words).map(w -> "'" + w + "'").toArray(String[]::new);
        String program = "source '" + file + "'\n"
                + "COMP_WORDS=(" + String.join(" ", quoted) + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE='" + line + "'\n"
                + "COMP_POINT=${#COMP_LINE}\n"
                + "fn=$(complete -p pv2hvm | sed -E 's/.*-F ([^ ]+).*/\\1/')\n"
                + "\"$fn\" pv2hvm '" + words[words.length - 1] + "' '" + words[words.length - 2] + "'\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        // Outside a real completion, bash's compopt complains on stderr; the candidates are on stdout.
        Path err = dir.resolve("bash.err");
        Process p = new ProcessBuilder("bash", "-c", program).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + Files.readString(err)).isZero();
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
