package io.pv2hvm.core;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The instance that does the conversion work: an existing one the user names, or one pv2hvm
 * launches (and always terminates) in the source's availability zone.
 */
public final class Worker {
    private static final Pattern AMI_ID = Pattern.compile("ami-(?:[0-9a-f]{8}|[0-9a-f]{17})");

    private final String instanceId;
    private final String imageId;

    private Worker(String instanceId, String imageId) {
        this.instanceId = instanceId;
        this.imageId = imageId;
    }

    /** Reuse an existing instance as the worker; pv2hvm never terminates it. */
    public static Worker existing(String instanceId) {
        return new Worker(InstanceIds.requireValid(instanceId, "worker instance id"), null);
    }

    /**
     * Launch a worker from the default image: the account's prepared worker image, else Ubuntu
     * 24.04 resolved through Canonical's public SSM parameter.
     */
    public static Worker launched() {
        return new Worker(null, null);
    }

    /** Launch a worker from the given AMI. */
    public static Worker launchedFrom(String imageId) {
        if (imageId == null || !AMI_ID.matcher(imageId).matches()) {
            throw new InvalidSpecException("'" + imageId + "' is not an AMI id: expected 'ami-' followed by 8 or 17"
                    + " lowercase hex digits, e.g. ami-0123456789abcdef0.");
        }
        return new Worker(null, imageId);
    }

    /** The existing instance to reuse, if any. */
    public Optional<String> instanceId() {
        return Optional.ofNullable(instanceId);
    }

    /** The AMI to launch from, if one was given. */
    public Optional<String> imageId() {
        return Optional.ofNullable(imageId);
    }

    @Override
    public String toString() {
        return instanceId != null ? "existing " + instanceId
                : imageId != null ? "launched from " + imageId : "launched from the default image";
    }
}
