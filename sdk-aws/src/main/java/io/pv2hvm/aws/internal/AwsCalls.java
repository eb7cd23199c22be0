package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsCallException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Every AWS call of a migration goes through here: it is counted (the result reports calls per
 * migration) and its failure is translated into an {@link AwsCallException} that says which
 * action failed, with AWS's code, and whether waiting may help.
 *
 * <p>Throttling and 5xx are already retried by the SDK client's retry strategy; what still
 * escapes is marked retryable for the step's policy, never retried here (one layer per failure).
 */
public final class AwsCalls {
    /** Codes that mean "not yet": the resource is still changing state or not yet visible. */
    private static final Set<String> TRANSIENT = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException",
            "InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "InvalidIPAddress.InUse",
            "IncorrectState", "InvalidInstanceID.NotFound", "InvalidVolume.NotFound", "InvalidSnapshot.NotFound",
            "InvalidAMIID.NotFound", "InvalidNetworkInterfaceID.NotFound", "InvalidAllocationID.NotFound",
            "ConcurrentSnapshotLimitExceeded", "SnapshotCreationPerVolumeRateExceeded", "InvocationDoesNotExist");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Calls {@code call}, counting it as {@code action}. */
    public <T> T call(String action, Supplier<T> call) {
        counts.computeIfAbsent(action, a -> new LongAdder()).increment();
        try {
            return call.get();
        } catch (SdkException e) {
            throw translate(action, e);
        }
    }

    /** The number of calls so far. */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Turns an SDK failure into one that names the action and says whether to retry. */
    public static AwsCallException translate(String action, SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            String code = s.awsErrorDetails().errorCode();
            String msg = s.awsErrorDetails().errorMessage();
            boolean retryable = TRANSIENT.contains(code) || s.statusCode() >= 500;
            String text = action + " failed: " + code + (msg == null ? "" : ": " + msg);
            if (AwsCallException.isPermissionCode(code)) {
                text = action + " is not allowed for these credentials (" + code + "). Grant "
                        + service(action) + ":" + action + " in the IAM policy (`pv2hvm iam-policy` prints the"
                        + " full least-privilege policy).";
                retryable = false;
            }
            return new AwsCallException(action, code, text, e, retryable);
        }
        boolean network = e instanceof SdkClientException;
        return new AwsCallException(action, null, action + " failed: " + e.getMessage(), e, network);
    }

    private static String service(String action) {
        return Set.of("SendCommand", "GetCommandInvocation", "ListCommandInvocations", "CancelCommand",
                "DescribeInstanceInformation", "GetParameter").contains(action) ? "ssm" : "ec2";
    }
}
