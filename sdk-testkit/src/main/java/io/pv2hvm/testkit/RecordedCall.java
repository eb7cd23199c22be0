package io.pv2hvm.testkit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request the emulator answered.
 *
 * @param at         model time at which it arrived
 * @param service    {@code "ec2"}, {@code "ssm"} or {@code "sts"}
 * @param action     the EC2 {@code Action} or the SSM operation name
 * @param params     EC2 Query parameters as sent ({@code InstanceId.1}); for SSM, the JSON
 *                   members flattened the same way ({@code InstanceIds.1})
 * @param status     the HTTP status answered (0 for a reset connection)
 * @param errorCode  the error code answered, or null on success
 * @param accessKeyId the access key id that signed the request (SigV4 credential scope), or null
 *                   when it was unsigned
 * @param responseLost true when the call took effect but its answer was lost (an injected
 *                   {@link Faults.LostResponse}): status and errorCode are what the client saw
 * @param resources  the resources the call acted on, as IAM authorizes it, with their tags when the
 *                   call arrived (empty for calls IAM authorizes on {@code *} only, and for journals
 *                   built by hand)
 */
public record RecordedCall(Instant at, String service, String action, Map<String, String> params,
                           int status, String errorCode, String accessKeyId, boolean responseLost,
                           List<TouchedResource> resources) {

    /** Copies the resource list. */
    public RecordedCall {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }

    /** A call without recorded resources. */
    public RecordedCall(Instant at, String service, String action, Map<String, String> params, int status,
                        String errorCode, String accessKeyId, boolean responseLost) {
        this(at, service, action, params, status, errorCode, accessKeyId, responseLost, List.of());
    }

    /** A call whose answer reached the client as recorded. */
    public RecordedCall(Instant at, String service, String action, Map<String, String> params, int status,
                        String errorCode, String accessKeyId) {
        this(at, service, action, params, status, errorCode, accessKeyId, false);
    }

    /** A call without a known signer (for journals built by hand). */
    public RecordedCall(Instant at, String service, String action, Map<String, String> params, int status,
                        String errorCode) {
        this(at, service, action, params, status, errorCode, null);
    }

    /** True when the action changes state (anything but Describe*, Get*, List*, and STS, which only issues credentials). */
    public boolean mutating() {
        return !("sts".equals(service) || action.startsWith("Describe") || action.startsWith("Get") || action.startsWith("List"));
    }

    /** True when the call succeeded and the client saw it succeed. */
    public boolean succeeded() {
        return errorCode == null && status >= 200 && status < 300;
    }

    /** True when the call changed the model: it succeeded, or it succeeded and its answer was lost. */
    public boolean tookEffect() {
        return succeeded() || responseLost;
    }

    /** One parameter, or null. */
    public String param(String name) {
        return params.get(name);
    }
}
