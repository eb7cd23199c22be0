package io.pv2hvm.samples.bench;

import io.pv2hvm.samples.bench.MigrationBenchmark.Outcome;
import io.pv2hvm.samples.bench.MigrationBenchmark.Scenario;
import io.pv2hvm.testkit.LatencyModel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The migration benchmark runs both procedures to their end and reports them; no timing is asserted. */
class MigrationBenchmarkTest {

    @Test
    void runsPv2hvmBothWaysAndTheSeedsOrder_andPrintsEachWindowStepByStep() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<List<Outcome>> all = new MigrationBenchmark(LatencyModel.realistic(), 0.002,
                new PrintStream(text, true, StandardCharsets.UTF_8)).run(List.of(new Scenario(2, 0.4, 16)));

        List<Outcome> outcomes = all.get(0);
        assertThat(outcomes).extracting(Outcome::procedure)
                .containsExactly("pv2hvm IN_PLACE", "pv2hvm PARTITION_COPY", "seeds' manual order");
        for (Outcome o : outcomes) {
            assertThat(o.window()).isPositive();
            assertThat(o.total()).isGreaterThanOrEqualTo(o.window());
            assertThat(o.ec2Calls()).isPositive();
        }
        assertThat(outcomes.get(0).criticalPath()).extracting(Outcome.Step::name)
                .contains("stop-source", "register-final-image", "launch-hvm-instance", "await-new-instance-boot")
                .doesNotContain("verify-trial-instance", "verify-new-instance", "cleanup");
        assertThat(outcomes.get(2).criticalPath()).extracting(Outcome.Step::name).containsExactly("stop-source",
                "snapshot-root", "create-copy-and-destination", "attach-to-worker", "resize2fs-dd-grub",
                "detach-destination", "snapshot-destination", "register-hvm-image", "test-launch-until-status-ok",
                "backup-image", "terminate-source", "launch-with-same-ip", "associate-elastic-ip", "await-boot");
        assertThat(outcomes.get(2).ssmCalls()).isZero();
        assertThat(text.toString(StandardCharsets.UTF_8))
                .contains("| procedure | downtime window | total | window vs seeds | EC2 calls | SSM calls |")
                .contains("Critical path of the window, pv2hvm IN_PLACE");
    }
}
