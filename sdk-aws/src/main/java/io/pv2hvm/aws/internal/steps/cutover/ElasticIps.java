package io.pv2hvm.aws.internal.steps.cutover;

import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.spi.StepContext;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;

import java.util.List;

/**
 * Puts the source's Elastic IPs on an instance that stands for it: the new HVM instance, or a
 * source relaunched by a rollback. An address of the primary interface goes to the instance's
 * primary interface (same private IP); one of a secondary interface stays with that interface.
 */
final class ElasticIps {
    private ElasticIps() {
    }

    static void associate(AwsRuntime aws, StepContext ctx, String instanceId) {
        SourceInstance src = aws.source(ctx);
        if (src.elasticIps().isEmpty()) {
            return; // the instance is described only to find where its addresses go
        }
        String primaryEni = aws.ec2().instance(instanceId).map(Instance::networkInterfaces).orElse(List.of()).stream()
                .filter(n -> n.attachment() != null && Integer.valueOf(0).equals(n.attachment().deviceIndex()))
                .map(InstanceNetworkInterface::networkInterfaceId).findFirst().orElseThrow();
        String sourcePrimary = src.primaryInterface().map(SourceInstance.NetworkInterface::networkInterfaceId).orElse("");
        for (SourceInstance.ElasticIp eip : src.elasticIps()) {
            String eni = sourcePrimary.equals(eip.networkInterfaceId()) || eip.networkInterfaceId() == null
                    ? primaryEni : eip.networkInterfaceId();
            aws.ec2().associateAddress(r -> r
                    .allocationId(eip.allocationId()).networkInterfaceId(eni).privateIpAddress(eip.privateIp())
                    .allowReassociation(true));
        }
    }
}
