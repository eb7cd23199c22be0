package io.pv2hvm.aws.internal;

import java.util.Optional;

/**
 * Provider-level settings of the AWS steps.
 *
 * @param workerInstanceType     the worker's instance type
 * @param workerImageParameter   public SSM parameter naming the worker's default image (Ubuntu 24.04)
 * @param workerInstanceProfile  instance profile for a launched worker (SSM needs one), or null
 * @param workerSubnetId         subnet for a launched worker, or null for the source's subnet
 * @param workerKeyName          key pair for a launched worker (SSH), or null
 * @param workerSecurityGroupIds security groups for a launched worker (e.g. one allowing SSH from here), or empty
 */
public record AwsSettings(String workerInstanceType, String workerImageParameter, String workerInstanceProfile,
                          String workerSubnetId, String workerKeyName, java.util.List<String> workerSecurityGroupIds) {
    public Optional<String> instanceProfile() {
        return Optional.ofNullable(workerInstanceProfile);
    }
}
