package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.Filter;
import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.NetworkInterfaceRecord;
import io.pv2hvm.testkit.internal.model.SecurityGroupRecord;
import io.pv2hvm.testkit.internal.model.SecurityGroupRecord.Rule;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * VPC security groups: create, describe, add inbound rules, remove outbound rules, delete. Rules
 * are matched exactly, as EC2 matches them in a non-default VPC.
 */
final class SecurityGroupActions {
    /** Quotas (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups). */
    static final int GROUPS_PER_REGION = 2500;
    static final int RULES_PER_DIRECTION = 60;

    // Names and descriptions: up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html).
    private static final Pattern TEXT = Pattern.compile("[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]{1,255}");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    private final Ec2Model m;

    SecurityGroupActions(Ec2Model model) {
        this.m = model;
    }

    void register(Map<String, Ec2Action> actions) {
        actions.put("DescribeSecurityGroups", this::describeSecurityGroups);
        actions.put("CreateSecurityGroup", this::createSecurityGroup);
        actions.put("AuthorizeSecurityGroupIngress", this::authorizeIngress);
        actions.put("RevokeSecurityGroupEgress", this::revokeEgress);
        actions.put("DeleteSecurityGroup", this::deleteSecurityGroup);
    }

    /**
     * CreateSecurityGroup (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html):
     * the name is unique in its VPC (case-insensitive) and may not start with {@code sg-}; the group
     * starts with one outbound rule allowing all IPv4 traffic
     * (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
     */
    private void createSecurityGroup(QueryParams p, XmlWriter out) {
        String name = p.required("GroupName");
        String description = p.required("GroupDescription");
        if (!TEXT.matcher(name).matches() || name.toLowerCase().startsWith("sg-")) {
            throw Ec2Exception.invalidParameterValue("Value (" + name + ") for parameter GroupName is invalid."
                    + " Up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with sg-");
        }
        if (!TEXT.matcher(description).matches()) {
            throw Ec2Exception.invalidParameterValue("Value (" + description + ") for parameter GroupDescription is invalid."
                    + " Up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*");
        }
        String vpcId = p.get("VpcId");
        if (vpcId == null) {
            throw new Ec2Exception("VPCIdNotSpecified", "No default VPC for this user");
        }
        if (!m.hasVpc(vpcId)) {
            throw new Ec2Exception("InvalidVpcID.NotFound", "The vpc ID '" + vpcId + "' does not exist");
        }
        for (SecurityGroupRecord g : m.securityGroups()) {
            if (g.vpcId().equals(vpcId) && g.name().equalsIgnoreCase(name)) {
                throw new Ec2Exception("InvalidGroup.Duplicate", "The security group '" + name
                        + "' already exists for VPC '" + vpcId + "'");
            }
        }
        if (m.securityGroups().size() >= GROUPS_PER_REGION) {
            throw new Ec2Exception("SecurityGroupLimitExceeded", "The maximum number of security groups has been reached.");
        }
        Map<String, String> tags = TagSpecifications.forType(p, "security-group");
        SecurityGroupRecord g = new SecurityGroupRecord(m.ids().next("sg"), name, description, vpcId, m.now());
        g.egress.add(new Rule(m.ids().next("sgr"), "-1", null, null, "0.0.0.0/0", null));
        m.addSecurityGroup(g);
        m.putTags(g.id(), tags);
        out.text("return", true).text("groupId", g.id()).tags(m.tagsOf(g.id()))
                .text("securityGroupArn", "arn:aws:ec2:" + Ec2Model.REGION + ":" + Ec2Model.ACCOUNT_ID
                        + ":security-group/" + g.id());
    }

    /**
     * AuthorizeSecurityGroupIngress (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html):
     * a rule that exists already is {@code InvalidPermission.Duplicate}; a source group must exist.
     */
    private void authorizeIngress(QueryParams p, XmlWriter out) {
        SecurityGroupRecord g = group(p);
        List<Rule> add = rules(p, g);
        for (Rule r : add) {
            if (g.ingress.stream().anyMatch(r::sameAs)) {
                throw new Ec2Exception("InvalidPermission.Duplicate", "the specified rule \"peer: "
                        + (r.cidr() != null ? r.cidr() : r.groupId()) + ", " + r.protocol() + "\" already exists");
            }
        }
        if (g.ingress.size() + add.size() > RULES_PER_DIRECTION) {
            throw new Ec2Exception("RulesPerSecurityGroupLimitExceeded",
                    "The maximum number of rules per security group has been reached.");
        }
        g.ingress.addAll(add);
        out.text("return", true).items("securityGroupRuleSet", add, r -> rule(out, g, r, false));
    }

    /**
     * RevokeSecurityGroupEgress (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupEgress.html):
     * outside a default VPC, a rule that does not match an existing one exactly is
     * {@code InvalidPermission.NotFound} and nothing is revoked.
     */
    private void revokeEgress(QueryParams p, XmlWriter out) {
        SecurityGroupRecord g = group(p);
        List<Rule> remove = rules(p, g);
        List<Rule> matched = new ArrayList<>();
        for (Rule r : remove) {
            Rule existing = g.egress.stream().filter(r::sameAs).findFirst().orElseThrow(() -> new Ec2Exception(
                    "InvalidPermission.NotFound", "The specified rule does not exist in this security group."));
            matched.add(existing);
        }
        g.egress.removeAll(matched);
        out.text("return", true).items("revokedSecurityGroupRuleSet", matched, r -> out
                .text("securityGroupRuleId", r.ruleId()).text("groupId", g.id()).text("isEgress", true));
    }

    /**
     * DeleteSecurityGroup (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html):
     * a group still associated with a network interface (a terminated instance's interface lingers
     * until EC2 releases it) or referenced by another group's rule is {@code DependencyViolation};
     * a VPC's default group cannot be deleted.
     */
    private void deleteSecurityGroup(QueryParams p, XmlWriter out) {
        SecurityGroupRecord g = group(p);
        if (g.name().equals("default")) {
            throw new Ec2Exception("CannotDelete", "the specified group: \"" + g.id() + "\" name: \"default\" cannot be deleted by a user");
        }
        boolean inUse = m.enis().stream().map((NetworkInterfaceRecord n) -> n.groupIds).anyMatch(ids -> ids.contains(g.id()));
        boolean referenced = m.securityGroups().stream().filter(o -> o != g).anyMatch(o ->
                o.ingress.stream().anyMatch(r -> g.id().equals(r.groupId())) || o.egress.stream().anyMatch(r -> g.id().equals(r.groupId())));
        if (inUse || referenced) {
            throw new Ec2Exception("DependencyViolation", "resource " + g.id() + " has a dependent object");
        }
        m.removeSecurityGroup(g.id());
        out.text("return", true).text("groupId", g.id());
    }

    private void describeSecurityGroups(QueryParams p, XmlWriter out) {
        List<SecurityGroupRecord> selected = new ArrayList<>();
        List<String> ids = p.list("GroupId");
        List<String> names = p.list("GroupName");
        if (!ids.isEmpty()) {
            for (String id : ids) {
                selected.add(m.securityGroup(id));
            }
        } else {
            m.securityGroups().stream().filter(g -> m.visible(g.createdAt)).forEach(selected::add);
        }
        if (!names.isEmpty()) {
            selected.removeIf(g -> !names.contains(g.name()));
        }
        List<Filter> filters = p.filters();
        selected.removeIf(g -> !Filters.matches(filters, m.tagsOf(g.id()), name -> switch (name) {
            case "group-id" -> Filters.of(g.id());
            case "group-name" -> Filters.of(g.name());
            case "vpc-id" -> Filters.of(g.vpcId());
            case "description" -> Filters.of(g.description());
            default -> null;
        }));
        Pages.Page<SecurityGroupRecord> page = Pages.of(selected, p, 5, 1000);
        out.items("securityGroupInfo", page.items(), g -> out.text("ownerId", Ec2Model.ACCOUNT_ID).text("groupId", g.id())
                .text("groupName", g.name()).text("groupDescription", g.description()).text("vpcId", g.vpcId())
                .items("ipPermissions", g.ingress, r -> permission(out, r))
                .items("ipPermissionsEgress", g.egress, r -> permission(out, r))
                .tags(m.tagsOf(g.id())));
        out.text("nextToken", page.nextToken());
    }

    private SecurityGroupRecord group(QueryParams p) {
        String id = p.get("GroupId");
        if (id == null) {
            // A name alone addresses only default-VPC groups; the emulator has no default VPC.
            throw Ec2Exception.missingParameter("GroupId");
        }
        m.checkId(id, "sg", "InvalidGroupId.Malformed");
        return m.securityGroup(id);
    }

    /** The rules of {@code IpPermissions.N}: one per CIDR range or source group. */
    private List<Rule> rules(QueryParams p, SecurityGroupRecord g) {
        List<QueryParams> permissions = p.structs("IpPermissions");
        if (permissions.isEmpty()) {
            throw Ec2Exception.missingParameter("IpPermissions");
        }
        List<Rule> out = new ArrayList<>();
        for (QueryParams perm : permissions) {
            String protocol = protocol(perm.required("IpProtocol"));
            Integer from = perm.integer("FromPort");
            Integer to = perm.integer("ToPort");
            if (protocol.equals("-1")) {
                from = null; // all traffic has no ports
                to = null;
            } else if ((protocol.equals("tcp") || protocol.equals("udp"))
                    && (from == null || to == null || from < 0 || to > 65535 || from > to)) {
                throw Ec2Exception.invalidParameterValue("Invalid port range " + from + "-" + to + " for protocol " + protocol);
            }
            List<String> cidrs = perm.structs("IpRanges").stream().map(r -> r.required("CidrIp")).toList();
            List<String> groups = perm.structs("Groups").stream().map(r -> r.required("GroupId")).toList();
            if (cidrs.isEmpty() && groups.isEmpty()) {
                throw Ec2Exception.missingParameter("IpPermissions.IpRanges or IpPermissions.Groups");
            }
            for (String c : cidrs) {
                checkCidr(c);
                out.add(new Rule(m.ids().next("sgr"), protocol, from, to, c, null));
            }
            for (String other : groups) {
                SecurityGroupRecord peer = m.securityGroup(other);
                if (!peer.vpcId().equals(g.vpcId())) {
                    throw new Ec2Exception("InvalidGroup.NotFound", "You have specified a security group " + other
                            + " that is not in VPC " + g.vpcId());
                }
                out.add(new Rule(m.ids().next("sgr"), protocol, from, to, null, other));
            }
        }
        return out;
    }

    private static String protocol(String p) {
        return switch (p.toLowerCase()) {
            case "-1", "all" -> "-1";
            case "tcp", "6" -> "tcp";
            case "udp", "17" -> "udp";
            case "icmp", "1" -> "icmp";
            default -> throw Ec2Exception.invalidParameterValue("Invalid value '" + p + "' for IP protocol.");
        };
    }

    private static void checkCidr(String c) {
        var mt = CIDR.matcher(c);
        boolean ok = mt.matches() && Integer.parseInt(mt.group(5)) <= 32;
        for (int k = 1; ok && k <= 4; k++) {
            ok = Integer.parseInt(mt.group(k)) <= 255;
        }
        if (!ok) {
            throw Ec2Exception.invalidParameterValue("CIDR block " + c + " is malformed");
        }
    }

    private static void permission(XmlWriter out, Rule r) {
        out.text("ipProtocol", r.protocol()).text("fromPort", r.fromPort()).text("toPort", r.toPort())
                .items("groups", r.groupId() == null ? List.<String>of() : List.of(r.groupId()), id -> out
                        .text("userId", Ec2Model.ACCOUNT_ID).text("groupId", id))
                .items("ipRanges", r.cidr() == null ? List.<String>of() : List.of(r.cidr()), c -> out.text("cidrIp", c))
                .start("ipv6Ranges").end().start("prefixListIds").end();
    }

    private static void rule(XmlWriter out, SecurityGroupRecord g, Rule r, boolean egress) {
        out.text("securityGroupRuleId", r.ruleId()).text("groupId", g.id()).text("groupOwnerId", Ec2Model.ACCOUNT_ID)
                .text("isEgress", egress).text("ipProtocol", r.protocol())
                .text("fromPort", r.fromPort() == null ? -1 : r.fromPort()).text("toPort", r.toPort() == null ? -1 : r.toPort())
                .text("cidrIpv4", r.cidr());
        if (r.groupId() != null) {
            out.start("referencedGroupInfo").text("groupId", r.groupId()).text("userId", Ec2Model.ACCOUNT_ID).end();
        }
    }
}
