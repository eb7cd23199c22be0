package io.pv2hvm.aws.internal;

import java.util.Optional;

/**
 * Provider-level settings of the AWS steps.
 *
 * @param workerInstanceType     the worker's instance type
 * @param workerImageParameter   public SSM parameter naming the worker's default image (Debian 12)
 * @param workerInstanceProfile  instance profile for a launched worker (SSM needs one), or null
 * @param workerSubnetId         subnet for a launched worker, or null for the source's subnet
 */
public record AwsSettings(String workerInstanceType, String workerImageParameter, String workerInstanceProfile,
                          String workerSubnetId) {
    public Optional<String> instanceProfile() {
        return Optional.ofNullable(workerInstanceProfile);
    }
}
