package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.model.AttachmentState;
import io.pv2hvm.testkit.internal.model.NetworkInterfaceStatus;
import io.pv2hvm.testkit.internal.http.Filter;
import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.AddressRecord;
import io.pv2hvm.testkit.internal.model.ConsoleStage;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.ImageRecord;
import io.pv2hvm.testkit.internal.model.InstanceRecord;
import io.pv2hvm.testkit.internal.model.InstanceTypeCatalog.InstanceType;
import io.pv2hvm.testkit.internal.model.NetworkInterfaceRecord;
import io.pv2hvm.testkit.internal.model.SnapshotRecord;
import io.pv2hvm.testkit.internal.model.SubnetRecord;
import io.pv2hvm.testkit.internal.model.VolumeRecord;
import io.pv2hvm.testkit.internal.model.ImageState;
import io.pv2hvm.testkit.internal.model.InstanceState;
import io.pv2hvm.testkit.internal.model.VolumeState;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Instance lifecycle actions. State rules follow the instance lifecycle
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html):
 * pending→running, stopping→stopped, shutting-down→terminated, each after a latency.
 */
final class InstanceActions {

    private final Ec2Model m;

    InstanceActions(Ec2Model model) {
        this.m = model;
    }

    void register(Map<String, Ec2Action> actions) {
        actions.put("RunInstances", this::runInstances);
        actions.put("DescribeInstances", this::describeInstances);
        actions.put("StopInstances", this::stopInstances);
        actions.put("StartInstances", this::startInstances);
        actions.put("TerminateInstances", this::terminateInstances);
        actions.put("RebootInstances", this::rebootInstances);
        actions.put("DescribeInstanceStatus", this::describeInstanceStatus);
        actions.put("DescribeInstanceAttribute", this::describeInstanceAttribute);
        actions.put("ModifyInstanceAttribute", this::modifyInstanceAttribute);
        actions.put("DescribeInstanceTypes", this::describeInstanceTypes);
        actions.put("DescribeInstanceCreditSpecifications", this::describeInstanceCreditSpecifications);
        actions.put("GetConsoleOutput", this::getConsoleOutput);
    }

    // ------------------------------------------------------------------ RunInstances

    /**
     * RunInstances in four stages: {@link #validate} refuses a bad request before anything changes
     * (in EC2's order of checks, which decides the error a request with several faults gets),
     * {@link #allocate} decides how many instances fit, {@link #launch} creates them, and
     * {@link #respond} remembers the client token and answers the reservation.
     */
    private void runInstances(QueryParams p, XmlWriter out) {
        String token = p.get("ClientToken");
        // ClientToken makes RunInstances idempotent: the same token answers the same reservation
        // (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
        List<String> replay = m.replayed("RunInstances", token, p.asMap());
        if (replay != null) {
            // A token whose instance was terminated is refused, not replayed; the token stays
            // valid for at least 24 hours after the termination
            // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
            List<InstanceRecord> previous = replay.stream().map(id -> m.findInstance(id).orElse(null)).toList();
            if (previous.stream().anyMatch(i -> i == null || i.state() == InstanceState.TERMINATED || i.state() == InstanceState.SHUTTING_DOWN)) {
                throw new Ec2Exception("IdempotentInstanceTerminated", "The client token '" + token + "' was used to launch "
                        + replay + ", which has been terminated. Use a new client token to launch again.");
            }
            writeReservation(out, previous);
            return;
        }
        LaunchRequest request = validate(p);
        int count = allocate(request);
        List<InstanceRecord> launched = launch(p, token, request, count);
        respond(p, token, launched, out);
    }

    /** What a valid RunInstances asks for, read and checked once. */
    private record LaunchRequest(ImageRecord img, int min, int max, InstanceType type, List<QueryParams> nis, QueryParams ni0,
                                 NetworkInterfaceRecord existingPrimary, SubnetRecord subnet, List<String> groups,
                                 String keyName, String profileArn, String primaryIp, List<String> requestedIps, int extraCount,
                                 boolean autoPublic, List<QueryParams> bdms, LaunchAttributes attributes, List<String> ipv6) {
    }

    /** Every check of a RunInstances request, in EC2's order; nothing changes before they all pass. */
    private LaunchRequest validate(QueryParams p) {
        ImageRecord img = m.image(p.required("ImageId"));
        if (!img.imageType.equals("machine")) {
            throw Ec2Exception.invalidParameterValue("Invalid value '" + img.id + "' for imageId: a " + img.imageType + " image cannot be launched");
        }
        if (img.state() != ImageState.AVAILABLE) {
            throw new Ec2Exception("InvalidAMIID.Unavailable", "Image " + img.id + " is not available (state: " + img.state() + ")");
        }
        int min = requirePositive(p, "MinCount");
        int max = requirePositive(p, "MaxCount");
        if (min > max) {
            throw Ec2Exception.invalidParameterValue("MinCount (" + min + ") must not exceed MaxCount (" + max + ")");
        }
        InstanceType type = m.types().require(p.get("InstanceType", "m1.small"));
        checkImageFitsType(img, type);
        LaunchRules.checkUserData(p.get("UserData"));
        LaunchRules.checkEbsOptimized(p.bool("EbsOptimized", false), type);

        List<QueryParams> nis = p.structs("NetworkInterface");
        QueryParams ni0 = nis.stream().filter(n -> "0".equals(n.get("DeviceIndex"))).findFirst().orElse(null);
        if (!nis.isEmpty() && ni0 == null) {
            throw Ec2Exception.invalidParameterValue("Each instance must have a network interface at device index 0");
        }
        // The docs: PrivateIpAddress/SubnetId/SecurityGroupId cannot be combined with NetworkInterface.
        if (ni0 != null && (p.has("PrivateIpAddress") || p.has("SubnetId") || !p.list("SecurityGroupId").isEmpty())) {
            throw Ec2Exception.combination("Network interfaces and an instance-level subnet ID, private IP address or security groups may not be specified on the same request");
        }
        // An existing, detached ENI may become the primary interface: the way to launch "into" kept IPs.
        NetworkInterfaceRecord existingPrimary = ni0 != null && ni0.has("NetworkInterfaceId") ? availableEni(ni0.get("NetworkInterfaceId")) : null;
        if (existingPrimary != null) {
            LaunchRules.checkExistingInterfaceDeleteOnTermination(existingPrimary.id(), ni0.bool("DeleteOnTermination", false));
        }
        if (existingPrimary != null && (ni0.has("SubnetId") || ni0.has("PrivateIpAddress") || !ni0.structs("PrivateIpAddresses").isEmpty())) {
            throw Ec2Exception.combination("A network interface ID cannot be combined with a subnet ID or private IP addresses for the same interface");
        }
        if (nis.stream().anyMatch(n -> n.has("NetworkInterfaceId")) && max > 1) {
            throw Ec2Exception.combination("Existing network interfaces can only be attached when launching a single instance");
        }
        String subnetId = existingPrimary != null ? existingPrimary.subnetId() : ni0 != null ? ni0.get("SubnetId") : p.get("SubnetId");
        SubnetRecord subnet = pickSubnet(subnetId, p.get("Placement.AvailabilityZone"));
        List<String> groups = existingPrimary != null ? existingPrimary.groupIds
                : ni0 != null ? ni0.list("SecurityGroupId") : p.list("SecurityGroupId");
        for (String name : p.list("SecurityGroup")) {
            groups = new ArrayList<>(groups);
            groups.add(m.securityGroups().stream().filter(g -> g.name().equals(name)).findFirst()
                    .orElseThrow(() -> new Ec2Exception("InvalidGroup.NotFound", "The security group '" + name + "' does not exist")).id());
        }
        if (groups.isEmpty()) {
            groups = m.securityGroups().stream().filter(g -> g.vpcId().equals(subnet.vpcId())).limit(1)
                    .map(g -> g.id()).toList();
        }
        for (String g : groups) {
            if (!m.securityGroup(g).vpcId().equals(subnet.vpcId())) {
                throw Ec2Exception.invalidParameterValue("Security group " + g + " and subnet " + subnet.id() + " belong to different networks.");
            }
        }
        String keyName = p.get("KeyName");
        if (keyName != null && !m.hasKeyPair(keyName)) {
            throw new Ec2Exception("InvalidKeyPair.NotFound", "The key pair '" + keyName + "' does not exist");
        }
        String profileArn = instanceProfile(p);

        List<String> requestedIps = new ArrayList<>();
        String primaryIp = ni0 != null ? ni0.get("PrivateIpAddress") : p.get("PrivateIpAddress");
        if (ni0 != null) {
            for (QueryParams a : ni0.structs("PrivateIpAddresses")) {
                if ("true".equalsIgnoreCase(a.get("Primary"))) {
                    primaryIp = a.required("PrivateIpAddress");
                } else {
                    requestedIps.add(a.required("PrivateIpAddress"));
                }
            }
        }
        if (primaryIp != null || !requestedIps.isEmpty()) {
            if (max > 1) {
                throw Ec2Exception.combination("A private IP address can only be specified when launching a single instance");
            }
            if (primaryIp != null) {
                m.checkPrivateIpFree(subnet, primaryIp);
            }
        }
        for (String ip : requestedIps) {
            m.checkPrivateIpFree(subnet, ip);
        }
        int extraCount = ni0 == null ? 0 : ni0.integer("SecondaryPrivateIpAddressCount") == null ? 0 : ni0.integer("SecondaryPrivateIpAddressCount");
        LaunchRules.checkInterfaceCount(Math.max(1, nis.size()), type);
        LaunchRules.checkAddressCount(existingPrimary != null ? existingPrimary.privateIps.size()
                : 1 + requestedIps.size() + extraCount, type);
        for (QueryParams n : nis) {
            if (n == ni0) {
                continue;
            }
            if (n.has("NetworkInterfaceId")) {
                NetworkInterfaceRecord e = availableEni(n.get("NetworkInterfaceId"));
                LaunchRules.checkExistingInterfaceDeleteOnTermination(e.id(), n.bool("DeleteOnTermination", false));
                LaunchRules.checkAddressCount(e.privateIps.size(), type);
                if (!e.availabilityZone().equals(subnet.availabilityZone())) {
                    throw Ec2Exception.invalidParameterValue("Network interface " + e.id() + " is not in availability zone " + subnet.availabilityZone());
                }
            } else {
                SubnetRecord s = m.subnet(n.get("SubnetId", subnet.id()));
                if (!s.availabilityZone().equals(subnet.availabilityZone())) {
                    throw Ec2Exception.invalidParameterValue("Subnet " + s.id() + " is not in availability zone " + subnet.availabilityZone());
                }
                if (n.has("PrivateIpAddress")) {
                    m.checkPrivateIpFree(s, n.get("PrivateIpAddress"));
                }
            }
        }
        boolean autoPublic = ni0 != null && ni0.has("AssociatePublicIpAddress")
                ? ni0.bool("AssociatePublicIpAddress", false) : subnet.mapPublicIpOnLaunch();

        List<QueryParams> bdms = p.structs("BlockDeviceMapping");
        validateBlockDevices(img, bdms);
        LaunchAttributes attributes = LaunchAttributes.of(p, type, m);
        List<String> ipv6 = ni0 == null ? List.of() : ni0.structs("Ipv6Addresses").stream()
                .map(a -> a.required("Ipv6Address")).toList();
        for (String address : ipv6) {
            if (m.ipv6InUse(address)) {
                throw new Ec2Exception("InvalidIPAddress.InUse", "Address " + address + " is in use.");
            }
        }
        return new LaunchRequest(img, min, max, type, nis, ni0, existingPrimary, subnet, groups, keyName, profileArn, primaryIp, requestedIps, extraCount, autoPublic, bdms, attributes, ipv6);
    }

    /**
     * MinCount..MaxCount: launch as many as the subnet has addresses for, and nothing when fewer
     * than MinCount fit (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html).
     */
    private int allocate(LaunchRequest r) {
        int min = r.min();
        int max = r.max();
        List<QueryParams> nis = r.nis();
        QueryParams ni0 = r.ni0();
        NetworkInterfaceRecord existingPrimary = r.existingPrimary();
        SubnetRecord subnet = r.subnet();
        List<String> requestedIps = r.requestedIps();
        int extraCount = r.extraCount();
        int perInstance = (existingPrimary != null ? 0 : 1 + requestedIps.size() + extraCount)
                + (int) nis.stream().filter(n -> n != ni0 && !n.has("NetworkInterfaceId")).count();
        int fit = perInstance == 0 ? max : m.freeAddressCount(subnet) / perInstance;
        if (fit < min) {
            throw new Ec2Exception("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '"
                    + subnet.id() + "' to satisfy the requested number of instances.");
        }
        return Math.min(max, fit);
    }

    /** Creates {@code count} instances of the request, with their interfaces and volumes, pending. */
    private List<InstanceRecord> launch(QueryParams p, String token, LaunchRequest r, int count) {
        ImageRecord img = r.img();
        InstanceType type = r.type();
        List<QueryParams> nis = r.nis();
        QueryParams ni0 = r.ni0();
        NetworkInterfaceRecord existingPrimary = r.existingPrimary();
        SubnetRecord subnet = r.subnet();
        List<String> groups = r.groups();
        String keyName = r.keyName();
        String profileArn = r.profileArn();
        String primaryIp = r.primaryIp();
        List<String> requestedIps = r.requestedIps();
        int extraCount = r.extraCount();
        boolean autoPublic = r.autoPublic();
        List<QueryParams> bdms = r.bdms();
        LaunchAttributes attributes = r.attributes();
        List<String> ipv6 = r.ipv6();
        String reservationId = m.ids().next("r");
        Map<String, String> instanceTags = TagSpecifications.forType(p, "instance");
        Map<String, String> volumeTags = TagSpecifications.forType(p, "volume");
        // Network interfaces the launch creates take the network-interface tags too
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html, TagSpecification.N).
        Map<String, String> eniTags = TagSpecifications.forType(p, "network-interface");
        List<InstanceRecord> launched = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            InstanceRecord i = new InstanceRecord();
            i.id = m.ids().next("i");
            i.reservationId = reservationId;
            i.imageId = img.id;
            i.instanceType = type.name();
            i.subnetId = subnet.id();
            i.vpcId = subnet.vpcId();
            i.availabilityZone = subnet.availabilityZone();
            i.keyName = keyName;
            i.instanceProfileArn = profileArn;
            i.kernelId = p.get("KernelId", img.kernelId);
            i.ramdiskId = p.get("RamdiskId", img.ramdiskId);
            i.architecture = img.architecture;
            i.virtualizationType = img.virtualizationType;
            i.hypervisor = type.hypervisor();
            i.rootDeviceName = img.rootDeviceName;
            i.userData = p.get("UserData");
            i.clientToken = token;
            i.launchTime = m.now();
            i.createdAt = m.now();
            i.groupIds.addAll(groups);
            i.ebsOptimized = LaunchRules.ebsOptimized(p.bool("EbsOptimized", false), type);
            i.enaSupport = img.enaSupport;
            i.sriovNetSupport = img.sriovNetSupport;
            i.disableApiTermination = p.bool("DisableApiTermination", false);
            i.shutdownBehavior = p.get("InstanceInitiatedShutdownBehavior", "stop");
            attributes.applyTo(i);
            i.productCodes.addAll(img.productCodes);
            i.ssmAgent = img.ssmAgent;
            i.wantsAutoPublicIp = autoPublic;
            for (ImageRecord.BlockDevice b : img.blockDevices) {
                if (b.virtualName() != null) {
                    i.instanceStoreDevices.add(b.deviceName());
                }
            }
            m.addInstance(i);
            m.putTags(i.id, instanceTags);

            NetworkInterfaceRecord eni;
            if (existingPrimary != null) {
                eni = existingPrimary;
                m.attachEniNow(eni, i, 0, ni0.bool("DeleteOnTermination", false));
            } else {
                eni = m.newEni(subnet, primaryIp, groups, ni0 == null ? "" : ni0.get("Description", ""));
                eni.privateIps.addAll(requestedIps);
                eni.ipv6Addresses.addAll(ipv6);
                for (int k = 0; k < extraCount; k++) {
                    eni.privateIps.add(m.allocatePrivateIp(subnet));
                }
                m.attachEniNow(eni, i, 0, ni0 == null || ni0.bool("DeleteOnTermination", true));
                m.putTags(eni.id(), eniTags);
            }
            i.primaryEniId = eni.id();
            for (QueryParams spec : nis) {
                if (spec == ni0) {
                    continue;
                }
                int index = spec.integer("DeviceIndex") == null ? 1 : spec.integer("DeviceIndex");
                if (spec.has("NetworkInterfaceId")) {
                    m.attachEniNow(m.eni(spec.get("NetworkInterfaceId")), i, index, spec.bool("DeleteOnTermination", false));
                } else {
                    SubnetRecord s = m.subnet(spec.get("SubnetId", subnet.id()));
                    List<String> g = spec.list("SecurityGroupId").isEmpty() ? groups : spec.list("SecurityGroupId");
                    NetworkInterfaceRecord extra = m.newEni(s, spec.get("PrivateIpAddress"), g, spec.get("Description", ""));
                    m.attachEniNow(extra, i, index, spec.bool("DeleteOnTermination", true));
                    m.putTags(extra.id(), eniTags);
                }
            }
            createVolumes(i, img, bdms, volumeTags);
            scheduleRunning(i);
            launched.add(i);
        }
        return launched;
    }

    /** Remembers the client token for the instances launched and answers their reservation. */
    private void respond(QueryParams p, String token, List<InstanceRecord> launched, XmlWriter out) {
        m.rememberToken("RunInstances", token, p.asMap(), launched.stream().map(i -> i.id).toList());
        writeReservation(out, launched);
    }

    private NetworkInterfaceRecord availableEni(String id) {
        NetworkInterfaceRecord e = m.eni(id);
        if (e.attachmentId() != null) {
            throw new Ec2Exception("InvalidNetworkInterface.InUse", "Interface: [" + id + "] in use.");
        }
        return e;
    }

    private static int requirePositive(QueryParams p, String name) {
        Integer v = p.integer(name);
        if (v == null) {
            throw Ec2Exception.missingParameter(name);
        }
        if (v < 1) {
            throw Ec2Exception.invalidParameterValue("Value (" + v + ") for parameter " + name + " is invalid. Expected a positive number.");
        }
        return v;
    }

    /**
     * An AMI's virtualization type is fixed at registration; HVM-only types refuse PV images,
     * ENA-required (Nitro) types refuse images without EnaSupport
     * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/enhanced-networking-ena.html), and
     * the architecture must match (RegisterImage defaults to i386).
     */
    private void checkImageFitsType(ImageRecord img, InstanceType type) {
        if (!type.supports(img.virtualizationType)) {
            throw Ec2Exception.combination("Virtualization type '" + img.virtualizationType
                    + "' is not supported for instance type '" + type.name() + "'. Supported: " + type.virtualizationTypes());
        }
        LaunchRules.checkLinuxHvm(img.virtualizationType, type);
        if (!type.architectures().contains(img.architecture)) {
            throw Ec2Exception.invalidParameterValue("The instance type '" + type.name()
                    + "' does not support the requested architecture '" + img.architecture + "'.");
        }
        if (type.enaRequired() && !img.enaSupport) {
            throw Ec2Exception.combination("Enhanced networking with the Elastic Network Adapter (ENA) is required for the '"
                    + type.name() + "' instance type. Ensure that you are using an AMI that is enabled for ENA.");
        }
    }

    private SubnetRecord pickSubnet(String subnetId, String az) {
        if (subnetId != null) {
            SubnetRecord s = m.subnet(subnetId);
            if (az != null && !az.equals(s.availabilityZone())) {
                throw Ec2Exception.invalidParameterValue("Subnet " + subnetId + " is not in availability zone " + az);
            }
            return s;
        }
        for (SubnetRecord s : m.subnets()) {
            if (az == null || az.equals(s.availabilityZone())) {
                return s;
            }
        }
        throw new Ec2Exception("VPCIdNotSpecified", "No default VPC for this user");
    }

    private String instanceProfile(QueryParams p) {
        String arn = p.get("IamInstanceProfile.Arn");
        String name = p.get("IamInstanceProfile.Name");
        if (arn != null) {
            if (!m.hasInstanceProfileArn(arn)) {
                throw Ec2Exception.invalidParameterValue("Value (" + arn + ") for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN");
            }
            return arn;
        }
        if (name != null) {
            String a = m.instanceProfileArn(name).orElse(null);
            if (a == null) {
                throw Ec2Exception.invalidParameterValue("Value (" + name + ") for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name");
            }
            return a;
        }
        return null;
    }

    private void validateBlockDevices(ImageRecord img, List<QueryParams> bdms) {
        for (QueryParams b : bdms) {
            String dev = b.required("DeviceName");
            QueryParams ebs = b.struct("Ebs");
            ImageRecord.BlockDevice mapped = img.blockDevices.stream().filter(d -> d.deviceName().equals(dev)).findFirst().orElse(null);
            String snapId = ebs.get("SnapshotId", mapped == null ? null : mapped.snapshotId());
            Integer size = ebs.integer("VolumeSize");
            if (snapId != null && !b.has("NoDevice")) {
                SnapshotRecord s = m.snapshot(snapId);
                if (size != null && size < s.sizeGiB()) {
                    throw new Ec2Exception("InvalidBlockDeviceMapping", "Volume of size " + size + "GB is smaller than snapshot '"
                            + snapId + "', expect size >= " + s.sizeGiB() + "GB");
                }
            }
            String type = ebs.get("VolumeType", mapped == null || mapped.volumeType() == null ? "gp2" : mapped.volumeType());
            // Throughput is a gp3 setting only (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EbsBlockDevice.html).
            if (ebs.has("Throughput") && !"gp3".equals(type)) {
                throw Ec2Exception.combination("The parameter throughput is not supported for " + type + " volumes.");
            }
            if (ebs.has("KmsKeyId") && !ebs.bool("Encrypted", false) && (snapId == null || !m.snapshot(snapId).encrypted())) {
                throw new Ec2Exception("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.");
            }
            if (snapId == null && !ebs.isEmpty() && size == null && !b.has("NoDevice")) {
                throw new Ec2Exception("InvalidBlockDeviceMapping", "The device '" + dev + "' needs a volume size or a snapshot id");
            }
        }
    }

    /** Root volume from the image's snapshot (and other mapped EBS volumes), overridden by the request. */
    private void createVolumes(InstanceRecord i, ImageRecord img, List<QueryParams> bdms, Map<String, String> volumeTags) {
        Map<String, QueryParams> overrides = new LinkedHashMap<>();
        for (QueryParams b : bdms) {
            overrides.put(b.get("DeviceName"), b);
        }
        Set<String> devices = new LinkedHashSet<>();
        img.blockDevices.forEach(b -> devices.add(b.deviceName()));
        devices.addAll(overrides.keySet());
        for (String dev : devices) {
            ImageRecord.BlockDevice base = img.blockDevices.stream().filter(d -> d.deviceName().equals(dev)).findFirst().orElse(null);
            QueryParams o = overrides.get(dev);
            if (o != null && o.has("NoDevice")) {
                continue;
            }
            if ((base != null && base.virtualName() != null) || (o != null && o.has("VirtualName"))) {
                if (!i.instanceStoreDevices.contains(dev)) {
                    i.instanceStoreDevices.add(dev);
                }
                continue;
            }
            QueryParams ebs = o == null ? new QueryParams(Map.of()) : o.struct("Ebs");
            String snapId = ebs.get("SnapshotId", base == null ? null : base.snapshotId());
            SnapshotRecord snap = snapId == null ? null : m.snapshot(snapId);
            Integer size = ebs.integer("VolumeSize");
            int gib = size != null ? size : base != null && base.volumeSize() != null ? base.volumeSize() : snap != null ? snap.sizeGiB() : 8;
            String volType = ebs.get("VolumeType", base == null || base.volumeType() == null ? "gp2" : base.volumeType());
            VolumeRecord v = m.newVolume(i.availabilityZone, gib, snap, volType, true);
            v.createTime(m.now());
            v.provisioned(ebs.integer("Iops"), ebs.integer("Throughput"));
            if (ebs.bool("Encrypted", false) && !v.encrypted()) {
                v.encryption(true, ebs.get("KmsKeyId", Ec2Model.DEFAULT_EBS_KMS_KEY));
            } else if (v.encrypted() && ebs.has("KmsKeyId")) {
                v.encryption(true, ebs.get("KmsKeyId")); // re-encrypted with the requested key
            }
            // DeleteOnTermination defaults to true for volumes created at launch
            // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/preserving-volumes-on-termination.html).
            boolean dot = ebs.bool("DeleteOnTermination", base == null || base.deleteOnTermination() == null || base.deleteOnTermination());
            v.beginAttach(i.id, dev, dot, m.now());
            m.putTags(v.id(), volumeTags);
        }
    }

    private void scheduleRunning(InstanceRecord i) {
        long gen = i.beginPending();
        m.after(m.latency().instancePending(), () -> {
            if (i.generation() != gen || i.state() != InstanceState.PENDING) {
                return;
            }
            i.running(m.now());
            for (VolumeRecord v : m.volumesOf(i.id)) {
                // Attachments made at launch or while stopped complete now; a volume being detached
                // meanwhile keeps detaching (setting it "attached" here made its detach never finish).
                v.attachCompleted();
            }
            if (i.wantsAutoPublicIp && i.autoPublicIp == null) {
                i.autoPublicIp = m.allocatePublicIp();
                m.primaryEni(i).orElseThrow().showPublicIp(i.autoPublicIp);
            }
            m.boot(i);
        });
    }

    private void writeReservation(XmlWriter out, List<InstanceRecord> launched) {
        InstanceRecord first = launched.get(0);
        out.text("reservationId", first.reservationId).text("ownerId", Ec2Model.ACCOUNT_ID);
        InstanceXml.groups(out, m, first.groupIds);
        out.items("instancesSet", launched, i -> InstanceXml.instance(out, m, i));
    }

    // ------------------------------------------------------------------ DescribeInstances

    private List<InstanceRecord> select(QueryParams p) {
        List<String> ids = p.list("InstanceId");
        List<Filter> filters = p.filters();
        if (!ids.isEmpty() && p.has("MaxResults")) {
            throw Ec2Exception.combination("The parameter instancesSet cannot be used with the parameter maxResults");
        }
        List<InstanceRecord> out = new ArrayList<>();
        if (!ids.isEmpty()) {
            List<String> missing = new ArrayList<>();
            for (String id : ids) {
                try {
                    out.add(m.instance(id));
                } catch (Ec2Exception e) {
                    if (e.code().endsWith(".Malformed")) {
                        throw e;
                    }
                    missing.add(id);
                }
            }
            if (!missing.isEmpty()) {
                throw new Ec2Exception("InvalidInstanceID.NotFound", "The instance ID" + (missing.size() > 1 ? "s '" : " '")
                        + String.join(", ", missing) + "' do" + (missing.size() > 1 ? "" : "es") + " not exist");
            }
        } else {
            for (InstanceRecord i : m.instances()) {
                if (m.visible(i.createdAt)) {
                    out.add(i);
                }
            }
        }
        out.removeIf(i -> !Filters.matches(filters, m.tagsOf(i.id), name -> instanceAttribute(i, name)));
        return out;
    }

    private List<String> instanceAttribute(InstanceRecord i, String name) {
        boolean gone = i.state() == InstanceState.TERMINATED;
        NetworkInterfaceRecord eni = gone ? null : m.primaryEni(i).orElse(null);
        List<NetworkInterfaceRecord> all = gone ? List.of() : m.enisOf(i.id);
        return switch (name) {
            case "instance-id" -> Filters.of(i.id);
            case "instance-state-name" -> Filters.of(i.state().wire());
            case "instance-state-code" -> Filters.of(i.stateCode());
            case "instance-type" -> Filters.of(i.instanceType);
            case "image-id" -> Filters.of(i.imageId);
            case "subnet-id" -> Filters.of(i.subnetId);
            case "vpc-id" -> Filters.of(i.vpcId);
            case "availability-zone" -> Filters.of(i.availabilityZone);
            case "key-name" -> Filters.of(i.keyName);
            case "reservation-id" -> Filters.of(i.reservationId);
            case "architecture" -> Filters.of(i.architecture);
            case "virtualization-type" -> Filters.of(i.virtualizationType);
            case "private-ip-address" -> Filters.of(eni == null || eni.privateIps.isEmpty() ? null : eni.privateIps.get(0));
            case "ip-address" -> Filters.of(InstanceXml.publicIp(m, i));
            case "instance.group-id", "group-id" -> i.groupIds;
            case "network-interface.addresses.private-ip-address" -> all.stream().flatMap(n -> n.privateIps.stream()).toList();
            case "network-interface.network-interface-id" -> all.stream().map(n -> n.id()).toList();
            case "block-device-mapping.volume-id" -> m.volumesOf(i.id).stream().map(v -> v.id()).toList();
            case "block-device-mapping.device-name" -> m.volumesOf(i.id).stream().map(v -> v.device()).toList();
            case "root-device-name" -> Filters.of(i.rootDeviceName);
            case "product-code" -> i.productCodes;
            default -> null;
        };
    }

    private void describeInstances(QueryParams p, XmlWriter out) {
        Pages.Page<InstanceRecord> page = Pages.of(select(p), p, 5, 1000);
        Map<String, List<InstanceRecord>> byReservation = new LinkedHashMap<>();
        for (InstanceRecord i : page.items()) {
            byReservation.computeIfAbsent(i.reservationId, k -> new ArrayList<>()).add(i);
        }
        out.items("reservationSet", byReservation.values(), list -> {
            out.text("reservationId", list.get(0).reservationId).text("ownerId", Ec2Model.ACCOUNT_ID);
            out.start("groupSet").end();
            out.items("instancesSet", list, i -> InstanceXml.instance(out, m, i));
        });
        out.text("nextToken", page.nextToken());
    }

    // ------------------------------------------------------------------ Stop / Start / Terminate

    private List<InstanceRecord> requireAll(QueryParams p) {
        List<String> ids = p.list("InstanceId");
        if (ids.isEmpty()) {
            throw Ec2Exception.missingParameter("InstanceId");
        }
        List<InstanceRecord> out = new ArrayList<>();
        for (String id : ids) {
            out.add(m.instance(id));
        }
        return out;
    }

    private interface Change {
        void apply(InstanceRecord i);
    }

    /** Validates every instance first so a refused request changes nothing. */
    private void transition(QueryParams p, XmlWriter out, String element, java.util.function.Consumer<InstanceRecord> check, Change change) {
        List<InstanceRecord> targets = requireAll(p);
        targets.forEach(check);
        List<int[]> prevCodes = new ArrayList<>();
        List<String> prevNames = new ArrayList<>();
        for (InstanceRecord i : targets) {
            prevCodes.add(new int[] {i.stateCode()});
            prevNames.add(i.state().wire());
            change.apply(i);
        }
        out.start(element);
        for (int k = 0; k < targets.size(); k++) {
            InstanceRecord i = targets.get(k);
            out.start("item").text("instanceId", i.id);
            InstanceXml.state(out, "currentState", i);
            InstanceXml.state(out, "previousState", prevCodes.get(k)[0], prevNames.get(k));
            out.end();
        }
        out.end();
    }

    private void stopInstances(QueryParams p, XmlWriter out) {
        transition(p, out, "instancesSet", i -> {
            if (!Set.of(InstanceState.RUNNING, InstanceState.STOPPING, InstanceState.STOPPED).contains(i.state())) {
                throw Ec2Exception.incorrectInstanceState("This instance '" + i.id + "' is not in a state from which it can be stopped.");
            }
            if (i.disableApiStop) {
                throw new Ec2Exception("OperationNotPermitted", "The instance '" + i.id + "' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.");
            }
            // Only EBS-backed instances can be stopped
            // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StopInstances.html).
            if (i.instanceStoreRoot) {
                throw new Ec2Exception("UnsupportedOperation", "The instance '" + i.id + "' does not have an 'ebs' root device"
                        + " type and cannot be stopped.");
            }
        }, i -> {
            if (i.state() != InstanceState.RUNNING) {
                return;
            }
            long gen = i.beginStopping(m.now());
            m.after(m.latency().instanceStopping(), () -> {
                if (i.generation() == gen && i.state() == InstanceState.STOPPING) {
                    i.stopped();
                    releaseAutoPublicIp(i);
                }
            });
        });
    }

    /**
     * An auto-assigned public IPv4 is released when the instance stops or terminates and a
     * new one is assigned at start
     * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html#concepts-public-addresses).
     */
    private void releaseAutoPublicIp(InstanceRecord i) {
        i.autoPublicIp = null;
        NetworkInterfaceRecord eni = m.primaryEni(i).orElse(null);
        if (eni != null) {
            eni.showPublicIp(null);
        }
    }

    private void startInstances(QueryParams p, XmlWriter out) {
        transition(p, out, "instancesSet", i -> {
            if (!Set.of(InstanceState.STOPPED, InstanceState.PENDING, InstanceState.RUNNING).contains(i.state())) {
                throw Ec2Exception.incorrectInstanceState("The instance '" + i.id + "' is not in a state from which it can be started.");
            }
            // A start re-checks the type against the instance's attributes: an ENA-required
            // type needs enaSupport (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/enhanced-networking-ena.html).
            InstanceType t = m.types().require(i.instanceType);
            if (i.state() == InstanceState.STOPPED && t.enaRequired() && !i.enaSupport) {
                throw Ec2Exception.combination("Enhanced networking with the Elastic Network Adapter (ENA) is required for the '"
                        + t.name() + "' instance type. Ensure that your instance '" + i.id + "' is enabled for ENA.");
            }
            // An EBS-backed instance boots from the volume at its root device name; one whose root
            // was detached (allowed while stopped) cannot start until a volume is attached there
            // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/RootDeviceStorage.html). Strict
            // where unsure: refused like any other start from a state that cannot run.
            if (i.state() == InstanceState.STOPPED && !i.instanceStoreRoot
                    && m.volumesOf(i.id).stream().noneMatch(v -> i.rootDeviceName.equals(v.device()))) {
                throw Ec2Exception.incorrectInstanceState("The instance '" + i.id + "' has no volume attached at its root"
                        + " device " + i.rootDeviceName + " and cannot be started.");
            }
        }, i -> {
            if (i.state() == InstanceState.STOPPED) {
                i.clearStateReason();
                m.volumesOf(i.id).forEach(VolumeRecord::markAttached);
                scheduleRunning(i);
            }
        });
    }

    /** A reboot keeps the instance running (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RebootInstances.html). */
    private void rebootInstances(QueryParams p, XmlWriter out) {
        List<InstanceRecord> targets = requireAll(p);
        for (InstanceRecord i : targets) {
            if (i.state() != InstanceState.RUNNING) {
                throw Ec2Exception.incorrectInstanceState("The instance '" + i.id + "' is not in the 'running' state.");
            }
        }
        for (InstanceRecord i : targets) {
            i.rebooted(m.now());
        }
        out.text("return", true);
    }

    private void terminateInstances(QueryParams p, XmlWriter out) {
        transition(p, out, "instancesSet", i -> {
            // Termination protection (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_ChangingDisableAPITermination.html).
            if (i.disableApiTermination && i.state() != InstanceState.TERMINATED) {
                throw new Ec2Exception("OperationNotPermitted", "The instance '" + i.id
                        + "' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.");
            }
        }, i -> {
            if (i.state() == InstanceState.TERMINATED || i.state() == InstanceState.SHUTTING_DOWN) {
                return;
            }
            // A stopped instance has no guest left to shut down, so it terminates sooner.
            java.time.Duration takes = i.state() == InstanceState.STOPPED ? m.latency().stoppedTermination()
                    : m.latency().instanceShuttingDown();
            long gen = i.beginShuttingDown(m.now());
            m.after(takes, () -> {
                if (i.generation() == gen) {
                    terminated(i);
                }
            });
        });
    }

    /**
     * At {@code terminated}: DeleteOnTermination volumes are deleted, others detached
     * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/terminating-instances.html); Elastic IPs
     * are disassociated (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html);
     * secondary ENIs without DeleteOnTermination are detached; the primary ENI and its private
     * IPs are released only after terminated, plus the configured release delay.
     */
    private void terminated(InstanceRecord i) {
        i.terminated();
        // Terminated instances stay listed for about an hour, then vanish
        // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/terminating-instances.html).
        m.after(m.latency().terminatedRetention(), () -> {
            m.removeInstance(i.id);
        });
        releaseAutoPublicIp(i);
        for (VolumeRecord v : m.volumesOf(i.id)) {
            boolean delete = v.deleteOnTermination();
            v.dropAttachment();
            if (delete) {
                v.beginDelete();
                m.after(m.latency().volumeDeleting(), v::deleted);
            } else {
                v.available();
            }
        }
        m.disassociateWhere(a -> i.id.equals(a.instanceId()));
        for (NetworkInterfaceRecord n : m.enisOf(i.id)) {
            if (n.deleteOnTermination()) {
                n.beginDetach();
                m.after(m.latency().privateIpRelease(), () -> m.releaseEni(n.id()));
            } else {
                n.detach();
            }
        }
    }

    // ------------------------------------------------------------------ status, attributes, types, console

    private void describeInstanceStatus(QueryParams p, XmlWriter out) {
        boolean all = p.bool("IncludeAllInstances", false);
        List<InstanceRecord> selected = new ArrayList<>();
        List<String> ids = p.list("InstanceId");
        if (!ids.isEmpty()) {
            for (String id : ids) {
                selected.add(m.instance(id));
            }
        } else {
            m.instances().stream().filter(i -> m.visible(i.createdAt)).forEach(selected::add);
        }
        List<Filter> filters = p.filters();
        Instant now = m.now();
        selected.removeIf(i -> !all && i.state() != InstanceState.RUNNING);
        Pages.Page<InstanceRecord> page = Pages.of(selected, p, 5, 1000);
        out.start("instanceStatusSet");
        for (InstanceRecord i : page.items()) {
            String system = i.state() != InstanceState.RUNNING ? "not-applicable"
                    : now.isBefore(i.runningSince().plus(m.latency().scaled(m.latency().statusChecks()))) ? "initializing" : "ok";
            String instance = system.equals("ok") && (i.consoleOutput() == null) ? "initializing"
                    : system.equals("ok") && !i.bootHealthy() ? "impaired" : system;
            Map<String, List<String>> attrs = Map.of(
                    "instance-state-name", List.of(i.state().wire()), "availability-zone", List.of(i.availabilityZone),
                    "instance-status.status", List.of(instance), "system-status.status", List.of(system),
                    "instance-state-code", List.of(String.valueOf(i.stateCode())));
            if (!Filters.matches(filters, Map.of(), attrs::get)) {
                continue;
            }
            out.start("item").text("instanceId", i.id).text("availabilityZone", i.availabilityZone);
            InstanceXml.state(out, "instanceState", i);
            statusBlock(out, "systemStatus", system);
            statusBlock(out, "instanceStatus", instance);
            out.start("eventsSet").end();
            out.end();
        }
        out.end();
        out.text("nextToken", page.nextToken());
    }

    private static void statusBlock(XmlWriter out, String element, String status) {
        String detail = switch (status) {
            case "ok" -> "passed";
            case "impaired" -> "failed";
            case "initializing" -> "initializing";
            default -> null;
        };
        out.start(element).text("status", status);
        if (detail != null) {
            out.start("details").start("item").text("name", "reachability").text("status", detail).end().end();
        }
        out.end();
    }

    private void describeInstanceAttribute(QueryParams p, XmlWriter out) {
        InstanceRecord i = m.instance(p.required("InstanceId"));
        String attr = p.required("Attribute");
        out.text("instanceId", i.id);
        switch (attr) {
            case "instanceType" -> out.value("instanceType", i.instanceType);
            case "kernel" -> out.value("kernel", i.kernelId);
            case "ramdisk" -> out.value("ramdisk", i.ramdiskId);
            case "userData" -> out.value("userData", i.userData);
            case "disableApiTermination" -> out.value("disableApiTermination", i.disableApiTermination);
            case "disableApiStop" -> out.value("disableApiStop", i.disableApiStop);
            case "instanceInitiatedShutdownBehavior" -> out.value("instanceInitiatedShutdownBehavior", i.shutdownBehavior);
            case "rootDeviceName" -> out.value("rootDeviceName", i.rootDeviceName);
            case "ebsOptimized" -> out.value("ebsOptimized", i.ebsOptimized);
            case "enaSupport" -> out.value("enaSupport", i.enaSupport);
            case "sriovNetSupport" -> out.value("sriovNetSupport", i.sriovNetSupport);
            case "sourceDestCheck" -> out.value("sourceDestCheck", m.primaryEni(i).map(n -> n.sourceDestCheck()).orElse(true));
            case "groupSet" -> InstanceXml.groups(out, m, i.groupIds);
            case "productCodes" -> out.items("productCodes", i.productCodes, c -> out.text("productCode", c).text("type", "marketplace"));
            case "blockDeviceMapping" -> out.items("blockDeviceMapping", m.volumesOf(i.id), v -> out.text("deviceName", v.device())
                    .start("ebs").text("volumeId", v.id()).text("status", v.attachState()).text("attachTime", v.attachTime())
                    .text("deleteOnTermination", v.deleteOnTermination()).end());
            default -> throw Ec2Exception.invalidParameterValue("Value (" + attr + ") for parameter attribute is invalid. Unknown attribute.");
        }
    }

    private void modifyInstanceAttribute(QueryParams p, XmlWriter out) {
        InstanceRecord i = m.instance(p.required("InstanceId"));
        // The Attribute/Value form maps onto the structured members.
        Map<String, String> v = new LinkedHashMap<>(p.asMap());
        if (p.has("Attribute")) {
            v.put(Character.toUpperCase(p.get("Attribute").charAt(0)) + p.get("Attribute").substring(1) + ".Value", p.get("Value"));
        }
        QueryParams q = new QueryParams(v);
        boolean stopped = i.state() == InstanceState.STOPPED;
        // Validate references before changing anything, so a refused call changes nothing.
        q.list("GroupId").forEach(m::securityGroup);
        for (QueryParams b : q.structs("BlockDeviceMapping")) {
            String dev = b.required("DeviceName");
            if (m.volumesOf(i.id).stream().noneMatch(x -> dev.equals(x.device()))) {
                throw Ec2Exception.invalidParameterValue("No device is currently mapped at " + dev);
            }
        }
        // Type, kernel, ramdisk, user data and ENA can only change while stopped
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html).
        for (String needsStop : List.of("InstanceType.Value", "Kernel.Value", "Ramdisk.Value", "UserData.Value", "EnaSupport.Value")) {
            if (q.has(needsStop) && !stopped) {
                throw Ec2Exception.incorrectInstanceState("The instance '" + i.id + "' is not in the 'stopped' state.");
            }
        }
        if (q.has("UserData.Value")) {
            LaunchRules.checkUserData(q.get("UserData.Value"));
        }
        if (q.bool("EbsOptimized.Value", false)) {
            LaunchRules.checkEbsOptimized(true, m.types().require(q.get("InstanceType.Value", i.instanceType)));
        }
        if (q.has("InstanceType.Value")) {
            InstanceType t = m.types().require(q.get("InstanceType.Value"));
            ImageRecord img = m.findImage(i.imageId).orElse(null);
            if (!t.supports(i.virtualizationType)) {
                throw Ec2Exception.combination("Virtualization type '" + i.virtualizationType + "' is not supported for instance type '" + t.name() + "'.");
            }
            if (t.enaRequired() && !i.enaSupport) {
                throw Ec2Exception.combination("Enhanced networking with the Elastic Network Adapter (ENA) is required for the '" + t.name() + "' instance type.");
            }
            if (img != null && !t.architectures().contains(i.architecture)) {
                throw Ec2Exception.invalidParameterValue("The instance type '" + t.name() + "' does not support architecture '" + i.architecture + "'.");
            }
            LaunchRules.checkLinuxHvm(i.virtualizationType, t);
            LaunchRules.checkEbsOptimized(i.ebsOptimized && !m.types().require(i.instanceType).ebsOptimizedSupport().equals("default"), t);
            i.instanceType = t.name();
            i.hypervisor = t.hypervisor();
        }
        if (q.has("Kernel.Value")) {
            i.kernelId = q.get("Kernel.Value");
        }
        if (q.has("Ramdisk.Value")) {
            i.ramdiskId = q.get("Ramdisk.Value");
        }
        if (q.has("UserData.Value")) {
            i.userData = q.get("UserData.Value");
        }
        if (q.has("EnaSupport.Value")) {
            i.enaSupport = q.bool("EnaSupport.Value");
        }
        if (q.has("DisableApiTermination.Value")) {
            i.disableApiTermination = q.bool("DisableApiTermination.Value");
        }
        if (q.has("DisableApiStop.Value")) {
            i.disableApiStop = q.bool("DisableApiStop.Value");
        }
        if (q.has("EbsOptimized.Value")) {
            i.ebsOptimized = q.bool("EbsOptimized.Value");
        }
        if (q.has("SriovNetSupport.Value")) {
            i.sriovNetSupport = q.get("SriovNetSupport.Value");
        }
        if (q.has("InstanceInitiatedShutdownBehavior.Value")) {
            i.shutdownBehavior = q.get("InstanceInitiatedShutdownBehavior.Value");
        }
        if (q.has("SourceDestCheck.Value")) {
            m.primaryEni(i).orElseThrow().changeSourceDestCheck(q.bool("SourceDestCheck.Value"));
        }
        List<String> groups = q.list("GroupId");
        if (!groups.isEmpty()) {
            groups.forEach(m::securityGroup);
            i.groupIds.clear();
            i.groupIds.addAll(groups);
            m.primaryEni(i).orElseThrow().groupIds.clear();
            m.primaryEni(i).orElseThrow().groupIds.addAll(groups);
        }
        for (QueryParams b : q.structs("BlockDeviceMapping")) {
            String dev = b.required("DeviceName");
            VolumeRecord vol = m.volumesOf(i.id).stream().filter(x -> dev.equals(x.device())).findFirst()
                    .orElseThrow(() -> Ec2Exception.invalidParameterValue("No device is currently mapped at " + dev));
            Boolean dot = b.bool("Ebs.DeleteOnTermination");
            if (dot != null) {
                vol.changeDeleteOnTermination(dot);
            }
        }
        out.text("return", true);
    }

    /**
     * The CPU credit option of burstable instances; naming an instance without CPU credits is an
     * error (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceCreditSpecifications.html).
     */
    private void describeInstanceCreditSpecifications(QueryParams p, XmlWriter out) {
        List<InstanceRecord> selected = new ArrayList<>();
        for (String id : p.list("InstanceId")) {
            InstanceRecord i = m.instance(id);
            if (i.cpuCredits == null) {
                throw new Ec2Exception("InvalidInstanceType", "The instance " + id + " of type " + i.instanceType
                        + " is not a burstable performance instance and has no CPU credit option.");
            }
            selected.add(i);
        }
        if (p.list("InstanceId").isEmpty()) {
            m.instances().stream().filter(i -> "unlimited".equals(i.cpuCredits)).forEach(selected::add);
        }
        out.items("instanceCreditSpecificationSet", selected, i -> out.text("instanceId", i.id).text("cpuCredits", i.cpuCredits));
    }

    private void describeInstanceTypes(QueryParams p, XmlWriter out) {
        List<String> names = p.list("InstanceType");
        List<InstanceType> selected = new ArrayList<>();
        if (names.isEmpty()) {
            selected.addAll(m.types().all());
        } else {
            for (String n : names) {
                InstanceType t = m.types().find(n);
                if (t == null) {
                    throw Ec2Exception.invalidParameterValue("The following supplied instance types do not exist: [" + n + "]");
                }
                selected.add(t);
            }
        }
        List<Filter> filters = p.filters();
        selected.removeIf(t -> !Filters.matches(filters, Map.of(), name -> switch (name) {
            case "instance-type" -> List.of(t.name());
            case "supported-virtualization-type" -> t.virtualizationTypes();
            case "hypervisor" -> List.of(t.hypervisor());
            case "current-generation" -> List.of(String.valueOf(t.currentGeneration()));
            case "network-info.ena-support" -> List.of(t.enaSupport());
            case "ebs-info.nvme-support" -> List.of(t.nvmeSupport());
            case "processor-info.supported-architecture" -> t.architectures();
            case "supported-root-device-type" -> t.rootDeviceTypes();
            case "supported-boot-mode" -> t.bootModes();
            case "ebs-info.ebs-optimized-support" -> List.of(t.ebsOptimizedSupport());
            default -> null;
        }));
        Pages.Page<InstanceType> page = Pages.of(selected, p, 5, 100);
        out.items("instanceTypeSet", page.items(), t -> {
            out.text("instanceType", t.name()).text("currentGeneration", t.currentGeneration())
                    .text("freeTierEligible", t.name().equals("t2.micro") || t.name().equals("t3.micro"))
                    .stringItems("supportedUsageClasses", List.of("on-demand", "spot"))
                    .stringItems("supportedRootDeviceTypes", t.rootDeviceTypes())
                    .stringItems("supportedVirtualizationTypes", t.virtualizationTypes())
                    .text("bareMetal", false).text("hypervisor", t.hypervisor());
            out.start("processorInfo").stringItems("supportedArchitectures", t.architectures()).end();
            out.start("vCpuInfo").text("defaultVCpus", t.vcpus()).end();
            out.start("memoryInfo").text("sizeInMiB", t.memoryMiB()).end();
            out.text("instanceStorageSupported", t.instanceStoreGb() > 0);
            if (t.instanceStoreGb() > 0) {
                out.start("instanceStorageInfo").text("totalSizeInGB", t.instanceStoreGb())
                        .items("disks", List.of(t), d -> out.text("sizeInGB", d.instanceStoreGb() / d.instanceStoreDisks())
                                .text("count", d.instanceStoreDisks()).text("type", "hdd"))
                        .end();
            }
            out.start("ebsInfo").text("ebsOptimizedSupport", t.ebsOptimizedSupport()).text("encryptionSupport", "supported")
                    .text("nvmeSupport", t.nvmeSupport()).end();
            out.start("networkInfo").text("networkPerformance", "Moderate").text("maximumNetworkInterfaces", t.maxEnis())
                    .text("ipv4AddressesPerInterface", t.ipsPerEni())
                    // IPv6 per interface equals IPv4 per interface on the catalogued types
                    // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html).
                    .text("ipv6AddressesPerInterface", t.currentGeneration() ? t.ipsPerEni() : null)
                    .text("ipv6Supported", t.currentGeneration())
                    .text("enaSupport", t.enaSupport()).end();
            out.text("burstablePerformanceSupported", Ec2Model.defaultCpuCredits(t.name()) != null);
            out.stringItems("supportedBootModes", t.bootModes());
        });
        out.text("nextToken", page.nextToken());
    }

    /**
     * The console output is base64-encoded and keeps the most recent 64 KB. By default it is the
     * buffer EC2 posted a while after the guest printed it; {@code Latest} reads the console as
     * it is now and is supported only on Nitro types
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetConsoleOutput.html).
     */
    private void getConsoleOutput(QueryParams p, XmlWriter out) {
        InstanceRecord i = m.instance(p.required("InstanceId"));
        boolean latest = p.bool("Latest", false);
        InstanceType type = m.types().require(i.instanceType);
        if (latest && !type.nitro()) {
            throw new Ec2Exception("UnsupportedOperation", "The latest console output is only available on instance types"
                    + " built on the Nitro System; " + i.instanceType + " is not. Call GetConsoleOutput without Latest.");
        }
        Instant asOf = latest ? m.now() : m.now().minus(m.latency().scaled(m.latency().consoleBuffer()));
        StringBuilder printed = new StringBuilder();
        Instant postedAt = null;
        for (ConsoleStage stage : i.consoleStages()) {
            if (!stage.printedAt().isAfter(asOf)) {
                printed.append(stage.text());
                postedAt = stage.printedAt();
            }
        }
        out.text("instanceId", i.id).text("timestamp", latest || postedAt == null ? m.now() : postedAt);
        if (printed.length() > 0) {
            byte[] bytes = printed.toString().getBytes(StandardCharsets.UTF_8);
            int keep = Math.min(bytes.length, 64 * 1024);
            byte[] tail = new byte[keep];
            System.arraycopy(bytes, bytes.length - keep, tail, 0, keep);
            out.text("output", Base64.getEncoder().encodeToString(tail));
        }
    }
}
