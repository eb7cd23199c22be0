package io.pv2hvm.testkit.internal.model;

/**
 * An EC2 (or SSM) error answered to the client with its documented code
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html):
 * client errors are HTTP 400, RequestLimitExceeded 503, server errors 500.
 */
public final class Ec2Exception extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final int status;

    public Ec2Exception(String code, String message, int status) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    public Ec2Exception(String code, String message) {
        this(code, message, 400);
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public static Ec2Exception missingParameter(String name) {
        return new Ec2Exception("MissingParameter", "The request must contain the parameter " + name);
    }

    public static Ec2Exception invalidParameterValue(String message) {
        return new Ec2Exception("InvalidParameterValue", message);
    }

    public static Ec2Exception combination(String message) {
        return new Ec2Exception("InvalidParameterCombination", message);
    }

    public static Ec2Exception incorrectInstanceState(String message) {
        return new Ec2Exception("IncorrectInstanceState", message);
    }

    public static Ec2Exception notFound(String code, String id, String kind) {
        return new Ec2Exception(code, "The " + kind + " '" + id + "' does not exist");
    }
}
