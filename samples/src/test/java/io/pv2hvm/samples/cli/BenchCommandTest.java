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
