package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.steps.WorkerImages;
import io.pv2hvm.aws.internal.steps.convert.InspectGuestStep;
import io.pv2hvm.aws.internal.steps.convert.ReadDataVolumesStep;
import io.pv2hvm.aws.internal.steps.convert.ConvertStep;
import io.pv2hvm.aws.internal.steps.preflight.SourceOnSsmCheckStep;
import io.pv2hvm.aws.internal.steps.preflight.PreflightStep;
import io.pv2hvm.aws.internal.steps.preflight.PreflightCheck;
import io.pv2hvm.aws.internal.steps.register.RegisterImageStep;
import io.pv2hvm.aws.internal.steps.confirm.VerifyNewInstanceStep;
import io.pv2hvm.aws.internal.steps.cutover.AssociateElasticIpsStep;
import io.pv2hvm.aws.internal.steps.cutover.StopSourceStep;
import io.pv2hvm.aws.internal.steps.cutover.HoldForDataVolumesStep;
import io.pv2hvm.aws.internal.steps.cutover.MoveSourceRootStep;
import io.pv2hvm.aws.internal.steps.cutover.AwaitBootStep;
import io.pv2hvm.aws.internal.steps.cutover.MoveSecondaryInterfacesStep;
import io.pv2hvm.aws.internal.steps.cutover.LaunchHvmInstanceStep;
import io.pv2hvm.aws.internal.steps.cutover.SnapshotConvertedStep;
import io.pv2hvm.aws.internal.steps.cutover.MoveDataVolumesStep;
import io.pv2hvm.aws.internal.steps.cutover.BackupImageStep;
import io.pv2hvm.aws.internal.steps.cutover.ReleaseQuarantineStep;
import io.pv2hvm.aws.internal.steps.cutover.TerminateSourceStep;
import io.pv2hvm.aws.internal.steps.cleanup.CleanupStep;
import io.pv2hvm.aws.internal.steps.prepare.SnapshotRootStep;
import io.pv2hvm.aws.internal.steps.prepare.PrepareSourceStep;
import io.pv2hvm.aws.internal.steps.prepare.LaunchWorkerStep;
import io.pv2hvm.aws.internal.steps.prepare.SnapshotDataVolumesStep;
import io.pv2hvm.aws.internal.steps.prepare.PreChangeSnapshotStep;
import io.pv2hvm.aws.internal.steps.prepare.AttachScratchVolumeStep;
import io.pv2hvm.aws.internal.steps.verify.PrepareFinalTargetStep;
import io.pv2hvm.aws.internal.steps.verify.VerifyTrialStep;
import io.pv2hvm.aws.internal.steps.verify.TrialSecurityGroupStep;
import io.pv2hvm.aws.internal.steps.verify.ProtectVolumesStep;
import io.pv2hvm.aws.internal.AwsCalls;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsSettings;
import io.pv2hvm.aws.internal.Ec2Resources;
import io.pv2hvm.aws.internal.FleetReads;
import io.pv2hvm.aws.internal.Round;
import io.pv2hvm.aws.internal.SharedPolls;
import io.pv2hvm.aws.internal.SsmPolls;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.spi.RunEnvironment;
import io.pv2hvm.core.spi.RunSession;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.MigrationOptions;
import io.pv2hvm.core.guest.GuestConversion;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.ProvidedStep;
import io.pv2hvm.core.spi.Sleeper;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepProvider;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The EC2 steps of a migration: preflight, trial conversion and boot, cutover, cleanup.
 *
 * <pre>{@code
 * AwsSteps aws = AwsSteps.builder().ec2(Ec2Client.create()).ssm(SsmClient.create()).build();
 * Migration.of("i-0abc...").toHvm().preservingIps().withProvider(aws).run();
 * }</pre>
 *
 * <p>Without an explicit provider, the engine finds one through {@link java.util.ServiceLoader}:
 * the no-argument constructor uses the AWS SDK's default region and credential chains.
 */
public final class AwsSteps implements StepProvider {
    /**
     * Canonical's public SSM parameter naming the current Ubuntu Server 24.04 LTS amd64 image
     * (gp3 root), the default worker image: Ubuntu Server AMIs ship the SSM agent (as a snap;
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/ami-preinstalled-agent.html) and apt
     * has every conversion tool (https://documentation.ubuntu.com/aws/aws-how-to/instances/find-ubuntu-images/).
     */
    public static final String UBUNTU_24_04_PARAMETER =
            "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id";

    /** The clients a plan and the provider-scoped paths use: the given ones, else the defaults made on first use. */
    private final Supplier<Ec2Client> ec2;
    private final Supplier<SsmClient> ssm;
    /** Whether {@link #ec2} / {@link #ssm} were given (by the user or a fleet): a run then never makes nor closes its own. */
    private final boolean ec2Given;
    private final boolean ssmGiven;
    /** How a run makes the default clients it then owns and closes (the SDK's default chains). */
    private final Supplier<Ec2Client> defaultEc2;
    private final Supplier<SsmClient> defaultSsm;
    private final Supplier<StsClient> sts;
    private final AwsTimeouts timeouts;
    private final AwsSettings settings;
    private final boolean dryRunPermissionChecks;
    private final GuestConversion guest;
    private final Function<String, CommandTransport> workerTransport;
    private final Ec2RateLimits rateLimits;
    /** Told about each migration's {@link AwsCalls} (instance id, calls); a fleet adds up its figures. */
    private final BiConsumer<String, AwsCalls> callsObserver;
    /** The poll rounds the migrations of one fleet share (per account); null: each migration polls on its own. */
    private final Supplier<SharedPolls> sharedPolls;
    /** DUAL_BOOT's way to the running source: SSM on it ({@link #SOURCE_OVER_SSM}), a transport by private IP, or null (none). */
    private final Function<String, CommandTransport> sourceTransport;
    /** Marks {@link Builder#sourceOverSsm()}: SSM Run Command on the source instance itself. */
    private static final Function<String, CommandTransport> SOURCE_OVER_SSM = ip -> {
        throw new IllegalStateException("the SSM marker is never applied");
    };
    /** The SSM poll rounds the migrations of one fleet share (per account); null: each migration polls on its own. */
    private final Supplier<SsmPolls> sharedSsmPolls;
    /** The reads of what does not change that one fleet's migrations share (per account); null: each reads its own. */
    private final Supplier<FleetReads> fleetReads;

    /** For ServiceLoader: default clients (region and credentials from the SDK's default chains), made on first use. */
    public AwsSteps() {
        this(new Builder());
    }

    private AwsSteps(Builder b) {
        Ec2Client givenEc2 = b.ec2;
        SsmClient givenSsm = b.ssm;
        this.defaultEc2 = b.defaultEc2;
        this.defaultSsm = b.defaultSsm;
        this.ec2Given = givenEc2 != null;
        this.ssmGiven = givenSsm != null;
        this.ec2 = givenEc2 != null ? () -> givenEc2 : memoize(defaultEc2);
        this.ssm = givenSsm != null ? () -> givenSsm : memoize(defaultSsm);
        StsClient givenSts = b.sts;
        this.sts = givenSts != null ? () -> givenSts : memoize(this::defaultSts);
        this.timeouts = b.timeouts;
        this.settings = new AwsSettings(b.workerInstanceType, b.workerImageParameter, b.workerInstanceProfile,
                b.workerSubnetId, b.workerKeyName, List.copyOf(b.workerSecurityGroupIds));
        this.workerTransport = b.workerTransport;
        this.dryRunPermissionChecks = b.dryRunPermissionChecks;
        this.guest = b.guest;
        this.rateLimits = b.rateLimits;
        this.callsObserver = (id, calls) -> { };
        this.sharedPolls = null;
        this.sourceTransport = b.sourceTransport;
        this.sharedSsmPolls = null;
        this.fleetReads = null;
    }

    private AwsSteps(AwsSteps base, Supplier<Ec2Client> ec2, Supplier<SsmClient> ssm, Ec2RateLimits rateLimits,
                     BiConsumer<String, AwsCalls> callsObserver) {
        this.ec2 = ec2;
        this.ssm = ssm;
        // A fleet's clients are the fleet's to close (FleetSpec), never one migration's.
        this.ec2Given = true;
        this.ssmGiven = true;
        this.defaultEc2 = base.defaultEc2;
        this.defaultSsm = base.defaultSsm;
        this.sts = base.sts;
        this.timeouts = base.timeouts;
        this.settings = base.settings;
        this.workerTransport = base.workerTransport;
        this.dryRunPermissionChecks = base.dryRunPermissionChecks;
        this.guest = base.guest;
        this.rateLimits = rateLimits;
        this.callsObserver = callsObserver;
        this.sharedPolls = memoize(() -> new SharedPolls(ec2.get(), timeouts.poll()));
        this.sourceTransport = base.sourceTransport;
        this.sharedSsmPolls = memoize(() -> new SsmPolls(ssm.get(), timeouts.poll()));
        this.fleetReads = memoize(FleetReads::new);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "aws";
    }

    /** The client-side rate limits every call of these steps takes a permit from. */
    public Ec2RateLimits rateLimits() {
        return rateLimits;
    }

    /**
     * These steps with other rate limits, telling {@code callsObserver} each migration's calls as
     * the migration starts (for a fleet's figures). Clients and settings are shared, and so are
     * the poll rounds of the migrations they run (one fleet: {@link SharedPolls}).
     */
    AwsSteps observed(Ec2RateLimits limits, BiConsumer<String, AwsCalls> observer) {
        return new AwsSteps(this, ec2, ssm, Objects.requireNonNull(limits), Objects.requireNonNull(observer));
    }

    /**
     * These steps in another account: the same settings, clients signed with {@code roleArn}'s
     * credentials ({@link AccountClients}, made on first use and registered in {@code opened} for
     * the caller to close), and that account's rate limits.
     */
    AwsSteps inAccount(String roleArn, Ec2RateLimits limits, BiConsumer<String, AwsCalls> observer,
                       List<AutoCloseable> opened) {
        Supplier<AccountClients> clients = memoize(() -> {
            AccountClients c = new AccountClients(roleArn, sts.get(), ec2.get(), ssm.get());
            synchronized (opened) {
                opened.add(c);
            }
            return c;
        });
        return new AwsSteps(this, () -> clients.get().ec2(), () -> clients.get().ssm(), Objects.requireNonNull(limits),
                Objects.requireNonNull(observer));
    }

    /** STS in the EC2 client's region with its credentials, at the SDK's STS endpoint (AWS_ENDPOINT_URL_STS moves it). */
    private StsClient defaultSts() {
        var config = ec2.get().serviceClientConfiguration();
        return StsClient.builder().region(config.region()).credentialsProvider(config.credentialsProvider()).build();
    }

    /**
     * The steps, for a plan: building them makes no SDK client and needs no region (the clients
     * are made on first use, by a run). A run gets its own through
     * {@link #open(MigrationOptions, RunEnvironment)}, which closes what the run made.
     */
    @Override
    public List<ProvidedStep> steps(MigrationOptions options) {
        return steps(options, new Scope(ec2, ssm, List.of(), Waits.PLAN));
    }

    /**
     * One run's steps over its own default clients (when none were given), and what they hold
     * open. The engine closes the session when the run ends: that closes the worker transports
     * the run made and those default clients, never a client the user or a fleet gave.
     */
    @Override
    public RunSession open(MigrationOptions options, RunEnvironment environment) {
        Session session = openScope(options, Waits.of(environment), this::steps);
        return RunSession.of(session.steps(), session);
    }

    /** One run's scope (its own default clients, unless given) and the steps {@code stepsOf} builds over it. */
    private Session openScope(MigrationOptions options, Waits waits,
                              java.util.function.BiFunction<MigrationOptions, Scope, List<ProvidedStep>> stepsOf) {
        List<AutoCloseable> owned = java.util.Collections.synchronizedList(new ArrayList<>());
        Scope scope = new Scope(ec2Given ? ec2 : memoize(() -> owning(defaultEc2.get(), owned)),
                ssmGiven ? ssm : memoize(() -> owning(defaultSsm.get(), owned)), owned, waits);
        return new Session(stepsOf.apply(options, scope), scope);
    }

    private static <T extends AutoCloseable> T owning(T made, List<AutoCloseable> owned) {
        owned.add(made);
        return made;
    }

    private List<ProvidedStep> steps(MigrationOptions options, Scope scope) {
        if (options.keepingSource() && options.preservingIps()) {
            throw new InvalidSpecException("keepingSource() and preservingIps() exclude each other: a private IP"
                    + " can only move to the new instance once the source is terminated. Drop one of them.");
        }
        if (options.strategy().orElse(null) == ConversionStrategy.DUAL_BOOT) {
            return dualBootSteps(options, scope);
        }
        AwsRuntime aws = runtime(options, new AwsCalls(rateLimits), scope);
        boolean keepIps = options.preservingIps();
        List<ProvidedStep> steps = new ArrayList<>();
        add(steps, Phase.PREFLIGHT, new PreflightStep(aws, preflightChecks()));
        add(steps, Phase.PREPARE, SnapshotRootStep.trial(aws));
        add(steps, Phase.PREPARE, new SnapshotDataVolumesStep(aws));
        add(steps, Phase.PREPARE, new LaunchWorkerStep(aws));
        add(steps, Phase.PREPARE, new AttachScratchVolumeStep(aws, Round.TRIAL));
        add(steps, Phase.CONVERT, new ReadDataVolumesStep(aws));
        add(steps, Phase.CONVERT, new ConvertStep(aws, Round.TRIAL, guest));
        add(steps, Phase.REGISTER, new RegisterImageStep(aws, Round.TRIAL));
        add(steps, Phase.VERIFY, new TrialSecurityGroupStep(aws));
        add(steps, Phase.VERIFY, new VerifyTrialStep(aws));
        if (keepIps) {
            // Harmless while the source runs, so it stays out of the downtime window.
            add(steps, Phase.VERIFY, new ProtectVolumesStep(aws));
        }
        add(steps, Phase.VERIFY, new PrepareFinalTargetStep(aws));
        // The window. With kept IPs the source is terminated, so its own root is converted in place
        // once its final snapshot was started (a snapshot keeps the data of the moment it was
        // requested): no volume has to be made from that snapshot inside the window. The final
        // snapshot, the converted volume's snapshot, the termination and the IP release each run
        // while later steps work; only the step that needs a result waits for it.
        add(steps, Phase.CUTOVER, new StopSourceStep(aws));
        add(steps, Phase.CUTOVER, SnapshotRootStep.finalRound(aws));
        add(steps, Phase.CUTOVER, MoveDataVolumesStep.fromSource(aws));
        if (keepIps) {
            add(steps, Phase.CUTOVER, MoveSecondaryInterfacesStep.fromSource(aws));
            add(steps, Phase.CUTOVER, new MoveSourceRootStep(aws));
            add(steps, Phase.CUTOVER, new ConvertStep(aws, Round.FINAL, guest));
            add(steps, Phase.CUTOVER, new SnapshotConvertedStep(aws));
            // The termination starts as soon as the backup image is registered from the completed
            // final snapshot (not yet available: a rollback waits for that), before the HVM image's
            // registration waits for the converted snapshot; the launch waits for the HVM image and the IP.
            add(steps, Phase.CUTOVER, new BackupImageStep(aws));
            add(steps, Phase.CUTOVER, new TerminateSourceStep(aws));
            add(steps, Phase.CUTOVER, new RegisterImageStep(aws, Round.FINAL));
        } else {
            // The source stays: its root is never touched; the final round converts a copy.
            add(steps, Phase.CUTOVER, new BackupImageStep(aws));
            add(steps, Phase.CUTOVER, new AttachScratchVolumeStep(aws, Round.FINAL));
            add(steps, Phase.CUTOVER, new ConvertStep(aws, Round.FINAL, guest));
            add(steps, Phase.CUTOVER, new SnapshotConvertedStep(aws));
            add(steps, Phase.CUTOVER, new RegisterImageStep(aws, Round.FINAL));
        }
        addLaunchUntilServing(steps, aws, keepIps);
        return steps;
    }

    /**
     * DUAL_BOOT (opt-in): the running source itself is prepared to boot both ways, after a kept
     * snapshot of its root; the trial image is a snapshot taken after that change, and in the
     * window the final snapshot of the stopped source is registered as the HVM image as it is,
     * next to the backup image made from the same snapshot: nothing is converted inside the window.
     */
    private List<ProvidedStep> dualBootSteps(MigrationOptions options, Scope scope) {
        if (sourceTransport == null) {
            throw new InvalidSpecException("DUAL_BOOT changes the running source " + options.instanceId() + " and needs a"
                    + " transport to it, and none is configured. Use AwsSteps.builder().sourceOverSsm() (CLI: --source-over-ssm; the source's SSM"
                    + " agent online: an instance profile whose role has AmazonSSMManagedInstanceCore, or Default Host"
                    + " Management) or .sourceTransport(ip -> your SSH transport) (CLI: --source-over-ssh), or choose"
                    + " IN_PLACE or PARTITION_COPY,"
                    + " which never change the running source.");
        }
        AwsCalls calls = new AwsCalls(rateLimits);
        AwsRuntime aws = runtime(options, calls, scope);
        boolean keepIps = options.preservingIps();
        // Each transport to the source is the run's: the session closes it when the run ends.
        Function<String, CommandTransport> toSource =
                instanceId -> scope.own(sourceTransportTo(instanceId, aws, calls, scope.waits));
        List<ProvidedStep> steps = new ArrayList<>();
        add(steps, Phase.PREFLIGHT, new PreflightStep(aws, preflightChecks()));
        if (sourceTransport == SOURCE_OVER_SSM) {
            add(steps, Phase.PREFLIGHT, new SourceOnSsmCheckStep(aws));
        }
        add(steps, Phase.PREPARE, new PreChangeSnapshotStep(aws));
        add(steps, Phase.PREPARE, new SnapshotDataVolumesStep(aws));
        add(steps, Phase.PREPARE, new LaunchWorkerStep(aws));
        add(steps, Phase.CONVERT, new ReadDataVolumesStep(aws));
        add(steps, Phase.CONVERT, new PrepareSourceStep(aws, guest, toSource));
        add(steps, Phase.CONVERT, SnapshotRootStep.trial(aws));
        add(steps, Phase.REGISTER, RegisterImageStep.fromSourceSnapshot(aws, Round.TRIAL));
        add(steps, Phase.VERIFY, new TrialSecurityGroupStep(aws));
        add(steps, Phase.VERIFY, new VerifyTrialStep(aws));
        if (keepIps) {
            add(steps, Phase.VERIFY, new ProtectVolumesStep(aws));
        }
        add(steps, Phase.CUTOVER, new StopSourceStep(aws));
        add(steps, Phase.CUTOVER, SnapshotRootStep.finalRound(aws));
        add(steps, Phase.CUTOVER, MoveDataVolumesStep.fromSource(aws));
        if (keepIps) {
            add(steps, Phase.CUTOVER, MoveSecondaryInterfacesStep.fromSource(aws));
        }
        // Both images come from the one final snapshot; the termination starts once the backup
        // image is registered (a rollback waits for it to be available), before anything waits for either.
        add(steps, Phase.CUTOVER, new BackupImageStep(aws));
        if (keepIps) {
            add(steps, Phase.CUTOVER, new TerminateSourceStep(aws));
        }
        add(steps, Phase.CUTOVER, RegisterImageStep.fromSourceSnapshot(aws, Round.FINAL));
        addLaunchUntilServing(steps, aws, keepIps);
        return steps;
    }

    /** From the final image on, every strategy alike: launch, move volumes, interfaces and addresses, serve, confirm, clean up. */
    private static void addLaunchUntilServing(List<ProvidedStep> steps, AwsRuntime aws, boolean keepIps) {
        add(steps, Phase.CUTOVER, new LaunchHvmInstanceStep(aws));
        add(steps, Phase.CUTOVER, HoldForDataVolumesStep.stop(aws));
        add(steps, Phase.CUTOVER, MoveDataVolumesStep.toNewInstance(aws));
        if (keepIps) {
            add(steps, Phase.CUTOVER, MoveSecondaryInterfacesStep.toNewInstance(aws));
            add(steps, Phase.CUTOVER, new AssociateElasticIpsStep(aws));
        }
        add(steps, Phase.CUTOVER, HoldForDataVolumesStep.release(aws));
        add(steps, Phase.CUTOVER, new ReleaseQuarantineStep(aws));
        add(steps, Phase.CUTOVER, new AwaitBootStep(aws));
        add(steps, Phase.CONFIRM, new VerifyNewInstanceStep(aws));
        add(steps, Phase.CLEANUP, new CleanupStep(aws));
    }

    /** DUAL_BOOT's transport to the running source: SSM Run Command on it, or the configured one by its private IP. */
    private CommandTransport sourceTransportTo(String instanceId, AwsRuntime aws, AwsCalls calls, Waits waits) {
        if (sourceTransport == SOURCE_OVER_SSM) {
            return SsmTransport.builder().client(aws.ssm()).instanceId(instanceId).maxPoll(timeouts.poll())
                    .sleeper(waits.sleeper()).clock(waits.clock()).calls(calls).agentTimeout(timeouts.agentOnline()).acceptanceWindow(timeouts.poll().multipliedBy(6)).build();
        }
        return sourceTransport.apply(aws.ec2().instance(instanceId).map(Instance::privateIpAddress)
                .orElseThrow(() -> new AwsCallException(Ec2Action.DESCRIBE_INSTANCES.awsName(), "InvalidInstanceID.NotFound",
                        "Source " + instanceId + " has no private IP visible; resume to try again.", null, true)));
    }

    /**
     * The runtime of one migration over {@code scope}'s clients. Everything that needs a client is
     * made on first use, so building steps over it (a plan) builds none.
     */
    /** Preflight's optional checks: the dry-run probes when asked for; SSM access unless workers are reached over SSH. */
    private Set<PreflightCheck> preflightChecks() {
        Set<PreflightCheck> checks = EnumSet.noneOf(PreflightCheck.class);
        if (dryRunPermissionChecks) {
            checks.add(PreflightCheck.DRY_RUN_PERMISSIONS);
        }
        if (workerTransport == null) {
            checks.add(PreflightCheck.WORKER_OVER_SSM);
        }
        return checks;
    }

    private AwsRuntime runtime(MigrationOptions options, AwsCalls calls, Scope scope) {
        callsObserver.accept(options.instanceId(), calls);
        Supplier<Ec2Resources> resources = memoize(() -> new Ec2Resources(scope.ec2.get(), calls, timeouts,
                sharedPolls != null ? sharedPolls.get() : new SharedPolls(scope.ec2.get(), timeouts.poll()),
                fleetReads != null ? fleetReads.get() : new FleetReads()));
        // Made on first use: a migration over SSH never builds an SSM client for it.
        Supplier<SsmPolls> ssmPolls = sharedSsmPolls != null ? sharedSsmPolls
                : memoize(() -> new SsmPolls(scope.ssm.get(), timeouts.poll()));
        AwsRuntime runtime = AwsRuntime.lazy(resources, scope.ssm, calls, timeouts, settings,
                worker -> transportTo(worker, resources.get(), calls, ssmPolls, scope.ssm, scope.waits.sleeper(),
                        scope.waits.clock()),
                scope.owned);
        scope.runtimes.add(runtime);
        return runtime;
    }

    /**
     * The steps of a deep inventory ({@link GuestInspection}): preflight, a copy of the running root
     * on a worker, its read-only inspection, cleanup. The source is never touched.
     */
    StepProvider inspection() {
        return new StepProvider() {
            @Override
            public String name() {
                return "aws-guest-inspection";
            }

            @Override
            public List<ProvidedStep> steps(MigrationOptions options) {
                return inspectionSteps(options, new Scope(ec2, ssm, List.of(), Waits.PLAN));
            }

            /**
             * The inspection run owns its worker transport and default clients, as a migration run
             * does, and waits on the run's clock and sleeper.
             */
            @Override
            public RunSession open(MigrationOptions options, RunEnvironment environment) {
                Session session = openScope(options, Waits.of(environment), AwsSteps.this::inspectionSteps);
                return RunSession.of(session.steps(), session);
            }
        };
    }

    private List<ProvidedStep> inspectionSteps(MigrationOptions options, Scope scope) {
        AwsRuntime aws = runtime(options, new AwsCalls(rateLimits), scope);
        List<ProvidedStep> steps = new ArrayList<>();
        add(steps, Phase.PREFLIGHT, new PreflightStep(aws, preflightChecks()));
        add(steps, Phase.PREPARE, SnapshotRootStep.trial(aws));
        add(steps, Phase.PREPARE, new LaunchWorkerStep(aws));
        add(steps, Phase.PREPARE, new AttachScratchVolumeStep(aws, Round.TRIAL));
        add(steps, Phase.CONVERT, new InspectGuestStep(aws, guest));
        add(steps, Phase.CLEANUP, new CleanupStep(aws));
        return steps;
    }

    /** The worker's transport: the one the builder was given (SSH by private IP), else SSM. */
    private CommandTransport transportTo(String worker, Ec2Resources resources, AwsCalls calls,
                                         Supplier<SsmPolls> ssmPolls, Supplier<SsmClient> ssm, Sleeper sleeper,
                                         Clock clock) {
        return workerTransport != null
                ? workerTransport.apply(resources.instance(worker).map(Instance::privateIpAddress)
                        .orElseThrow(() -> new AwsCallException(Ec2Action.DESCRIBE_INSTANCES.awsName(), "InvalidInstanceID.NotFound",
                                "Worker " + worker + " has no private IP visible yet; resume to try again.", null, true)))
                : SsmTransport.builder().client(ssm.get()).instanceId(worker).maxPoll(timeouts.poll())
                        .sleeper(sleeper).clock(clock).agentTimeout(timeouts.agentOnline()).calls(calls)
                        .polls(ssmPolls.get())
                        // as long as six polls: 30 s on AWS's default 5 s poll
                        .acceptanceWindow(timeouts.poll().multipliedBy(6)).build();
    }

    /**
     * Finds this account's worker image (tagged {@code pv2hvm:role=worker-image}, with the
     * current tools), or builds one: launches the default worker image with the worker settings
     * of this builder (profile, subnet, type, security groups), installs the conversion tools,
     * creates and tags an AMI, and terminates the builder instance. Later migrations launch their
     * workers from it, so a worker in a subnet without a package mirror needs only the SSM endpoints.
     * Run it where the worker subnet can reach a package mirror.
     *
     * @throws WorkerToolsException when the builder cannot install the tools (no mirror)
     * @throws SsmAgentOfflineException when the builder's agent never comes online
     */
    public WorkerImage prepareWorkerImage() {
        return prepareWorkerImage(Clock.systemUTC(), Sleeper.system());
    }

    /**
     * {@link #prepareWorkerImage()}, its waits and deadlines on {@code clock} and pausing through
     * {@code sleeper} (a test's fake ones take no real time).
     *
     * @throws WorkerToolsException when the builder cannot install the tools (no mirror)
     * @throws SsmAgentOfflineException when the builder's agent never comes online
     */
    public WorkerImage prepareWorkerImage(Clock clock, Sleeper sleeper) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        AwsCalls calls = new AwsCalls(rateLimits);
        Ec2Resources resources = new Ec2Resources(ec2.get(), calls, timeouts);
        return WorkerImages.findOrBuild(resources, ssm.get(), settings,
                worker -> transportTo(worker, resources, calls, memoize(() -> new SsmPolls(ssm.get(), timeouts.poll())),
                        ssm, sleeper, clock),
                sleeper, clock);
    }

    /**
     * The clock and sleeper the transports of one build of the steps wait on: a run's, from its
     * {@link RunEnvironment}; for a plan, which runs nothing, the system's.
     */
    private record Waits(Clock clock, Sleeper sleeper) {
        static final Waits PLAN = new Waits(Clock.systemUTC(), Sleeper.system());

        static Waits of(RunEnvironment environment) {
            return new Waits(environment.clock(), environment.sleeper());
        }
    }

    /**
     * The clients one build of the steps uses, the clients it made (owned), the runtimes over them
     * and the transports to the source it made.
     */
    private static final class Scope implements AutoCloseable {
        private final Supplier<Ec2Client> ec2;
        private final Supplier<SsmClient> ssm;
        private final List<AutoCloseable> owned;
        private final Waits waits;
        private final List<AwsRuntime> runtimes = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<CommandTransport> sourceTransports = java.util.Collections.synchronizedList(new ArrayList<>());

        Scope(Supplier<Ec2Client> ec2, Supplier<SsmClient> ssm, List<AutoCloseable> owned, Waits waits) {
            this.ec2 = ec2;
            this.ssm = ssm;
            this.owned = owned;
            this.waits = waits;
        }

        /** {@code transport}, closed with this scope. */
        CommandTransport own(CommandTransport transport) {
            sourceTransports.add(transport);
            return transport;
        }

        /** Closes the source transports, then each runtime (its worker transports, then its clients); never throws. */
        @Override
        public void close() {
            synchronized (sourceTransports) {
                for (CommandTransport t : sourceTransports) {
                    try {
                        t.close();
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(AwsSteps.class).warn("Closing {} failed: {}", t, e.toString());
                    }
                }
                sourceTransports.clear();
            }
            synchronized (runtimes) {
                runtimes.forEach(AwsRuntime::close);
            }
        }
    }

    /**
     * One run's steps and what they hold open ({@link #open(MigrationOptions, RunEnvironment)}); the engine's
     * {@link RunSession} closes it.
     */
    static final class Session implements AutoCloseable {
        private final List<ProvidedStep> steps;
        private final AutoCloseable resources;

        private Session(List<ProvidedStep> steps, AutoCloseable resources) {
            this.steps = List.copyOf(steps);
            this.resources = resources;
        }

        /** The run's steps. */
        List<ProvidedStep> steps() {
            return steps;
        }

        /** Closes the transports and default clients the run made; idempotent, never throws. */
        @Override
        public void close() {
            try {
                resources.close();
            } catch (Exception e) {
                // Scope.close never throws: each runtime logs its own failures.
            }
        }
    }

    private static void add(List<ProvidedStep> steps, Phase phase, Step step) {
        steps.add(new ProvidedStep(phase, step));
    }

    private static <T> Supplier<T> memoize(Supplier<T> make) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = make.get();
                }
                return value;
            }
        };
    }

    /** Builds {@link AwsSteps}. */
    public static final class Builder {
        private Ec2Client ec2;
        private SsmClient ssm;
        private StsClient sts;
        private AwsTimeouts timeouts = AwsTimeouts.defaults();
        private String workerInstanceType = "t3.small";
        private String workerImageParameter = UBUNTU_24_04_PARAMETER;
        private String workerInstanceProfile;
        private String workerSubnetId;
        private boolean dryRunPermissionChecks = true;
        private GuestConversion guest = GuestConversion.onWorker();
        private String workerKeyName;
        private List<String> workerSecurityGroupIds = List.of();
        private Function<String, CommandTransport> workerTransport;
        private Ec2RateLimits rateLimits = Ec2RateLimits.unlimited();
        private Function<String, CommandTransport> sourceTransport;
        private Supplier<Ec2Client> defaultEc2 = Ec2Client::create;
        private Supplier<SsmClient> defaultSsm = SsmClient::create;

        private Builder() {
        }

        /** How the default clients are made when none is given (tests count or refuse them). */
        Builder defaultClients(Supplier<Ec2Client> ec2, Supplier<SsmClient> ssm) {
            this.defaultEc2 = Objects.requireNonNull(ec2, "ec2");
            this.defaultSsm = Objects.requireNonNull(ssm, "ssm");
            return this;
        }

        /**
         * DUAL_BOOT's transport to the running source: SSM Run Command on the source instance itself.
         * Its SSM agent must be online (an instance profile whose role has AmazonSSMManagedInstanceCore,
         * or the account's Default Host Management Configuration), and the commands run as root there.
         * Without a source transport, a DUAL_BOOT migration is refused before anything is called.
         */
        public Builder sourceOverSsm() {
            this.sourceTransport = SOURCE_OVER_SSM;
            return this;
        }

        /**
         * DUAL_BOOT's transport to the running source over another transport, e.g. SSH as a user who
         * may run the jobs as root: {@code .sourceTransport(ip -> ssh.host(ip).build())}. The function
         * gets the source's private IP.
         */
        public Builder sourceTransport(Function<String, CommandTransport> byPrivateIp) {
            this.sourceTransport = Objects.requireNonNull(byPrivateIp, "byPrivateIp");
            return this;
        }

        /**
         * Client-side rate limits: every EC2 and SSM call takes a permit of its category first
         * (default {@link Ec2RateLimits#unlimited()}: one migration's calls rarely approach EC2's
         * buckets; a fleet brings its own). Share one instance among everything that uses the
         * same account and region.
         */
        public Builder rateLimits(Ec2RateLimits limits) {
            this.rateLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** How the guest is inspected and converted (default: the real worker scripts). */
        public Builder guestConversion(GuestConversion guest) {
            this.guest = Objects.requireNonNull(guest);
            return this;
        }

        /** The EC2 client (region, credentials, endpoint and retry strategy are the client's). */
        public Builder ec2(Ec2Client ec2) {
            this.ec2 = Objects.requireNonNull(ec2);
            return this;
        }

        /** The SSM client, for the worker's default transport and the worker image parameter. */
        public Builder ssm(SsmClient ssm) {
            this.ssm = Objects.requireNonNull(ssm);
            return this;
        }

        /**
         * The STS client that assumes the roles of a fleet's other accounts
         * ({@link FleetSpec#inAccount(String, String...)}). Default: one in the EC2 client's region,
         * signed with the EC2 client's credentials, at the SDK's STS endpoint
         * ({@code AWS_ENDPOINT_URL_STS} or the config file's {@code [services]} section move it).
         */
        public Builder sts(StsClient sts) {
            this.sts = Objects.requireNonNull(sts);
            return this;
        }

        /** How long to wait for EC2, and how often to look. */
        public Builder timeouts(AwsTimeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts);
            return this;
        }

        /** The instance type of a launched worker (default t3.small). */
        public Builder workerInstanceType(String type) {
            this.workerInstanceType = Objects.requireNonNull(type);
            return this;
        }

        /**
         * The SSM parameter naming a launched worker's image when the account has no prepared
         * worker image (default: {@link #UBUNTU_24_04_PARAMETER}). Its image must ship the SSM
         * agent (unless the worker is reached over SSH) and use apt.
         */
        public Builder workerImageParameter(String parameter) {
            this.workerImageParameter = Objects.requireNonNull(parameter);
            return this;
        }

        /**
         * The instance profile (name or ARN) of a launched worker. Over SSM (the default
         * transport) its role needs the AWS managed policy AmazonSSMManagedInstanceCore, unless
         * the account's Default Host Management Configuration is on; preflight refuses a
         * migration that has neither.
         */
        public Builder workerInstanceProfile(String profile) {
            this.workerInstanceProfile = Objects.requireNonNull(profile);
            return this;
        }

        /** Launch the worker in this subnet instead of the source's (it must be in the source's AZ). */
        public Builder workerSubnet(String subnetId) {
            this.workerSubnetId = Objects.requireNonNull(subnetId);
            return this;
        }

        /**
         * The security groups of a launched worker (default: the subnet's VPC default group).
         * Over SSM they need no inbound rule, only outbound HTTPS to the SSM endpoints.
         */
        public Builder workerSecurityGroups(String... securityGroupIds) {
            for (String g : securityGroupIds) {
                if (g == null || !g.matches("sg-[0-9a-f]{8,17}")) {
                    throw new InvalidSpecException("Worker security group '" + g + "' is not a security group id"
                            + " (sg- and 8 or 17 hex digits).");
                }
            }
            this.workerSecurityGroupIds = List.of(securityGroupIds);
            return this;
        }

        /**
         * Reach the worker over another transport than SSM, e.g. SSH:
         * {@code .workerTransport(ip -> ssh.host(ip).build(), "my-key", "sg-0allowssh")}. The function
         * gets the worker's private IP once it runs. A launched worker gets the key pair and security
         * groups named here; there is no default rule, so the group must allow this machine in.
         */
        public Builder workerTransport(Function<String, CommandTransport> byPrivateIp, String keyName,
                                       String... securityGroupIds) {
            if (securityGroupIds.length == 0) {
                throw new InvalidSpecException("A worker reached over SSH needs a security group that lets this"
                        + " machine connect; name at least one.");
            }
            this.workerTransport = Objects.requireNonNull(byPrivateIp);
            this.workerKeyName = Objects.requireNonNull(keyName);
            this.workerSecurityGroupIds = List.of(securityGroupIds);
            return this;
        }

        /** Whether preflight probes IAM permissions with DryRun calls (default true). */
        public Builder dryRunPermissionChecks(boolean enabled) {
            this.dryRunPermissionChecks = enabled;
            return this;
        }

        /** The provider. */
        public AwsSteps build() {
            return new AwsSteps(this);
        }
    }
}
