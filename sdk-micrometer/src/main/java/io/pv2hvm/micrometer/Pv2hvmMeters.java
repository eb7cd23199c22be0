package io.pv2hvm.micrometer;

/**
 * The names and tags of the meters {@link Pv2hvmMetrics} registers, for dashboards and alerts.
 * Names are Micrometer's dotted form; a Prometheus registry exports {@code pv2hvm.step.duration}
 * as {@code pv2hvm_step_duration_seconds_count}, {@code _sum} and {@code _max}.
 */
public final class Pv2hvmMeters {
    /** Timer: how long each step ran; tags {@link #STEP}, {@link #PHASE}, {@link #OUTCOME}. */
    public static final String STEP_DURATION = "pv2hvm.step.duration";
    /** Counter: completed steps rolled back; tags {@link #STEP}, {@link #PHASE}. */
    public static final String STEP_COMPENSATIONS = "pv2hvm.step.compensations";
    /** Timer: each run or resume, from its start to its end; tag {@link #OUTCOME}. */
    public static final String MIGRATION_DURATION = "pv2hvm.migration.duration";
    /**
     * Timer: the downtime window (the CUTOVER phase), recorded when it closes: from the first
     * CUTOVER step's start to the last one's end, or, when the migration failed, to the end of
     * its rollback (which restarts or relaunches the source); tag {@link #OUTCOME}.
     */
    public static final String DOWNTIME = "pv2hvm.downtime";
    /** Gauge: migrations running in this process now (a fleet's concurrency). */
    public static final String MIGRATIONS_RUNNING = "pv2hvm.migrations.running";
    /** Gauge: migrations inside their downtime window now. */
    public static final String MIGRATIONS_IN_DOWNTIME = "pv2hvm.migrations.in.downtime";
    /** Timer: AWS API calls as the client made them (SDK retries inside); tags {@link #SERVICE}, {@link #ACTION}, {@link #OUTCOME}. */
    public static final String AWS_CALLS = "pv2hvm.aws.calls";
    /** Counter: attempts AWS refused as throttling (e.g. {@code RequestLimitExceeded}); tags {@link #SERVICE}, {@link #ACTION}. */
    public static final String AWS_THROTTLED = "pv2hvm.aws.throttled";
    /** Counter: attempts the AWS SDK retried; tags {@link #SERVICE}, {@link #ACTION}. */
    public static final String AWS_RETRIES = "pv2hvm.aws.retries";
    /** Timer: waits for a permit of pv2hvm's rate limits ({@code Ec2RateLimits}); tags {@link #ACTION}, {@link #CATEGORY}. */
    public static final String RATE_LIMIT_WAIT = "pv2hvm.ratelimit.wait";

    /** Tag: the step's name, e.g. {@code launch-hvm-instance}. */
    public static final String STEP = "step";
    /** Tag: the step's phase, e.g. {@code cutover}. */
    public static final String PHASE = "phase";
    /** Tag: {@code succeeded} or {@code failed}. */
    public static final String OUTCOME = "outcome";
    /** Tag, opt-in ({@link Pv2hvmMetrics#taggingMigrationIds}): the migration id. */
    public static final String MIGRATION_ID = "migration.id";
    /** Tag: the AWS service, e.g. {@code EC2}, {@code SSM}. */
    public static final String SERVICE = "service";
    /** Tag: the API action, e.g. {@code DescribeInstances}. */
    public static final String ACTION = "action";
    /** Tag: the action's EC2 throttling category, e.g. {@code mutating}. */
    public static final String CATEGORY = "category";

    /** Tag value of {@link #OUTCOME}. */
    public static final String SUCCEEDED = "succeeded";
    /** Tag value of {@link #OUTCOME}. */
    public static final String FAILED = "failed";

    private Pv2hvmMeters() {
    }
}
