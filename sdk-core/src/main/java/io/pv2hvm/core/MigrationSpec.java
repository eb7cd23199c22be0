package io.pv2hvm.core;

import io.github.resilience4j.retry.RetryRegistry;
import io.pv2hvm.core.internal.SpecAccess;
import io.pv2hvm.core.internal.engine.Engine;
import io.pv2hvm.core.journal.FileJournal;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.Journal;
import io.pv2hvm.core.spi.Sleeper;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepProvider;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What a migration will do, built fluently from {@code Migration.of(id).toHvm()}. Immutable:
 * every {@code with...} method returns a new spec, so a spec can be shared and varied.
 * Finish with {@link #plan()} (dry run), {@link #run()} or {@link #runAsync()}.
 *
 * <pre>{@code
 * MigrationResult r = Migration.of("i-0abc123def4567890").toHvm()
 *         .preservingIps()
 *         .withInstanceType("m5.large")
 *         .run();
 * }</pre>
 */
public final class MigrationSpec {
    private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9]+");
    private static final Pattern STEP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    static {
        // The engine's getters live behind SpecAccess (internal), not on the type users see.
        SpecAccess.install(spec -> spec.new Access());
    }

    private final Fields f;

    private MigrationSpec(Fields f) {
        this.f = f;
    }

    static MigrationSpec forInstance(String instanceId) {
        Fields f = new Fields();
        f.instanceId = instanceId;
        return new MigrationSpec(f);
    }

    /**
     * Keep the source's private IPs, Elastic IPs and secondary ENIs on the new instance.
     *
     * @throws InvalidSpecException after {@link #keepingSource()}: an IP moves only once the source is gone
     */
    public MigrationSpec preservingIps() {
        if (f.keepSource) {
            throw conflict();
        }
        return with(x -> x.preserveIps = true);
    }

    /** Launch the HVM instance as this type instead of the source's (or its documented successor). */
    public MigrationSpec withInstanceType(String instanceType) {
        if (instanceType == null || !INSTANCE_TYPE.matcher(instanceType).matches()) {
            throw new InvalidSpecException("'" + instanceType + "' is not an EC2 instance type: expected family.size,"
                    + " e.g. m5.large or t3.micro.");
        }
        return with(x -> x.instanceType = instanceType);
    }

    /** Make the bootable copy this way; by default IN_PLACE where the filesystem allows it, else PARTITION_COPY. */
    public MigrationSpec withStrategy(ConversionStrategy strategy) {
        return with(x -> x.strategy = Objects.requireNonNull(strategy, "strategy"));
    }

    /** Send worker commands through this transport (SSH, SSM, local) instead of the provider's default. */
    public MigrationSpec withTransport(CommandTransport transport) {
        return with(x -> x.transport = Objects.requireNonNull(transport, "transport"));
    }

    /** Use this worker: an existing instance, or one launched from a given image. */
    public MigrationSpec withWorker(Worker worker) {
        return with(x -> x.worker = Objects.requireNonNull(worker, "worker"));
    }

    /** Reuse an existing instance as the worker; shorthand for {@code withWorker(Worker.existing(id))}. */
    public MigrationSpec withWorker(String workerInstanceId) {
        return withWorker(Worker.existing(workerInstanceId));
    }

    /** The retry policy of every step that has no policy of its own. */
    public MigrationSpec withRetryPolicy(RetryPolicy policy) {
        return with(x -> x.retryPolicy = Objects.requireNonNull(policy, "policy"));
    }

    /** The retry policy of one step, by name, instead of the default one. An unknown name fails at plan or run time. */
    public MigrationSpec withRetryPolicy(String stepName, RetryPolicy policy) {
        requireStepName(stepName);
        Objects.requireNonNull(policy, "policy");
        return with(x -> x.stepRetries.put(stepName, policy));
    }

    /**
     * Keep each step's Resilience4j {@code Retry} in {@code registry}, named after the step, so that
     * metrics bound to it see every step's attempts, e.g. resilience4j-micrometer's
     * {@code TaggedRetryMetrics.ofRetryRegistry(registry)}. Migrations that share the registry (a
     * fleet) share each step's {@code Retry} while their policies for it are equal; a step run with
     * another policy replaces the step's {@code Retry} (its counts start again). Default: none.
     */
    public MigrationSpec withRetryRegistry(RetryRegistry registry) {
        return with(x -> x.retryRegistry = Objects.requireNonNull(registry, "registry"));
    }

    /** Adds a step of yours at the end of {@code phase}, after the phase's own steps. */
    public MigrationSpec withStepAfter(Phase phase, Step step) {
        return withUserStep(phase, step, false);
    }

    /** Adds a step of yours at the start of {@code phase}, before the phase's own steps (e.g. drain before CUTOVER). */
    public MigrationSpec withStepBefore(Phase phase, Step step) {
        return withUserStep(phase, step, true);
    }

    /** Registers a step provider explicitly; without any, providers are found with {@link java.util.ServiceLoader}. */
    public MigrationSpec withProvider(StepProvider provider) {
        return with(x -> x.providers.add(Objects.requireNonNull(provider, "provider")));
    }

    /** Adds a listener of the migration's events (progress, steps, resources, warnings). */
    public MigrationSpec withListener(MigrationListener listener) {
        return with(x -> x.listeners.add(Objects.requireNonNull(listener, "listener")));
    }

    /** Journal to this journal instead of {@code ~/.pv2hvm/journal}. */
    public MigrationSpec withJournal(Journal journal) {
        return with(x -> x.journal = Objects.requireNonNull(journal, "journal"));
    }

    /**
     * Leave the source instance (stopped) instead of terminating it after cutover.
     *
     * @throws InvalidSpecException after {@link #preservingIps()}: an IP moves only once the source is gone
     */
    public MigrationSpec keepingSource() {
        if (f.preserveIps) {
            throw conflict();
        }
        return with(x -> x.keepSource = true);
    }

    private static InvalidSpecException conflict() {
        return new InvalidSpecException("keepingSource() and preservingIps() exclude each other: a private IP"
                + " can only move to the new instance once the source is terminated. Drop one of them.");
    }

    /**
     * Accept that the data on the source's instance-store (ephemeral) volumes is lost: an HVM
     * instance gets fresh, empty ones. Without this, preflight refuses such an instance.
     */
    public MigrationSpec acceptingInstanceStoreLoss() {
        return with(x -> x.acceptInstanceStoreLoss = true);
    }

    /**
     * Accept that a CloudFormation-managed source drifts from its stack: the stack keeps naming
     * the terminated (or stopped) source, and a later stack update may replace or recreate it.
     * Without this, preflight refuses an instance tagged {@code aws:cloudformation:stack-name}.
     */
    public MigrationSpec acceptingStackDrift() {
        return with(x -> x.acceptStackDrift = true);
    }

    /**
     * A check the trial instance must pass before cutover, e.g. {@code curl -fsS http://$TRIAL_IP/health}.
     * It runs on the worker (same VPC) with {@code TRIAL_IP} set to the trial instance's private IP;
     * exit 0 means healthy.
     */
    public MigrationSpec withHealthCommand(String command) {
        if (command == null || command.isBlank() || command.indexOf('\0') >= 0) {
            throw new InvalidSpecException("A health command must be a non-empty shell command line.");
        }
        return with(x -> x.healthCommand = command);
    }

    /** Give the migration this id (lowercase letters, digits, '-') instead of a generated one. */
    public MigrationSpec withMigrationId(String migrationId) {
        if (migrationId == null || !migrationId.matches("[a-z0-9][a-z0-9-]{2,62}")) {
            throw new InvalidSpecException("'" + migrationId + "' is not a migration id: use lowercase letters,"
                    + " digits and '-', 3 to 63 characters.");
        }
        return with(x -> x.migrationId = migrationId);
    }

    /** Use this clock for timings and timestamps (tests use a fixed or fake one). */
    public MigrationSpec withClock(Clock clock) {
        return with(x -> x.clock = Objects.requireNonNull(clock, "clock"));
    }

    /** Use this sleeper for every wait (tests use a fake one so retries take no real time). */
    public MigrationSpec withSleeper(Sleeper sleeper) {
        return with(x -> x.sleeper = Objects.requireNonNull(sleeper, "sleeper"));
    }

    /** The dry run: the ordered steps, what each will create or change, and the downtime window. Changes nothing. */
    public MigrationPlan plan() {
        return new Engine(this).plan();
    }

    /** Runs the migration to the end, or rolls back and throws. */
    public MigrationResult run() {
        return new Engine(this).run();
    }

    /** Runs the migration on a new thread; cancelling the future stops at the next safe point and rolls back. */
    public MigrationFuture runAsync() {
        return new Engine(this).runAsync(runnable -> {
            Thread t = new Thread(runnable, "pv2hvm-" + f.instanceId);
            t.setDaemon(true);
            t.start();
        });
    }

    /** Runs the migration on the given executor. */
    public MigrationFuture runAsync(Executor executor) {
        return new Engine(this).runAsync(Objects.requireNonNull(executor, "executor"));
    }

    /**
     * A read-only view of what was set here, as steps and providers see it: it cannot run, plan or
     * change the migration. Every setting a user reads back is read here.
     */
    public MigrationOptions options() {
        return new Options(f);
    }

    private static Map<String, String> persistent(Fields f) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("instanceId", f.instanceId);
        m.put("preserveIps", Boolean.toString(f.preserveIps));
        m.put("keepSource", Boolean.toString(f.keepSource));
        m.put("acceptInstanceStoreLoss", Boolean.toString(f.acceptInstanceStoreLoss));
        m.put("acceptStackDrift", Boolean.toString(f.acceptStackDrift));
        if (f.healthCommand != null) {
            m.put("healthCommand", f.healthCommand);
        }
        if (f.instanceType != null) {
            m.put("instanceType", f.instanceType);
        }
        if (f.strategy != null) {
            m.put("strategy", f.strategy.name());
        }
        f.worker.instanceId().ifPresent(id -> m.put("worker.instanceId", id));
        f.worker.imageId().ifPresent(id -> m.put("worker.imageId", id));
        return m;
    }

    /** A spec that continues the migration {@code migrationId}, with the journaled options. */
    static MigrationSpec resumed(String migrationId, Map<String, String> options, Journal journal) {
        String instanceId = options.get("instanceId");
        if (instanceId == null) {
            throw new JournalException("The journal of " + migrationId + " does not name its instance; it was not"
                    + " written by pv2hvm.");
        }
        Fields f = new Fields();
        f.instanceId = InstanceIds.requireValid(instanceId, "instance id in the journal");
        f.migrationId = migrationId;
        f.resuming = true;
        f.journal = journal;
        f.preserveIps = Boolean.parseBoolean(options.get("preserveIps"));
        f.keepSource = Boolean.parseBoolean(options.get("keepSource"));
        f.instanceType = options.get("instanceType");
        f.acceptInstanceStoreLoss = Boolean.parseBoolean(options.get("acceptInstanceStoreLoss"));
        f.acceptStackDrift = Boolean.parseBoolean(options.get("acceptStackDrift"));
        f.healthCommand = options.get("healthCommand");
        if (options.containsKey("strategy")) {
            f.strategy = ConversionStrategy.valueOf(options.get("strategy"));
        }
        if (options.containsKey("worker.instanceId")) {
            f.worker = Worker.existing(options.get("worker.instanceId"));
        } else if (options.containsKey("worker.imageId")) {
            f.worker = Worker.launchedFrom(options.get("worker.imageId"));
        }
        return new MigrationSpec(f);
    }

    @Override
    public String toString() {
        return "MigrationSpec" + persistent(f);
    }

    private MigrationSpec withUserStep(Phase phase, Step step, boolean before) {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(step, "step");
        requireStepName(step.name());
        return with(x -> (before ? x.before : x.after).computeIfAbsent(phase, p -> new ArrayList<>()).add(step));
    }

    private static void requireStepName(String name) {
        if (name == null || !STEP_NAME.matcher(name).matches()) {
            throw new InvalidSpecException("'" + name + "' is not a step name: use lowercase letters, digits and"
                    + " '-', e.g. drain-load-balancer.");
        }
    }

    private MigrationSpec with(Consumer<Fields> change) {
        Fields copy = f.copy();
        change.accept(copy);
        return new MigrationSpec(copy);
    }

    /** What the user set, read-only; steps get this instead of the spec. */
    private static final class Options implements MigrationOptions {
        private final Fields f;

        Options(Fields f) {
            this.f = f;
        }

        @Override
        public String instanceId() {
            return f.instanceId;
        }

        @Override
        public boolean preservingIps() {
            return f.preserveIps;
        }

        @Override
        public boolean keepingSource() {
            return f.keepSource;
        }

        @Override
        public boolean acceptingInstanceStoreLoss() {
            return f.acceptInstanceStoreLoss;
        }

        @Override
        public boolean acceptingStackDrift() {
            return f.acceptStackDrift;
        }

        @Override
        public Optional<String> instanceType() {
            return Optional.ofNullable(f.instanceType);
        }

        @Override
        public Optional<ConversionStrategy> strategy() {
            return Optional.ofNullable(f.strategy);
        }

        @Override
        public Worker worker() {
            return f.worker;
        }

        @Override
        public Optional<CommandTransport> transport() {
            return Optional.ofNullable(f.transport);
        }

        @Override
        public Optional<String> healthCommand() {
            return Optional.ofNullable(f.healthCommand);
        }

        @Override
        public String toString() {
            return "MigrationOptions" + persistent(f);
        }
    }

    /** The engine's view of this spec, handed out by {@link SpecAccess#of}. */
    private final class Access extends SpecAccess {
        @Override
        public MigrationSpec spec() {
            return MigrationSpec.this;
        }

        @Override
        public String instanceId() {
            return f.instanceId;
        }

        @Override
        public Optional<String> migrationId() {
            return Optional.ofNullable(f.migrationId);
        }

        @Override
        public boolean resuming() {
            return f.resuming;
        }

        @Override
        public RetryPolicy retryPolicyFor(String stepName) {
            return f.stepRetries.getOrDefault(stepName, f.retryPolicy);
        }

        @Override
        public Map<String, RetryPolicy> stepRetryPolicies() {
            return Map.copyOf(f.stepRetries);
        }

        @Override
        public Optional<RetryRegistry> retryRegistry() {
            return Optional.ofNullable(f.retryRegistry);
        }

        @Override
        public List<Step> stepsBefore(Phase phase) {
            return List.copyOf(f.before.getOrDefault(phase, List.of()));
        }

        @Override
        public List<Step> stepsAfter(Phase phase) {
            return List.copyOf(f.after.getOrDefault(phase, List.of()));
        }

        @Override
        public List<StepProvider> providers() {
            return List.copyOf(f.providers);
        }

        @Override
        public List<MigrationListener> listeners() {
            return List.copyOf(f.listeners);
        }

        @Override
        public Journal journal() {
            return f.journal != null ? f.journal : FileJournal.defaultLocation();
        }

        @Override
        public Clock clock() {
            return f.clock;
        }

        @Override
        public Sleeper sleeper() {
            return f.sleeper;
        }

        @Override
        public Map<String, String> persistentOptions() {
            return persistent(f);
        }
    }

    /** The mutable state behind one immutable spec; copied on every change. */
    private static final class Fields {
        String instanceId;
        String migrationId;
        boolean resuming;
        boolean preserveIps;
        String instanceType;
        ConversionStrategy strategy;
        CommandTransport transport;
        Worker worker = Worker.launched();
        RetryPolicy retryPolicy = RetryPolicy.defaultPolicy();
        Map<String, RetryPolicy> stepRetries = new LinkedHashMap<>();
        RetryRegistry retryRegistry;
        Map<Phase, List<Step>> before = new EnumMap<>(Phase.class);
        Map<Phase, List<Step>> after = new EnumMap<>(Phase.class);
        List<StepProvider> providers = new ArrayList<>();
        List<MigrationListener> listeners = new ArrayList<>();
        Journal journal;
        boolean keepSource;
        boolean acceptInstanceStoreLoss;
        boolean acceptStackDrift;
        String healthCommand;
        Clock clock = Clock.systemUTC();
        Sleeper sleeper = Sleeper.system();

        Fields copy() {
            Fields c = new Fields();
            c.instanceId = instanceId;
            c.migrationId = migrationId;
            c.resuming = resuming;
            c.preserveIps = preserveIps;
            c.instanceType = instanceType;
            c.strategy = strategy;
            c.transport = transport;
            c.worker = worker;
            c.retryPolicy = retryPolicy;
            c.stepRetries = new LinkedHashMap<>(stepRetries);
            c.retryRegistry = retryRegistry;
            before.forEach((p, l) -> c.before.put(p, new ArrayList<>(l)));
            after.forEach((p, l) -> c.after.put(p, new ArrayList<>(l)));
            c.providers = new ArrayList<>(providers);
            c.listeners = new ArrayList<>(listeners);
            c.journal = journal;
            c.keepSource = keepSource;
            c.acceptInstanceStoreLoss = acceptInstanceStoreLoss;
            c.acceptStackDrift = acceptStackDrift;
            c.healthCommand = healthCommand;
            c.clock = clock;
            c.sleeper = sleeper;
            return c;
        }
    }
}
