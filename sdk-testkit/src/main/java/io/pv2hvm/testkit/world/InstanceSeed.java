package io.pv2hvm.testkit.world;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An instance already present when the emulator starts, with its root and data volumes,
 * instance-store devices, secondary private IPs, secondary ENIs and tags. Fluent; in a JSON
 * seed the keys are this class's field names ({@code privateIp}, {@code dataVolumes},
 * {@code instanceStoreDevices}, {@code secondaryEnis}, {@code autoAssignPublicIp},
 * {@code ssmAgent}, {@code state}, ...).
 */
public final class InstanceSeed {

    private String id;
    private String imageId;
    private String instanceType = "m1.large";
    private String subnetId;
    private String privateIp;
    private List<String> secondaryPrivateIps = new ArrayList<>();
    private List<String> groupIds = new ArrayList<>();
    private String keyName;
    private String instanceProfile;
    private String state = "running";
    private VolumeSeed root;
    private List<VolumeSeed> dataVolumes = new ArrayList<>();
    private List<String> instanceStoreDevices = new ArrayList<>();
    private List<NetworkInterfaceSeed> secondaryEnis = new ArrayList<>();
    private boolean autoAssignPublicIp;
    private Map<String, String> tags = new LinkedHashMap<>();
    private boolean ebsOptimized;
    private boolean disableApiTermination;
    private String userData;
    private boolean ssmAgent = true;
    private boolean instanceStoreRoot;
    private boolean disableApiStop;
    private String httpTokens = "optional";
    private int httpPutResponseHopLimit = 1;
    private String httpEndpoint = "enabled";
    private String instanceMetadataTags = "disabled";
    private String cpuCredits;
    private boolean monitoring;
    private String tenancy = "default";
    private String placementGroup;
    private List<String> ipv6Addresses = new ArrayList<>();
    private boolean sourceDestCheck = true;

    /** A running instance launched from {@code imageId} (its type, kernel and root come from the image). */
    public static InstanceSeed of(String id, String imageId) {
        InstanceSeed s = new InstanceSeed();
        s.id = id;
        s.imageId = imageId;
        return s;
    }

    /** Sets the instance type (default m1.large). */
    public InstanceSeed instanceType(String t) { this.instanceType = t; return this; }
    /** Sets the subnet (default: the world's first subnet). */
    public InstanceSeed subnet(String s) { this.subnetId = s; return this; }
    /** Sets the primary private IP (allocated when absent). */
    public InstanceSeed privateIp(String ip) { this.privateIp = ip; return this; }
    /** Adds a secondary private IP on the primary ENI. */
    public InstanceSeed secondaryPrivateIp(String ip) { this.secondaryPrivateIps.add(ip); return this; }
    /** Adds a security group. */
    public InstanceSeed group(String groupId) { this.groupIds.add(groupId); return this; }
    /** Sets the key pair name. */
    public InstanceSeed keyName(String k) { this.keyName = k; return this; }
    /** Sets the instance profile name. */
    public InstanceSeed instanceProfile(String p) { this.instanceProfile = p; return this; }
    /** Starts the instance stopped instead of running. */
    public InstanceSeed stopped() { this.state = "stopped"; return this; }
    /** Replaces the root volume (default: image's root size at the image's root device). */
    public InstanceSeed root(VolumeSeed v) { this.root = v; return this; }
    /** Adds an attached data volume. */
    public InstanceSeed dataVolume(VolumeSeed v) { this.dataVolumes.add(v); return this; }
    /**
     * Adds an instance-store volume at {@code device}. As in EC2, DescribeInstances lists only
     * EBS devices: instance store shows in the AMI's {@code ephemeralN} mappings (see
     * {@link ImageSeed#instanceStore}) and in the mappings of images created from the instance.
     */
    public InstanceSeed instanceStore(String device) { this.instanceStoreDevices.add(device); return this; }
    /** Adds a secondary ENI. */
    public InstanceSeed secondaryEni(NetworkInterfaceSeed eni) { this.secondaryEnis.add(eni); return this; }
    /** Gives the instance an auto-assigned public IPv4 (released at stop). */
    public InstanceSeed autoAssignedPublicIp() { this.autoAssignPublicIp = true; return this; }
    /** Adds a tag. */
    public InstanceSeed tag(String k, String v) { this.tags.put(k, v); return this; }
    /** Marks the instance EBS-optimized. */
    public InstanceSeed ebsOptimized(boolean b) { this.ebsOptimized = b; return this; }
    /** Sets termination protection. */
    public InstanceSeed disableApiTermination(boolean b) { this.disableApiTermination = b; return this; }
    /** The guest runs no SSM agent (never Online in DescribeInstanceInformation). */
    public InstanceSeed withoutSsmAgent() { this.ssmAgent = false; return this; }
    /** The instance boots from an instance-store root (an S3-backed AMI): it has no EBS root volume. */
    public InstanceSeed instanceStoreRoot() { this.instanceStoreRoot = true; return this; }
    /** Sets the user data (plain text; the API answers it base64-encoded). */
    public InstanceSeed userData(String u) { this.userData = u; return this; }

    /** Sets stop protection (DisableApiStop). */
    public InstanceSeed disableApiStop(boolean b) { this.disableApiStop = b; return this; }
    /**
     * Sets the instance metadata options: HttpTokens ({@code optional} or {@code required}),
     * hop limit, HttpEndpoint ({@code enabled}/{@code disabled}) and InstanceMetadataTags.
     */
    public InstanceSeed metadataOptions(String tokens, int hopLimit, String endpoint, String tagsInMetadata) {
        this.httpTokens = tokens;
        this.httpPutResponseHopLimit = hopLimit;
        this.httpEndpoint = endpoint;
        this.instanceMetadataTags = tagsInMetadata;
        return this;
    }
    /** Sets the CPU credit option of a burstable type ({@code standard} or {@code unlimited}). */
    public InstanceSeed cpuCredits(String c) { this.cpuCredits = c; return this; }
    /** Turns detailed monitoring on. */
    public InstanceSeed detailedMonitoring() { this.monitoring = true; return this; }
    /** Sets the tenancy ({@code default}, {@code dedicated} or {@code host}). */
    public InstanceSeed tenancy(String t) { this.tenancy = t; return this; }
    /** Places the instance in a placement group (which then exists in the world). */
    public InstanceSeed placementGroup(String name) { this.placementGroup = name; return this; }
    /** Adds an IPv6 address on the primary ENI. */
    public InstanceSeed ipv6Address(String address) { this.ipv6Addresses.add(address); return this; }
    /** Sets the primary ENI's source/destination check (default on). */
    public InstanceSeed sourceDestCheck(boolean b) { this.sourceDestCheck = b; return this; }

    /** The id. */
    public String id() { return id; }
    /** The image. */
    public String imageId() { return imageId; }
    /** The type. */
    public String instanceType() { return instanceType; }
    /** The subnet, or null. */
    public String subnetId() { return subnetId; }
    /** The primary private IP, or null. */
    public String privateIp() { return privateIp; }
    /** Secondary private IPs. */
    public List<String> secondaryPrivateIps() { return List.copyOf(secondaryPrivateIps); }
    /** Security groups. */
    public List<String> groupIds() { return List.copyOf(groupIds); }
    /** Key pair name, or null. */
    public String keyName() { return keyName; }
    /** Instance profile name, or null. */
    public String instanceProfile() { return instanceProfile; }
    /** {@code running} or {@code stopped}. */
    public String state() { return state; }
    /** Root volume seed, or null for the default. */
    public VolumeSeed root() { return root; }
    /** Data volumes. */
    public List<VolumeSeed> dataVolumes() { return List.copyOf(dataVolumes); }
    /** Instance-store devices. */
    public List<String> instanceStoreDevices() { return List.copyOf(instanceStoreDevices); }
    /** Secondary ENIs. */
    public List<NetworkInterfaceSeed> secondaryEnis() { return List.copyOf(secondaryEnis); }
    /** Whether it has an auto-assigned public IP. */
    public boolean autoAssignPublicIp() { return autoAssignPublicIp; }
    /** Tags. */
    public Map<String, String> tags() { return Map.copyOf(tags); }
    /** EBS-optimized. */
    public boolean ebsOptimized() { return ebsOptimized; }
    /** Termination protection. */
    public boolean disableApiTermination() { return disableApiTermination; }
    /** Whether the guest runs the SSM agent. */
    public boolean ssmAgent() { return ssmAgent; }
    public boolean isInstanceStoreRoot() { return instanceStoreRoot; }
    /** User data, or null. */
    public String userData() { return userData; }
    /** Stop protection. */
    public boolean disableApiStop() { return disableApiStop; }
    /** IMDS HttpTokens. */
    public String httpTokens() { return httpTokens; }
    /** IMDS hop limit. */
    public int httpPutResponseHopLimit() { return httpPutResponseHopLimit; }
    /** IMDS endpoint. */
    public String httpEndpoint() { return httpEndpoint; }
    /** Tags in instance metadata. */
    public String instanceMetadataTags() { return instanceMetadataTags; }
    /** CPU credits, or null for the type's default. */
    public String cpuCredits() { return cpuCredits; }
    /** Detailed monitoring. */
    public boolean monitoring() { return monitoring; }
    /** Tenancy. */
    public String tenancy() { return tenancy; }
    /** Placement group, or null. */
    public String placementGroup() { return placementGroup; }
    /** IPv6 addresses of the primary ENI. */
    public List<String> ipv6Addresses() { return List.copyOf(ipv6Addresses); }
    /** Source/destination check of the primary ENI. */
    public boolean sourceDestCheck() { return sourceDestCheck; }
}
