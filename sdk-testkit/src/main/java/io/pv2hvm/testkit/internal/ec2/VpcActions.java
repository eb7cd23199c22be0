package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.Filter;
import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.SubnetRecord;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The network an instance lands in, read-only: subnets, VPCs, availability zones and key pairs. */
final class VpcActions {

    private final Ec2Model m;

    VpcActions(Ec2Model model) {
        this.m = model;
    }

    void register(Map<String, Ec2Action> actions) {
        actions.put("DescribeSubnets", this::describeSubnets);
        actions.put("DescribeVpcs", this::describeVpcs);
        actions.put("DescribeAvailabilityZones", this::describeAvailabilityZones);
        actions.put("DescribeKeyPairs", this::describeKeyPairs);
    }

    private void describeVpcs(QueryParams p, XmlWriter out) {
        List<String> ids = p.list("VpcId");
        List<Map.Entry<String, String>> selected = new ArrayList<>();
        for (Map.Entry<String, String> v : m.vpcCidrs().entrySet()) {
            if (ids.isEmpty() || ids.contains(v.getKey())) {
                selected.add(v);
            }
        }
        for (String id : ids) {
            if (!m.hasVpc(id)) {
                throw new Ec2Exception("InvalidVpcID.NotFound", "The vpc ID '" + id + "' does not exist");
            }
        }
        List<Filter> filters = p.filters();
        selected.removeIf(v -> !Filters.matches(filters, m.tagsOf(v.getKey()), name -> switch (name) {
            case "vpc-id" -> Filters.of(v.getKey());
            case "cidr", "cidr-block" -> Filters.of(v.getValue());
            case "state" -> Filters.of("available");
            default -> null;
        }));
        out.items("vpcSet", selected, v -> out.text("vpcId", v.getKey()).text("ownerId", Ec2Model.ACCOUNT_ID)
                .text("state", "available").text("cidrBlock", v.getValue()).text("dhcpOptionsId", "dopt-00000000")
                .text("instanceTenancy", "default").text("isDefault", false).tags(m.tagsOf(v.getKey())));
    }

    private void describeAvailabilityZones(QueryParams p, XmlWriter out) {
        java.util.TreeSet<String> zones = new java.util.TreeSet<>();
        m.subnets().forEach(s -> zones.add(s.availabilityZone()));
        List<String> wanted = p.list("ZoneName");
        zones.removeIf(z -> !wanted.isEmpty() && !wanted.contains(z));
        out.items("availabilityZoneInfo", zones, z -> out.text("zoneName", z).text("zoneState", "available")
                .text("regionName", Ec2Model.REGION).text("zoneId", "use1-az" + (z.charAt(z.length() - 1) - 'a' + 1))
                .text("zoneType", "availability-zone").text("optInStatus", "opt-in-not-required"));
    }

    private void describeKeyPairs(QueryParams p, XmlWriter out) {
        List<String> names = p.list("KeyName");
        for (String n : names) {
            if (!m.hasKeyPair(n)) {
                throw new Ec2Exception("InvalidKeyPair.NotFound", "The key pair '" + n + "' does not exist");
            }
        }
        List<String> selected = m.keyPairs().stream().sorted().filter(k -> names.isEmpty() || names.contains(k)).toList();
        out.items("keySet", selected, k -> out.text("keyPairId", "key-" + String.format("%017x", Math.abs((long) k.hashCode())))
                .text("keyName", k).text("keyType", "rsa")
                .text("keyFingerprint", "1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f"));
    }

    private void describeSubnets(QueryParams p, XmlWriter out) {
        List<SubnetRecord> selected = new ArrayList<>();
        List<String> ids = p.list("SubnetId");
        if (!ids.isEmpty()) {
            for (String id : ids) {
                selected.add(m.subnet(id));
            }
        } else {
            selected.addAll(m.subnets());
        }
        List<Filter> filters = p.filters();
        selected.removeIf(s -> !Filters.matches(filters, m.tagsOf(s.id()), name -> switch (name) {
            case "subnet-id" -> Filters.of(s.id());
            case "vpc-id" -> Filters.of(s.vpcId());
            case "availability-zone" -> Filters.of(s.availabilityZone());
            case "cidr-block", "cidr" -> Filters.of(s.cidr());
            case "state" -> Filters.of("available");
            default -> null;
        }));
        Pages.Page<SubnetRecord> page = Pages.of(selected, p, 5, 1000);
        out.items("subnetSet", page.items(), s -> out.text("subnetId", s.id()).text("subnetArn",
                        "arn:aws:ec2:" + Ec2Model.REGION + ":" + Ec2Model.ACCOUNT_ID + ":subnet/" + s.id())
                .text("state", "available").text("vpcId", s.vpcId()).text("cidrBlock", s.cidr())
                .text("availableIpAddressCount", m.freeAddressCount(s)).text("availabilityZone", s.availabilityZone())
                .text("availabilityZoneId", "use1-az" + (s.availabilityZone().charAt(s.availabilityZone().length() - 1) - 'a' + 1))
                .text("defaultForAz", false).text("mapPublicIpOnLaunch", s.mapPublicIpOnLaunch())
                .text("ownerId", Ec2Model.ACCOUNT_ID).tags(m.tagsOf(s.id())));
        out.text("nextToken", page.nextToken());
    }
}
