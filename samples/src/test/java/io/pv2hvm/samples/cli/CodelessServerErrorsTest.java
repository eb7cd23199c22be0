package io.pv2hvm.samples.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against an endpoint that answers every request with a proxy's HTML 502 and no AWS error
 * code (a load balancer or VPC endpoint in the path failing): the command retries a bounded number
 * of times with its own settings, then ends with exit 1 and a message naming the action and the
 * status, never a NullPointerException.
 */
class CodelessServerErrorsTest {
    private static final String PAGE = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
    /** The SDK client's attempts (STANDARD: 3) times the default step retry policy's attempts (3). */
    private static final int MOST_REQUESTS_PER_FAILING_STEP = 3 * 3;

    @TempDir
    Path journalDir;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(502, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void migrate_endsWithExit1_namingTheActionAndTheStatus_afterBoundedRetries() {
        Cli.Run run = Cli.run("migrate", "i-0123456789abcdef0", "--preserve-ips", "--yes", "--endpoint-url", endpoint(),
                "--journal-dir", journalDir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("DescribeInstances", "HTTP 502", "502 Bad Gateway")
                .doesNotContain("NullPointerException");
        assertThat(requests.get()).as("requests: bounded retries").isBetween(2, MOST_REQUESTS_PER_FAILING_STEP);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void inventory_endsWithExit1_namingTheActionAndTheStatus_afterBoundedRetries() {
        Cli.Run run = Cli.run("inventory", "--endpoint-url", endpoint());

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("DescribeInstances", "HTTP 502", "502 Bad Gateway")
                .doesNotContain("NullPointerException");
        assertThat(requests.get()).as("requests: the SDK's own bounded retries").isBetween(2, 3);
    }
}
