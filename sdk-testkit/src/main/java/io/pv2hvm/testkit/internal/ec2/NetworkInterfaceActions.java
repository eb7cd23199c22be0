package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.model.NetworkInterfaceStatus;
import io.pv2hvm.testkit.internal.http.Filter;
import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.AddressRecord;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.InstanceRecord;
import io.pv2hvm.testkit.internal.model.InstanceTypeCatalog.InstanceType;
import io.pv2hvm.testkit.internal.model.NetworkInterfaceRecord;
import io.pv2hvm.testkit.internal.model.SubnetRecord;
import io.pv2hvm.testkit.internal.model.InstanceState;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Network interfaces: create, describe, attach, detach, delete, their private IPs and attributes. */
final class NetworkInterfaceActions {

    private final Ec2Model m;

    NetworkInterfaceActions(Ec2Model model) {
        this.m = model;
    }

    void register(Map<String, Ec2Action> actions) {
        actions.put("DescribeNetworkInterfaces", this::describeNetworkInterfaces);
        actions.put("AttachNetworkInterface", this::attachNetworkInterface);
        actions.put("DetachNetworkInterface", this::detachNetworkInterface);
        actions.put("AssignPrivateIpAddresses", this::assignPrivateIpAddresses);
        actions.put("UnassignPrivateIpAddresses", this::unassignPrivateIpAddresses);
        actions.put("ModifyNetworkInterfaceAttribute", this::modifyNetworkInterfaceAttribute);
        actions.put("DescribeNetworkInterfaceAttribute", this::describeNetworkInterfaceAttribute);
        actions.put("CreateNetworkInterface", this::createNetworkInterface);
        actions.put("DeleteNetworkInterface", this::deleteNetworkInterface);
    }

    private void describeNetworkInterfaces(QueryParams p, XmlWriter out) {
        List<NetworkInterfaceRecord> selected = new ArrayList<>();
        List<String> ids = p.list("NetworkInterfaceId");
        if (!ids.isEmpty()) {
            for (String id : ids) {
                selected.add(m.eni(id));
            }
        } else {
            m.enis().stream().filter(n -> m.visible(n.createdAt())).forEach(selected::add);
        }
        List<Filter> filters = p.filters();
        selected.removeIf(n -> !Filters.matches(filters, m.tagsOf(n.id()), name -> switch (name) {
            case "network-interface-id" -> Filters.of(n.id());
            case "subnet-id" -> Filters.of(n.subnetId());
            case "vpc-id" -> Filters.of(n.vpcId());
            case "availability-zone" -> Filters.of(n.availabilityZone());
            case "status" -> Filters.of(n.status());
            case "description" -> Filters.of(n.description());
            case "private-ip-address", "addresses.private-ip-address" -> name.equals("private-ip-address")
                    ? Filters.of(n.privateIps.isEmpty() ? null : n.privateIps.get(0)) : n.privateIps;
            case "addresses.primary" -> List.of("true");
            case "attachment.instance-id" -> Filters.of(n.instanceId());
            case "attachment.attachment-id" -> Filters.of(n.attachmentId());
            case "attachment.device-index" -> Filters.of(n.deviceIndex());
            case "attachment.status" -> Filters.of(n.attachStatus());
            case "attachment.delete-on-termination" -> n.attachmentId() == null ? List.of() : Filters.of(n.deleteOnTermination());
            case "group-id" -> n.groupIds;
            case "mac-address" -> Filters.of(n.macAddress());
            case "association.public-ip" -> publicIps(n);
            case "owner-id" -> Filters.of(Ec2Model.ACCOUNT_ID);
            default -> null;
        }));
        Pages.Page<NetworkInterfaceRecord> page = Pages.of(selected, p, 5, 1000);
        out.items("networkInterfaceSet", page.items(), n -> InstanceXml.networkInterface(out, m, n, false));
        out.text("nextToken", page.nextToken());
    }

    /**
     * CreateNetworkInterface (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInterface.html):
     * idempotent with ClientToken; an explicit private IP must be free in the subnet.
     */
    private void createNetworkInterface(QueryParams p, XmlWriter out) {
        List<String> replay = m.replayed("CreateNetworkInterface", p.get("ClientToken"), p.asMap());
        if (replay != null) {
            out.start("networkInterface");
            InstanceXml.networkInterface(out, m, m.findEni(replay.get(0)).orElse(null), false);
            out.end();
            return;
        }
        SubnetRecord subnet = m.subnet(p.required("SubnetId"));
        String primary = p.get("PrivateIpAddress");
        List<String> secondary = new ArrayList<>();
        for (QueryParams a : p.structs("PrivateIpAddresses")) {
            if ("true".equalsIgnoreCase(a.get("Primary"))) {
                primary = a.required("PrivateIpAddress");
            } else {
                secondary.add(a.required("PrivateIpAddress"));
            }
        }
        if (primary != null) {
            m.checkPrivateIpFree(subnet, primary);
        }
        for (String ip : secondary) {
            m.checkPrivateIpFree(subnet, ip);
        }
        List<String> groups = p.list("SecurityGroupId");
        groups.forEach(m::securityGroup);
        if (groups.isEmpty()) {
            groups = m.securityGroups().stream().filter(g -> g.vpcId().equals(subnet.vpcId())).limit(1).map(g -> g.id()).toList();
        }
        NetworkInterfaceRecord n = m.newEni(subnet, primary, groups, p.get("Description", ""));
        n.privateIps.addAll(secondary);
        Integer count = p.integer("SecondaryPrivateIpAddressCount");
        for (int k = 0; count != null && k < count; k++) {
            n.privateIps.add(m.allocatePrivateIp(subnet));
        }
        m.putTags(n.id(), TagSpecifications.forType(p, "network-interface"));
        m.rememberToken("CreateNetworkInterface", p.get("ClientToken"), p.asMap(), List.of(n.id()));
        out.start("networkInterface");
        InstanceXml.networkInterface(out, m, n, false);
        out.end();
    }

    private void deleteNetworkInterface(QueryParams p, XmlWriter out) {
        NetworkInterfaceRecord n = m.eni(p.required("NetworkInterfaceId"));
        if (n.attachmentId() != null) {
            throw new Ec2Exception("InvalidNetworkInterface.InUse", "Network interface '" + n.id() + "' is currently in use.");
        }
        m.disassociateWhere(a -> n.id().equals(a.networkInterfaceId()));
        m.removeEni(n.id());
        out.text("return", true);
    }

    private List<String> publicIps(NetworkInterfaceRecord n) {
        List<String> out = new ArrayList<>();
        if (n.publicIp() != null) {
            out.add(n.publicIp());
        }
        m.addresses().stream().filter(a -> n.id().equals(a.networkInterfaceId())).forEach(a -> out.add(a.publicIp()));
        return out;
    }

    /** Same AZ and VPC, a free device index, within the type's ENI limit (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachNetworkInterface.html). */
    private void attachNetworkInterface(QueryParams p, XmlWriter out) {
        NetworkInterfaceRecord n = m.eni(p.required("NetworkInterfaceId"));
        InstanceRecord i = m.instance(p.required("InstanceId"));
        Integer index = p.integer("DeviceIndex");
        if (index == null) {
            throw Ec2Exception.missingParameter("DeviceIndex");
        }
        if (n.attachmentId() != null) {
            throw new Ec2Exception("InvalidNetworkInterface.InUse", "Interface: [" + n.id() + "] in use.");
        }
        if (i.state() != InstanceState.RUNNING && i.state() != InstanceState.STOPPED) {
            throw Ec2Exception.incorrectInstanceState("Instance '" + i.id + "' is not 'running' or 'stopped'.");
        }
        if (!n.availabilityZone().equals(i.availabilityZone)) {
            throw Ec2Exception.invalidParameterValue("Network interface '" + n.id() + "' and instance '" + i.id + "' are in different availability zones");
        }
        if (!n.vpcId().equals(i.vpcId)) {
            throw Ec2Exception.invalidParameterValue("Network interface '" + n.id() + "' and instance '" + i.id + "' are in different VPCs");
        }
        for (NetworkInterfaceRecord other : m.enisOf(i.id)) {
            if (index.equals(other.deviceIndex())) {
                throw Ec2Exception.invalidParameterValue("Instance '" + i.id + "' already has an interface attached at device index '" + index + "'.");
            }
        }
        InstanceType t = m.types().require(i.instanceType);
        if (m.enisOf(i.id).size() >= t.maxEnis()) {
            throw new Ec2Exception("AttachmentLimitExceeded", "Interface count " + (m.enisOf(i.id).size() + 1)
                    + " exceeds the limit for " + i.instanceType);
        }
        m.attachEniNow(n, i, index, false);
        out.text("attachmentId", n.attachmentId()).text("networkCardIndex", 0);
    }

    /** The primary interface (device index 0) cannot be detached (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html). */
    private void detachNetworkInterface(QueryParams p, XmlWriter out) {
        String attachmentId = p.required("AttachmentId");
        NetworkInterfaceRecord n = m.eniByAttachment(attachmentId).orElseThrow(() -> new Ec2Exception("InvalidAttachmentID.NotFound", "The attachment ID '" + attachmentId + "' does not exist"));
        if (n.deviceIndex() != null && n.deviceIndex() == 0) {
            throw new Ec2Exception("OperationNotPermitted", "The network interface at device index 0 cannot be detached.");
        }
        n.detach();
        n.changeDeleteOnTermination(false);
        out.text("return", true);
    }

    /**
     * Secondary private IPs come from the subnet; an address held by another interface is
     * moved only with AllowReassignment
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssignPrivateIpAddresses.html).
     */
    private void assignPrivateIpAddresses(QueryParams p, XmlWriter out) {
        NetworkInterfaceRecord n = m.eni(p.required("NetworkInterfaceId"));
        SubnetRecord subnet = m.subnet(n.subnetId());
        List<String> wanted = p.list("PrivateIpAddress");
        Integer count = p.integer("SecondaryPrivateIpAddressCount");
        if (wanted.isEmpty() && count == null) {
            throw Ec2Exception.missingParameter("PrivateIpAddress or SecondaryPrivateIpAddressCount");
        }
        boolean reassign = p.bool("AllowReassignment", false);
        InstanceType limitType = n.instanceId() == null ? null : m.types().require(m.findInstance(n.instanceId()).orElseThrow().instanceType);
        int total = n.privateIps.size() + wanted.size() + (count == null ? 0 : count);
        if (limitType != null && total > limitType.ipsPerEni()) {
            throw new Ec2Exception("PrivateIpAddressLimitExceeded", "Number of private addresses will exceed limit.");
        }
        // Validate every address before moving any, so a refused call changes nothing.
        Map<String, NetworkInterfaceRecord> holders = new java.util.LinkedHashMap<>();
        for (String ip : wanted) {
            if (n.privateIps.contains(ip)) {
                continue;
            }
            NetworkInterfaceRecord holder = m.enis().stream()
                    .filter(e -> e.subnetId().equals(n.subnetId()) && e.privateIps.contains(ip)).findFirst().orElse(null);
            if (holder != null) {
                if (!reassign || holder.privateIps.get(0).equals(ip)) {
                    throw new Ec2Exception("InvalidParameterValue", "Address " + ip + " is in use.");
                }
                holders.put(ip, holder);
            } else {
                m.checkPrivateIpFree(subnet, ip);
                holders.put(ip, null);
            }
        }
        List<String> assigned = new ArrayList<>();
        holders.forEach((ip, holder) -> {
            if (holder != null) {
                holder.privateIps.remove(ip);
            }
            n.privateIps.add(ip);
            assigned.add(ip);
        });
        for (int k = 0; count != null && k < count; k++) {
            String ip = m.allocatePrivateIp(subnet);
            n.privateIps.add(ip);
            assigned.add(ip);
        }
        out.text("networkInterfaceId", n.id());
        out.items("assignedPrivateIpAddressesSet", assigned, ip -> out.text("privateIpAddress", ip));
        out.text("return", true);
    }

    private void unassignPrivateIpAddresses(QueryParams p, XmlWriter out) {
        NetworkInterfaceRecord n = m.eni(p.required("NetworkInterfaceId"));
        List<String> ips = p.list("PrivateIpAddress");
        if (ips.isEmpty()) {
            throw Ec2Exception.missingParameter("PrivateIpAddress");
        }
        for (String ip : ips) {
            if (!n.privateIps.contains(ip)) {
                throw new Ec2Exception("InvalidParameterValue", "Some of the specified addresses are not assigned to interface " + n.id());
            }
            if (n.privateIps.get(0).equals(ip)) {
                throw new Ec2Exception("InvalidParameterValue", "The primary private IP address " + ip + " cannot be unassigned.");
            }
        }
        for (String ip : ips) {
            n.privateIps.remove(ip);
            m.disassociateWhere(a -> n.id().equals(a.networkInterfaceId()) && ip.equals(a.privateIp()));
        }
        out.text("return", true);
    }

    private void modifyNetworkInterfaceAttribute(QueryParams p, XmlWriter out) {
        NetworkInterfaceRecord n = m.eni(p.required("NetworkInterfaceId"));
        if (p.has("Description.Value")) {
            n.changeDescription(p.get("Description.Value"));
        }
        if (p.has("SourceDestCheck.Value")) {
            n.changeSourceDestCheck(p.bool("SourceDestCheck.Value"));
        }
        List<String> groups = p.list("SecurityGroupId");
        if (!groups.isEmpty()) {
            groups.forEach(m::securityGroup);
            n.groupIds.clear();
            n.groupIds.addAll(groups);
        }
        if (p.has("Attachment.AttachmentId")) {
            if (!p.get("Attachment.AttachmentId").equals(n.attachmentId())) {
                throw new Ec2Exception("InvalidAttachmentID.NotFound", "The attachment ID '" + p.get("Attachment.AttachmentId") + "' does not exist");
            }
            Boolean dot = p.bool("Attachment.DeleteOnTermination");
            if (dot != null) {
                n.changeDeleteOnTermination(dot);
            }
        }
        out.text("return", true);
    }

    private void describeNetworkInterfaceAttribute(QueryParams p, XmlWriter out) {
        NetworkInterfaceRecord n = m.eni(p.required("NetworkInterfaceId"));
        String attr = p.required("Attribute");
        out.text("networkInterfaceId", n.id());
        switch (attr) {
            case "description" -> out.value("description", n.description());
            case "sourceDestCheck" -> out.value("sourceDestCheck", n.sourceDestCheck());
            case "groupSet" -> InstanceXml.groups(out, m, n.groupIds);
            case "attachment" -> {
                if (n.attachmentId() != null) {
                    out.start("attachment").text("attachmentId", n.attachmentId()).text("instanceId", n.instanceId())
                            .text("instanceOwnerId", Ec2Model.ACCOUNT_ID).text("deviceIndex", n.deviceIndex())
                            .text("status", n.attachStatus()).text("attachTime", n.attachTime())
                            .text("deleteOnTermination", n.deleteOnTermination()).end();
                }
            }
            default -> throw Ec2Exception.invalidParameterValue("Value (" + attr + ") for parameter attribute is invalid.");
        }
    }
}
