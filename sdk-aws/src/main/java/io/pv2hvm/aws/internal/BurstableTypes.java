package io.pv2hvm.aws.internal;

/**
 * Which instance types have CPU credits (standard or unlimited): the burstable performance
 * families T2 and later (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances.html).
 * T1 throttled without credits and has no credit option.
 */
public final class BurstableTypes {
    private BurstableTypes() {
    }

    /** Whether {@code instanceType} takes a CreditSpecification. */
    public static boolean hasCpuCredits(String instanceType) {
        return instanceType != null && instanceType.matches("t[2-9][a-z]*\\..+");
    }
}
