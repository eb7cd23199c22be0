package io.pv2hvm.testkit.internal.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A VPC security group and its rules. */
public final class SecurityGroupRecord {
    private final String id;
    private final String name;
    private final String description;
    private final String vpcId;
    public final Instant createdAt;
    public final List<Rule> ingress = new ArrayList<>();
    public final List<Rule> egress = new ArrayList<>();

    public SecurityGroupRecord(String id, String name, String description, String vpcId, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.vpcId = vpcId;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public String vpcId() {
        return vpcId;
    }

    /**
     * One rule: a protocol ({@code -1} for all), a port range (null for all), and one peer: a CIDR
     * or a security group.
     */
    public record Rule(String ruleId, String protocol, Integer fromPort, Integer toPort, String cidr, String groupId) {
        /** Whether {@code other} describes the same rule (ids aside). */
        public boolean sameAs(Rule other) {
            return protocol.equals(other.protocol) && java.util.Objects.equals(fromPort, other.fromPort)
                    && java.util.Objects.equals(toPort, other.toPort) && java.util.Objects.equals(cidr, other.cidr)
                    && java.util.Objects.equals(groupId, other.groupId);
        }
    }
}
