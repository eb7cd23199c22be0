package io.pv2hvm.aws;

/**
 * An AWS answer lacked a field that EC2 documents as optional and pv2hvm cannot go on without,
 * e.g. an instance's {@code State} or the {@code Ebs} volume id of its root device mapping. Seen
 * with endpoints that are EC2-compatible only in part. Not retryable: the same call answers the
 * same way; check the endpoint, or report the answer.
 */
public class IncompleteResponseException extends AwsCallException {
    private final String field;

    /** {@code action}'s answer about {@code subject} (an id) has no {@code field}. */
    public IncompleteResponseException(String action, String field, String subject) {
        super(action, null, action + " answered without " + field + (subject == null ? "" : " for " + subject)
                + ", which pv2hvm needs to go on. EC2 always sends it here; check that --endpoint-url (if any) is"
                + " EC2-compatible for " + action + ", and retry.", null, false);
        this.field = field;
    }

    /** The missing field, as EC2's API reference names it, e.g. {@code Reservations.Instances.State}. */
    public String field() {
        return field;
    }
}
