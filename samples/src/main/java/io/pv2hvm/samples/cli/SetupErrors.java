package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.AwsCallException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises the failures a first run meets (no credentials, an expired SSO session or token, an
 * endpoint out of reach, a skewed clock, access denied) anywhere in an exception's cause chain,
 * and says them as the AWS CLI does: one or two lines naming what is missing and the commands that
 * fix it. The SDK's full text stays for {@code --debug}.
 */
final class SetupErrors {
    /** EC2's and SSM's codes for a principal without the permission (EC2 UnauthorizedOperation, SSM/STS AccessDenied). */
    private static final Set<String> ACCESS_DENIED = Set.of("UnauthorizedOperation", "AccessDenied",
            "AccessDeniedException");
    /** Clock skew, as EC2 (RequestExpired also covers expired temporary keys), S3-style and JSON services say it. */
    private static final Set<String> CLOCK_SKEW = Set.of("RequestTimeTooSkewed", "RequestExpired");
    private static final Set<String> EXPIRED_TOKEN = Set.of("ExpiredToken", "ExpiredTokenException");
    private static final Set<String> BAD_KEYS = Set.of("AuthFailure", "InvalidClientTokenId",
            "UnrecognizedClientException");

    /** Where the command sent its calls: for naming the host and region in a message. */
    record Target(String region, String profile, URI endpoint) {
        /** The EC2 endpoint the calls went to. */
        String ec2Url() {
            return endpoint != null ? endpoint.toString()
                    : "https://ec2." + (region == null ? "REGION" : region) + ".amazonaws.com";
        }

        String profileOrPlaceholder() {
            return profile != null ? profile : "NAME";
        }
    }

    private SetupErrors() {
    }

    /** A setup failure as said to the user: a code for {@code --output json} and the one or two lines. */
    record Explanation(String code, String text) {
    }

    /** The short explanation of {@code failure}, if it is a setup failure; empty for anything else. */
    static Optional<String> explain(Throwable failure, Target target) {
        return explanation(failure, target).map(Explanation::text);
    }

    /**
     * The code and short explanation of {@code failure}, if it is a setup failure: the AWS error
     * code where AWS gave one, else NoCredentials, SSOSessionExpired or EndpointConnectionError.
     */
    static Optional<Explanation> explanation(Throwable failure, Target target) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Optional<Explanation> found = explainOne(t, target);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<Explanation> explainOne(Throwable t, Target target) {
        String code = code(t);
        String message = t.getMessage() == null ? "" : t.getMessage();
        String profile = target.profileOrPlaceholder();
        if (t.getClass().getName().equals("software.amazon.awssdk.services.sso.auth.ExpiredTokenException")
                || message.contains("SSO session associated with this profile has expired")) {
            return Optional.of(new Explanation("SSOSessionExpired", "Your SSO session has expired.\n"
                    + "Sign in again with: aws sso login --profile " + profile));
        }
        if (message.startsWith("Unable to load credentials from any of the providers")
                || message.startsWith("Unable to load credentials from system settings")) {
            return Optional.of(new Explanation("NoCredentials",
                    "Unable to locate credentials. You can configure credentials by running \"aws configure\".\n"
                    + "Or sign in with 'aws sso login --profile NAME', or pick a profile with AWS_PROFILE=NAME"
                    + " or --profile NAME."));
        }
        if (code != null && EXPIRED_TOKEN.contains(code)) {
            return Optional.of(new Explanation(code,
                    "The security token in your credentials has expired (" + code + ").\n"
                    + "Refresh them: aws sso login --profile " + profile + ", or get new keys from your credential tool."));
        }
        if (code != null && ACCESS_DENIED.contains(code)) {
            return Optional.of(new Explanation(code,
                    "Access denied (" + code + ")" + action(t) + ": these credentials lack a permission"
                    + " pv2hvm needs.\n"
                    + "Attach the policy 'pv2hvm iam-policy' prints to your role or user, then run the command again."));
        }
        if (code != null && (CLOCK_SKEW.contains(code)
                || code.equals("InvalidSignatureException") && message.contains("Signature expired"))) {
            return Optional.of(new Explanation(code,
                    "AWS refused the request's time (" + code + "): this machine's clock is more than"
                    + " a few minutes off, or temporary credentials expired.\n"
                    + "Sync the clock (e.g. 'timedatectl set-ntp true' or 'chronyc makestep'), refresh the"
                    + " credentials, and run the command again."));
        }
        if (code != null && BAD_KEYS.contains(code)) {
            return Optional.of(new Explanation(code, "AWS does not recognise these credentials (" + code + ").\n"
                    + "Check which ones are used with 'aws sts get-caller-identity', or run 'aws configure'."));
        }
        if (t instanceof UnknownHostException || t instanceof ConnectException || t instanceof NoRouteToHostException
                || t instanceof SocketTimeoutException || isConnectFailure(t)) {
            return Optional.of(new Explanation("EndpointConnectionError",
                    "Could not connect to the endpoint URL: \"" + target.ec2Url() + "\" (region "
                    + (target.region() == null ? "unknown" : target.region()) + ").\n"
                    + (target.endpoint() != null
                    ? "Check --endpoint-url for a typo and that the service listens there; and HTTPS_PROXY/NO_PROXY."
                    : "Check the region, your proxy settings (HTTPS_PROXY, NO_PROXY), and a VPC endpoint for EC2"
                    + " and SSM if this host has no internet route.")));
        }
        return Optional.empty();
    }

    /** Apache's connect failures are not ConnectException subclasses in every version: match by name. */
    private static boolean isConnectFailure(Throwable t) {
        String name = t.getClass().getSimpleName();
        return name.equals("HttpHostConnectException") || name.equals("ConnectTimeoutException");
    }

    private static String code(Throwable t) {
        if (t instanceof AwsCallException e) {
            return e.errorCode();
        }
        if (t instanceof AwsServiceException e && e.awsErrorDetails() != null) {
            return e.awsErrorDetails().errorCode();
        }
        return null;
    }

    private static String action(Throwable t) {
        if (t instanceof AwsCallException e && e.action() != null) {
            return " on " + e.action();
        }
        return "";
    }
}
