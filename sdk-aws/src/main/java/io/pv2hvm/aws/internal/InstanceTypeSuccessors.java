package io.pv2hvm.aws.internal;

import java.util.Map;
import java.util.Optional;

/**
 * The HVM type a PV-era type moves to when it cannot run HVM itself and the user named none.
 *
 * <p>AWS lists upgrade paths per family at https://aws.amazon.com/ec2/previous-generation/
 * (T1 to T3; M1 and M3 to the current M family; C1/C3 to C; M2 to R). We pick the x86_64
 * Nitro generation with the same vCPU count and at least the memory (PV guests are x86, so
 * Graviton is out), sized up where the old type sat between two sizes.
 */
public final class InstanceTypeSuccessors {
    private static final Map<String, String> SUCCESSOR = Map.ofEntries(
            Map.entry("t1.micro", "t3.micro"),
            Map.entry("m1.small", "t3.small"),
            Map.entry("m1.medium", "t3.medium"),
            Map.entry("m1.large", "m5.large"),
            Map.entry("m1.xlarge", "m5.xlarge"),
            Map.entry("m2.xlarge", "r5.large"),
            Map.entry("m2.2xlarge", "r5.xlarge"),
            Map.entry("m2.4xlarge", "r5.2xlarge"),
            Map.entry("m3.medium", "t3.medium"),
            Map.entry("m3.large", "m5.large"),
            Map.entry("m3.xlarge", "m5.xlarge"),
            Map.entry("m3.2xlarge", "m5.2xlarge"),
            Map.entry("c1.medium", "c5.large"),
            Map.entry("c1.xlarge", "c5.2xlarge"),
            Map.entry("c3.large", "c5.large"),
            Map.entry("c3.xlarge", "c5.xlarge"),
            Map.entry("c3.2xlarge", "c5.2xlarge"),
            Map.entry("c3.4xlarge", "c5.4xlarge"),
            Map.entry("c3.8xlarge", "c5.9xlarge"),
            Map.entry("hs1.8xlarge", "d3.8xlarge"));

    private InstanceTypeSuccessors() {
    }

    /** The documented successor of a PV-era type, if it has one. */
    public static Optional<String> of(String instanceType) {
        return Optional.ofNullable(SUCCESSOR.get(instanceType));
    }
}
