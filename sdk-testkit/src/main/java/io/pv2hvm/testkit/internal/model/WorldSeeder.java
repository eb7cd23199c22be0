package io.pv2hvm.testkit.internal.model;

import io.pv2hvm.testkit.world.ElasticIpSeed;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceProfileSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.NetworkInterfaceSeed;
import io.pv2hvm.testkit.world.SecurityGroupSeed;
import io.pv2hvm.testkit.world.SubnetSeed;
import io.pv2hvm.testkit.world.VolumeSeed;
import io.pv2hvm.testkit.world.VpcSeed;
import io.pv2hvm.testkit.world.World;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Puts a {@link World} into a fresh {@link Ec2Model}: every seeded resource dated a day back
 * ({@code past}), so it is visible through any consistency window and its transitions are over.
 */
public final class WorldSeeder {

    private final Ec2Model m;
    private final Instant past;

    private WorldSeeder(Ec2Model model, Instant past) {
        this.m = model;
        this.past = past;
    }

    /**
     * Loads the starting world into {@code model} (the caller holds its lock); seeded resources are
     * old enough to be visible and settled.
     */
    public static void seed(Ec2Model model, World world) {
        new WorldSeeder(model, model.now().minus(Duration.ofDays(1))).seed(world);
    }

    private void seed(World world) {
        for (VpcSeed v : world.vpcs()) {
            m.addVpc(v.id(), v.cidr());
            m.ids().reserve(v.id());
        }
        for (SubnetSeed s : world.subnets()) {
            m.addSubnet(new SubnetRecord(s.id(), s.vpcId(), s.availabilityZone(), s.cidr(), s.mapPublicIpOnLaunch()));
        }
        for (SecurityGroupSeed g : world.securityGroups()) {
            SecurityGroupRecord r = new SecurityGroupRecord(g.id(), g.name(), g.name() + " security group", g.vpcId(), past);
            // A VPC group starts with a rule allowing all outbound IPv4 traffic
            // (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html); a seed's
            // rule id is derived from the group's so seeding draws no ids.
            r.egress.add(new SecurityGroupRecord.Rule("sgr-" + g.id().substring(3), "-1", null, null, "0.0.0.0/0", null));
            m.addSecurityGroup(r);
        }
        m.addKeyPairs(world.keyPairs());
        for (InstanceProfileSeed p : world.instanceProfiles()) {
            m.addInstanceProfile(p.name(), p.arnOrDefault(), p.allowsSsm());
        }
        m.addPublicParameters(world.publicParameters());
        if (world.defaultHostManagement()) {
            m.setDefaultHostManagement("service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole", past);
        }
        for (ImageSeed s : world.images()) {
            seedImage(s);
        }
        for (VolumeSeed v : world.volumes()) {
            if (v.availabilityZone() == null) {
                throw new IllegalArgumentException("unattached volume seed needs an availability zone: " + v.id());
            }
            VolumeRecord r = seedVolume(v, v.availabilityZone(), null);
            r.available();
        }
        for (InstanceSeed s : world.instances()) {
            seedInstance(s);
        }
        for (ElasticIpSeed e : world.elasticIps()) {
            AddressRecord a = new AddressRecord(e.allocationId() != null ? e.allocationId() : m.ids().next("eipalloc"),
                    e.publicIp() != null ? e.publicIp() : m.allocateElasticIp(), past);
            m.addAddress(a);
            if (e.instanceId() != null) {
                InstanceRecord i = m.findInstance(e.instanceId()).orElseThrow(
                        () -> new IllegalArgumentException("Elastic IP seed names unknown instance " + e.instanceId()));
                NetworkInterfaceRecord eni = m.primaryEni(i).orElseThrow();
                a.associate(m.ids().next("eipassoc"), i.id, eni.id(), e.privateIp() != null ? e.privateIp() : eni.privateIps.get(0));
            }
        }
    }

    private void seedImage(ImageSeed s) {
        if (!s.imageType().equals("machine")) {
            ImageRecord k = new ImageRecord();
            k.id = s.id();
            k.name = s.name();
            k.imageType = s.imageType();
            k.imageLocation = s.imageLocation();
            k.available();
            k.architecture = s.architecture();
            k.virtualizationType = "paravirtual";
            k.isPublic = s.isPublic();
            k.ownerId = s.ownerId() != null ? s.ownerId() : Ec2Model.ACCOUNT_ID;
            k.creationDate = past;
            k.createdAt = past;
            m.addImage(k);
            return;
        }
        SnapshotRecord snap = new SnapshotRecord(s.rootSnapshotId() != null ? s.rootSnapshotId() : m.ids().next("snap"),
                null, s.rootSizeGiB(), "Created by CreateImage for " + s.id(), past, past);
        snap.captured(s.diskImage(), null, (long) s.rootSizeGiB() << 30, 0);
        snap.complete();
        snap.completesAt(past);
        snap.addProductCodes(s.productCodes());
        if (s.isPublic()) {
            snap.ownedBy(s.ownerId());
        }
        m.addSnapshot(snap);
        ImageRecord img = new ImageRecord();
        img.id = s.id() != null ? s.id() : m.ids().next("ami");
        m.ids().reserve(img.id);
        img.name = s.name() != null ? s.name() : img.id;
        img.available();
        img.architecture = s.architecture();
        img.virtualizationType = s.virtualizationType();
        img.rootDeviceName = s.rootDeviceName();
        img.kernelId = s.kernelId();
        img.ramdiskId = s.ramdiskId();
        img.enaSupport = s.enaSupport();
        img.ssmAgent = s.ssmAgent();
        img.isPublic = s.isPublic();
        if (s.ownerId() != null) {
            img.ownerId = s.ownerId();
        }
        img.productCodes.addAll(s.productCodes());
        img.blockDevices.add(new ImageRecord.BlockDevice(s.rootDeviceName(), null, snap.id(), s.rootSizeGiB(), true, "gp2", false));
        int n = 0;
        for (String dev : s.ephemeralDevices()) {
            img.blockDevices.add(new ImageRecord.BlockDevice(dev, "ephemeral" + n++, null, null, null, null, false));
        }
        img.creationDate = past;
        img.createdAt = past;
        m.addImage(img);
    }

    private VolumeRecord seedVolume(VolumeSeed s, String az, SnapshotRecord from) {
        VolumeRecord v = new VolumeRecord(s.id() != null ? s.id() : m.ids().next("vol"), az, s.sizeGiB(), past);
        m.ids().reserve(v.id());
        v.volumeType(s.volumeType());
        v.provisioned(s.iops(), s.throughput());
        v.encryption(s.kmsKeyId() != null || (from != null && from.encrypted()),
                s.kmsKeyId() != null ? s.kmsKeyId() : from != null ? from.kmsKeyId() : null);
        v.restoredFrom(s.snapshotId() != null ? s.snapshotId() : from != null ? from.id() : null);
        v.addProductCodes(s.productCodes());
        if (s.productCodes().isEmpty() && from != null) {
            v.addProductCodes(from.productCodes());
        }
        v.disk(s.diskImage() != null ? s.diskImage() : from != null ? m.copyDisk(from.diskImage(), v.id()) : null,
                s.filesystem() != null ? s.filesystem() : from != null ? from.filesystem() : null);
        v.createTime(past);
        v.available();
        // A seeded volume has lived a while: all of its data counts as changed for its next snapshot.
        v.holds(s.usedBytes(), s.usedBytes());
        m.addVolume(v);
        m.putTags(v.id(), s.tags());
        return v;
    }

    private void seedInstance(InstanceSeed s) {
        ImageRecord img = m.findImage(s.imageId()).orElse(null);
        if (img == null) {
            throw new IllegalArgumentException("instance seed " + s.id() + " names unknown image " + s.imageId());
        }
        InstanceTypeCatalog.InstanceType type = m.types().require(s.instanceType());
        SubnetRecord subnet = s.subnetId() != null ? m.subnet(s.subnetId()) : m.subnets().iterator().next();
        InstanceRecord i = new InstanceRecord();
        i.id = s.id() != null ? s.id() : m.ids().next("i");
        m.ids().reserve(i.id);
        i.reservationId = m.ids().next("r");
        i.imageId = img.id;
        i.instanceType = type.name();
        i.subnetId = subnet.id();
        i.vpcId = subnet.vpcId();
        i.availabilityZone = subnet.availabilityZone();
        i.keyName = s.keyName();
        i.instanceProfileArn = s.instanceProfile() == null ? null
                : m.instanceProfileArn(s.instanceProfile()).orElse(new InstanceProfileSeed(s.instanceProfile(), null).arnOrDefault());
        i.kernelId = img.kernelId;
        i.ramdiskId = img.ramdiskId;
        i.architecture = img.architecture;
        i.virtualizationType = img.virtualizationType;
        i.hypervisor = type.hypervisor();
        i.rootDeviceName = img.rootDeviceName;
        i.userData = m.userDataBase64(s.userData());
        i.launchTime = past;
        i.createdAt = past;
        i.groupIds.addAll(s.groupIds().isEmpty() && !m.securityGroups().isEmpty()
                ? List.of(m.securityGroups().iterator().next().id()) : s.groupIds());
        i.instanceStoreDevices.addAll(s.instanceStoreDevices());
        // Types with EBS optimization "default" are always EBS-optimized.
        i.ebsOptimized = s.ebsOptimized() || type.ebsOptimizedSupport().equals("default");
        i.enaSupport = img.enaSupport;
        i.disableApiTermination = s.disableApiTermination();
        i.disableApiStop = s.disableApiStop();
        i.httpTokens = s.httpTokens();
        i.httpPutResponseHopLimit = s.httpPutResponseHopLimit();
        i.httpEndpoint = s.httpEndpoint();
        i.instanceMetadataTags = s.instanceMetadataTags();
        i.cpuCredits = s.cpuCredits() != null ? s.cpuCredits() : Ec2Model.defaultCpuCredits(type.name());
        i.monitoring = s.monitoring();
        i.tenancy = s.tenancy();
        i.placementGroup = s.placementGroup();
        if (i.placementGroup != null) {
            m.addPlacementGroup(i.placementGroup);
        }
        i.productCodes.addAll(img.productCodes);
        i.ssmAgent = s.ssmAgent() && img.ssmAgent;
        m.addInstance(i);
        m.putTags(i.id, s.tags());

        if (s.privateIp() != null) {
            m.checkPrivateIpFree(subnet, s.privateIp());
        }
        NetworkInterfaceRecord eni = m.newEni(subnet, s.privateIp(), i.groupIds, "Primary network interface");
        eni.existedSince(past);
        eni.privateIps.addAll(s.secondaryPrivateIps());
        eni.ipv6Addresses.addAll(s.ipv6Addresses());
        eni.changeSourceDestCheck(s.sourceDestCheck());
        eni.attach(i.id, 0, m.ids().next("eni-attach"), true, past);
        i.primaryEniId = eni.id();
        for (NetworkInterfaceSeed ns : s.secondaryEnis()) {
            SubnetRecord sn = ns.subnetId() != null ? m.subnet(ns.subnetId()) : subnet;
            NetworkInterfaceRecord sec = m.newEni(sn, ns.privateIp(), ns.groupIds().isEmpty() ? i.groupIds : ns.groupIds(), ns.description());
            if (ns.id() != null) {
                m.renameEni(sec, ns.id());
            }
            sec.existedSince(past);
            sec.privateIps.addAll(ns.secondaryPrivateIps());
            sec.ipv6Addresses.addAll(ns.ipv6Addresses());
            sec.changeSourceDestCheck(ns.sourceDestCheck());
            sec.attach(i.id, ns.deviceIndex(), m.ids().next("eni-attach"), false, past);
        }

        i.instanceStoreRoot = s.isInstanceStoreRoot();
        if (!i.instanceStoreRoot) {
            SnapshotRecord rootSnap = img.rootDevice() == null ? null : m.findSnapshot(img.rootDevice().snapshotId()).orElse(null);
            VolumeSeed rootSeed = s.root() != null ? s.root() : VolumeSeed.of(img.rootDeviceName, rootSnap == null ? 8 : rootSnap.sizeGiB());
            VolumeRecord root = seedVolume(rootSeed, i.availabilityZone, rootSnap);
            root.attach(i.id, rootSeed.device() != null ? rootSeed.device() : img.rootDeviceName,
                    rootSeed.deleteOnTermination() == null || rootSeed.deleteOnTermination(), past);
        }
        for (VolumeSeed d : s.dataVolumes()) {
            VolumeRecord dv = seedVolume(d, i.availabilityZone, null);
            dv.attach(i.id, d.device(), d.deleteOnTermination() != null && d.deleteOnTermination(), past);
        }
        if (s.state().equals("running")) {
            i.running(past);
            if (i.ssmAgent && m.ssmPermitted(i)) {
                i.agentOnline();
            }
            i.wantsAutoPublicIp = s.autoAssignPublicIp();
            if (s.autoAssignPublicIp()) {
                i.autoPublicIp = m.allocatePublicIp();
                eni.showPublicIp(i.autoPublicIp);
            }
            String console = Ec2Model.defaultConsole(i);
            i.printed(past, console);
            i.booted(console, past, true);
        } else if (s.state().equals("stopped")) {
            i.stoppedByUserAt(past);
            i.wantsAutoPublicIp = s.autoAssignPublicIp();
        } else {
            throw new IllegalArgumentException("instance seed state must be running or stopped: " + s.state());
        }
    }
}
