package io.pv2hvm.testkit;

import java.time.Instant;
import java.util.Map;

/**
 * One request the emulator answered.
 *
 * @param at         model time at which it arrived
 * @param service    {@code "ec2"} or {@code "ssm"}
 * @param action     the EC2 {@code Action} or the SSM operation name
 * @param params     EC2 Query parameters as sent ({@code InstanceId.1}); for SSM, the JSON
 *                   members flattened the same way ({@code InstanceIds.1})
 * @param status     the HTTP status answered (0 for a reset connection)
 * @param errorCode  the error code answered, or null on success
 */
public record RecordedCall(Instant at, String service, String action, Map<String, String> params,
                           int status, String errorCode) {

    /** True when the action changes state (anything but Describe*, Get*, List*). */
    public boolean mutating() {
        return !(action.startsWith("Describe") || action.startsWith("Get") || action.startsWith("List"));
    }

    /** True when the call succeeded. */
    public boolean succeeded() {
        return errorCode == null && status >= 200 && status < 300;
    }

    /** One parameter, or null. */
    public String param(String name) {
        return params.get(name);
    }
}
