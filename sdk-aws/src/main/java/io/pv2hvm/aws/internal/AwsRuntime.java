package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsTimeouts;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.StepContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the AWS steps of one migration share: the EC2 operations, the SSM client, settings, and
 * the worker transport (made once the worker is known, unless the user gave one).
 *
 * <p>Lazy: the EC2 operations and the SSM client are made on first use, so building the steps
 * (for a plan) builds no SDK client and needs no region. Closing it closes the worker transports
 * it made and the clients it was told it owns (the defaults a run created), never a client or
 * transport the user gave.
 */
public final class AwsRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AwsRuntime.class);

    private final Supplier<Ec2Resources> ec2;
    private final Supplier<SsmClient> ssm;
    private final AwsCalls calls;
    private final AwsTimeouts timeouts;
    private final AwsSettings settings;
    private final Function<String, CommandTransport> workerTransports;
    private final Map<String, CommandTransport> transports = new ConcurrentHashMap<>();
    /** What this runtime closes after its transports, in reverse order: the clients its run created. */
    private final List<AutoCloseable> owned;
    private volatile boolean closed;

    /**
     * @param workerTransports makes the transport to a worker, given its instance id, when the
     *                         spec names none (SSM by default; SSH when the provider was told how)
     */
    public AwsRuntime(Ec2Resources ec2, SsmClient ssm, AwsSettings settings,
                      Function<String, CommandTransport> workerTransports) {
        this(() -> ec2, () -> ssm, ec2.calls(), ec2.timeouts(), settings, workerTransports, List.of());
    }

    private AwsRuntime(Supplier<Ec2Resources> ec2, Supplier<SsmClient> ssm, AwsCalls calls, AwsTimeouts timeouts,
                       AwsSettings settings, Function<String, CommandTransport> workerTransports,
                       List<AutoCloseable> owned) {
        this.ec2 = memoize(ec2);
        this.ssm = memoize(ssm);
        this.calls = Objects.requireNonNull(calls, "calls");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.settings = settings;
        this.workerTransports = workerTransports;
        this.owned = owned;
    }

    /**
     * A runtime that makes its EC2 operations and SSM client on first use.
     *
     * @param calls  the calls of this migration, counted whether or not a client was made yet
     * @param owned  closed by {@link #close()} after the transports, last first: the clients the
     *               run created (a list the suppliers add to as they make them); never the user's
     */
    public static AwsRuntime lazy(Supplier<Ec2Resources> ec2, Supplier<SsmClient> ssm, AwsCalls calls,
                                  AwsTimeouts timeouts, AwsSettings settings,
                                  Function<String, CommandTransport> workerTransports, List<AutoCloseable> owned) {
        return new AwsRuntime(ec2, ssm, calls, timeouts, settings, workerTransports, owned);
    }

    /** AWS API calls this run made, EC2 and SSM. */
    public long apiCalls() {
        return calls.total();
    }

    /** The EC2 operations (made on first use). */
    public Ec2Resources ec2() {
        return ec2.get();
    }

    /** How long to wait for EC2, and how often to look. */
    public AwsTimeouts timeouts() {
        return timeouts;
    }

    /** The worker settings. */
    public AwsSettings settings() {
        return settings;
    }

    /** The source as preflight read it (from the journal, so it survives the source's termination; decoded once per run). */
    public SourceInstance source(StepContext ctx) {
        return ctx.find(AwsFacts.SOURCE).orElseThrow(() -> new JournalException("The journal of "
                + ctx.migrationId() + " has no source description; preflight must run first."));
    }

    /** The worker instance id. */
    public String worker(StepContext ctx) {
        return ctx.find(AwsFacts.WORKER).orElseThrow(() -> new JournalException("No worker is journaled for "
                + ctx.migrationId() + "; the launch-worker step must run first."));
    }

    /** The transport to the worker: the spec's, else the provider's kind (SSM unless set otherwise) to the worker. */
    public CommandTransport transport(StepContext ctx) {
        CommandTransport t = ctx.options().transport().orElseGet(() -> transports.computeIfAbsent(worker(ctx), workerTransports));
        // What an SSM command waits for is this step's to show.
        return t instanceof io.pv2hvm.aws.SsmTransport ssmTransport ? ssmTransport.reportingWaitsTo(ctx::waitingFor) : t;
    }

    /** The SSM client (made on first use). */
    public SsmClient ssm() {
        return ssm.get();
    }

    /**
     * Closes the worker transports this runtime made, then the clients it owns, last made first.
     * Idempotent; never throws: a failure is logged and the rest are still closed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> all = new ArrayList<>(transports.values());
        transports.clear();
        synchronized (owned) {
            List<AutoCloseable> clients = new ArrayList<>(owned);
            Collections.reverse(clients);
            all.addAll(clients);
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", c, e.toString());
            }
        }
    }

    /** {@code make}, called once, on first use. */
    static <T> Supplier<T> memoize(Supplier<T> make) {
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
}
