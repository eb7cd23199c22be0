package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.model.AddressRecord;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.InstanceRecord;
import io.pv2hvm.testkit.internal.model.NetworkInterfaceRecord;
import io.pv2hvm.testkit.internal.model.SecurityGroupRecord;
import io.pv2hvm.testkit.internal.model.InstanceState;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.util.List;

/** Writes the {@code Instance} and {@code NetworkInterface} shapes of the EC2 API. */
final class InstanceXml {

    private InstanceXml() {
    }

    static void state(XmlWriter x, String element, InstanceRecord i) {
        x.start(element).text("code", i.stateCode()).text("name", i.state().wire()).end();
    }

    static void state(XmlWriter x, String element, int code, String name) {
        x.start(element).text("code", code).text("name", name).end();
    }

    static void groups(XmlWriter x, Ec2Model m, List<String> groupIds) {
        x.items("groupSet", groupIds, g -> x.text("groupId", g)
                .text("groupName", m.findSecurityGroup(g).map(SecurityGroupRecord::name).orElse(g)));
    }

    static AddressRecord elasticIpFor(Ec2Model m, String eniId, String privateIp) {
        for (AddressRecord a : m.addresses()) {
            if (eniId.equals(a.networkInterfaceId()) && (privateIp == null || privateIp.equals(a.privateIp()))) {
                return a;
            }
        }
        return null;
    }

    /** The public IPv4 of an instance: an Elastic IP on its primary address, else the auto-assigned one. */
    static String publicIp(Ec2Model m, InstanceRecord i) {
        NetworkInterfaceRecord eni = m.primaryEni(i).orElse(null);
        if (eni != null && !eni.privateIps.isEmpty()) {
            AddressRecord a = elasticIpFor(m, eni.id(), eni.privateIps.get(0));
            if (a != null) {
                return a.publicIp();
            }
        }
        return i.autoPublicIp;
    }

    static void instance(XmlWriter x, Ec2Model m, InstanceRecord i) {
        NetworkInterfaceRecord primary = m.primaryEni(i).orElse(null);
        boolean terminated = i.state() == InstanceState.TERMINATED;
        String privateIp = primary != null && !primary.privateIps.isEmpty() ? primary.privateIps.get(0) : null;
        x.text("instanceId", i.id).text("imageId", i.imageId);
        String shown = m.shownState(i.id, i.state().wire());
        state(x, "instanceState", InstanceRecord.codeOf(shown), shown);
        x.text("privateDnsName", privateIp == null || terminated ? "" : "ip-" + privateIp.replace('.', '-') + ".ec2.internal");
        String pub = terminated ? null : publicIp(m, i);
        x.text("dnsName", pub == null ? "" : "ec2-" + pub.replace('.', '-') + ".compute-1.amazonaws.com");
        x.text("reason", i.stateTransitionReason());
        x.text("keyName", i.keyName);
        x.text("amiLaunchIndex", 0);
        x.items("productCodes", i.productCodes, c -> x.text("productCode", c).text("type", "marketplace"));
        x.text("instanceType", i.instanceType);
        x.text("launchTime", i.launchTime);
        x.start("placement").text("availabilityZone", i.availabilityZone)
                .text("groupName", i.placementGroup == null ? "" : i.placementGroup).text("tenancy", i.tenancy).end();
        x.text("kernelId", i.kernelId).text("ramdiskId", i.ramdiskId);
        x.start("monitoring").text("state", i.monitoring ? "enabled" : "disabled").end();
        if (!terminated) {
            x.text("subnetId", i.subnetId).text("vpcId", i.vpcId).text("privateIpAddress", privateIp).text("ipAddress", pub);
        }
        x.text("sourceDestCheck", primary == null || primary.sourceDestCheck());
        groups(x, m, i.groupIds);
        if (i.stateReasonCode() != null) {
            x.start("stateReason").text("code", i.stateReasonCode()).text("message", i.stateReasonMessage()).end();
        }
        x.text("architecture", i.architecture);
        // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html: rootDeviceType ebs | instance-store
        x.text("rootDeviceType", i.instanceStoreRoot ? "instance-store" : "ebs").text("rootDeviceName", i.rootDeviceName);
        x.items("blockDeviceMapping", m.volumesOf(i.id), v -> x.text("deviceName", v.device())
                .start("ebs").text("volumeId", v.id()).text("status", v.attachState()).text("attachTime", v.attachTime())
                .text("deleteOnTermination", v.deleteOnTermination()).end());
        x.text("virtualizationType", i.virtualizationType);
        x.text("clientToken", i.clientToken == null ? "" : i.clientToken);
        x.tags(m.tagsOf(i.id));
        // "xen" for Nitro too: DescribeInstances reports xen for both hypervisors
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html).
        x.text("hypervisor", "xen");
        // A terminated instance lists no interfaces, even while its primary ENI awaits release.
        x.items("networkInterfaceSet", terminated ? java.util.List.<NetworkInterfaceRecord>of() : m.enisOf(i.id),
                n -> networkInterface(x, m, n, true));
        if (i.instanceProfileArn != null) {
            x.start("iamInstanceProfile").text("arn", i.instanceProfileArn)
                    .text("id", "AIPA" + Math.abs(i.instanceProfileArn.hashCode())).end();
        }
        x.text("ebsOptimized", i.ebsOptimized).text("enaSupport", i.enaSupport);
        if (i.sriovNetSupport != null) {
            x.text("sriovNetSupport", i.sriovNetSupport);
        }
        // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataOptionsResponse.html
        x.start("metadataOptions").text("state", "applied").text("httpTokens", i.httpTokens)
                .text("httpPutResponseHopLimit", i.httpPutResponseHopLimit).text("httpEndpoint", i.httpEndpoint)
                .text("httpProtocolIpv6", "disabled").text("instanceMetadataTags", i.instanceMetadataTags).end();
        x.text("platformDetails", "Linux/UNIX").text("usageOperation", "RunInstances");
        x.text("bootMode", "paravirtual".equals(i.virtualizationType) ? null : "legacy-bios");
        x.text("currentInstanceBootMode", "paravirtual".equals(i.virtualizationType) ? null : "legacy-bios");
    }

    /** An ENI, either inside an instance ({@code nested}) or from DescribeNetworkInterfaces. */
    static void networkInterface(XmlWriter x, Ec2Model m, NetworkInterfaceRecord n, boolean nested) {
        x.text("networkInterfaceId", n.id()).text("subnetId", n.subnetId()).text("vpcId", n.vpcId());
        if (!nested) {
            x.text("availabilityZone", n.availabilityZone());
        }
        x.text("description", n.description()).text("ownerId", Ec2Model.ACCOUNT_ID);
        if (!nested) {
            x.text("requesterManaged", false).text("interfaceType", "interface");
        }
        x.text("status", n.status()).text("macAddress", n.macAddress());
        String primaryIp = n.privateIps.isEmpty() ? null : n.privateIps.get(0);
        x.text("privateIpAddress", primaryIp);
        if (primaryIp != null) {
            x.text("privateDnsName", "ip-" + primaryIp.replace('.', '-') + ".ec2.internal");
        }
        x.text("sourceDestCheck", n.sourceDestCheck());
        groups(x, m, n.groupIds);
        if (n.attachmentId() != null) {
            x.start("attachment").text("attachmentId", n.attachmentId());
            if (!nested) {
                x.text("instanceId", n.instanceId()).text("instanceOwnerId", Ec2Model.ACCOUNT_ID);
            }
            x.text("deviceIndex", n.deviceIndex()).text("status", n.attachStatus()).text("attachTime", n.attachTime())
                    .text("deleteOnTermination", n.deleteOnTermination()).text("networkCardIndex", 0).end();
        }
        association(x, m, n, primaryIp);
        x.items("ipv6AddressesSet", n.ipv6Addresses, a -> x.text("ipv6Address", a));
        if (!nested) {
            x.tags(m.tagsOf(n.id()));
        }
        x.items(nested ? "privateIpAddressesSet" : "privateIpAddressesSet", n.privateIps, ip -> {
            x.text("privateIpAddress", ip).text("privateDnsName", "ip-" + ip.replace('.', '-') + ".ec2.internal")
                    .text("primary", ip.equals(primaryIp));
            association(x, m, n, ip);
        });
    }

    private static void association(XmlWriter x, Ec2Model m, NetworkInterfaceRecord n, String ip) {
        AddressRecord a = elasticIpFor(m, n.id(), ip);
        if (a != null) {
            x.start("association").text("publicIp", a.publicIp())
                    .text("publicDnsName", "ec2-" + a.publicIp().replace('.', '-') + ".compute-1.amazonaws.com")
                    .text("ipOwnerId", Ec2Model.ACCOUNT_ID).text("allocationId", a.allocationId())
                    .text("associationId", a.associationId()).end();
        } else if (n.publicIp() != null && ip != null && ip.equals(n.privateIps.get(0))) {
            x.start("association").text("publicIp", n.publicIp())
                    .text("publicDnsName", "ec2-" + n.publicIp().replace('.', '-') + ".compute-1.amazonaws.com")
                    .text("ipOwnerId", "amazon").end();
        }
    }

}
