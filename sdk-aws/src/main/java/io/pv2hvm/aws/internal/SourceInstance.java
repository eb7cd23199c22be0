package io.pv2hvm.aws.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything about the PV source that cutover needs to rebuild it as HVM, read once in
 * preflight and journaled as a fact: after the source is terminated this record is the only
 * place its IPs, groups, profile and volumes are known.
 */
public record SourceInstance(
        String instanceId, String instanceType, String state, String virtualizationType, String rootDeviceType,
        String rootDeviceName, String architecture, String imageId, String kernelId, String ramdiskId,
        String availabilityZone,
        String subnetId, String vpcId, String tenancy, String placementGroup, String keyName,
        String instanceProfileArn, boolean ebsOptimized, List<String> securityGroupIds, Map<String, String> tags,
        boolean terminationProtection, String shutdownBehavior, String userData, List<Volume> volumes,
        List<NetworkInterface> interfaces, List<ElasticIp> elasticIps, String autoAssignedPublicIp,
        List<String> instanceStoreDevices, Behaviour behaviour) {

    /** Copies the collections. */
    public SourceInstance {
        behaviour = behaviour == null ? Behaviour.DEFAULT : behaviour; // journaled by a version without it
        securityGroupIds = List.copyOf(securityGroupIds);
        tags = Map.copyOf(tags);
        volumes = List.copyOf(volumes);
        interfaces = List.copyOf(interfaces);
        elasticIps = List.copyOf(elasticIps);
        instanceStoreDevices = List.copyOf(instanceStoreDevices);
    }

    /**
     * How the instance behaves, beyond what it runs: instance metadata options, stop protection and
     * detailed monitoring. (No PV-capable type has CPU credits: T2 and later are HVM-only, and T1
     * had a fixed CPU share without a credit option.)
     */
    public record Behaviour(String httpTokens, Integer httpPutResponseHopLimit, String httpEndpoint,
                            String instanceMetadataTags, boolean disableApiStop, boolean detailedMonitoring) {
        /** EC2's defaults, for a source journaled before these were read. */
        public static final Behaviour DEFAULT = new Behaviour(null, null, null, null, false, false);
    }

    /** An attached EBS volume; {@code kmsKeyId} is the key ARN of an encrypted one. */
    public record Volume(String deviceName, String volumeId, int sizeGiB, String volumeType, Integer iops,
                         Integer throughput, boolean deleteOnTermination, List<String> productCodes, boolean root,
                         boolean encrypted, String kmsKeyId) {
        /** Copies the list. */
        public Volume {
            productCodes = List.copyOf(productCodes);
        }
    }

    /** A network interface with its addresses. */
    public record NetworkInterface(String networkInterfaceId, int deviceIndex, String subnetId,
                                   String primaryPrivateIp, List<String> secondaryPrivateIps,
                                   List<String> securityGroupIds, boolean deleteOnTermination,
                                   String attachmentId, List<String> ipv6Addresses, Boolean sourceDestCheck) {
        /** Copies the lists. */
        public NetworkInterface {
            secondaryPrivateIps = List.copyOf(secondaryPrivateIps);
            securityGroupIds = List.copyOf(securityGroupIds);
            ipv6Addresses = ipv6Addresses == null ? List.of() : List.copyOf(ipv6Addresses);
            sourceDestCheck = sourceDestCheck == null || sourceDestCheck;
        }

        /** Private IPv4 addresses on this interface, primary first. */
        public int privateIpCount() {
            return 1 + secondaryPrivateIps.size();
        }

        /** Whether this is the primary interface (device index 0), which lives and dies with the instance. */
        public boolean primary() {
            return deviceIndex == 0;
        }
    }

    /** An Elastic IP associated with one of the instance's private IPs. */
    public record ElasticIp(String allocationId, String publicIp, String networkInterfaceId, String privateIp) {
    }

    /** The root volume, if EBS still shows one (a terminated instance has none). */
    public Optional<Volume> rootVolumeIfAny() {
        return volumes.stream().filter(Volume::root).findFirst();
    }

    /** The root volume. */
    public Volume rootVolume() {
        return volumes.stream().filter(Volume::root).findFirst().orElseThrow(() ->
                new IllegalStateException(instanceId + " has no EBS root volume"));
    }

    /** Data volumes: every attached EBS volume except the root. */
    public List<Volume> dataVolumes() {
        return volumes.stream().filter(v -> !v.root()).toList();
    }

    /** The primary network interface. */
    public Optional<NetworkInterface> primaryInterface() {
        return interfaces.stream().filter(NetworkInterface::primary).findFirst();
    }

    /** Secondary interfaces, by device index. */
    public List<NetworkInterface> secondaryInterfaces() {
        return interfaces.stream().filter(n -> !n.primary()).toList();
    }

    /** Every private IPv4 address, primary interface first. */
    public List<String> privateIps() {
        return interfaces.stream()
                .flatMap(n -> java.util.stream.Stream.concat(java.util.stream.Stream.of(n.primaryPrivateIp()),
                        n.secondaryPrivateIps().stream()))
                .toList();
    }
}
