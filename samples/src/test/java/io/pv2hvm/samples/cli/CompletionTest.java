package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Assumptions;
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
    void zshCompletes_mig_toMigrate_throughBashcompinit() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/zsh")) || Files.isExecutable(Path.of("/bin/zsh")),
                "zsh is not installed");
        Path file = script("zsh");
        // An interactive zsh on a pty (zsh filters the candidates itself, so only its line editor shows the
        // result): compinit as in a .zshrc, the script (it loads bashcompinit), then "pv2hvm mig<TAB><Enter>"
        // runs a stand-in pv2hvm that prints the arguments the completion typed.
        String typed = "autoload -U +X compinit && compinit -u -D\n"
                + "source '" + file + "'\n"
                + "pv2hvm() { print -r -- \"ARGS:[$*]\" }\n"
                + "pv2hvm mig\t\n"
                + "exit\n";
        Process p = new ProcessBuilder("script", "-qfec", "zsh -f -i", "/dev/null").redirectErrorStream(true).start();
        p.getOutputStream().write(typed.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        String screen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(screen).contains("ARGS:[migrate]");
    }

    @Test
    void anUnknownShell_isRefused() {
        Cli.Run run = Cli.run("completion", "fish");

        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("fish").contains("BASH");
    }

    /** Sources the script in bash -c and calls its completion function for the words typed so far. */
    private List<String> complete(String... words) throws Exception {
        Path file = script("bash");
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
        return run(List.of("bash", "-c", program));
    }

    /** {@code pv2hvm completion SHELL}, saved to a file. */
    private Path script(String shell) throws Exception {
        Cli.Run script = Cli.run("completion", shell);
        assertThat(script.exit()).as(script.toString()).isZero();
        Path file = dir.resolve("pv2hvm-completion." + shell);
        Files.writeString(file, script.out(), StandardCharsets.UTF_8);
        return file;
    }

    /** The non-empty lines {@code command} prints on stdout; it must exit 0. */
    private List<String> run(List<String> command) throws Exception {
        // Outside a real completion, bash's compopt complains on stderr; the candidates are on stdout.
        Path err = Files.createTempFile(dir, "shell", ".err");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + Files.readString(err)).isZero();
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
