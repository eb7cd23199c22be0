package io.pv2hvm.samples.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.aws.Ec2RateLimits;
import io.pv2hvm.aws.FleetResult;
import io.pv2hvm.aws.Migrations;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.micrometer.Pv2hvmMetrics;
import io.pv2hvm.samples.bench.FleetWorld;
import io.pv2hvm.samples.sandbox.EmulatorClients;
import io.pv2hvm.samples.sandbox.EmulatorTimeouts;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.ThrottlingPolicy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Sample: a sandbox fleet whose pv2hvm metrics Prometheus scrapes. Micrometer's Prometheus
 * registry, fed by {@link Pv2hvmMetrics} (step timers, downtime, migrations running, AWS calls by
 * action, rate-limit waits, the Resilience4j limiters and bulkhead), served at
 * {@code http://127.0.0.1:PORT/metrics} by the JDK's HTTP server, while PV instances in the
 * offline emulator are migrated with {@code Migrations.fleet(...)}: simulated guest and worker,
 * EC2's documented throttling, the emulator's clock sped up.
 *
 * <p>Run it, then scrape or point a Prometheus job at it:
 * <pre>
 * java -cp samples/target/pv2hvm-cli.jar io.pv2hvm.samples.metrics.PrometheusFleet 20 5 0.01 9464
 * curl -s http://127.0.0.1:9464/metrics | grep pv2hvm_
 * </pre>
 * (arguments: instances, at most at once, time scale, port; these are the defaults). It keeps
 * serving after the fleet ends, until Ctrl-C.
 */
public final class PrometheusFleet implements AutoCloseable {
    /** Prometheus' text exposition format, version 0.0.4. */
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Pv2hvmMetrics metrics = Pv2hvmMetrics.of(registry);
    private final HttpServer server;

    private PrometheusFleet(HttpServer server) {
        this.server = server;
        server.createContext("/metrics", this::scrape);
        server.start();
    }

    /** Serves the metrics on the loopback interface at {@code port} (0: any free port). */
    public static PrometheusFleet serve(int port) throws IOException {
        return new PrometheusFleet(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0));
    }

    /** Where Prometheus scrapes. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
    }

    /**
     * Migrates a fleet of {@code instances} sandbox PV servers, at most {@code maxConcurrent} at once,
     * on an emulator whose EC2 second lasts {@code timeScale} real seconds; {@code shape} refines
     * every migration (e.g. {@code MigrationSpec::preservingIps}).
     *
     * @throws InvalidSpecException for a fleet size outside 1 to {@value FleetWorld#MAX_SIZE}, a
     *                              concurrency under 1 or a time scale that is not positive
     */
    public FleetResult run(int instances, int maxConcurrent, double timeScale, UnaryOperator<MigrationSpec> shape) {
        if (instances < 1 || instances > FleetWorld.MAX_SIZE || maxConcurrent < 1 || !(timeScale > 0)) {
            throw new InvalidSpecException("A sandbox fleet needs 1 to " + FleetWorld.MAX_SIZE + " instances, at least"
                    + " one at a time and a positive time scale (e.g. 20 5 0.01); got " + instances + " "
                    + maxConcurrent + " " + timeScale + ".");
        }
        FleetWorld world = FleetWorld.of(instances);
        Ec2Emulator emulator = Ec2Emulator.builder().world(world.world())
                .latency(LatencyModel.realistic().withTimeScale(timeScale)).ssmExecutor(new SimulatedWorker())
                .throttling(ThrottlingPolicy.documented().onScaledClock()).build().start();
        try (Ec2Client ec2 = EmulatorClients.ec2(emulator.endpoint(), metrics.awsCalls());
             SsmClient ssm = EmulatorClients.ssm(emulator.endpoint(), metrics.awsCalls())) {
            AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatorTimeouts.forTimeScale(timeScale))
                    .workerInstanceProfile(SandboxWorld.WORKER_PROFILE)
                    .guestConversion(SimulatedGuest.typical()).build();
            return metrics.observe(Migrations.fleet(world.instanceIds()).using(aws)
                            .each(s -> shape.apply(s.withJournal(InMemoryJournal.create()))))
                    .rateLimits(metrics.observe(Ec2RateLimits.documented().withTimeScale(timeScale)))
                    .maxConcurrent(maxConcurrent)
                    .run();
        } finally {
            emulator.stop();
        }
    }

    private void scrape(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", TEXT_FORMAT);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.stop(0);
    }

    /** {@code [instances [maxConcurrent [timeScale [port]]]]}, default {@code 20 5 0.01 9464}. */
    public static void main(String[] args) throws IOException, InterruptedException {
        int instances;
        int maxConcurrent;
        double timeScale;
        int port;
        try {
            instances = args.length > 0 ? Integer.parseInt(args[0]) : 20;
            maxConcurrent = args.length > 1 ? Integer.parseInt(args[1]) : 5;
            timeScale = args.length > 2 ? Double.parseDouble(args[2]) : 0.01;
            port = args.length > 3 ? Integer.parseInt(args[3]) : 9464;
        } catch (NumberFormatException e) {
            System.err.println("Usage: PrometheusFleet [instances [maxConcurrent [timeScale [port]]]], e.g. 20 5 0.01"
                    + " 9464; " + e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusFleet sample = serve(port);
        System.out.println("Metrics at " + sample.endpoint());
        FleetResult r = sample.run(instances, maxConcurrent, timeScale, UnaryOperator.identity());
        System.out.printf("%d of %d migrated in %d s, %d API calls; still serving %s (Ctrl-C stops)%n",
                r.succeeded().size(), r.outcomes().size(), r.makespan().toSeconds(), r.apiCalls(), sample.endpoint());
        Thread.currentThread().join();
    }
}
