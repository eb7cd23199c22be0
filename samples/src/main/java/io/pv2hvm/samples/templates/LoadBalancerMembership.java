package io.pv2hvm.samples.templates;

/**
 * Where an instance receives traffic from: a target group, a Classic ELB, a DNS weight. Implement
 * it with your client; with the AWS SDK's {@code elasticloadbalancingv2} module, for example:
 *
 * <pre>{@code
 * LoadBalancerMembership tg = new LoadBalancerMembership() {
 *     public void deregister(String id) {
 *         elb.deregisterTargets(r -> r.targetGroupArn(arn).targets(t -> t.id(id)));
 *         elb.waiter().waitUntilTargetDeregistered(r -> r.targetGroupArn(arn).targets(t -> t.id(id)));
 *     }
 *     public void register(String id) {
 *         elb.registerTargets(r -> r.targetGroupArn(arn).targets(t -> t.id(id)));
 *         elb.waiter().waitUntilTargetInService(r -> r.targetGroupArn(arn).targets(t -> t.id(id)));
 *     }
 * };
 * }</pre>
 */
public interface LoadBalancerMembership {
    /** Stops sending new traffic to {@code instanceId} and returns once its connections are drained. */
    void deregister(String instanceId);

    /** Sends traffic to {@code instanceId}; returns once it is in service. */
    void register(String instanceId);
}
