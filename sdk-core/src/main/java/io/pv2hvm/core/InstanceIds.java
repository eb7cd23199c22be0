package io.pv2hvm.core;

import java.util.regex.Pattern;

/** EC2 instance id validation, shared by every place that takes one from a user. */
final class InstanceIds {
    private static final Pattern INSTANCE_ID = Pattern.compile("i-(?:[0-9a-f]{8}|[0-9a-f]{17})");

    private InstanceIds() {
    }

    static String requireValid(String id, String what) {
        if (id == null || !INSTANCE_ID.matcher(id).matches()) {
            throw new InvalidSpecException("'" + id + "' is not a valid " + what + ": expected 'i-' followed by"
                    + " 8 or 17 lowercase hex digits, e.g. i-0123456789abcdef0.");
        }
        return id;
    }
}
