package io.pv2hvm.testkit.internal.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instance types the emulator knows. PV-capable previous-generation families (C1, C3,
 * HS1, M1, M2, M3, T1) support paravirtual and hvm on Xen
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/virtualization_types.html,
 * https://aws.amazon.com/ec2/previous-generation/); T2/M4/C4/R4 are Xen HVM-only; T3/M5/C5/R5
 * are Nitro, HVM-only, and require the ENA and NVMe drivers
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/enhanced-networking-ena.html).
 */
public final class InstanceTypeCatalog {

    /** One instance type as DescribeInstanceTypes reports it. */
    public record InstanceType(String name, boolean currentGeneration, List<String> virtualizationTypes,
                               String hypervisor, List<String> architectures, int vcpus, int memoryMiB,
                               int instanceStoreGb, int instanceStoreDisks, String enaSupport, String nvmeSupport,
                               int maxEnis, int ipsPerEni) {

        public boolean supports(String virtualizationType) {
            return virtualizationTypes.contains(virtualizationType);
        }

        public boolean enaRequired() {
            return enaSupport.equals("required");
        }
    }

    private static final List<String> PV_HVM = List.of("hvm", "paravirtual");
    private static final List<String> HVM = List.of("hvm");
    private static final List<String> X86 = List.of("x86_64");
    private static final List<String> BOTH = List.of("i386", "x86_64");

    private final Map<String, InstanceType> types = new LinkedHashMap<>();

    public InstanceTypeCatalog() {
        // Previous generation, PV-capable (Xen).
        pv("t1.micro", 1, 627, 0, 0, BOTH, 2, 2);
        pv("m1.small", 1, 1740, 160, 1, BOTH, 2, 4);
        pv("m1.medium", 1, 3840, 410, 1, BOTH, 2, 6);
        pv("m1.large", 2, 7680, 840, 2, X86, 3, 10);
        pv("m1.xlarge", 4, 15360, 1680, 4, X86, 4, 15);
        pv("m2.xlarge", 2, 17510, 420, 1, X86, 4, 15);
        pv("m2.2xlarge", 4, 35021, 850, 1, X86, 4, 30);
        pv("m2.4xlarge", 8, 70042, 1680, 2, X86, 8, 30);
        pv("m3.medium", 1, 3840, 4, 1, X86, 2, 6);
        pv("m3.large", 2, 7680, 32, 1, X86, 3, 10);
        pv("m3.xlarge", 4, 15360, 80, 2, X86, 4, 15);
        pv("m3.2xlarge", 8, 30720, 160, 2, X86, 4, 30);
        pv("c1.medium", 2, 1740, 350, 1, BOTH, 2, 6);
        pv("c1.xlarge", 8, 7168, 1680, 4, X86, 4, 15);
        pv("c3.large", 2, 3840, 32, 2, X86, 3, 10);
        pv("c3.xlarge", 4, 7680, 80, 2, X86, 4, 15);
        pv("c3.2xlarge", 8, 15360, 160, 2, X86, 4, 15);
        pv("hs1.8xlarge", 16, 119808, 48000, 24, X86, 8, 30);
        // Xen HVM-only.
        hvm("t2.micro", 1, 1024, "xen", "unsupported", "unsupported", 2, 2);
        hvm("t2.small", 1, 2048, "xen", "unsupported", "unsupported", 3, 4);
        hvm("t2.medium", 2, 4096, "xen", "unsupported", "unsupported", 3, 6);
        hvm("t2.large", 2, 8192, "xen", "unsupported", "unsupported", 3, 12);
        hvm("m4.large", 2, 8192, "xen", "unsupported", "unsupported", 2, 10);
        hvm("m4.xlarge", 4, 16384, "xen", "unsupported", "unsupported", 4, 15);
        hvm("c4.large", 2, 3840, "xen", "unsupported", "unsupported", 3, 10);
        hvm("c4.xlarge", 4, 7680, "xen", "unsupported", "unsupported", 4, 15);
        hvm("r4.large", 2, 15616, "xen", "supported", "unsupported", 3, 10);
        hvm("r4.xlarge", 4, 31232, "xen", "supported", "unsupported", 4, 15);
        // Nitro: ENA and NVMe required.
        hvm("t3.micro", 2, 1024, "nitro", "required", "required", 2, 2);
        hvm("t3.small", 2, 2048, "nitro", "required", "required", 3, 4);
        hvm("t3.medium", 2, 4096, "nitro", "required", "required", 3, 6);
        hvm("t3.large", 2, 8192, "nitro", "required", "required", 3, 12);
        hvm("m5.large", 2, 8192, "nitro", "required", "required", 3, 10);
        hvm("m5.xlarge", 4, 16384, "nitro", "required", "required", 4, 15);
        hvm("c5.large", 2, 4096, "nitro", "required", "required", 3, 10);
        hvm("c5.xlarge", 4, 8192, "nitro", "required", "required", 4, 15);
        hvm("r5.large", 2, 16384, "nitro", "required", "required", 3, 10);
        hvm("r5.xlarge", 4, 32768, "nitro", "required", "required", 4, 15);
    }

    private void pv(String name, int vcpus, int mem, int storeGb, int disks, List<String> arch, int enis, int ips) {
        types.put(name, new InstanceType(name, false, PV_HVM, "xen", arch, vcpus, mem, storeGb, disks,
                "unsupported", "unsupported", enis, ips));
    }

    private void hvm(String name, int vcpus, int mem, String hypervisor, String ena, String nvme, int enis, int ips) {
        types.put(name, new InstanceType(name, true, HVM, hypervisor, X86, vcpus, mem, 0, 0, ena, nvme, enis, ips));
    }

    public InstanceType find(String name) {
        return types.get(name);
    }

    public InstanceType require(String name) {
        InstanceType t = types.get(name);
        if (t == null) {
            throw Ec2Exception.invalidParameterValue("Invalid value '" + name + "' for InstanceType.");
        }
        return t;
    }

    public List<InstanceType> all() {
        return List.copyOf(types.values());
    }
}
