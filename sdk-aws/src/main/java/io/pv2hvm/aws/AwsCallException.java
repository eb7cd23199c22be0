package io.pv2hvm.aws;

import io.pv2hvm.core.MigrationException;

/**
 * An AWS API call failed. Carries the action ({@code RunInstances}) and AWS's error code
 * ({@code InvalidIPAddress.InUse}); {@link #retryable()} is true for throttling, server errors,
 * eventual-consistency NotFound and resources still in use, which a step's retry policy may
 * wait out.
 */
public class AwsCallException extends MigrationException {
    private final String action;
    private final String errorCode;
    private final int httpStatus;

    /** Creates the error, without an HTTP status (no answer, or not known). */
    public AwsCallException(String action, String errorCode, String message, Throwable cause, boolean retryable) {
        this(action, errorCode, 0, message, cause, retryable);
    }

    /** Creates the error for an HTTP answer with {@code httpStatus}. */
    public AwsCallException(String action, String errorCode, int httpStatus, String message, Throwable cause,
                            boolean retryable) {
        super(message, cause, retryable);
        this.action = action;
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    /**
     * The failure of an AWS SDK call of {@code action}, classified as pv2hvm classifies its own
     * calls: AWS's code, or for an answer without one (an HTML page from a proxy, a truncated body)
     * its HTTP status (5xx and 429 retryable, other statuses not) and the start of its body. For
     * callers that make SDK calls of their own beside pv2hvm's; anything but an SDK failure is
     * wrapped as not retryable.
     */
    public static AwsCallException translate(String action, RuntimeException failure) {
        if (failure instanceof AwsCallException e) {
            return e;
        }
        if (failure instanceof software.amazon.awssdk.core.exception.SdkException e) {
            return io.pv2hvm.aws.internal.AwsCalls.translate(action, e);
        }
        return new AwsCallException(action, null, action + " failed: " + failure, failure, false);
    }

    /** The API action, e.g. {@code RunInstances}. */
    public String action() {
        return action;
    }

    /**
     * AWS's error code, e.g. {@code IncorrectInstanceState}, or {@code null} when AWS did not answer
     * (a network failure, a call pv2hvm's own {@link Ec2RateLimits} did not let through) or answered
     * without an AWS error document (an HTML page from a proxy, a truncated body; see {@link #httpStatus()}).
     */
    public String errorCode() {
        return errorCode;
    }

    /**
     * The HTTP status of the endpoint's answer, or 0 when there was none (a network failure, a
     * call pv2hvm's own rate limits held back) or it is not known.
     */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Whether the endpoint does not implement the action: {@code InvalidAction},
     * {@code UnsupportedOperation} or HTTP 501 (an EC2-compatible endpoint, a partition or a
     * region without it). Waiting does not help.
     */
    public boolean unsupported() {
        return "InvalidAction".equals(errorCode) || "UnsupportedOperation".equals(errorCode) || httpStatus == 501;
    }

    /** Whether the caller lacks the IAM permission for {@link #action()}. */
    public boolean isPermissionDenied() {
        return isPermissionCode(errorCode);
    }

    /** Whether AWS refused the call for its request rate ({@code RequestLimitExceeded}, {@code Throttling...}). */
    public boolean throttled() {
        return isThrottlingCode(errorCode);
    }

    /**
     * Whether an AWS error code says the request rate was exceeded: EC2 answers
     * {@code RequestLimitExceeded}, SSM {@code ThrottlingException}, other services {@code Throttling}.
     */
    public static boolean isThrottlingCode(String errorCode) {
        return "RequestLimitExceeded".equals(errorCode) || "Throttling".equals(errorCode)
                || "ThrottlingException".equals(errorCode);
    }

    /** Whether an AWS error code says the caller lacks a permission (EC2 and SSM spell it differently). */
    public static boolean isPermissionCode(String errorCode) {
        return "UnauthorizedOperation".equals(errorCode) || "AccessDenied".equals(errorCode)
                || "AccessDeniedException".equals(errorCode);
    }
}
