package io.pv2hvm.samples.cli;

import io.pv2hvm.testkit.lab.LabPrerequisites;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox's {@code --report} page rendered by a real headless Chromium (Debian's package): the
 * layout the browser computed has a bar of non-zero width for every step, the shaded downtime
 * window, and the API-call bars; and a screenshot is a PNG of the asked size showing the phases'
 * colours. Skips without chromium, fails instead with {@code -Dpv2hvm.lab.required=true} (CI).
 */
@Tag("lab")
class HtmlReportBrowserTest {
    private static final String SCALE = System.getProperty("pv2hvm.emulator.timeScale", "0.002");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsChromium() {
        if (chromium() != null) {
            return;
        }
        String message = "chromium is not installed (apt-get install chromium)";
        if (Boolean.getBoolean(LabPrerequisites.REQUIRED_PROPERTY)) {
            throw new AssertionError(message + " (and -D" + LabPrerequisites.REQUIRED_PROPERTY + "=true makes it mandatory)");
        }
        Assumptions.abort(message + "; skipping (set -D" + LabPrerequisites.REQUIRED_PROPERTY + "=true to fail instead)");
    }

    @Test
    void sandboxReport_rendersEveryStepBar_theDowntimeWindow_andTheApiCalls() throws Exception {
        Path page = sandboxReport();
        // A page of ours frames the report and writes what the browser laid out into its own DOM,
        // which --dump-dom prints. The report itself has no script.
        Path probe = dir.resolve("probe.html");
        Files.writeString(probe, """
                <!DOCTYPE html><html><body>
                <iframe id="r" src="report.html" width="1000" height="4000"></iframe>
                <pre id="out"></pre>
                <script>
                document.getElementById('r').onload = function () {
                  var d = this.contentDocument, out = [];
                  function w(e) { return e.getBoundingClientRect().width; }
                  var timeline = d.querySelector('svg[aria-label="timeline of the steps"]');
                  timeline.querySelectorAll('rect').forEach(function (r) {
                    out.push((r.id === 'downtime' ? 'downtime ' : 'bar ') + w(r).toFixed(1) + ' '
                      + r.getAttribute('fill') + ' ' + (r.querySelector('title') || {}).textContent);
                  });
                  d.querySelectorAll('#api-calls rect').forEach(function (r) {
                    out.push('calls ' + r.getBoundingClientRect().height.toFixed(1));
                  });
                  out.push('svgwidth ' + w(timeline).toFixed(0));
                  document.getElementById('out').textContent = out.join('\\n');
                };
                </script></body></html>
                """, StandardCharsets.UTF_8);

        String dom = run(List.of("--dump-dom", "--allow-file-access-from-files", "--virtual-time-budget=10000",
                probe.toUri().toString()));

        String out = dom.substring(dom.indexOf("<pre id=\"out\">") + 14, dom.indexOf("</pre>"));
        Map<String, Double> stepWidths = new LinkedHashMap<>();
        double downtime = -1;
        List<Double> callBars = new ArrayList<>();
        int svgWidth = 0;
        for (String line : out.split("\n")) {
            String[] f = line.split(" ", 4);
            switch (f[0]) {
                case "bar" -> stepWidths.put(f[3].substring(0, f[3].indexOf(" (")), Double.parseDouble(f[1]));
                case "downtime" -> downtime = Double.parseDouble(f[1]);
                case "calls" -> callBars.add(Double.parseDouble(f[1]));
                case "svgwidth" -> svgWidth = Integer.parseInt(f[1]);
                default -> { }
            }
        }
        String html = Files.readString(page);
        assertThat(stepWidths).as("the browser laid out a bar per step:\n" + out).hasSizeGreaterThan(20)
                .containsKeys("preflight", "stop-source").allSatisfy((step, width) -> assertThat(width).isPositive());
        stepWidths.keySet().forEach(step -> assertThat(html).contains(">" + step + "</text>"));
        assertThat(downtime).as("the downtime window is drawn with a width").isPositive();
        assertThat(callBars).as("API calls over time").hasSizeGreaterThan(5).allSatisfy(h -> assertThat(h).isPositive());
        assertThat(svgWidth).isEqualTo(230 + 640 + 20);
    }

    @Test
    void screenshotOfTheSandboxReport_isAPngOfTheAskedSize_showingThePhaseColours() throws Exception {
        Path page = sandboxReport();
        Path png = dir.resolve("report.png");

        run(List.of("--hide-scrollbars", "--window-size=1000,1400", "--screenshot=" + png, page.toUri().toString()));

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG was written").isNotNull();
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(1400);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        assertThat(colours).as("not blank").hasSizeGreaterThan(20)
                .as("bars of PREPARE, CONVERT and REGISTER steps, and the API-call bars")
                .contains(0x4c78a8, 0x72b7b2, 0x54a24b);
        Files.copy(png, Path.of("target", "report-sandbox.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private Path sandboxReport() throws IOException {
        Path page = dir.resolve("report.html");
        Cli.Run run = Cli.run("sandbox", "--guest", "simulated", "--time-scale", SCALE, "--progress", "none",
                "--report", page.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        return page;
    }

    /** Runs headless Chromium (as root it needs --no-sandbox) and returns what it printed on stdout. */
    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(args);
        Path stdout = dir.resolve("chromium.out");
        Path stderr = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(stderr));
        }
        assertThat(p.exitValue()).as("chromium: " + Files.readString(stderr)).isZero();
        return Files.readString(stdout);
    }

    private static String chromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(d, name))) {
                    return Path.of(d, name).toString();
                }
            }
        }
        return null;
    }
}
