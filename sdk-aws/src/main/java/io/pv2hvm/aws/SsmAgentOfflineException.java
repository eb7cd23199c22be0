package io.pv2hvm.aws;

import io.pv2hvm.core.TransportException;

import java.time.Duration;

/**
 * A worker's SSM agent did not come Online in DescribeInstanceInformation within the agent
 * timeout ({@link AwsTimeouts#agentOnline()}), so no command can reach it. The message names the
 * likely causes: no instance profile (or a role without AmazonSSMManagedInstanceCore) while
 * Default Host Management is off, no route from the worker's subnet to the ssm, ssmmessages and
 * ec2messages endpoints, or an image without the agent.
 */
public final class SsmAgentOfflineException extends TransportException {
    private final String instanceId;
    private final String pingStatus;

    /**
     * @param instanceId the instance whose agent never registered
     * @param pingStatus its last PingStatus, or {@code "not registered"}
     * @param waited     how long pv2hvm waited
     */
    public SsmAgentOfflineException(String instanceId, String pingStatus, Duration waited) {
        super("The SSM agent on " + instanceId + " did not come online within " + waited + " (" + pingStatus + ")."
                + " Likely causes: (1) the instance has no instance profile, or its role lacks the AWS managed policy"
                + " AmazonSSMManagedInstanceCore, and Default Host Management Configuration is off: pass"
                + " workerInstanceProfile(...) / --worker-profile with such a profile; (2) its subnet has no route to"
                + " the SSM endpoints: add a NAT gateway, or VPC interface endpoints for ssm, ssmmessages and"
                + " ec2messages, or choose another subnet with workerSubnet(...) / --worker-subnet; (3) its image does"
                + " not ship the SSM agent (Debian, CentOS, ...): use the default Ubuntu worker image or one with the"
                + " agent installed. If the agent is merely slow, raise AwsTimeouts.agentOnline.", null, true);
        this.instanceId = instanceId;
        this.pingStatus = pingStatus;
    }

    /** The instance whose agent never came online. */
    public String instanceId() {
        return instanceId;
    }

    /** Its last PingStatus ({@code ConnectionLost}, {@code Inactive}) or {@code "not registered"}. */
    public String pingStatus() {
        return pingStatus;
    }
}
