package io.pv2hvm.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.pv2hvm.testkit.internal.EmulatorCore;
import io.pv2hvm.testkit.internal.http.EmulatorTransformer;
import io.pv2hvm.testkit.spi.BootHook;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.world.World;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A stateful emulator of the EC2 Query API (version 2016-11-15) and the SSM JSON API on a
 * local HTTP port, for the real AWS SDK clients through {@code endpointOverride}.
 *
 * <p>Use it directly ({@link #start()}, {@link #stop()}) or as a JUnit 5 extension: on a
 * static {@code @RegisterExtension} field it runs for the class, on an instance field for
 * each test; test methods may take it as a parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static Ec2Emulator aws = Ec2Emulator.builder().world(World.defaultWorld()).build();
 *
 * Ec2Client ec2 = Ec2Client.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
 *     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s"))).build();
 * }</pre>
 *
 * <p>Each {@link #start()} (and {@link #reset()}) loads the world afresh. Thread-safe.
 */
public final class Ec2Emulator implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver, AutoCloseable {

    /** The region the emulator claims to be. */
    public static final String REGION = "us-east-1";

    private final Builder config;
    private final RequestJournal journal = new RequestJournal();
    private final Faults faults;
    private final AtomicReference<EmulatorCore> core = new AtomicReference<>();
    private volatile ThrottlingPolicy throttling;
    private volatile SsmCommandExecutor ssmExecutor;
    private WireMockServer server;
    private ExecutorService background;
    private boolean startedPerTest;

    private Ec2Emulator(Builder b) {
        this.config = b.copy();
        this.faults = new Faults(b.seed);
        this.throttling = b.throttling;
        this.ssmExecutor = b.ssmExecutor;
    }

    /** A builder with the default world, realistic latencies at the system-property time scale, and no throttling. */
    public static Builder builder() {
        return new Builder();
    }

    /** An emulator with every default (see {@link #builder()}). */
    public static Ec2Emulator create() {
        return builder().build();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Starts the HTTP server and loads the world; a no-op when already running. */
    public synchronized Ec2Emulator start() {
        if (server != null) {
            return this;
        }
        AtomicInteger threads = new AtomicInteger();
        background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ec2-emulator-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        core.set(newCore());
        WireMockConfiguration options = options()
                .port(config.port)
                .bindAddress(config.bindAddress)
                .containerThreads(config.serverThreads)
                .jettyAcceptors(1)
                .disableRequestJournal()
                .gzipDisabled(true)
                // The emulator is configured through this class, never through WireMock's admin API.
                .adminAuthenticator(request -> false)
                .extensions(new EmulatorTransformer(core::get, journal, faults));
        server = new WireMockServer(options);
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
        server.start();
        return this;
    }

    /** Stops the server and the background work; a no-op when not running. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.stop();
        server = null;
        background.shutdownNow();
        background = null;
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** True between {@link #start()} and {@link #stop()}. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Reloads the world and forgets journal, faults and throttling state, keeping the server up. */
    public synchronized void reset() {
        requireRunning();
        journal.clear();
        faults.clear();
        core.set(newCore());
    }

    private EmulatorCore newCore() {
        SsmCommandExecutor exec = (command) -> ssmExecutor.execute(command);
        return new EmulatorCore(config.world, config.clock, config.latency, throttling, config.consistencyWindow,
                config.seed, config.bootHook, exec, background, config.diskDirectory);
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException("the emulator is not running; call start() first");
        }
    }

    // ------------------------------------------------------------------ accessors

    /** The HTTP port. */
    public synchronized int port() {
        requireRunning();
        return server.port();
    }

    /** The endpoint to pass to {@code endpointOverride} (http://localhost:port). */
    public URI endpoint() {
        return URI.create("http://" + ("0.0.0.0".equals(config.bindAddress) ? "localhost" : config.bindAddress) + ":" + port());
    }

    /** Every call answered so far. */
    public RequestJournal journal() {
        return journal;
    }

    /** The fault injection switchboard. */
    public Faults faults() {
        return faults;
    }

    /** The clock driving the model (a {@link ManualClock} when the test supplied one). */
    public Clock clock() {
        return config.clock;
    }

    /** The latency model. */
    public LatencyModel latency() {
        return config.latency;
    }

    /** Switches throttling at runtime, for EC2 and SSM alike; the buckets start full. */
    public void throttling(ThrottlingPolicy policy) {
        this.throttling = Objects.requireNonNull(policy);
        EmulatorCore c = core.get();
        if (c != null) {
            c.ec2.throttling(policy);
            c.ssm.throttling(policy);
        }
    }

    /** Replaces the SSM command executor for commands sent from now on. */
    public void ssmExecutor(SsmCommandExecutor executor) {
        this.ssmExecutor = Objects.requireNonNull(executor);
    }

    /** The SSM command executor in use (by default a {@link RecordingSsmExecutor}). */
    public SsmCommandExecutor ssmExecutor() {
        return ssmExecutor;
    }

    /**
     * Tells the emulator that a guest or worker wrote {@code bytes} to a volume. Nothing reaches
     * the model's volumes otherwise (it has no data plane unless file-backed), and snapshots are
     * incremental: the next snapshot of the volume takes longer by the written data's share.
     */
    public void recordWrite(String volumeId, long bytes) {
        requireRunning();
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count: " + bytes);
        }
        core.get().recordWrite(volumeId, bytes);
    }

    /** The disk image file behind a volume or snapshot, when it is file-backed. */
    public Optional<Path> diskImage(String volumeOrSnapshotId) {
        requireRunning();
        return core.get().diskImage(volumeOrSnapshotId);
    }

    // ------------------------------------------------------------------ JUnit 5

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (server == null) {
            startedPerTest = true;
            start();
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (startedPerTest) {
            startedPerTest = false;
            stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Ec2Emulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }

    /** Configures an {@link Ec2Emulator}. */
    public static final class Builder {
        private int port;
        private String bindAddress = "localhost";
        private int serverThreads = 64;
        private World world = World.defaultWorld();
        private Clock clock = Clock.systemUTC();
        private LatencyModel latency = LatencyModel.fromSystemProperty();
        private ThrottlingPolicy throttling = ThrottlingPolicy.disabled();
        private Duration consistencyWindow = Duration.ZERO;
        private long seed = 42;
        private BootHook bootHook;
        private SsmCommandExecutor ssmExecutor = new RecordingSsmExecutor();
        private Path diskDirectory;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.port = port;
            b.bindAddress = bindAddress;
            b.serverThreads = serverThreads;
            b.world = world;
            b.clock = clock;
            b.latency = latency;
            b.throttling = throttling;
            b.consistencyWindow = consistencyWindow;
            b.seed = seed;
            b.bootHook = bootHook;
            b.ssmExecutor = ssmExecutor;
            b.diskDirectory = diskDirectory;
            return b;
        }

        /** The port to listen on; 0 (default) picks a free one. */
        public Builder port(int port) { this.port = port; return this; }
        /** The address to bind (default localhost). */
        public Builder bindAddress(String address) { this.bindAddress = Objects.requireNonNull(address); return this; }
        /** HTTP worker threads (default 64, enough for fleets of concurrent clients). */
        public Builder serverThreads(int threads) { this.serverThreads = threads; return this; }
        /** The starting world (default {@link World#defaultWorld()}). */
        public Builder world(World world) { this.world = Objects.requireNonNull(world); return this; }
        /** The clock for transitions, throttling and consistency (default system UTC; tests may pass a {@link ManualClock}). */
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }
        /** The latency model (default realistic at the {@value LatencyModel#TIME_SCALE_PROPERTY} scale). */
        public Builder latency(LatencyModel latency) { this.latency = Objects.requireNonNull(latency); return this; }
        /** Throttling (default disabled; {@link ThrottlingPolicy#documented()} for EC2's buckets). */
        public Builder throttling(ThrottlingPolicy policy) { this.throttling = Objects.requireNonNull(policy); return this; }
        /** How long a just-created resource stays invisible (default zero; model clock time, not scaled). */
        public Builder consistencyWindow(Duration window) { this.consistencyWindow = Objects.requireNonNull(window); return this; }
        /** Seed for ids and random faults (default 42). */
        public Builder seed(long seed) { this.seed = seed; return this; }
        /** Hook booting instances' disks; its serial log becomes GetConsoleOutput. */
        public Builder bootHook(BootHook hook) { this.bootHook = hook; return this; }
        /** Executor for SSM commands (default a {@link RecordingSsmExecutor} answering success). */
        public Builder ssmExecutor(SsmCommandExecutor executor) { this.ssmExecutor = Objects.requireNonNull(executor); return this; }
        /** Directory for disk image copies; when set, every new empty volume also gets a sparse file. */
        public Builder diskDirectory(Path dir) { this.diskDirectory = dir; return this; }

        /** The emulator, not yet started. */
        public Ec2Emulator build() {
            return new Ec2Emulator(this);
        }
    }
}
