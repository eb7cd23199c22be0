package io.pv2hvm.aws.internal;

import io.pv2hvm.aws.AwsCallException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.InstancePrivateIpAddress;
import software.amazon.awssdk.services.ec2.model.ProductCode;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttributeName;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reads a {@link SourceInstance} with read-only calls only. */
public final class SourceInstanceReader {
    private final Ec2Resources ec2;
    private final FleetReads reads;
    private final List<String> unchecked = new ArrayList<>();

    /** A reader using these clients. */
    public SourceInstanceReader(Ec2Client ec2, AwsCalls calls) {
        this(ec2, calls, new FleetReads());
    }

    /** A reader that reads a launch image's mappings once per fleet ({@code reads}). */
    public SourceInstanceReader(Ec2Client ec2, AwsCalls calls, FleetReads reads) {
        this(new Ec2Resources(ec2, calls, io.pv2hvm.aws.AwsTimeouts.defaults(), new SharedPolls(ec2,
                io.pv2hvm.aws.AwsTimeouts.defaults().poll()), reads));
    }

    /** A reader through {@code ec2}'s typed operations, reading a launch image's mappings once per fleet. */
    public SourceInstanceReader(Ec2Resources ec2) {
        this.ec2 = ec2;
        this.reads = ec2.reads();
    }

    /**
     * What the last {@link #read} could not check because the endpoint does not support an optional
     * read (InvalidAction, UnsupportedOperation, HTTP 501), each said as a warning with its risk.
     */
    public List<String> unchecked() {
        return List.copyOf(unchecked);
    }

    /**
     * Reads the instance, or returns empty if EC2 does not know it.
     *
     * @throws AwsCallException for any other failure (permissions, throttling that outlasted the SDK's retries)
     */
    public Optional<SourceInstance> read(String instanceId) {
        Instance i;
        try {
            i = ec2.describeInstances(r -> r.instanceIds(instanceId))
                    .reservations().stream().flatMap(r -> r.instances().stream()).findFirst().orElse(null);
        } catch (AwsCallException e) {
            if ("InvalidInstanceID.NotFound".equals(e.errorCode()) || "InvalidInstanceID.Malformed".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
        if (i == null) {
            return Optional.empty();
        }
        unchecked.clear();
        boolean protectedFromTermination = optional(Ec2Action.DESCRIBE_INSTANCE_ATTRIBUTE, () -> {
            var value = ec2.describeInstanceAttribute(r -> r
                    .instanceId(instanceId).attribute(InstanceAttributeName.DISABLE_API_TERMINATION))
                    .disableApiTermination();
            return value != null && Boolean.TRUE.equals(value.value());
        }, false, "termination protection of " + instanceId + " could not be checked; if it is on, the cutover's"
                + " " + Ec2Action.TERMINATE_INSTANCES.awsName() + " is refused and the migration rolls back");
        var shutdown = ec2.describeInstanceAttribute(r -> r
                .instanceId(instanceId).attribute(InstanceAttributeName.INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR))
                .instanceInitiatedShutdownBehavior();
        String shutdownBehavior = shutdown == null ? null : shutdown.value();
        var userDataValue = ec2.describeInstanceAttribute(r -> r
                .instanceId(instanceId).attribute(InstanceAttributeName.USER_DATA)).userData();
        String userData = userDataValue == null ? null : userDataValue.value();
        boolean stopProtection = optional(Ec2Action.DESCRIBE_INSTANCE_ATTRIBUTE, () -> {
            var value = ec2.describeInstanceAttribute(r -> r
                    .instanceId(instanceId).attribute(InstanceAttributeName.DISABLE_API_STOP)).disableApiStop();
            return value != null && Boolean.TRUE.equals(value.value());
        }, false, "stop protection of " + instanceId + " could not be checked; if it is on, "
                + Ec2Action.STOP_INSTANCES.awsName() + " is refused and the migration rolls back, and the new instance does not get it");

        List<SourceInstance.Volume> volumes = volumes(i);
        List<SourceInstance.NetworkInterface> enis = i.networkInterfaces().stream()
                .map(SourceInstanceReader::networkInterface)
                .sorted(Comparator.comparingInt(SourceInstance.NetworkInterface::deviceIndex)).toList();
        List<Address> addresses = mayHoldElasticIp(i) ? ec2.describeAddresses(
                r -> r.filters(Filter.builder().name("instance-id").values(instanceId).build())).addresses() : List.of();
        List<SourceInstance.ElasticIp> eips = addresses.stream().map(a -> new SourceInstance.ElasticIp(
                a.allocationId(), a.publicIp(), a.networkInterfaceId(), a.privateIpAddress())).toList();
        String autoAssigned = i.publicIpAddress() != null
                && addresses.stream().noneMatch(a -> i.publicIpAddress().equals(a.publicIp())) ? i.publicIpAddress() : null;

        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag t : i.tags()) {
            tags.put(t.key(), t.value());
        }
        return Optional.of(new SourceInstance(i.instanceId(), i.instanceTypeAsString(), Responses.stateName(i),
                i.virtualizationTypeAsString(), i.rootDeviceTypeAsString(), i.rootDeviceName(),
                i.architectureAsString(), i.imageId(), i.kernelId(), i.ramdiskId(),
                Responses.availabilityZone(i), i.subnetId(), i.vpcId(),
                i.placement() == null ? null : i.placement().tenancyAsString(),
                i.placement() == null ? null : emptyToNull(i.placement().groupName()), i.keyName(),
                i.iamInstanceProfile() == null ? null : i.iamInstanceProfile().arn(),
                Boolean.TRUE.equals(i.ebsOptimized()),
                i.securityGroups().stream().map(GroupIdentifier::groupId).toList(), tags, protectedFromTermination,
                shutdownBehavior, userData, volumes, enis, eips, autoAssigned, instanceStoreDevices(i),
                behaviour(i, stopProtection)));
    }

    /**
     * Whether an Elastic IP may be associated with the instance: DescribeInstances lists each
     * public address on the private IP it is associated with, and one that is not an Elastic IP
     * (auto-assigned) is owned by "amazon"
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceNetworkInterfaceAssociation.html).
     * Only an instance whose every association is amazon's (or none) skips DescribeAddresses,
     * which it needs for the allocation ids.
     */
    private static boolean mayHoldElasticIp(Instance i) {
        return i.networkInterfaces().stream().flatMap(n -> n.privateIpAddresses().stream())
                .map(p -> p.association()).anyMatch(a -> a != null && !"amazon".equals(a.ipOwnerId()));
    }

    private SourceInstance.Behaviour behaviour(Instance i, boolean stopProtection) {
        var md = i.metadataOptions();
        return new SourceInstance.Behaviour(md == null ? null : md.httpTokensAsString(),
                md == null ? null : md.httpPutResponseHopLimit(), md == null ? null : md.httpEndpointAsString(),
                md == null ? null : md.instanceMetadataTagsAsString(), stopProtection,
                i.monitoring() != null && "enabled".equals(i.monitoring().stateAsString()));
    }

    private List<SourceInstance.Volume> volumes(Instance i) {
        List<String> ids = i.blockDeviceMappings().stream().filter(m -> m.ebs() != null)
                .map(m -> Responses.require(m.ebs().volumeId(), Ec2Action.DESCRIBE_INSTANCES,
                        "Reservations.Instances.BlockDeviceMappings.Ebs.VolumeId", i.instanceId())).toList();
        Map<String, Volume> byId = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            ec2.describeVolumes(r -> r.volumeIds(ids)).volumes()
                    .forEach(v -> byId.put(v.volumeId(), v));
        }
        List<SourceInstance.Volume> out = new ArrayList<>();
        for (InstanceBlockDeviceMapping m : i.blockDeviceMappings()) {
            if (m.ebs() == null) {
                continue;
            }
            Volume v = byId.get(m.ebs().volumeId());
            String device = Responses.require(m.deviceName(), Ec2Action.DESCRIBE_INSTANCES,
                    "Reservations.Instances.BlockDeviceMappings.DeviceName", i.instanceId());
            out.add(new SourceInstance.Volume(device, m.ebs().volumeId(),
                    v == null || v.size() == null ? 0 : v.size(), v == null ? null : v.volumeTypeAsString(),
                    v == null ? null : v.iops(), v == null ? null : v.throughput(),
                    Boolean.TRUE.equals(m.ebs().deleteOnTermination()),
                    productCodes(m.ebs().volumeId()), device.equals(i.rootDeviceName()),
                    v != null && Boolean.TRUE.equals(v.encrypted()), v == null ? null : v.kmsKeyId()));
        }
        return out;
    }

    /**
     * Marketplace product codes travel with a volume and its snapshots; they are only visible
     * through DescribeVolumeAttribute (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumeAttribute.html).
     */
    private List<String> productCodes(String volumeId) {
        return optional(Ec2Action.DESCRIBE_VOLUME_ATTRIBUTE, () -> ec2.describeVolumeAttribute(r -> r.volumeId(volumeId).attribute(VolumeAttributeName.PRODUCT_CODES))
                .productCodes().stream().map(ProductCode::productCodeId).filter(Objects::nonNull).toList(), List.of(),
                "Marketplace product codes of " + volumeId + " could not be checked; if it has any, its copies attach"
                        + " only to a stopped instance and the conversion fails and rolls back");
    }

    /**
     * An optional read: when the endpoint does not support it (InvalidAction, UnsupportedOperation,
     * HTTP 501), {@code fallback}, and a warning saying what was not checked and what that risks.
     */
    private <T> T optional(Ec2Action action, java.util.function.Supplier<T> read, T fallback, String risk) {
        try {
            return read.get();
        } catch (AwsCallException e) {
            if (!e.unsupported()) {
                throw e;
            }
            unchecked.add("Not checked: " + risk + ". The endpoint does not support " + action.awsName() + " ("
                    + (e.errorCode() != null ? e.errorCode() : "HTTP " + e.httpStatus()) + ").");
            return fallback;
        }
    }

    /**
     * Instance-store volumes do not appear in DescribeInstances; they come from the launch
     * image's ephemeral mappings (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/add-instance-store-volumes.html).
     */
    private List<String> instanceStoreDevices(Instance i) {
        if (i.imageId() == null) {
            return List.of();
        }
        List<Image> images;
        try {
            // An image's block device mappings are fixed when it is registered: read once per fleet.
            images = reads.once(Ec2Action.DESCRIBE_IMAGES.awsName() + " " + i.imageId(), () -> ec2.describeImages(r -> r.imageIds(i.imageId())).images());
        } catch (AwsCallException e) {
            if (e.errorCode() != null && e.errorCode().startsWith("InvalidAMIID")) {
                return List.of(); // the launch image was deregistered: its mappings are unknowable
            }
            throw e;
        }
        return images.stream().flatMap(img -> img.blockDeviceMappings().stream())
                .filter(m -> m.virtualName() != null && m.virtualName().startsWith("ephemeral"))
                .map(BlockDeviceMapping::deviceName).toList();
    }

    private static SourceInstance.NetworkInterface networkInterface(InstanceNetworkInterface n) {
        List<String> secondary = n.privateIpAddresses().stream()
                .filter(p -> !Boolean.TRUE.equals(p.primary())).map(InstancePrivateIpAddress::privateIpAddress).toList();
        return new SourceInstance.NetworkInterface(n.networkInterfaceId(),
                n.attachment() == null || n.attachment().deviceIndex() == null ? 0 : n.attachment().deviceIndex(),
                n.subnetId(), n.privateIpAddress(), secondary,
                n.groups().stream().map(GroupIdentifier::groupId).toList(),
                n.attachment() != null && Boolean.TRUE.equals(n.attachment().deleteOnTermination()),
                n.attachment() == null ? null : n.attachment().attachmentId(),
                n.ipv6Addresses().stream().map(a -> a.ipv6Address()).toList(), n.sourceDestCheck());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
