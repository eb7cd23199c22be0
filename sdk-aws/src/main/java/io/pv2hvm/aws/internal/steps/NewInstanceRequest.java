package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.SourceInstance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterfaceSpecification;
import software.amazon.awssdk.services.ec2.model.PrivateIpAddressSpecification;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A RunInstances request that recreates the source's configuration: subnet, security groups,
 * key, instance profile, user data, EBS optimization, termination protection, shutdown
 * behaviour, placement and tags; with the same private IPs when asked. Private IPs go through
 * NetworkInterface.1 because PrivateIpAddress cannot be combined with NetworkInterfaces and
 * cannot express secondary addresses.
 */
final class NewInstanceRequest {
    private final SourceInstance src;
    private String image;
    private String type;
    private boolean keepIps;
    private String clientToken;
    private TagSpecification extraTags;

    private NewInstanceRequest(SourceInstance src) {
        this.src = src;
    }

    static NewInstanceRequest like(SourceInstance src) {
        return new NewInstanceRequest(src);
    }

    NewInstanceRequest image(String image) {
        this.image = image;
        return this;
    }

    NewInstanceRequest type(String type) {
        this.type = type;
        return this;
    }

    NewInstanceRequest keepingIps(boolean keepIps) {
        this.keepIps = keepIps;
        return this;
    }

    NewInstanceRequest clientToken(String token) {
        this.clientToken = token;
        return this;
    }

    /** pv2hvm's own tags, merged over the source's. */
    NewInstanceRequest extraTags(TagSpecification tags) {
        this.extraTags = tags;
        return this;
    }

    RunInstancesRequest build() {
        RunInstancesRequest.Builder r = RunInstancesRequest.builder().imageId(image).instanceType(type)
                .minCount(1).maxCount(1).clientToken(clientToken).ebsOptimized(src.ebsOptimized())
                .disableApiTermination(src.terminationProtection())
                .placement(p -> {
                    p.availabilityZone(src.availabilityZone());
                    if (src.tenancy() != null) {
                        p.tenancy(src.tenancy());
                    }
                    if (src.placementGroup() != null) {
                        p.groupName(src.placementGroup());
                    }
                });
        if (src.shutdownBehavior() != null) {
            r.instanceInitiatedShutdownBehavior(src.shutdownBehavior());
        }
        if (src.keyName() != null) {
            r.keyName(src.keyName());
        }
        if (src.instanceProfileArn() != null) {
            r.iamInstanceProfile(p -> p.arn(src.instanceProfileArn()));
        }
        if (src.userData() != null) {
            r.userData(src.userData()); // already base64, as DescribeInstanceAttribute returns it
        }
        SourceInstance.NetworkInterface primary = src.primaryInterface().orElse(null);
        if (keepIps && primary != null) {
            List<PrivateIpAddressSpecification> ips = new ArrayList<>();
            ips.add(PrivateIpAddressSpecification.builder().privateIpAddress(primary.primaryPrivateIp()).primary(true)
                    .build());
            primary.secondaryPrivateIps().forEach(ip -> ips.add(PrivateIpAddressSpecification.builder()
                    .privateIpAddress(ip).primary(false).build()));
            r.networkInterfaces(InstanceNetworkInterfaceSpecification.builder().deviceIndex(0)
                    .subnetId(primary.subnetId()).groups(primary.securityGroupIds()).privateIpAddresses(ips)
                    .deleteOnTermination(true).build());
        } else {
            r.subnetId(src.subnetId()).securityGroupIds(src.securityGroupIds());
        }
        Map<String, String> tags = new LinkedHashMap<>();
        src.tags().forEach((k, v) -> {
            if (!k.startsWith("aws:")) { // aws: tags are reserved and cannot be set
                tags.put(k, v);
            }
        });
        if (extraTags != null) {
            extraTags.tags().stream().filter(t -> !"Name".equals(t.key()) || !tags.containsKey("Name"))
                    .forEach(t -> tags.put(t.key(), t.value()));
        }
        List<Tag> tagList = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
        r.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tagList).build());
        return r.build();
    }
}
