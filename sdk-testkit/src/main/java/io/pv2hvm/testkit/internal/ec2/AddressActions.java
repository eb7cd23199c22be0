package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.Filter;
import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.AddressRecord;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.InstanceRecord;
import io.pv2hvm.testkit.internal.model.NetworkInterfaceRecord;
import io.pv2hvm.testkit.internal.model.InstanceState;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Elastic IP addresses: allocate, describe, associate, disassociate, release. */
final class AddressActions {

    private final Ec2Model m;

    AddressActions(Ec2Model model) {
        this.m = model;
    }

    void register(Map<String, Ec2Action> actions) {
        actions.put("DescribeAddresses", this::describeAddresses);
        actions.put("AllocateAddress", this::allocateAddress);
        actions.put("AssociateAddress", this::associateAddress);
        actions.put("DisassociateAddress", this::disassociateAddress);
        actions.put("ReleaseAddress", this::releaseAddress);
    }

    private void describeAddresses(QueryParams p, XmlWriter out) {
        List<AddressRecord> selected = new ArrayList<>();
        List<String> ids = p.list("AllocationId");
        List<String> publicIps = p.list("PublicIp");
        if (!ids.isEmpty()) {
            for (String id : ids) {
                selected.add(m.address(id));
            }
        } else {
            m.addresses().stream().filter(a -> m.visible(a.createdAt())).forEach(selected::add);
        }
        if (!publicIps.isEmpty()) {
            for (String ip : publicIps) {
                if (selected.stream().noneMatch(a -> a.publicIp().equals(ip))) {
                    throw new Ec2Exception("InvalidAddress.NotFound", "Address '" + ip + "' not found.");
                }
            }
            selected.removeIf(a -> !publicIps.contains(a.publicIp()));
        }
        List<Filter> filters = p.filters();
        selected.removeIf(a -> !Filters.matches(filters, m.tagsOf(a.allocationId()), name -> switch (name) {
            case "allocation-id" -> Filters.of(a.allocationId());
            case "association-id" -> Filters.of(a.associationId());
            case "instance-id" -> Filters.of(a.instanceId());
            case "network-interface-id" -> Filters.of(a.networkInterfaceId());
            case "private-ip-address" -> Filters.of(a.privateIp());
            case "public-ip" -> Filters.of(a.publicIp());
            case "domain" -> Filters.of("vpc");
            default -> null;
        }));
        out.items("addressesSet", selected, a -> out.text("publicIp", a.publicIp()).text("allocationId", a.allocationId())
                .text("domain", "vpc").text("instanceId", a.instanceId()).text("associationId", a.associationId())
                .text("networkInterfaceId", a.networkInterfaceId())
                .text("networkInterfaceOwnerId", a.networkInterfaceId() == null ? null : Ec2Model.ACCOUNT_ID)
                .text("privateIpAddress", a.privateIp()).tags(m.tagsOf(a.allocationId()))
                .text("publicIpv4Pool", "amazon").text("networkBorderGroup", Ec2Model.REGION));
    }

    private void allocateAddress(QueryParams p, XmlWriter out) {
        AddressRecord a = new AddressRecord(m.ids().next("eipalloc"), m.allocateElasticIp(), m.now());
        m.addAddress(a);
        m.putTags(a.allocationId(), TagSpecifications.forType(p, "elastic-ip"));
        out.text("publicIp", a.publicIp()).text("domain", "vpc").text("allocationId", a.allocationId())
                .text("publicIpv4Pool", "amazon").text("networkBorderGroup", Ec2Model.REGION);
    }

    /**
     * AssociateAddress (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html):
     * by instance (its primary ENI) or ENI, optional private IP; an address already associated
     * moves only with AllowReassociation.
     */
    private void associateAddress(QueryParams p, XmlWriter out) {
        String allocationId = p.get("AllocationId");
        if (allocationId == null) {
            if (p.has("PublicIp")) {
                throw Ec2Exception.invalidParameterValue("EC2-Classic addresses are not supported; use AllocationId");
            }
            throw Ec2Exception.missingParameter("AllocationId");
        }
        AddressRecord a = m.address(allocationId);
        NetworkInterfaceRecord eni;
        if (p.has("NetworkInterfaceId") && p.has("InstanceId")) {
            throw Ec2Exception.combination("You can specify either an instance ID or a network interface ID, but not both.");
        }
        if (p.has("NetworkInterfaceId")) {
            eni = m.eni(p.get("NetworkInterfaceId"));
        } else if (p.has("InstanceId")) {
            InstanceRecord i = m.instance(p.get("InstanceId"));
            if (i.state() != InstanceState.RUNNING && i.state() != InstanceState.STOPPED && i.state() != InstanceState.PENDING) {
                throw Ec2Exception.incorrectInstanceState("The instance '" + i.id + "' is not in a valid state for this operation.");
            }
            // An instance id names an interface only when the instance has exactly one
            // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html).
            if (m.enisOf(i.id).size() > 1) {
                throw new Ec2Exception("InvalidInstanceID", "There are multiple interfaces attached to instance '" + i.id
                        + "'. Please specify an interface ID for the operation instead.");
            }
            eni = m.primaryEni(i).orElse(null);
        } else {
            throw Ec2Exception.missingParameter("InstanceId or NetworkInterfaceId");
        }
        String privateIp = p.get("PrivateIpAddress", eni.privateIps.get(0));
        if (!eni.privateIps.contains(privateIp)) {
            throw Ec2Exception.invalidParameterValue("Address " + privateIp + " is not assigned to interface " + eni.id());
        }
        // In a VPC, reassociation is automatic unless AllowReassociation=false is given
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html).
        boolean reassociate = p.bool("AllowReassociation", true);
        if (a.associationId() != null && !reassociate) {
            throw new Ec2Exception("Resource.AlreadyAssociated", "resource " + a.allocationId() + " is already associated with associate-id " + a.associationId());
        }
        for (AddressRecord other : m.addresses()) {
            if (other != a && eni.id().equals(other.networkInterfaceId()) && privateIp.equals(other.privateIp())) {
                if (!reassociate) {
                    throw new Ec2Exception("Resource.AlreadyAssociated", "Private address " + privateIp + " is already associated with " + other.allocationId());
                }
                other.disassociate();
            }
        }
        if (a.associationId() != null) {
            a.disassociate();
        }
        a.associate(m.ids().next("eipassoc"), eni.instanceId(), eni.id(), privateIp);
        out.text("return", true).text("associationId", a.associationId());
    }

    private void disassociateAddress(QueryParams p, XmlWriter out) {
        String associationId = p.required("AssociationId");
        AddressRecord a = m.addressByAssociation(associationId)
                .orElseThrow(() -> new Ec2Exception("InvalidAssociationID.NotFound", "The association ID '" + associationId + "' does not exist"));
        a.disassociate();
        out.text("return", true);
    }

    /** An associated address must be disassociated first (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReleaseAddress.html). */
    private void releaseAddress(QueryParams p, XmlWriter out) {
        AddressRecord a = m.address(p.required("AllocationId"));
        if (a.associationId() != null) {
            throw new Ec2Exception("InvalidIPAddress.InUse", "Address " + a.publicIp() + " is in use.");
        }
        m.removeAddress(a.allocationId());
        out.text("return", true);
    }
}
