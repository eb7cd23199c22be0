package io.pv2hvm.testkit.internal.model;

import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.internal.disk.SparseFiles;
import io.pv2hvm.testkit.internal.time.Scheduler;
import io.pv2hvm.testkit.spi.BootHook;
import io.pv2hvm.testkit.spi.BootRequest;
import io.pv2hvm.testkit.spi.BootResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The emulated region: every resource, the timeline of pending transitions, and the
 * lifecycle rules shared by several actions. One lock guards it all: requests are short and
 * a single lock keeps multi-resource rules (IP reuse, attach/detach) trivially consistent.
 */
public final class Ec2Model {

    public static final String ACCOUNT_ID = "123456789012";
    public static final String REGION = "us-east-1";
    /**
     * The account's AWS managed key for EBS (alias aws/ebs), used when a volume is encrypted
     * without naming a key (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html).
     */
    public static final String DEFAULT_EBS_KMS_KEY = "arn:aws:kms:" + REGION + ":" + ACCOUNT_ID
            + ":key/0e1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    private static final Pattern ID = Pattern.compile("[a-z]+-[0-9a-f]{8}([0-9a-f]{9})?");

    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;
    private final Scheduler scheduler;
    private final LatencyModel latency;
    private final IdGenerator ids;
    private final InstanceTypeCatalog types = new InstanceTypeCatalog();
    private final Duration consistencyWindow;
    private final BootHook bootHook;
    private final ExecutorService background;
    private final Path configuredDiskDirectory;
    private Path diskDirectory;

    private final Map<String, String> vpcs = new LinkedHashMap<>();
    private final Map<String, SubnetRecord> subnets = new LinkedHashMap<>();
    private final Map<String, SecurityGroupRecord> securityGroups = new LinkedHashMap<>();
    private final Set<String> keyPairs = new HashSet<>();
    private final Set<String> placementGroups = new HashSet<>();
    private final Map<String, String> instanceProfiles = new LinkedHashMap<>();
    private final Map<String, ImageRecord> images = new LinkedHashMap<>();
    private final Map<String, SnapshotRecord> snapshots = new LinkedHashMap<>();
    private final Map<String, VolumeRecord> volumes = new LinkedHashMap<>();
    private final Map<String, InstanceRecord> instances = new LinkedHashMap<>();
    private final Map<String, NetworkInterfaceRecord> enis = new LinkedHashMap<>();
    private final Map<String, AddressRecord> addresses = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> tags = new LinkedHashMap<>();
    private final Map<String, IdempotentCall> clientTokens = new LinkedHashMap<>();
    private final Map<String, String> publicParameters = new LinkedHashMap<>();
    /** ARNs of the instance profiles whose role lets the SSM agent register. */
    private final Set<String> ssmProfileArns = new HashSet<>();
    /** The Default Host Management Configuration role, or null while the setting is off ("$None"). */
    private String defaultHostManagementRole;
    /** When the Default Host Management Configuration was last changed. */
    private Instant defaultHostManagementSince;
    /** Injected fault: name prefixes of RegisterImage calls whose image ends {@code failed}, one entry per call. */
    private final List<String> imageRegistrationsToFail = new ArrayList<>();
    private long nextPublicIp = Ipv4.parse("203.0.113.10");
    private long nextElasticIp = Ipv4.parse("198.51.100.10");

    public Ec2Model(Clock clock, LatencyModel latency, Duration consistencyWindow, long seed, BootHook bootHook,
                    ExecutorService background, Path diskDirectory) {
        this.clock = clock;
        this.scheduler = new Scheduler(clock);
        this.latency = latency;
        this.consistencyWindow = consistencyWindow;
        this.ids = new IdGenerator(seed);
        this.bootHook = bootHook;
        this.background = background;
        this.configuredDiskDirectory = diskDirectory;
    }

    /**
     * Runs {@code work} holding the model lock: every request, the seeding and the emulator's own
     * reads go through here, so compound operations see one consistent region.
     */
    public <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #locked(Supplier)} for work without a result. */
    public void locked(Runnable work) {
        locked(() -> {
            work.run();
            return null;
        });
    }

    /** The emulator's wall clock (journal timestamps, SSM invocation times, throttling). */
    public Clock clock() {
        return clock;
    }

    /** EC2's latencies and the time scale they run at. */
    public LatencyModel latency() {
        return latency;
    }

    /** Where new resource ids come from. */
    public IdGenerator ids() {
        return ids;
    }

    /** The instance types the region offers. */
    public InstanceTypeCatalog types() {
        return types;
    }

    /** Applies every pending transition due by the clock's current instant; callers hold the lock. */
    public void advance() {
        scheduler.advance();
    }

    public Instant now() {
        return scheduler.now();
    }

    /** Schedules {@code action} after an EC2 latency, scaled by the time scale. */
    public void after(Duration ec2Latency, Runnable action) {
        scheduler.after(latency.scaled(ec2Latency), action);
    }

    /** Schedules {@code action} after a delay already in the emulator's (scaled) time. */
    public void afterScaled(Duration delay, Runnable action) {
        scheduler.after(delay, action);
    }

    /**
     * Whether the instance's credentials let its SSM agent register: an instance profile whose
     * role allows SSM, or the Default Host Management Configuration
     * (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html).
     */
    public boolean ssmPermitted(InstanceRecord i) {
        return defaultHostManagementRole != null
                || profileAllowsSsm(i.instanceProfileArn);
    }

    /**
     * Eventual consistency: a resource created less than the window ago is not yet visible
     * to reads or to other calls (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html).
     */
    public boolean visible(Instant createdAt) {
        return consistencyWindow.isZero() || !now().isBefore(createdAt.plus(consistencyWindow));
    }

    /** What describes last showed of a resource's state, and since when the truth differs. */
    private static final class ShownState {
        String shown;
        String previous;
        Instant changedAt;

        ShownState(String state) {
            this.shown = state;
        }
    }

    private final Map<String, ShownState> shownStates = new HashMap<>();

    /**
     * The state a Describe shows of resource {@code id}, whose state is now {@code actual}. EC2's
     * describes are eventually consistent too: "the result of an API command you run that affects
     * your Amazon EC2 resources might not be immediately visible to all subsequent commands"
     * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html). So for a
     * consistency window after a describe first meets a change, describes still show the state
     * from before it: a StopInstances is followed by a {@code running}, a DetachVolume by an
     * {@code in-use}. A resource first described shows its true state.
     */
    public String shownState(String id, String actual) {
        if (consistencyWindow.isZero()) {
            return actual;
        }
        ShownState s = shownStates.computeIfAbsent(id, k -> new ShownState(actual));
        Instant now = now();
        if (!actual.equals(s.shown)) {
            if (s.changedAt == null || !now.isBefore(s.changedAt.plus(consistencyWindow))) {
                s.previous = s.shown;
                s.changedAt = now;
            }
            s.shown = actual;
        }
        return s.changedAt != null && now.isBefore(s.changedAt.plus(consistencyWindow)) ? s.previous : actual;
    }

    // ---------------------------------------------------------------- lookups

    public void checkId(String id, String prefix, String malformedCode) {
        if (id == null || !id.startsWith(prefix + "-") || !ID.matcher(id).matches()) {
            throw new Ec2Exception(malformedCode, "Invalid id: \"" + id + "\"");
        }
    }

    public InstanceRecord instance(String id) {
        checkId(id, "i", "InvalidInstanceID.Malformed");
        InstanceRecord r = instances.get(id);
        if (r == null || !visible(r.createdAt)) {
            throw new Ec2Exception("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
        }
        return r;
    }

    public VolumeRecord volume(String id) {
        checkId(id, "vol", "InvalidVolumeID.Malformed");
        VolumeRecord v = volumes.get(id);
        if (v == null || v.state() == VolumeState.DELETED || !visible(v.createdAt())) {
            throw new Ec2Exception("InvalidVolume.NotFound", "The volume '" + id + "' does not exist.");
        }
        return v;
    }

    public SnapshotRecord snapshot(String id) {
        checkId(id, "snap", "InvalidSnapshotID.Malformed");
        SnapshotRecord s = snapshots.get(id);
        if (s == null || !visible(s.createdAt())) {
            throw new Ec2Exception("InvalidSnapshot.NotFound", "The snapshot '" + id + "' does not exist.");
        }
        return s;
    }

    public ImageRecord image(String id) {
        // Kernel (aki-) and ramdisk (ari-) images are images too: PV-GRUB is looked up by its AKI id.
        String prefix = id != null && id.startsWith("aki-") ? "aki" : id != null && id.startsWith("ari-") ? "ari" : "ami";
        checkId(id, prefix, "InvalidAMIID.Malformed");
        ImageRecord i = images.get(id);
        if (i == null || i.state() == ImageState.DEREGISTERED || !visible(i.createdAt)) {
            throw new Ec2Exception("InvalidAMIID.NotFound", "The image id '[" + id + "]' does not exist");
        }
        return i;
    }

    public NetworkInterfaceRecord eni(String id) {
        checkId(id, "eni", "InvalidNetworkInterfaceID.Malformed");
        NetworkInterfaceRecord n = enis.get(id);
        if (n == null || !visible(n.createdAt())) {
            throw new Ec2Exception("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" + id + "' does not exist");
        }
        return n;
    }

    public AddressRecord address(String allocationId) {
        AddressRecord a = addresses.get(allocationId);
        if (a == null || !visible(a.createdAt())) {
            throw new Ec2Exception("InvalidAllocationID.NotFound", "The allocation ID '" + allocationId + "' does not exist");
        }
        return a;
    }

    public SubnetRecord subnet(String id) {
        SubnetRecord s = subnets.get(id);
        if (s == null) {
            throw new Ec2Exception("InvalidSubnetID.NotFound", "The subnet ID '" + id + "' does not exist");
        }
        return s;
    }

    public SecurityGroupRecord securityGroup(String id) {
        SecurityGroupRecord g = securityGroups.get(id);
        if (g == null || !visible(g.createdAt)) {
            throw new Ec2Exception("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
        }
        return g;
    }

    /** Any taggable resource by id; the error names the resource kind as EC2 does. */
    public void requireTaggable(String id) {
        String prefix = id.contains("-") ? id.substring(0, id.indexOf('-')) : "";
        switch (prefix) {
            case "i" -> instance(id);
            case "vol" -> volume(id);
            case "snap" -> snapshot(id);
            case "ami" -> image(id);
            case "eni" -> eni(id);
            case "eipalloc" -> address(id);
            case "subnet" -> subnet(id);
            case "sg" -> securityGroup(id);
            case "vpc" -> {
                if (!vpcs.containsKey(id)) {
                    throw new Ec2Exception("InvalidVpcID.NotFound", "The vpc ID '" + id + "' does not exist");
                }
            }
            default -> throw new Ec2Exception("InvalidID", "The ID '" + id + "' is not valid");
        }
    }

    public static String resourceType(String id) {
        String prefix = id.contains("-") ? id.substring(0, id.indexOf('-')) : "";
        return switch (prefix) {
            case "i" -> "instance";
            case "vol" -> "volume";
            case "snap" -> "snapshot";
            case "ami" -> "image";
            case "eni" -> "network-interface";
            case "eipalloc" -> "elastic-ip";
            case "subnet" -> "subnet";
            case "sg" -> "security-group";
            case "vpc" -> "vpc";
            default -> "unknown";
        };
    }

    public Map<String, String> tagsOf(String id) {
        return tags.getOrDefault(id, Map.of());
    }

    public void putTags(String id, Map<String, String> add) {
        if (add.isEmpty()) {
            return;
        }
        Map<String, String> merged = new LinkedHashMap<>(tags.getOrDefault(id, Map.of()));
        merged.putAll(add);
        // At most 50 tags per resource (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html).
        if (merged.size() > 50) {
            throw new Ec2Exception("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");
        }
        tags.put(id, merged);
    }

    /** What a ClientToken was first used for: the action, its other parameters, and the ids it created. */
    private record IdempotentCall(String action, Map<String, String> params, List<String> ids) {
    }

    /**
     * The ids created by an earlier call with the same ClientToken, or null for a new token;
     * the same token with other parameters is IdempotentParameterMismatch
     * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
     */
    public List<String> replayed(String action, String token, Map<String, String> params) {
        if (token == null) {
            return null;
        }
        // A client token is a case-sensitive string of up to 64 ASCII characters
        // (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
        if (token.length() > 64 || !token.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw invalidClientToken(token);
        }
        IdempotentCall previous = clientTokens.get(token);
        if (previous == null) {
            return null;
        }
        if (!previous.action.equals(action) || !previous.params.equals(withoutToken(params))) {
            throw new Ec2Exception("IdempotentParameterMismatch", "The client token '" + token
                    + "' was already used with different parameters.");
        }
        return previous.ids;
    }

    public void rememberToken(String action, String token, Map<String, String> params, List<String> ids) {
        if (token != null) {
            clientTokens.put(token, new IdempotentCall(action, withoutToken(params), List.copyOf(ids)));
        }
    }

    private static Ec2Exception invalidClientToken(String token) {
        return Ec2Exception.invalidParameterValue("Value (" + token + ") for parameter clientToken is invalid. A client token"
                + " is at most 64 ASCII characters; this one has " + token.length() + ".");
    }

    private static Map<String, String> withoutToken(Map<String, String> params) {
        Map<String, String> m = new LinkedHashMap<>(params);
        m.remove("ClientToken");
        return m;
    }


    // ---------------------------------------------------------------- resources
    // Raw finds ignore eventual consistency and deletion states: the model's own rules and the
    // emulator's introspection use them; requests use the throwing lookups above.

    public void addVpc(String id, String cidr) {
        vpcs.put(id, cidr);
    }

    public boolean hasVpc(String id) {
        return vpcs.containsKey(id);
    }

    /** VPC ids to their CIDR blocks, in creation order (read-only). */
    public Map<String, String> vpcCidrs() {
        return Collections.unmodifiableMap(vpcs);
    }

    public void addSubnet(SubnetRecord s) {
        subnets.put(s.id(), s);
    }

    /** Every subnet in creation order (read-only). */
    public Collection<SubnetRecord> subnets() {
        return Collections.unmodifiableCollection(subnets.values());
    }

    public void addSecurityGroup(SecurityGroupRecord g) {
        securityGroups.put(g.id(), g);
    }

    public Optional<SecurityGroupRecord> findSecurityGroup(String id) {
        return Optional.ofNullable(securityGroups.get(id));
    }

    /** Every security group in creation order (read-only). */
    public Collection<SecurityGroupRecord> securityGroups() {
        return Collections.unmodifiableCollection(securityGroups.values());
    }

    /** Deletes a security group and its tags. */
    public void removeSecurityGroup(String id) {
        securityGroups.remove(id);
        tags.remove(id);
    }

    public void addKeyPairs(Collection<String> names) {
        keyPairs.addAll(names);
    }

    public boolean hasKeyPair(String name) {
        return keyPairs.contains(name);
    }

    /** Every key pair name (read-only, unordered). */
    public Set<String> keyPairs() {
        return Collections.unmodifiableSet(keyPairs);
    }

    public void addPlacementGroup(String name) {
        placementGroups.add(name);
    }

    public boolean hasPlacementGroup(String name) {
        return placementGroups.contains(name);
    }

    /** Adds an instance profile; {@code allowsSsm} when its role lets the SSM agent register. */
    public void addInstanceProfile(String name, String arn, boolean allowsSsm) {
        instanceProfiles.put(name, arn);
        if (allowsSsm) {
            ssmProfileArns.add(arn);
        }
    }

    /** The ARN of the instance profile named {@code name}. */
    public Optional<String> instanceProfileArn(String name) {
        return Optional.ofNullable(instanceProfiles.get(name));
    }

    public boolean hasInstanceProfileArn(String arn) {
        return instanceProfiles.containsValue(arn);
    }

    /** Whether the instance profile {@code arn}'s role lets the SSM agent register. */
    public boolean profileAllowsSsm(String arn) {
        return arn != null && ssmProfileArns.contains(arn);
    }

    public void addImage(ImageRecord i) {
        images.put(i.id, i);
    }

    public Optional<ImageRecord> findImage(String id) {
        return Optional.ofNullable(images.get(id));
    }

    /** Every image in registration order, deregistered ones included (read-only). */
    public Collection<ImageRecord> images() {
        return Collections.unmodifiableCollection(images.values());
    }

    /** Injected fault: the next {@code times} RegisterImage calls whose name starts with {@code namePrefix} end failed. */
    public void failImageRegistrations(String namePrefix, int times) {
        for (int i = 0; i < times; i++) {
            imageRegistrationsToFail.add(namePrefix);
        }
    }

    /** Whether the registration of an image named {@code name} is to fail; consumes one injected failure. */
    public boolean takeImageRegistrationFailure(String name) {
        String failing = imageRegistrationsToFail.stream().filter(name::startsWith).findFirst().orElse(null);
        return failing != null && imageRegistrationsToFail.remove(failing);
    }

    public void addSnapshot(SnapshotRecord s) {
        snapshots.put(s.id(), s);
    }

    public Optional<SnapshotRecord> findSnapshot(String id) {
        return Optional.ofNullable(snapshots.get(id));
    }

    /** Every snapshot in creation order (read-only). */
    public Collection<SnapshotRecord> snapshots() {
        return Collections.unmodifiableCollection(snapshots.values());
    }

    /** Deletes a snapshot and its tags. */
    public void removeSnapshot(String id) {
        snapshots.remove(id);
        tags.remove(id);
    }

    public void addVolume(VolumeRecord v) {
        volumes.put(v.id(), v);
    }

    public Optional<VolumeRecord> findVolume(String id) {
        return Optional.ofNullable(volumes.get(id));
    }

    /** Every volume in creation order, deleted ones included (read-only). */
    public Collection<VolumeRecord> volumes() {
        return Collections.unmodifiableCollection(volumes.values());
    }

    public void addInstance(InstanceRecord i) {
        instances.put(i.id, i);
    }

    public Optional<InstanceRecord> findInstance(String id) {
        return Optional.ofNullable(instances.get(id));
    }

    /** Every instance in launch order, terminated ones still listed (read-only). */
    public Collection<InstanceRecord> instances() {
        return Collections.unmodifiableCollection(instances.values());
    }

    /** Forgets an instance and its tags (a terminated instance's describe period is over). */
    public void removeInstance(String id) {
        instances.remove(id);
        tags.remove(id);
    }

    public Optional<NetworkInterfaceRecord> findEni(String id) {
        return Optional.ofNullable(enis.get(id));
    }

    /** The instance's primary interface, if it has one. */
    public Optional<NetworkInterfaceRecord> primaryEni(InstanceRecord i) {
        return i.primaryEniId == null ? Optional.empty() : findEni(i.primaryEniId);
    }

    public Optional<NetworkInterfaceRecord> eniByAttachment(String attachmentId) {
        return enis.values().stream().filter(e -> attachmentId.equals(e.attachmentId())).findFirst();
    }

    /** Every interface in creation order (read-only). */
    public Collection<NetworkInterfaceRecord> enis() {
        return Collections.unmodifiableCollection(enis.values());
    }

    /** Deletes an interface and its tags. */
    public void removeEni(String id) {
        enis.remove(id);
        tags.remove(id);
    }

    /**
     * Releases a terminated instance's interface after the release delay: its record (and so its
     * IPs) goes. Unlike {@link #removeEni}, its tags are left in place, as the emulator always did.
     */
    public void releaseEni(String id) {
        enis.remove(id);
    }

    /**
     * Gives a just created interface the id a world seed names. The generated id was still
     * drawn, so the ids generated after it stay the same.
     */
    public void renameEni(NetworkInterfaceRecord n, String id) {
        enis.remove(n.id());
        n.rename(id);
        enis.put(n.id(), n);
    }

    public void addAddress(AddressRecord a) {
        addresses.put(a.allocationId(), a);
    }

    /** Every Elastic IP allocation in allocation order (read-only). */
    public Collection<AddressRecord> addresses() {
        return Collections.unmodifiableCollection(addresses.values());
    }

    public Optional<AddressRecord> addressByAssociation(String associationId) {
        return addresses.values().stream().filter(x -> associationId.equals(x.associationId())).findFirst();
    }

    /** Releases an Elastic IP allocation and its tags. */
    public void removeAddress(String allocationId) {
        addresses.remove(allocationId);
        tags.remove(allocationId);
    }

    /** Disassociates every Elastic IP whose association matches {@code associated}. */
    public void disassociateWhere(java.util.function.Predicate<AddressRecord> associated) {
        for (AddressRecord a : addresses.values()) {
            if (associated.test(a)) {
                a.disassociate();
            }
        }
    }

    public void addPublicParameters(Map<String, String> parameters) {
        publicParameters.putAll(parameters);
    }

    /** The value of an SSM public parameter. */
    public Optional<String> publicParameter(String name) {
        return Optional.ofNullable(publicParameters.get(name));
    }

    /** The Default Host Management Configuration role, or null while the setting is off. */
    public String defaultHostManagementRole() {
        return defaultHostManagementRole;
    }

    /** When the Default Host Management Configuration was last changed, or null if never. */
    public Instant defaultHostManagementSince() {
        return defaultHostManagementSince;
    }

    /** Sets (a role) or turns off (null) the Default Host Management Configuration, changed at {@code since}. */
    public void setDefaultHostManagement(String role, Instant since) {
        defaultHostManagementRole = role;
        defaultHostManagementSince = since;
    }

    /** Every resource's tags, by resource id (read-only). */
    public Map<String, Map<String, String>> allTags() {
        return Collections.unmodifiableMap(tags);
    }

    /** Removes all of a resource's tags (the resource keeps an empty tag set, as before). */
    public void clearTags(String id) {
        Map<String, String> t = tags.get(id);
        if (t != null) {
            t.clear();
        }
    }

    /** Removes tag {@code key} of a resource, only if its value is {@code value} when one is given. */
    public void removeTag(String id, String key, String value) {
        Map<String, String> t = tags.get(id);
        if (t != null && (value == null || value.equals(t.get(key)))) {
            t.remove(key);
        }
    }

    public boolean hasTags(String id) {
        return tags.containsKey(id);
    }

    // ---------------------------------------------------------------- addresses

    /** True while any interface (attached, detached or awaiting release) holds {@code ip}. */
    public boolean ipInUse(String subnetId, String ip) {
        for (NetworkInterfaceRecord n : enis.values()) {
            if (n.subnetId().equals(subnetId) && n.privateIps.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks a requested private IP: inside the subnet and free. A terminated instance's IPs
     * stay in use until released, so early reuse fails with InvalidIPAddress.InUse
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
     */
    public void checkPrivateIpFree(SubnetRecord subnet, String ip) {
        long v = Ipv4.parse(ip);
        if (!subnet.contains(v) || !subnet.isUsable(v)) {
            throw Ec2Exception.invalidParameterValue("Address " + ip + " does not fall within the subnet's address range");
        }
        if (ipInUse(subnet.id(), ip)) {
            throw new Ec2Exception("InvalidIPAddress.InUse", "Address " + ip + " is in use.");
        }
    }

    public String allocatePrivateIp(SubnetRecord subnet) {
        for (long ip = subnet.network() + 4; ip < subnet.network() + subnet.size() - 1; ip++) {
            String s = Ipv4.format(ip);
            if (!ipInUse(subnet.id(), s)) {
                return s;
            }
        }
        throw new Ec2Exception("InsufficientFreeAddressesInSubnet",
                "There are not enough free addresses in subnet '" + subnet.id() + "' to satisfy the requested number of instances.");
    }

    public int freeAddressCount(SubnetRecord subnet) {
        Set<String> used = new HashSet<>();
        for (NetworkInterfaceRecord n : enis.values()) {
            if (n.subnetId().equals(subnet.id())) {
                used.addAll(n.privateIps);
            }
        }
        return (int) (subnet.size() - 5 - used.size());
    }

    public String allocatePublicIp() {
        return Ipv4.format(nextPublicIp++);
    }

    public String allocateElasticIp() {
        return Ipv4.format(nextElasticIp++);
    }

    public NetworkInterfaceRecord newEni(SubnetRecord subnet, String primaryIp, List<String> groupIds, String description) {
        String id = ids.next("eni");
        String mac = "0a:" + ids.hex(2) + ":" + ids.hex(2) + ":" + ids.hex(2) + ":" + ids.hex(2) + ":" + ids.hex(2);
        String ip = primaryIp != null ? primaryIp : allocatePrivateIp(subnet);
        NetworkInterfaceRecord n = new NetworkInterfaceRecord(id, subnet.id(), subnet.vpcId(), subnet.availabilityZone(), mac, now());
        n.privateIps.add(ip);
        n.groupIds.addAll(groupIds);
        n.changeDescription(description == null ? "" : description);
        enis.put(n.id(), n);
        return n;
    }

    public List<NetworkInterfaceRecord> enisOf(String instanceId) {
        List<NetworkInterfaceRecord> out = new ArrayList<>();
        for (NetworkInterfaceRecord n : enis.values()) {
            if (instanceId.equals(n.instanceId())) {
                out.add(n);
            }
        }
        out.sort((a, b) -> Integer.compare(a.deviceIndex(), b.deviceIndex()));
        return out;
    }

    public List<VolumeRecord> volumesOf(String instanceId) {
        List<VolumeRecord> out = new ArrayList<>();
        for (VolumeRecord v : volumes.values()) {
            if (instanceId.equals(v.attachedInstanceId())) {
                out.add(v);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- disks

    public synchronized Path diskDirectory() {
        if (diskDirectory == null) {
            try {
                diskDirectory = configuredDiskDirectory != null
                        ? Files.createDirectories(configuredDiskDirectory)
                        : EmulatorDisks.createTemporary();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return diskDirectory;
    }

    /** Deletes the disk directory if the model made it in the temporary directory (a configured one is the caller's). */
    public synchronized void releaseDisks() {
        if (diskDirectory != null && configuredDiskDirectory == null) {
            EmulatorDisks.delete(diskDirectory);
            diskDirectory = null;
        }
    }

    /** A sparse copy of {@code source} named after {@code id}, or null when there is no source. */
    public Path copyDisk(Path source, String id) {
        if (source == null) {
            return null;
        }
        Path target = diskDirectory().resolve(id + ".img");
        SparseFiles.copy(source, target);
        return target;
    }

    public boolean fileBackedByDefault() {
        return configuredDiskDirectory != null;
    }

    // ---------------------------------------------------------------- lifecycle

    /** Creates a volume from a snapshot (or empty) in {@code az}; state {@code creating} unless {@code ready}. */
    public VolumeRecord newVolume(String az, int sizeGiB, SnapshotRecord from, String volumeType, boolean ready) {
        String id = ids.next("vol");
        Instant createTime = now();
        VolumeRecord v = new VolumeRecord(id, az, sizeGiB, now());
        v.volumeType(volumeType == null ? "gp2" : volumeType);
        v.createTime(createTime);
        if (from != null) {
            v.restoredFrom(from.id());
            v.holds(from.dataBytes(), 0); // restored data; nothing changed yet relative to the snapshot
            // A volume from an encrypted snapshot is encrypted with the snapshot's key
            // (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html#encryption-rules).
            v.encryption(from.encrypted(), from.kmsKeyId());
            // Marketplace product codes travel from snapshot to volume.
            v.addProductCodes(from.productCodes());
            v.disk(copyDisk(from.diskImage(), id), from.filesystem());
            if (v.diskImage() != null) {
                SparseFiles.createOrGrow(v.diskImage(), (long) sizeGiB << 30);
            }
        } else if (fileBackedByDefault()) {
            v.disk(diskDirectory().resolve(id + ".img"), null);
            SparseFiles.createOrGrow(v.diskImage(), (long) sizeGiB << 30);
        }
        volumes.put(v.id(), v);
        if (ready) {
            v.available();
        } else {
            long gen = v.nextGeneration();
            after(latency.volumeCreating(), () -> {
                if (v.generation() == gen && v.state() == VolumeState.CREATING) {
                    v.available();
                }
            });
        }
        return v;
    }

    public SnapshotRecord newSnapshot(VolumeRecord v, String description, boolean ready) {
        SnapshotRecord s = new SnapshotRecord(ids.next("snap"), v.id(), v.sizeGiB(),
                description == null ? "" : description, now(), now());
        s.encryption(v.encrypted(), v.kmsKeyId()); // snapshots of an encrypted volume are encrypted with its key
        s.addProductCodes(v.productCodes());
        // Point-in-time: the data is captured at the call, completion only reports it.
        // Incremental: only blocks changed since the volume's previous snapshot (or the snapshot it
        // was restored from) are copied, so only they cost time
        // (https://repost.aws/knowledge-center/ebs-incremental-snapshot-creation-slow).
        s.captured(copyDisk(v.diskImage(), s.id()), v.filesystem(), v.dataBytes(), v.changedBytes());
        v.snapshotted();
        Duration takes = latency.snapshotOf(s.deltaBytes());
        s.completesAt(now().plus(latency.scaled(takes)));
        snapshots.put(s.id(), s);
        if (ready) {
            s.complete();
        } else {
            after(takes, s::completeIfPending);
        }
        return s;
    }

    /** Starts the boot of a running instance: the hook (if any) runs off the lock. */
    public void boot(InstanceRecord i) {
        long gen = i.generation();
        if (bootHook == null) {
            // The guest needs a while after "running" before it prints its login prompt and serves.
            // The kernel prints first; cloud-init and the login prompt come at the end of the boot.
            i.bootStarted();
            after(latency.guestBoot().dividedBy(3), () -> {
                if (i.generation() == gen && i.state() == InstanceState.RUNNING) {
                    i.printed(now(), kernelConsole(i));
                }
            });
            after(latency.guestBoot(), () -> {
                if (i.generation() == gen && i.state() == InstanceState.RUNNING) {
                    i.printed(now(), servicesConsole(i));
                    i.booted(defaultConsole(i), now(), true); // healthy since bootStarted: nothing else sets it
                }
            });
            return;
        }
        i.clearConsole(); // the last boot's health stands until this one reports
        Map<String, Path> disks = new LinkedHashMap<>();
        for (VolumeRecord v : volumesOf(i.id)) {
            if (v.diskImage() != null) {
                disks.put(v.device(), v.diskImage());
            }
        }
        BootRequest req = new BootRequest(i.id, i.imageId, i.instanceType, i.virtualizationType, i.hypervisor,
                i.rootDeviceName, Map.copyOf(disks));
        background.submit(() -> {
            BootResult r;
            try {
                r = bootHook.boot(req);
            } catch (Exception | Error e) {
                r = BootResult.failed("boot hook failed: " + e);
            }
            BootResult result = r;
            locked(() -> {
                if (i.generation() == gen) {
                    i.printed(now(), result.serialLog());
                    i.booted(result.serialLog(), now(), result.healthy());
                }
            });
        });
    }

    static String defaultConsole(InstanceRecord i) {
        return kernelConsole(i) + servicesConsole(i);
    }

    private static String kernelConsole(InstanceRecord i) {
        boolean pv = "paravirtual".equals(i.virtualizationType);
        String console = pv ? "hvc0" : "ttyS0";
        return "[    0.000000] Linux version 4.14.355 (mockbuild@emulator) #1 SMP\n"
                + "[    0.000000] Command line: root=LABEL=/ console=" + console + "\n"
                + (pv ? "[    0.000000] Booting paravirtualized kernel on Xen\n" : "[    0.000000] DMI: Xen HVM domU\n")
                + "[    1.234567] EXT4-fs (xvda1): mounted filesystem with ordered data mode\n";
    }

    private static String servicesConsole(InstanceRecord i) {
        return "Cloud-init v. 22.2 finished at " + i.launchTime + ". Datasource DataSourceEc2.\n"
                + "\n" + i.id + " login: \n";
    }

    public String userDataBase64(String plain) {
        return plain == null ? null : Base64.getEncoder().encodeToString(plain.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The credit option a burstable type launches with when none is given: T2 standard, T3 and
     * later unlimited (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-unlimited-mode-concepts.html);
     * null for types without CPU credits.
     */
    public static String defaultCpuCredits(String instanceType) {
        if (instanceType.startsWith("t2.")) {
            return "standard";
        }
        return instanceType.matches("t[3-9][a-z]*\\..*") ? "unlimited" : null;
    }

    /** Whether an IPv6 address is assigned to any interface. */
    public boolean ipv6InUse(String address) {
        return enis.values().stream().anyMatch(n -> n.ipv6Addresses.stream().anyMatch(a -> a.equalsIgnoreCase(address)));
    }

    public void attachEniNow(NetworkInterfaceRecord n, InstanceRecord i, int deviceIndex, boolean deleteOnTermination) {
        n.attach(i.id, deviceIndex, ids.next("eni-attach"), deleteOnTermination, now());
    }
}
