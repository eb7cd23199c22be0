package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.spi.StepContext;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What EC2 says about candidate target types (DescribeInstanceTypes), whether one can hold what
 * the migration keeps, and the facts the later steps read about the chosen one.
 */
public final class TargetTypes {
    /**
     * EC2 refuses Linux HVM AMIs on the first-generation families although DescribeInstanceTypes
     * lists hvm for some of their sizes ("Non-Windows instances with a virtualization type of
     * 'hvm' are currently not supported for this instance type";
     * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/virtualization_types.html).
     */
    private static final Set<String> NO_LINUX_HVM = Set.of("t1", "m1", "m2", "c1");

    /** Xen HVM families a guest without nvme/ena can run on, for each Nitro family we choose. */
    private static final Map<String, String> XEN_FAMILY = Map.of("t3", "t2", "m5", "m4", "c5", "c4", "r5", "r4");

    private final AwsRuntime aws;

    public TargetTypes(AwsRuntime aws) {
        this.aws = aws;
    }

    /** Whether a Linux HVM guest may run on {@code type}. */
    public static boolean runsLinuxHvm(InstanceTypeInfo type) {
        return type.supportedVirtualizationTypesAsStrings().contains("hvm")
                && !NO_LINUX_HVM.contains(family(type.instanceTypeAsString()));
    }

    /** The family of a type name: {@code m5} of {@code m5.large}. */
    public static String family(String type) {
        int dot = type.indexOf('.');
        return dot < 0 ? type : type.substring(0, dot);
    }

    /** The Xen HVM family (t2, m4, c4, r4) standing in for a Nitro family. */
    public static String xenFamily(String type) {
        return XEN_FAMILY.getOrDefault(family(type), "m4");
    }

    /** The type as EC2 describes it, or empty if it does not exist. */
    public Optional<InstanceTypeInfo> describe(String type) {
        try {
            return aws.ec2().describeInstanceTypes(r -> r.instanceTypesWithStrings(type)).instanceTypes().stream().findFirst();
        } catch (AwsCallException e) {
            if ("InvalidInstanceType".equals(e.errorCode()) || "InvalidParameterValue".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Every x86_64 size of {@code family}, smallest first (vCPUs, then memory). */
    public List<InstanceTypeInfo> sizesOf(String family) {
        List<InstanceTypeInfo> all = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            var response = aws.ec2().describeInstanceTypes(r -> r.nextToken(page).filters(
                    Filter.builder().name("instance-type").values(family + ".*").build(),
                    Filter.builder().name("processor-info.supported-architecture").values("x86_64").build()));
            all.addAll(response.instanceTypes());
            token = response.nextToken();
        } while (token != null);
        all.sort(Comparator.comparing((InstanceTypeInfo t) -> t.vCpuInfo() == null ? 0 : t.vCpuInfo().defaultVCpus())
                .thenComparing(t -> t.memoryInfo() == null ? 0L : t.memoryInfo().sizeInMiB()));
        return all;
    }

    /**
     * Why {@code type} cannot hold what the migration keeps: every interface (ENIs per instance)
     * and every address on each (IPv4 and IPv6 per interface). Empty when it fits. Without
     * preservingIps() only a fresh primary interface with one address is launched.
     */
    public static List<String> misfits(InstanceTypeInfo type, SourceInstance src, boolean keepIps) {
        List<String> why = new ArrayList<>();
        var net = type.networkInfo();
        if (net == null || !keepIps) {
            return why;
        }
        String name = type.instanceTypeAsString();
        int enis = src.interfaces().size();
        if (net.maximumNetworkInterfaces() != null && enis > net.maximumNetworkInterfaces()) {
            why.add(name + " takes " + net.maximumNetworkInterfaces() + " network interfaces; " + src.instanceId()
                    + " has " + enis);
        }
        for (SourceInstance.NetworkInterface n : src.interfaces()) {
            if (net.ipv4AddressesPerInterface() != null && n.privateIpCount() > net.ipv4AddressesPerInterface()) {
                why.add(name + " takes " + net.ipv4AddressesPerInterface() + " private IPv4 addresses per interface; "
                        + n.networkInterfaceId() + " has " + n.privateIpCount());
            }
            if (!n.ipv6Addresses().isEmpty()) {
                Integer v6 = net.ipv6AddressesPerInterface();
                if (Boolean.FALSE.equals(net.ipv6Supported()) || (v6 != null && n.ipv6Addresses().size() > v6)) {
                    why.add(name + " takes " + (Boolean.FALSE.equals(net.ipv6Supported()) ? 0 : v6)
                            + " IPv6 addresses per interface; " + n.networkInterfaceId() + " has "
                            + n.ipv6Addresses().size());
                }
            }
        }
        return why;
    }

    /** The smallest size of {@code start}'s family, from {@code start} up, that holds what is kept. */
    public Optional<InstanceTypeInfo> smallestFitting(String start, SourceInstance src, boolean keepIps) {
        return fromSize(sizesOf(family(start)), start).stream().filter(t -> misfits(t, src, keepIps).isEmpty())
                .findFirst();
    }

    /** The Xen HVM type standing in for {@code nitroType}: the same size where it exists and fits, else the next that does. */
    public Optional<InstanceTypeInfo> xenStandIn(String nitroType, SourceInstance src, boolean keepIps) {
        String size = nitroType.substring(nitroType.indexOf('.') + 1);
        return fromSize(sizesOf(xenFamily(nitroType)), xenFamily(nitroType) + "." + size).stream()
                .filter(t -> misfits(t, src, keepIps).isEmpty()).findFirst();
    }

    private static List<InstanceTypeInfo> fromSize(List<InstanceTypeInfo> sizes, String start) {
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.get(i).instanceTypeAsString().equals(start)) {
                return sizes.subList(i, sizes.size());
            }
        }
        return sizes;
    }

    /**
     * Journals the chosen type and what the later steps derive from it: Nitro or Xen, ENA
     * required, EBS optimization (only where the type supports it; always on where it is the
     * type's default) and the CPU credit option: {@code standard} on a burstable target, because
     * no PV source had credits (T1's fixed CPU share behaved like standard mode) and T3's default,
     * unlimited, would bill surplus credits nobody asked for
     * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-unlimited-mode-concepts.html).
     */
    public static void journal(StepContext ctx, InstanceTypeInfo t, SourceInstance src) {
        ctx.put(MigrationFacts.TARGET_INSTANCE_TYPE, t.instanceTypeAsString());
        ctx.put(AwsFacts.TARGET_NITRO, "nitro".equals(t.hypervisorAsString()));
        ctx.put(AwsFacts.TARGET_ENA_REQUIRED, t.networkInfo() != null
                && "required".equals(t.networkInfo().enaSupportAsString()));
        String ebs = t.ebsInfo() == null ? "supported" : t.ebsInfo().ebsOptimizedSupportAsString();
        boolean optimized = "default".equals(ebs) || (src.ebsOptimized() && !"unsupported".equals(ebs));
        ctx.put(AwsFacts.TARGET_EBS_OPTIMIZED, optimized);
        String credits = Boolean.TRUE.equals(t.burstablePerformanceSupported()) ? "standard" : "";
        // "" means none: LaunchHvmInstanceStep reads it that way.
        ctx.put(AwsFacts.TARGET_CPU_CREDITS, credits);
    }
}
