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
 * ENIs per instance and IPv4 addresses per ENI are EC2's
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html); EBS optimization
 * is "default" on current M4/C4/R4 and Nitro types, unsupported on T2, and an option only on the
 * previous-generation sizes that offered it
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/ebs-optimized.html,
 * https://aws.amazon.com/ec2/previous-generation/).
 */
public final class InstanceTypeCatalog {

    /** One instance type as DescribeInstanceTypes reports it. */
    public record InstanceType(String name, boolean currentGeneration, List<String> virtualizationTypes,
                               String hypervisor, List<String> architectures, int vcpus, int memoryMiB,
                               int instanceStoreGb, int instanceStoreDisks, String enaSupport, String nvmeSupport,
                               int maxEnis, int ipsPerEni, String ebsOptimizedSupport) {

        public boolean supports(String virtualizationType) {
            return virtualizationTypes.contains(virtualizationType);
        }

        public boolean enaRequired() {
            return enaSupport.equals("required");
        }

        public boolean nitro() {
            return hypervisor.equals("nitro");
        }

        /** EBS root always; instance-store roots only where the type has instance storage. */
        public List<String> rootDeviceTypes() {
            return instanceStoreGb > 0 ? List.of("ebs", "instance-store") : List.of("ebs");
        }

        /** UEFI boots only on Nitro types (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/boot-modes.html). */
        public List<String> bootModes() {
            return nitro() ? List.of("legacy-bios", "uefi") : List.of("legacy-bios");
        }

        /**
         * The first-generation families refuse Linux HVM AMIs even though DescribeInstanceTypes
         * lists hvm for them ("Non-Windows instances with a virtualization type of 'hvm' are
         * currently not supported for this instance type";
         * https://aws.amazon.com/ec2/previous-generation/).
         */
        public boolean refusesLinuxHvm() {
            String family = name.substring(0, name.indexOf('.'));
            return List.of("t1", "m1", "m2", "c1").contains(family);
        }
    }

    private static final List<String> PV_HVM = List.of("hvm", "paravirtual");
    private static final List<String> HVM = List.of("hvm");
    private static final List<String> X86 = List.of("x86_64");
    private static final List<String> BOTH = List.of("i386", "x86_64");

    private final Map<String, InstanceType> types = new LinkedHashMap<>();

    public InstanceTypeCatalog() {
        // Previous generation, PV-capable (Xen).
        pv("t1.micro", 1, 627, 0, 0, BOTH, 2, 2, "unsupported");
        pv("m1.small", 1, 1740, 160, 1, BOTH, 2, 4, "unsupported");
        pv("m1.medium", 1, 3840, 410, 1, BOTH, 2, 6, "unsupported");
        pv("m1.large", 2, 7680, 840, 2, X86, 3, 10, "supported");
        pv("m1.xlarge", 4, 15360, 1680, 4, X86, 4, 15, "supported");
        pv("m2.xlarge", 2, 17510, 420, 1, X86, 4, 15, "unsupported");
        pv("m2.2xlarge", 4, 35021, 850, 1, X86, 4, 30, "supported");
        pv("m2.4xlarge", 8, 70042, 1680, 2, X86, 8, 30, "supported");
        pv("m3.medium", 1, 3840, 4, 1, X86, 2, 6, "unsupported");
        pv("m3.large", 2, 7680, 32, 1, X86, 3, 10, "unsupported");
        pv("m3.xlarge", 4, 15360, 80, 2, X86, 4, 15, "supported");
        pv("m3.2xlarge", 8, 30720, 160, 2, X86, 4, 30, "supported");
        pv("c1.medium", 2, 1740, 350, 1, BOTH, 2, 6, "unsupported");
        pv("c1.xlarge", 8, 7168, 1680, 4, X86, 4, 15, "supported");
        pv("c3.large", 2, 3840, 32, 2, X86, 3, 10, "unsupported");
        pv("c3.xlarge", 4, 7680, 80, 2, X86, 4, 15, "supported");
        pv("c3.2xlarge", 8, 15360, 160, 2, X86, 4, 15, "supported");
        pv("hs1.8xlarge", 16, 119808, 48000, 24, X86, 8, 30, "unsupported");
        // Xen HVM-only.
        hvm("t2.micro", 1, 1024, "xen", "unsupported", "unsupported", 2, 2, "unsupported");
        hvm("t2.small", 1, 2048, "xen", "unsupported", "unsupported", 3, 4, "unsupported");
        hvm("t2.medium", 2, 4096, "xen", "unsupported", "unsupported", 3, 6, "unsupported");
        hvm("t2.large", 2, 8192, "xen", "unsupported", "unsupported", 3, 12, "unsupported");
        hvm("m4.large", 2, 8192, "xen", "unsupported", "unsupported", 2, 10, "default");
        hvm("m4.xlarge", 4, 16384, "xen", "unsupported", "unsupported", 4, 15, "default");
        hvm("c4.large", 2, 3840, "xen", "unsupported", "unsupported", 3, 10, "default");
        hvm("c4.xlarge", 4, 7680, "xen", "unsupported", "unsupported", 4, 15, "default");
        hvm("r4.large", 2, 15616, "xen", "supported", "unsupported", 3, 10, "default");
        hvm("r4.xlarge", 4, 31232, "xen", "supported", "unsupported", 4, 15, "default");
        // Nitro: ENA and NVMe required.
        hvm("t3.micro", 2, 1024, "nitro", "required", "required", 2, 2, "default");
        hvm("t3.small", 2, 2048, "nitro", "required", "required", 3, 4, "default");
        hvm("t3.medium", 2, 4096, "nitro", "required", "required", 3, 6, "default");
        hvm("t3.large", 2, 8192, "nitro", "required", "required", 3, 12, "default");
        hvm("m5.large", 2, 8192, "nitro", "required", "required", 3, 10, "default");
        hvm("m5.xlarge", 4, 16384, "nitro", "required", "required", 4, 15, "default");
        hvm("c5.large", 2, 4096, "nitro", "required", "required", 3, 10, "default");
        hvm("c5.xlarge", 4, 8192, "nitro", "required", "required", 4, 15, "default");
        hvm("r5.large", 2, 16384, "nitro", "required", "required", 3, 10, "default");
        hvm("r5.xlarge", 4, 32768, "nitro", "required", "required", 4, 15, "default");
    }

    private void pv(String name, int vcpus, int mem, int storeGb, int disks, List<String> arch, int enis, int ips, String ebsOptimized) {
        types.put(name, new InstanceType(name, false, PV_HVM, "xen", arch, vcpus, mem, storeGb, disks,
                "unsupported", "unsupported", enis, ips, ebsOptimized));
    }

    private void hvm(String name, int vcpus, int mem, String hypervisor, String ena, String nvme, int enis, int ips, String ebsOptimized) {
        // The smallest T2 sizes still run 32-bit AMIs, as DescribeInstanceTypes reports.
        List<String> arch = List.of("t2.micro", "t2.small", "t2.medium").contains(name) ? BOTH : X86;
        types.put(name, new InstanceType(name, true, HVM, hypervisor, arch, vcpus, mem, 0, 0, ena, nvme, enis, ips, ebsOptimized));
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
