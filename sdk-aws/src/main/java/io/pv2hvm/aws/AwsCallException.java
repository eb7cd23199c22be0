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

    /** Creates the error. */
    public AwsCallException(String action, String errorCode, String message, Throwable cause, boolean retryable) {
        super(message, cause, retryable);
        this.action = action;
        this.errorCode = errorCode;
    }

    /** The API action, e.g. {@code RunInstances}. */
    public String action() {
        return action;
    }

    /**
     * AWS's error code, e.g. {@code IncorrectInstanceState}, or {@code null} when AWS did not answer:
     * a network failure, or a call pv2hvm's own {@link Ec2RateLimits} did not let through.
     */
    public String errorCode() {
        return errorCode;
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
