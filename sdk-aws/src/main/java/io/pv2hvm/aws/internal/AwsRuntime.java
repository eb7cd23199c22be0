package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsTimeouts;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.internal.Json;
import io.pv2hvm.core.spi.CommandTransport;
import io.pv2hvm.core.spi.StepContext;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the AWS steps of one migration share: the EC2 operations, the SSM client, settings, and
 * the worker transport (made once the worker is known, unless the user gave one).
 */
public final class AwsRuntime {
    private final Ec2Resources ec2;
    private final SsmClient ssm;
    private final AwsSettings settings;
    private final Function<String, CommandTransport> workerTransports;
    private final Map<String, CommandTransport> transports = new ConcurrentHashMap<>();

    /**
     * @param workerTransports makes the transport to a worker, given its instance id, when the
     *                         spec names none (SSM by default; SSH when the provider was told how)
     */
    public AwsRuntime(Ec2Resources ec2, SsmClient ssm, AwsSettings settings,
                      Function<String, CommandTransport> workerTransports) {
        this.ec2 = ec2;
        this.ssm = ssm;
        this.settings = settings;
        this.workerTransports = workerTransports;
    }

    /** AWS API calls this run made, EC2 and SSM. */
    public long apiCalls() {
        return ec2.calls().total();
    }

    public Ec2Resources ec2() {
        return ec2;
    }

    public AwsTimeouts timeouts() {
        return ec2.timeouts();
    }

    public AwsSettings settings() {
        return settings;
    }

    /** The source as preflight read it (from the journal, so it survives the source's termination). */
    public SourceInstance source(StepContext ctx) {
        String json = ctx.fact(FactKeys.SOURCE).orElseThrow(() -> new JournalException("The journal of "
                + ctx.migrationId() + " has no source description; preflight must run first."));
        try {
            return Json.mapper().readValue(json, SourceInstance.class);
        } catch (java.io.IOException e) {
            throw new JournalException("The source description in the journal of " + ctx.migrationId()
                    + " cannot be read", e);
        }
    }

    /** The worker instance id. */
    public String worker(StepContext ctx) {
        return ctx.fact(FactKeys.WORKER).orElseThrow(() -> new JournalException("No worker is journaled for "
                + ctx.migrationId() + "; the launch-worker step must run first."));
    }

    /** The transport to the worker: the spec's, else the provider's kind (SSM unless set otherwise) to the worker. */
    public CommandTransport transport(StepContext ctx) {
        CommandTransport t = ctx.spec().transport().orElseGet(() -> transports.computeIfAbsent(worker(ctx), workerTransports));
        // What an SSM command waits for is this step's to show.
        return t instanceof io.pv2hvm.aws.SsmTransport ssmTransport ? ssmTransport.reportingWaitsTo(ctx::waitingFor) : t;
    }

    public SsmClient ssm() {
        return ssm;
    }
}
