package io.pv2hvm.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.pv2hvm.testkit.internal.EmulatorCore;
import io.pv2hvm.testkit.internal.http.EmulatorTransformer;
import io.pv2hvm.testkit.internal.sts.Principals;
import io.pv2hvm.testkit.spi.BootHook;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.world.World;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;

/**
 * A stateful emulator of the EC2 Query API (version 2016-11-15), the SSM JSON API and the STS
 * Query API (2011-06-15: AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity) on a local
 * HTTP port, and IAM Identity Center's GetRoleCredentials ({@link Builder#ssoAccessToken}), for
 * the real AWS SDK clients through {@code endpointOverride}.
 *
 * <p>Credentials: told of access keys ({@link Builder#accessKey}), it refuses every other key as
 * EC2, SSM and STS do; told of none, it accepts any key. Temporary credentials its STS issued
 * ({@link #issuedCredentials()}) always need their session token and expire. Each
 * {@link RecordedCall} names the access key id that signed it. Signatures are not verified.
 *
 * <p>Use it directly ({@link #start()}, {@link #stop()}, or try-with-resources), or in JUnit 5
 * tests through {@code Ec2EmulatorExtension} of the {@code pv2hvm-sdk-testkit-junit5} module.
 *
 * <pre>{@code
 * try (Ec2Emulator aws = Ec2Emulator.builder().world(World.defaultWorld()).build().start();
 *      Ec2Client ec2 = aws.ec2Client()) {
 *     ec2.describeInstances();
 * }
 * }</pre>
 *
 * <p>Each {@link #start()} (and {@link #reset()}) loads the world afresh. Thread-safe.
 */
public final class Ec2Emulator implements AutoCloseable {

    /** The region the emulator claims to be. */
    public static final String REGION = "us-east-1";

    /**
     * An eventual-consistency window in EC2's time for {@link Builder#eventualConsistency}. AWS
     * publishes no figure; it says a new id "might not have propagated throughout the system" and
     * advises describing with backoff from a couple of seconds up to a few minutes
     * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html). 10 s is an assumption:
     * longer than the first looks of a poll that starts with a couple of seconds, so a client
     * meets both a NotFound after a create and a stale state after a change.
     */
    public static final Duration REALISTIC_CONSISTENCY_WINDOW = Duration.ofSeconds(10);

    private final Builder config;
    private final RequestJournal journal = new RequestJournal();
    private final Faults faults;
    private final AtomicReference<EmulatorCore> core = new AtomicReference<>();
    private volatile ThrottlingPolicy throttling;
    private volatile SsmCommandExecutor ssmExecutor;
    private WireMockServer server;
    private ExecutorService background;

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
        core.get().model.releaseDisks();
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
        core.getAndSet(newCore()).model.releaseDisks();
    }

    private EmulatorCore newCore() {
        SsmCommandExecutor exec = (command) -> ssmExecutor.execute(command);
        return new EmulatorCore(config.world, config.clock, config.latency, throttling, consistencyWindow(),
                config.seed, config.bootHook, exec, background, config.diskDirectory,
                new Principals(config.clock, config.seed, config.accessKeys, config.roles), config.ssoTokens);
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

    /** The temporary credentials the emulator's STS issued since the last start or reset, oldest first. */
    public List<IssuedCredentials> issuedCredentials() {
        requireRunning();
        return core.get().principals.issued();
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

    /**
     * The eventual-consistency window on the emulator's clock (an {@link Builder#eventualConsistency}
     * window already scaled): how long a new id may be NotFound and a describe may show the state
     * before a change. A test that checks the truth after an operation waits this long first, as a
     * client of EC2 would.
     */
    public Duration consistencyWindow() {
        return config.ec2ConsistencyWindow != null ? config.latency.scaled(config.ec2ConsistencyWindow)
                : config.consistencyWindow;
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
     * Fault injection in the model: the next {@code times} RegisterImage calls whose image name
     * starts with {@code namePrefix} succeed (an image id, state {@code pending}) and the image
     * then ends {@code failed} instead of {@code available} after the registration latency, with
     * the state reason EC2 gives (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html,
     * State and StateReason). Forgotten on {@link #reset()}.
     *
     * @throws IllegalArgumentException if the prefix is blank or {@code times} is not positive
     */
    public void failImageRegistrations(String namePrefix, int times) {
        requireRunning();
        if (namePrefix == null || namePrefix.isBlank()) {
            throw new IllegalArgumentException("namePrefix must name the images to fail, e.g. \"pv2hvm-backup-\"");
        }
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + times);
        }
        core.get().failImageRegistrations(namePrefix, times);
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

    /**
     * The filesystem a volume or snapshot holds as seeded ({@link io.pv2hvm.testkit.world.VolumeSeed#filesystem}),
     * carried from volume to snapshot to volume; what a simulated worker's blkid reads.
     */
    public Optional<io.pv2hvm.testkit.world.FilesystemSeed> filesystem(String volumeOrSnapshotId) {
        requireRunning();
        return core.get().filesystem(volumeOrSnapshotId);
    }

    // ------------------------------------------------------------------ SDK clients

    /**
     * A new EC2 client of this emulator ({@link #ec2ClientBuilder()} as is); the caller closes it.
     *
     * @throws IllegalStateException if the emulator is not running
     */
    public Ec2Client ec2Client() {
        return ec2ClientBuilder().build();
    }

    /**
     * A new SSM client of this emulator ({@link #ssmClientBuilder()} as is); the caller closes it.
     *
     * @throws IllegalStateException if the emulator is not running
     */
    public SsmClient ssmClient() {
        return ssmClientBuilder().build();
    }

    /**
     * A new STS client of this emulator, configured as {@link #ec2ClientBuilder()}; the caller closes it.
     *
     * @throws IllegalStateException if the emulator is not running
     */
    public StsClient stsClient() {
        return stsClientBuilder().build();
    }

    /**
     * An EC2 client builder for this emulator: its endpoint, {@value #REGION}, the first
     * {@link Builder#accessKey} (else a dummy key, which the emulator then accepts), Apache 5 HTTP
     * and the SDK's standard retries. Set interceptors, metric publishers or {@code maxAttempts(1)}
     * on it; {@code overrideConfiguration(...)} replaces the standard retries, so set the retry
     * strategy there too.
     *
     * @throws IllegalStateException if the emulator is not running
     */
    public Ec2ClientBuilder ec2ClientBuilder() {
        return configure(Ec2Client.builder(), endpoint(), credentials());
    }

    /**
     * An SSM client builder for this emulator, configured as {@link #ec2ClientBuilder()}.
     *
     * @throws IllegalStateException if the emulator is not running
     */
    public SsmClientBuilder ssmClientBuilder() {
        return configure(SsmClient.builder(), endpoint(), credentials());
    }

    /**
     * An STS client builder for this emulator, configured as {@link #ec2ClientBuilder()}.
     *
     * @throws IllegalStateException if the emulator is not running
     */
    public StsClientBuilder stsClientBuilder() {
        return configure(StsClient.builder(), endpoint(), credentials());
    }

    /**
     * An EC2 client builder for an emulator known only by its endpoint (one in another process,
     * such as {@link Ec2EmulatorMain}), configured as {@link #ec2ClientBuilder()} with a dummy key.
     */
    public static Ec2ClientBuilder ec2ClientBuilder(URI endpoint) {
        return configure(Ec2Client.builder(), Objects.requireNonNull(endpoint, "endpoint"), DUMMY_CREDENTIALS);
    }

    /** An SSM client builder for an emulator known only by its endpoint, as {@link #ec2ClientBuilder(URI)}. */
    public static SsmClientBuilder ssmClientBuilder(URI endpoint) {
        return configure(SsmClient.builder(), Objects.requireNonNull(endpoint, "endpoint"), DUMMY_CREDENTIALS);
    }

    /** The emulator accepts any key until it is told of one; this is not a secret. */
    private static final StaticCredentialsProvider DUMMY_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAEMULATOR", "emulator-not-a-secret"));

    private StaticCredentialsProvider credentials() {
        return config.accessKeys.entrySet().stream().findFirst()
                .map(k -> StaticCredentialsProvider.create(AwsBasicCredentials.create(k.getKey(), k.getValue())))
                .orElse(DUMMY_CREDENTIALS);
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, URI endpoint, StaticCredentialsProvider credentials) {
        // 64 connections: as many as the server's default threads, so a fleet of calls never queues in the client.
        return builder.endpointOverride(endpoint).region(Region.of(REGION)).credentialsProvider(credentials)
                .httpClientBuilder(Apache5HttpClient.builder().maxConnections(64))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
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
        private Duration ec2ConsistencyWindow;
        private long seed = 42;
        private BootHook bootHook;
        private SsmCommandExecutor ssmExecutor = new RecordingSsmExecutor();
        private Path diskDirectory;
        private final Map<String, String> accessKeys = new LinkedHashMap<>();
        private final Map<String, Duration> roles = new LinkedHashMap<>();
        private final java.util.Set<String> ssoTokens = new java.util.LinkedHashSet<>();

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
            b.ec2ConsistencyWindow = ec2ConsistencyWindow;
            b.seed = seed;
            b.bootHook = bootHook;
            b.ssmExecutor = ssmExecutor;
            b.diskDirectory = diskDirectory;
            b.accessKeys.putAll(accessKeys);
            b.roles.putAll(roles);
            b.ssoTokens.addAll(ssoTokens);
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
        /**
         * How long a just-created resource stays NotFound, and describes of a changed one show its
         * previous state (default zero; model clock time, not scaled). Replaces an
         * {@link #eventualConsistency} window.
         */
        public Builder consistencyWindow(Duration window) {
            this.consistencyWindow = requireNotNegative(window);
            this.ec2ConsistencyWindow = null;
            return this;
        }

        /**
         * The same window in EC2's time, scaled by the latency model's time scale like every
         * transition (10 s at time scale 0.002 is 20 ms); {@link #REALISTIC_CONSISTENCY_WINDOW} for
         * tests that should meet eventual consistency as on EC2. Replaces a {@link #consistencyWindow}.
         */
        public Builder eventualConsistency(Duration ec2Window) {
            this.ec2ConsistencyWindow = requireNotNegative(ec2Window);
            this.consistencyWindow = Duration.ZERO;
            return this;
        }

        private static Duration requireNotNegative(Duration d) {
            if (Objects.requireNonNull(d, "window").isNegative()) {
                throw new IllegalArgumentException("a consistency window cannot be negative: " + d);
            }
            return d;
        }
        /** Seed for ids and random faults (default 42). */
        public Builder seed(long seed) { this.seed = seed; return this; }
        /** Hook booting instances' disks; its serial log becomes GetConsoleOutput. */
        public Builder bootHook(BootHook hook) { this.bootHook = hook; return this; }
        /** Executor for SSM commands (default a {@link RecordingSsmExecutor} answering success). */
        public Builder ssmExecutor(SsmCommandExecutor executor) { this.ssmExecutor = Objects.requireNonNull(executor); return this; }
        /** Directory for disk image copies; when set, every new empty volume also gets a sparse file. */
        public Builder diskDirectory(Path dir) { this.diskDirectory = dir; return this; }

        /**
         * A long-term access key of the emulator's account ({@value Principals#HOME_ACCOUNT}). Once
         * one is given, calls signed with any other key are refused: EC2 {@code AuthFailure}, SSM
         * {@code UnrecognizedClientException}, STS {@code InvalidClientTokenId}
         * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html,
         * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). Default: none, and
         * any key is accepted.
         */
        public Builder accessKey(String accessKeyId, String secretAccessKey) {
            if (accessKeyId == null || !accessKeyId.matches("[A-Z0-9]{16,128}") || secretAccessKey == null
                    || secretAccessKey.isEmpty()) {
                throw new IllegalArgumentException("an access key id is 16 to 128 upper-case letters and digits"
                        + " (e.g. AKIAIOSFODNN7EXAMPLE) with a non-empty secret; got " + accessKeyId);
            }
            accessKeys.put(accessKeyId, secretAccessKey);
            return this;
        }

        /** A role that may be assumed, with IAM's default MaxSessionDuration of one hour. */
        public Builder role(String roleArn) {
            return role(roleArn, Principals.DEFAULT_MAX_SESSION);
        }

        /**
         * A role that may be assumed, sessions up to {@code maxSession} (IAM allows 1 to 12 hours,
         * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html). Once
         * one is given, assuming any other role is {@code AccessDenied}. Default: none, and any
         * well-formed role ARN may be assumed for up to one hour.
         */
        public Builder role(String roleArn, Duration maxSession) {
            Objects.requireNonNull(roleArn, "roleArn");
            if (maxSession.compareTo(Duration.ofHours(1)) < 0 || maxSession.compareTo(Duration.ofHours(12)) > 0) {
                throw new IllegalArgumentException("a role's MaxSessionDuration is 1 to 12 hours; got " + maxSession);
            }
            roles.put(roleArn, maxSession);
            return this;
        }

        /**
         * The IAM Identity Center access token of a signed-in user (what {@code aws sso login} caches):
         * the portal's GetRoleCredentials answers it the credentials of a role ({@link #role}), any
         * other token {@code UnauthorizedException}. Point the SDK's portal client here with
         * {@code AWS_ENDPOINT_URL_SSO}. Default: none.
         */
        public Builder ssoAccessToken(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("an SSO access token must not be blank");
            }
            ssoTokens.add(token);
            return this;
        }

        /** The emulator, not yet started. */
        public Ec2Emulator build() {
            return new Ec2Emulator(this);
        }
    }
}
