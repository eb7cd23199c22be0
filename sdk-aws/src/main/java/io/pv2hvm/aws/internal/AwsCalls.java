package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.Ec2RateLimits;
import io.pv2hvm.aws.ThrottlingCategory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Every AWS call of a migration goes through here: it first takes a permit of its action's
 * {@link ThrottlingCategory} from the {@link Ec2RateLimits} (shared by a whole fleet), then is
 * counted (the result reports calls per migration), and its failure is translated into an
 * {@link AwsCallException} that says which action failed, with AWS's code, and whether waiting may
 * help. It also adds up how long calls waited for a permit, and how many throttling errors
 * ({@code RequestLimitExceeded}, {@code Throttling...}) reached it.
 *
 * <p>Throttling and 5xx are already retried by the SDK client's retry strategy; what still
 * escapes is marked retryable for the step's policy, never retried here (one layer per failure).
 * So a throttling error counted here is one the SDK's own retries did not absorb.
 */
public final class AwsCalls {
    /** Codes that mean "not yet": the resource is still changing state or not yet visible. */
    private static final Set<String> TRANSIENT = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException",
            "InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "InvalidIPAddress.InUse",
            "IncorrectState", "InvalidInstanceID.NotFound", "InvalidVolume.NotFound", "InvalidSnapshot.NotFound",
            "InvalidAMIID.NotFound", "InvalidNetworkInterfaceID.NotFound", "InvalidAllocationID.NotFound",
            "ConcurrentSnapshotLimitExceeded", "SnapshotCreationPerVolumeRateExceeded", "InvocationDoesNotExist");

    /** How much of a body that is no AWS error document goes into a message. */
    private static final int BODY_CHARS = 300;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    /** This migration's shares of calls made for several migrations at once ({@link #callShared}). */
    private final Map<String, java.util.concurrent.atomic.DoubleAdder> shares = new ConcurrentHashMap<>();
    private final LongAdder waitedNanos = new LongAdder();
    private final LongAdder throttlingErrors = new LongAdder();
    private final Ec2RateLimits limits;

    /** Calls without client-side rate limits. */
    public AwsCalls() {
        this(Ec2RateLimits.unlimited());
    }

    /** Calls that each take a permit from {@code limits} first. */
    public AwsCalls(Ec2RateLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Calls {@code call}, counting it as {@code action}, once the rate limits allow it.
     *
     * @throws AwsCallException when the call fails, or no permit came in time (see {@link Ec2RateLimits#acquire})
     */
    public <T> T call(AwsAction action, Supplier<T> call) {
        return call(action.awsName(), call);
    }

    /**
     * Calls {@code call}, counting it as {@code action}, once the rate limits allow it.
     *
     * @throws AwsCallException when the call fails, or no permit came in time (see {@link Ec2RateLimits#acquire})
     */
    public <T> T call(String action, Supplier<T> call) {
        waitedNanos.add(limits.acquire(action).toNanos());
        counts.computeIfAbsent(action, a -> new LongAdder()).increment();
        return translated(action, call);
    }

    /**
     * Calls {@code call} once for all of {@code owners} (a shared poll round): it takes one permit,
     * and each owner is counted a share of the call and of the permit's wait, in proportion to how
     * often it is named (so a fleet's calls per migration add up to its calls). A throttling error
     * counts against this caller, whose look failed; the others look again on their own.
     */
    public <T> T callShared(AwsAction action, Supplier<T> call, List<AwsCalls> owners) {
        return callShared(action.awsName(), call, owners);
    }

    /** As {@link #callShared(AwsAction, Supplier, List)}, the action named as AWS names it. */
    public <T> T callShared(String action, Supplier<T> call, List<AwsCalls> owners) {
        if (owners.isEmpty()) {
            return call(action, call);
        }
        long waited = limits.acquire(action).toNanos();
        double share = 1.0 / owners.size();
        for (AwsCalls owner : owners) {
            owner.shares.computeIfAbsent(action, a -> new java.util.concurrent.atomic.DoubleAdder()).add(share);
            owner.waitedNanos.add(waited / owners.size());
        }
        return translated(action, call);
    }

    /** Runs {@code call}, an SDK error translated (and a throttling error counted against this caller). */
    private <T> T translated(String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            AwsCallException translated = translate(action, e);
            if (translated.throttled()) {
                throttlingErrors.increment();
            }
            throw translated;
        }
    }

    /** The number of calls so far, shares of shared calls included (rounded). */
    public long total() {
        return Math.round(exactTotal());
    }

    /** The number of calls so far, shares of shared calls included, not rounded. */
    public double exactTotal() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum()
                + shares.values().stream().mapToDouble(java.util.concurrent.atomic.DoubleAdder::sum).sum();
    }

    /** Calls of {@code action} so far, shares of shared calls included: e.g. 0.25 for a quarter of one call. */
    public double calls(AwsAction action) {
        return calls(action.awsName());
    }

    /** Calls of {@code action} (as AWS names it) so far, shares of shared calls included. */
    public double calls(String action) {
        LongAdder own = counts.get(action);
        java.util.concurrent.atomic.DoubleAdder shared = shares.get(action);
        return (own == null ? 0 : own.sum()) + (shared == null ? 0 : shared.sum());
    }

    /** How long calls waited for a rate-limit permit, in all. */
    public Duration rateLimitWait() {
        return Duration.ofNanos(waitedNanos.sum());
    }

    /** Throttling errors that reached pv2hvm after the SDK's own retries. */
    public long throttlingErrors() {
        return throttlingErrors.sum();
    }

    /** The limits calls take permits from. */
    public Ec2RateLimits limits() {
        return limits;
    }

    /** Turns an SDK failure into one that names the action and says whether to retry. */
    public static AwsCallException translate(String action, SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            if (code == null || code.isBlank()) {
                return withoutCode(action, s);
            }
            String msg = s.awsErrorDetails().errorMessage();
            boolean retryable = TRANSIENT.contains(code) || s.statusCode() >= 500 || s.statusCode() == 429;
            String text = action + " failed: " + code + (msg == null ? "" : ": " + msg);
            if (AwsCallException.isPermissionCode(code)) {
                text = action + " is not allowed for these credentials (" + code + "). Grant "
                        + service(action) + ":" + action + " in the IAM policy (`pv2hvm iam-policy` prints the"
                        + " full least-privilege policy).";
                retryable = false;
            }
            return new AwsCallException(action, code, s.statusCode(), text, e, retryable);
        }
        boolean network = e instanceof SdkClientException;
        return new AwsCallException(action, null, action + " failed: " + e.getMessage(), e, network);
    }

    /**
     * An answer that is no AWS error document (a proxy's HTML page, a truncated body): only its
     * HTTP status says what happened. 5xx and 429 (Too Many Requests) may pass, so they are
     * retryable like EC2's own server errors; any other status will not change by waiting.
     */
    private static AwsCallException withoutCode(String action, AwsServiceException s) {
        int status = s.statusCode();
        boolean retryable = status >= 500 || status == 429;
        String body = s.awsErrorDetails() == null || s.awsErrorDetails().rawResponse() == null ? ""
                : s.awsErrorDetails().rawResponse().asUtf8String();
        String text = action + " failed: HTTP " + status + " without an AWS error code"
                + (body.isBlank() ? " and an empty body" : "; the body starts: " + bodyStart(body))
                + (retryable ? ". A proxy, load balancer or VPC endpoint between pv2hvm and the endpoint may be"
                + " failing; the call was retried." : ". Check the endpoint URL (--endpoint-url) and the region.");
        return new AwsCallException(action, null, status, text, s, retryable);
    }

    /** At most {@value #BODY_CHARS} characters of a body, on one line, without control characters. */
    static String bodyStart(String body) {
        String line = body.replaceAll("[\\p{Cc}\\p{Cf}]+", " ").replaceAll(" {2,}", " ").strip();
        return line.length() <= BODY_CHARS ? line : line.substring(0, BODY_CHARS) + "...";
    }

    private static String service(String action) {
        return ThrottlingCategory.of(action).ssm() ? "ssm" : "ec2";
    }
}
