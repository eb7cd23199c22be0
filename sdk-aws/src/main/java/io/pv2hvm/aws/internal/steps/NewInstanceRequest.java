package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.internal.steps.confirm.VerifyNewInstanceStep;
import io.pv2hvm.aws.internal.steps.cutover.ReleaseQuarantineStep;
import io.pv2hvm.aws.internal.SourceInstance;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.EbsBlockDevice;
import software.amazon.awssdk.services.ec2.model.InstanceIpv6Address;
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
 * key, instance profile, user data, EBS optimization, termination and stop protection, shutdown
 * behaviour, metadata options, detailed monitoring, CPU credits, placement (group and tenancy),
 * the root volume's type, IOPS and throughput, and tags; with the same private IPs and IPv6
 * addresses when asked. Private IPs go through NetworkInterface.1 because PrivateIpAddress
 * cannot be combined with NetworkInterfaces and cannot express secondary addresses. The root
 * volume's encryption and KMS key come with the image's snapshot.
 */
public final class NewInstanceRequest {
    private final SourceInstance src;
    private String image;
    private String type;
    private boolean keepIps;
    private String clientToken;
    private TagSpecification extraTags;
    private Boolean ebsOptimized;
    private String cpuCredits;
    private String rootDevice;
    private boolean protections = true;
    private String quarantineGroup;

    private NewInstanceRequest(SourceInstance src) {
        this.src = src;
    }

    public static NewInstanceRequest like(SourceInstance src) {
        return new NewInstanceRequest(src);
    }

    public NewInstanceRequest image(String image) {
        this.image = image;
        return this;
    }

    public NewInstanceRequest type(String type) {
        this.type = type;
        return this;
    }

    public NewInstanceRequest keepingIps(boolean keepIps) {
        this.keepIps = keepIps;
        return this;
    }

    public NewInstanceRequest clientToken(String token) {
        this.clientToken = token;
        return this;
    }

    /** EBS optimization for the target type (default: the source's), where the type supports it. */
    public NewInstanceRequest ebsOptimized(boolean enabled) {
        this.ebsOptimized = enabled;
        return this;
    }

    /** The CPU credit option, for a burstable target only; null sets none. */
    public NewInstanceRequest cpuCredits(String credits) {
        this.cpuCredits = credits;
        return this;
    }

    /** The image's root device name, where the source root volume's type, IOPS and throughput are applied. */
    /**
     * Launches without the source's stop and termination protection: a migration's new instance
     * may still be stopped (data volumes of a sysvinit guest) or terminated (rollback) before it is
     * confirmed, and EC2 refuses both under protection. {@link VerifyNewInstanceStep} sets them.
     */
    public NewInstanceRequest withoutProtections() {
        this.protections = false;
        return this;
    }

    /**
     * Launches in {@code groupId} alone instead of the source's groups (null: the source's), for a
     * first boot that must not serve; {@link ReleaseQuarantineStep} gives the source's groups back.
     */
    public NewInstanceRequest quarantinedIn(String groupId) {
        this.quarantineGroup = groupId;
        return this;
    }

    public NewInstanceRequest rootDevice(String deviceName) {
        this.rootDevice = deviceName;
        return this;
    }

    /** pv2hvm's own tags, merged over the source's. */
    public NewInstanceRequest extraTags(TagSpecification tags) {
        this.extraTags = tags;
        return this;
    }

    public RunInstancesRequest build() {
        RunInstancesRequest.Builder r = RunInstancesRequest.builder().imageId(image).instanceType(type)
                .minCount(1).maxCount(1).clientToken(clientToken)
                .ebsOptimized(ebsOptimized != null ? ebsOptimized : src.ebsOptimized())
                .disableApiTermination(protections && src.terminationProtection())
                .disableApiStop(protections && src.behaviour().disableApiStop())
                .monitoring(m -> m.enabled(src.behaviour().detailedMonitoring()))
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
        metadataOptions(r);
        if (cpuCredits != null) {
            r.creditSpecification(c -> c.cpuCredits(cpuCredits));
        }
        rootVolume().ifPresent(r::blockDeviceMappings);
        SourceInstance.NetworkInterface primary = src.primaryInterface().orElse(null);
        if (keepIps && primary != null) {
            List<PrivateIpAddressSpecification> ips = new ArrayList<>();
            ips.add(PrivateIpAddressSpecification.builder().privateIpAddress(primary.primaryPrivateIp()).primary(true)
                    .build());
            primary.secondaryPrivateIps().forEach(ip -> ips.add(PrivateIpAddressSpecification.builder()
                    .privateIpAddress(ip).primary(false).build()));
            r.networkInterfaces(InstanceNetworkInterfaceSpecification.builder().deviceIndex(0)
                    .subnetId(primary.subnetId()).groups(quarantineGroup != null ? List.of(quarantineGroup)
                            : primary.securityGroupIds()).privateIpAddresses(ips)
                    .ipv6Addresses(primary.ipv6Addresses().stream()
                            .map(a -> InstanceIpv6Address.builder().ipv6Address(a).build()).toList())
                    .deleteOnTermination(true).build());
        } else {
            r.subnetId(src.subnetId()).securityGroupIds(quarantineGroup != null ? List.of(quarantineGroup)
                    : src.securityGroupIds());
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
        // The network interfaces the launch creates carry the same tags, so a least-privilege policy can
        // scope later calls on them (moving an Elastic IP) to pv2hvm's own resources.
        r.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tagList).build(),
                TagSpecification.builder().resourceType(ResourceType.NETWORK_INTERFACE).tags(tagList).build());
        return r.build();
    }

    /** The source's metadata options, member by member, so "required" tokens stay required. */
    private void metadataOptions(RunInstancesRequest.Builder r) {
        SourceInstance.Behaviour b = src.behaviour();
        if (b.httpTokens() == null && b.httpEndpoint() == null && b.httpPutResponseHopLimit() == null
                && b.instanceMetadataTags() == null) {
            return;
        }
        r.metadataOptions(m -> {
            if (b.httpTokens() != null) {
                m.httpTokens(b.httpTokens());
            }
            if (b.httpPutResponseHopLimit() != null) {
                m.httpPutResponseHopLimit(b.httpPutResponseHopLimit());
            }
            if (b.httpEndpoint() != null) {
                m.httpEndpoint(b.httpEndpoint());
            }
            if (b.instanceMetadataTags() != null) {
                m.instanceMetadataTags(b.instanceMetadataTags());
            }
        });
    }

    /**
     * The root volume's type and performance, as the source had them. IOPS only where the type
     * takes them (io1, io2, gp3) and throughput only on gp3: EC2 refuses them elsewhere
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EbsBlockDevice.html).
     */
    private java.util.Optional<BlockDeviceMapping> rootVolume() {
        SourceInstance.Volume root = src.rootVolumeIfAny().orElse(null);
        if (rootDevice == null || root == null || root.volumeType() == null) {
            return java.util.Optional.empty();
        }
        EbsBlockDevice.Builder ebs = EbsBlockDevice.builder().volumeType(root.volumeType()).deleteOnTermination(true);
        if (root.iops() != null && List.of("io1", "io2", "gp3").contains(root.volumeType())) {
            ebs.iops(root.iops());
        }
        if (root.throughput() != null && "gp3".equals(root.volumeType())) {
            ebs.throughput(root.throughput());
        }
        return java.util.Optional.of(BlockDeviceMapping.builder().deviceName(rootDevice).ebs(ebs.build()).build());
    }
}
