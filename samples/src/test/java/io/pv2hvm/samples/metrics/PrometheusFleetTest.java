package io.pv2hvm.samples.metrics;

import io.pv2hvm.aws.FleetResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepTiming;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the sample, runs a small sandbox fleet and scrapes its Prometheus endpoint over HTTP:
 * once from inside each running migration (a step of its own in CONFIRM) and once after the fleet.
 */
class PrometheusFleetTest {
    private static final int INSTANCES = 2;
    private static final int MAX_CONCURRENT = 2;
    private static final double TIME_SCALE = Double.parseDouble(System.getProperty("pv2hvm.emulator.timeScale", "0.002"));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One exposition line: name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    @Test
    void theEndpointServesStepTimersApiCallCountersAndTheFleetGauge_matchingTheMigrationsRun() throws Exception {
        List<Double> runningSeenInside = Collections.synchronizedList(new ArrayList<>());
        try (PrometheusFleet sample = PrometheusFleet.serve(0)) {
            Step scrapeInside = new Step() {
                @Override
                public String name() {
                    return "scrape-metrics";
                }

                @Override
                public void run(StepContext context) {
                    runningSeenInside.add(value(scrape(sample.endpoint()), "pv2hvm_migrations_running", Map.of()));
                }
            };

            FleetResult r = sample.run(INSTANCES, MAX_CONCURRENT, TIME_SCALE,
                    (MigrationSpec s) -> s.preservingIps().withStepAfter(Phase.CONFIRM, scrapeInside));
            assertThat(r.allSucceeded()).as("%s", r.failed()).isTrue();

            List<Sample> metrics = scrape(sample.endpoint());

            // The fleet gauge: 1 to maxConcurrent while a migration runs, none after.
            assertThat(runningSeenInside).hasSize(INSTANCES).allSatisfy(v -> assertThat(v).isBetween(1.0, 2.0));
            assertThat(value(metrics, "pv2hvm_migrations_running", Map.of())).isZero();
            assertThat(value(metrics, "pv2hvm_migration_duration_seconds_count", Map.of("outcome", "succeeded")))
                    .isEqualTo(INSTANCES);

            // A timer per step, counting one success per migration, tagged with the step's phase.
            List<StepTiming> steps = r.outcomes().get(0).result().timings();
            assertThat(steps).hasSizeGreaterThan(10);
            for (StepTiming t : steps) {
                assertThat(value(metrics, "pv2hvm_step_duration_seconds_count", Map.of("step", t.step(),
                        "phase", t.phase().name().toLowerCase(), "outcome", "succeeded"))).as(t.step())
                        .isEqualTo(INSTANCES);
            }
            assertThat(value(metrics, "pv2hvm_downtime_seconds_count", Map.of("outcome", "succeeded")))
                    .isEqualTo(INSTANCES);
            assertThat(value(metrics, "pv2hvm_downtime_seconds_sum", Map.of("outcome", "succeeded"))).isPositive();

            // API calls by action: every call the fleet counted, EC2 and SSM.
            double calls = sum(metrics, "pv2hvm_aws_calls_seconds_count", Map.of());
            assertThat(calls).isEqualTo(r.apiCalls());
            assertThat(sum(metrics, "pv2hvm_aws_calls_seconds_count", Map.of("service", "EC2", "action",
                    "RunInstances", "outcome", "succeeded"))).as("a trial and a new instance each")
                    .isGreaterThanOrEqualTo(2 * INSTANCES);
            assertThat(sum(metrics, "pv2hvm_aws_calls_seconds_count", Map.of("service", "SSM", "action",
                    "SendCommand"))).isPositive();
            assertThat(sum(metrics, "pv2hvm_ratelimit_wait_seconds_count", Map.of())).isPositive()
                    .isLessThanOrEqualTo(calls);

            // Resilience4j: the steps' retries, the fleet's bulkhead and the rate limiters, through resilience4j-micrometer.
            assertThat(sum(metrics, "resilience4j_retry_calls_total", Map.of("name", "launch-hvm-instance")))
                    .as("one call of the step per migration, whatever its kind").isEqualTo(INSTANCES);
            assertThat(value(metrics, "resilience4j_bulkhead_max_allowed_concurrent_calls",
                    Map.of("name", "pv2hvm-fleet"))).isEqualTo(MAX_CONCURRENT);
            assertThat(metrics).anyMatch(m -> m.name().startsWith("resilience4j_ratelimiter_available_permissions")
                    && "pv2hvm-mutating".equals(m.labels().get("name")));
        }
    }

    @Test
    void anythingButGet_isRefused() throws Exception {
        try (PrometheusFleet sample = PrometheusFleet.serve(0)) {
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(sample.endpoint())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET");
        }
    }

    private static List<Sample> scrape(URI endpoint) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
            return parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static List<Sample> parse(String exposition) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return samples;
    }

    /** The one sample named {@code name} whose labels include {@code labels}. */
    private static double value(List<Sample> samples, String name, Map<String, String> labels) {
        List<Sample> matching = matching(samples, name, labels);
        assertThat(matching).as(name + labels).hasSize(1);
        return matching.get(0).value();
    }

    private static double sum(List<Sample> samples, String name, Map<String, String> labels) {
        return matching(samples, name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private static List<Sample> matching(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
    }
}
