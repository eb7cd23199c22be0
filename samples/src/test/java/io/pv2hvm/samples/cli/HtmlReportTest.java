package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.Resource;
import io.pv2hvm.core.StepTiming;
import io.pv2hvm.aws.FleetResult;
import io.pv2hvm.samples.bench.FleetActivity;
import io.pv2hvm.samples.bench.FleetBenchmark;
import io.pv2hvm.samples.bench.Footprint;
import io.pv2hvm.samples.sandbox.ApiCallLog;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.Ec2Emulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --report FILE.html}: the page parses as XML, names every step, shades the downtime window,
 * escapes what it shows and points nowhere outside itself; and the plain progress of the same
 * sandbox run says what each wait waited for.
 */
class HtmlReportTest {
    private static final String SCALE = System.getProperty("pv2hvm.emulator.timeScale", "0.002");

    @TempDir
    Path dir;

    static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** Self-contained: no script, no reference to anything outside the page. */
    static void assertSelfContained(String html) {
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("src=")
                .doesNotContainIgnoringCase("href=").doesNotContainIgnoringCase("url(")
                .doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("<link");
    }

    private static List<String> texts(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    @Test
    void sandboxReport_isWellFormed_hasEveryStepAndTheDowntimeWindow_andPlainProgressNamesTheWaits() throws Exception {
        Path page = dir.resolve("sandbox.html");
        Cli.Run run = Cli.run("sandbox", "--guest", "simulated", "--time-scale", SCALE, "--progress", "plain",
                "--json", "--report", page.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        String html = Files.readString(page);
        Document doc = parse(html);
        assertSelfContained(html);
        JsonNode timings = run.json().path("result").path("timings");
        assertThat(timings.size()).isGreaterThan(20);
        List<String> labels = texts(doc, "text");
        for (JsonNode t : timings) {
            assertThat(labels).as("the timeline has a bar label for every step").contains(t.path("step").asText());
        }
        Element downtime = doc.getElementById("downtime");
        if (downtime == null) { // getElementById needs a DTD-declared id; look by attribute
            NodeList rects = doc.getElementsByTagName("rect");
            for (int i = 0; i < rects.getLength(); i++) {
                Element r = (Element) rects.item(i);
                if ("downtime".equals(r.getAttribute("id"))) {
                    downtime = r;
                }
            }
        }
        assertThat(downtime).as("the downtime window is shaded").isNotNull();
        assertThat(Double.parseDouble(downtime.getAttribute("width"))).isPositive();
        assertThat(html).contains("Done: " + SandboxWorld.SOURCE + " now runs as ").contains(">kept<").contains(">deleted<");
        Element apiCalls = byId(doc, "svg", "api-calls");
        assertThat(apiCalls).as("API calls over time").isNotNull();
        int bars = apiCalls.getElementsByTagName("rect").getLength();
        assertThat(bars).as("calls in more than one time bucket").isGreaterThan(5);
        Matcher total = Pattern.compile("(\\d+) EC2 and SSM calls").matcher(html);
        assertThat(total.find()).isTrue();
        assertThat(Integer.parseInt(total.group(1))).as("a migration makes dozens of calls").isGreaterThan(50);
        assertThat(apiCalls.getTextContent()).contains("DescribeInstances");

        // Plain progress carries what each wait waited for.
        assertThat(run.err()).containsPattern("status checks [0-2]/2 · \\d:\\d\\d:\\d\\d")
                .containsPattern("snapshot snap-[0-9a-f]+ of vol-[0-9a-f]+ to complete · ")
                .containsPattern("SSM command on i-[0-9a-f]+: (InProgress|Pending|Success)")
                .containsPattern("downtime so far \\d:\\d\\d:\\d\\d");
    }

    @Test
    void benchFleetReport_hasOneRowPerMigration() throws Exception {
        Path page = dir.resolve("fleet.html");
        Cli.Run run = Cli.run("bench", "fleet", "--instances", "3", "--max-concurrent", "2", "--time-scale", "0.002",
                "--quiet", "--report", page.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        String html = Files.readString(page);
        Document doc = parse(html);
        assertSelfContained(html);
        List<String> rows = texts(doc, "tr");
        assertThat(rows).hasSize(1 + 3);
        assertThat(rows.subList(1, 4)).allSatisfy(r -> assertThat(r).startsWith("i-").contains("ok"));
        Element running = byId(doc, "svg", "concurrency");
        assertThat(running).as("migrations running over time").isNotNull();
        assertThat(running.getTextContent()).contains("2 running (peak)");
        String[] points = ((Element) running.getElementsByTagName("polyline").item(0)).getAttribute("points").split(" ");
        assertThat(points).as("each of 3 migrations starts and ends: 6 steps of 2 points").hasSize(12);
        assertThat(byId(doc, "svg", "api-calls").getElementsByTagName("rect").getLength()).isGreaterThan(5);
        assertThat(byId(doc, "svg", "limiter-waits") != null || html.contains("No call waited for a rate-limit permit"))
                .isTrue();
    }

    @Test
    void fleetReport_drawsMigrationsRunningAndEachRateLimitWaitWhereItEnded() throws Exception {
        MutableClock clock = new MutableClock();
        FleetActivity activity = new FleetActivity(clock);
        Instant t0 = clock.now;
        activity.onEvent(new MigrationEvent.StepStarted("m1", Instant.EPOCH, "preflight", Phase.PREFLIGHT));
        clock.now = t0.plusSeconds(10);
        activity.onEvent(new MigrationEvent.StepStarted("m2", Instant.EPOCH, "preflight", Phase.PREFLIGHT));
        activity.waited("RunInstances", Duration.ofSeconds(3));
        activity.waited("DescribeInstances", Duration.ofNanos(200_000)); // a free permit: not a wait worth counting
        clock.now = t0.plusSeconds(20);
        activity.onEvent(new MigrationEvent.StepFinished("m1", Instant.EPOCH, "cleanup", Duration.ofSeconds(1)));
        activity.onEvent(new MigrationEvent.StepFinished("m2", Instant.EPOCH, "cleanup", Duration.ofSeconds(1)));
        FleetBenchmark.Report report = new FleetBenchmark.Report(FleetResult.builder().makespan(Duration.ofSeconds(20))
                .maxConcurrent(2).peakConcurrency(2).build(),
                1, 0, 0, new Footprint.Measured(0, 0, 0, Duration.ZERO),
                List.of(new ApiCallLog.Call(t0.plusSeconds(1), "DescribeInstances"),
                        new ApiCallLog.Call(t0.plusSeconds(19), "RunInstances")), activity);

        String html = HtmlReport.fleet("fleet", report);

        Document doc = parse(html);
        assertSelfContained(html);
        Element waits = byId(doc, "svg", "limiter-waits");
        assertThat(waits.getElementsByTagName("rect").getLength()).isEqualTo(1);
        Element bar = (Element) waits.getElementsByTagName("rect").item(0);
        assertThat(bar.getTextContent()).isEqualTo("10.0 s: 3.0 s waited, RunInstances 3.0 s, DescribeInstances 0 ms");
        assertThat(Double.parseDouble(bar.getAttribute("x"))).as("half-way along the time axis").isEqualTo(230 + 320.0);
        assertThat(byId(doc, "svg", "concurrency").getTextContent()).contains("2 running (peak)");
        assertThat(byId(doc, "svg", "api-calls").getElementsByTagName("rect").getLength()).isEqualTo(2);
        assertThat(html).contains("1 calls waited 1 ms or more for a permit").contains("; 3.0 s in all");
    }

    @Test
    void everyTextIsEscaped() throws Exception {
        MutableClock clock = new MutableClock();
        MigrationRecorder rec = new MigrationRecorder(clock);
        String nasty = "<script>alert('x')</script> & \"quoted\"";
        rec.onEvent(new MigrationEvent.StepStarted("m", Instant.EPOCH, "preflight", Phase.PREFLIGHT));
        clock.now = clock.now.plusSeconds(2);
        rec.onEvent(new MigrationEvent.StepFinished("m", Instant.EPOCH, "preflight", Duration.ofSeconds(2)));
        rec.onEvent(new MigrationEvent.StepStarted("m", Instant.EPOCH, "stop-source", Phase.CUTOVER));
        rec.onEvent(new MigrationEvent.ResourceCreated("m", Instant.EPOCH, "stop-source", new Resource("volume", "vol-1", nasty)));
        rec.onEvent(new MigrationEvent.Warning("m", Instant.EPOCH, "stop-source", nasty));
        clock.now = clock.now.plusSeconds(30);
        rec.onEvent(new MigrationEvent.StepFailed("m", Instant.EPOCH, "stop-source", new IllegalStateException(nasty)));

        String html = HtmlReport.migration("title " + nasty, rec, List.of(new ApiCallLog.Call(clock.now.minusSeconds(3),
                nasty)), null, new IllegalStateException(nasty));

        Document doc = parse(html);
        assertSelfContained(html);
        assertThat(doc.getElementsByTagName("script").getLength()).isZero();
        assertThat(doc.getDocumentElement().getTextContent()).contains(nasty).contains("preflight").contains("stop-source");
        assertThat(html).contains("Failed: &lt;script&gt;").contains("see the journal");
    }

    @Test
    void aSuccessfulResult_marksKeptAndDeletedResources() throws Exception {
        MutableClock clock = new MutableClock();
        MigrationRecorder rec = new MigrationRecorder(clock);
        rec.onEvent(new MigrationEvent.StepStarted("m", Instant.EPOCH, "register-image", Phase.REGISTER));
        rec.onEvent(new MigrationEvent.ResourceCreated("m", Instant.EPOCH, "register-image", new Resource("image", "ami-keep", "new-image")));
        rec.onEvent(new MigrationEvent.ResourceCreated("m", Instant.EPOCH, "register-image", new Resource("volume", "vol-temp", "scratch")));
        clock.now = clock.now.plusSeconds(5);
        rec.onEvent(new MigrationEvent.StepFinished("m", Instant.EPOCH, "register-image", Duration.ofSeconds(5)));
        MigrationResult result = MigrationResult.builder().migrationId("m").sourceInstanceId("i-0123456789abcdef0")
                .newInstanceId("i-0fedcba9876543210").newImageId("ami-keep")
                .timings(List.of(StepTiming.builder().step("register-image").phase(Phase.REGISTER)
                        .took(Duration.ofSeconds(5)).downtime(false).resumed(false).build()))
                .total(Duration.ofSeconds(5)).downtime(Duration.ZERO)
                .resourcesKept(List.of(new Resource("image", "ami-keep", "new-image"))).build();

        String html = HtmlReport.migration("t", rec, List.of(), result, null);

        parse(html);
        assertThat(row(html, "ami-keep")).endsWith("<td>kept</td></tr>");
        assertThat(row(html, "vol-temp")).endsWith("<td>deleted</td></tr>");
        assertThat(html).doesNotContain("id=\"downtime\""); // no CUTOVER step ran: no window to shade
    }

    @Test
    void aBadReportPath_isBadUsage_andNoCallIsMade() {
        Ec2Emulator emulator = Ec2Emulator.builder().world(SandboxWorld.simulated()).build().start();
        try {
            Cli.Run run = Cli.run("migrate", SandboxWorld.SOURCE, "--yes", "--endpoint-url",
                    emulator.endpoint().toString(), "--region", "us-east-1", "--worker-profile",
                    SandboxWorld.WORKER_PROFILE, "--report", dir.resolve("no/such/dir/r.html").toString());
            assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).contains("--report").contains("existing, writable directory");
            Cli.Run notHtml = Cli.run("sandbox", "--report", dir.resolve("r.txt").toString());
            assertThat(notHtml.exit()).isEqualTo(ExitCode.USAGE);
            assertThat(notHtml.err()).contains("ending in .html");
            assertThat(emulator.journal().all()).as("nothing was called").isEmpty();
        } finally {
            emulator.stop();
        }
    }

    /** The {@code tag} element with attribute id {@code id}, or null (no DTD, so getElementById does not work). */
    static Element byId(Document doc, String tag, String id) {
        NodeList nodes = doc.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        return null;
    }

    private static String row(String html, String id) {
        Matcher m = Pattern.compile("<tr><td>[^<]*</td><td>" + Pattern.quote(id) + "</td>.*?</tr>").matcher(html);
        assertThat(m.find()).as(id).isTrue();
        return m.group();
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-12-05T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
