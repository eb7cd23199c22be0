package io.pv2hvm.samples.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark commands: a tiny fleet end to end, and bad usage. */
class BenchCommandTest {

    @Test
    void benchFleet_migratesATinyFleet_andPrintsTheCommandAboveAMarkdownTable() {
        Cli.Run r = Cli.run("bench", "fleet", "--instances", "3", "--max-concurrent", "2", "--time-scale", "0.002",
                "--quiet");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("$ pv2hvm bench fleet --instances 3 --max-concurrent 2 --time-scale 0.002 --quiet\n");
        assertThat(r.out()).contains("| measure ", "| ---", "| instances ", "| migrations ok / failed ", "| 3 / 0 ",
                "| RequestLimitExceeded answered by the emulator ", "| peak live threads ");
        // The breakdown by action adds up to pv2hvm's calls, and names the steps that made them.
        assertThat(r.out()).contains("API calls by action", "| SendCommand ", "API calls by step", "| preflight ");
        assertThat(cell(r.out(), "total", 1)).as(r.out())
                .isEqualTo(cell(r.out(), "EC2+SSM API calls by pv2hvm, total", 1));
    }

    /** The {@code column}th cell of the first table row whose first cell is {@code first}. */
    private static String cell(String out, String first, int column) {
        return out.lines().filter(l -> l.startsWith("| " + first + " ")).findFirst()
                .map(l -> l.split("\\|")[column + 1].strip()).orElseThrow(() -> new AssertionError("no row " + first));
    }

    @Test
    void bench_withoutABenchmark_orWithBadNumbers_isBadUsage() {
        assertThat(Cli.run("bench").exit()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("bench", "fleet", "--max-concurrent", "0").exit()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("bench", "fleet", "--instances", "0").exit()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("bench", "fleet", "--time-scale", "0").exit()).isEqualTo(ExitCode.USAGE);
        Cli.Run startup = Cli.run("bench", "startup", "--jar", "no/such.jar");
        assertThat(startup.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(startup.err()).contains("No CLI jar at no/such.jar");
        assertThat(Cli.run("bench", "startup", "--runs", "0").exit()).isEqualTo(ExitCode.USAGE);
    }
}
