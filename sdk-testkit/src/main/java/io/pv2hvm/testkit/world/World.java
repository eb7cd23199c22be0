package io.pv2hvm.testkit.world;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's starting world: network, security groups, key pairs, instance profiles,
 * AMIs, instances with their volumes and interfaces, Elastic IPs and public SSM parameters.
 * Build it with {@link #builder()} or load a JSON seed with {@link #fromJson(Path)}, whose
 * keys are the seed classes' field names ({@code vpcs}, {@code subnets}, {@code images},
 * {@code instances}, {@code elasticIps}, {@code publicParameters}, ...; see the test resource
 * {@code worlds/pv-fleet.json}). Ids left out are generated.
 *
 * <pre>{@code
 * World world = World.builder().defaultNetwork()
 *     .image(ImageSeed.pv("ami-0pv0000000000001a", "centos6-pv"))
 *     .instance(InstanceSeed.of("i-0123456789abcdef0", "ami-0pv0000000000001a")
 *         .privateIp("10.0.1.10").dataVolume(VolumeSeed.of("/dev/sdf", 100)))
 *     .build();
 * }</pre>
 */
public final class World {

    /** The default network's VPC. */
    public static final String DEFAULT_VPC = "vpc-0d1e2f3a4b5c6d7e8";
    /** The default network's subnet in us-east-1a, 10.0.1.0/24, auto-assigns public IPs. */
    public static final String SUBNET_A = "subnet-0a1b2c3d4e5f60001";
    /** The default network's subnet in us-east-1b, 10.0.2.0/24. */
    public static final String SUBNET_B = "subnet-0a1b2c3d4e5f60002";
    /** The default network's security group. */
    public static final String DEFAULT_SECURITY_GROUP = "sg-0a1b2c3d4e5f60001";
    /** A public Amazon Linux 2023 HVM AMI in the default world (ENA, x86_64). */
    public static final String AMAZON_LINUX_HVM_IMAGE = "ami-0a1b2c3d4e5f60001";
    /** PV-GRUB kernel (hd0, x86_64) in the default world; {@link ImageSeed#pv} AMIs use it. */
    public static final String PV_GRUB_HD0_X86_64 = "aki-919dcaf8";
    /** PV-GRUB kernel (hd0, i386) in the default world. */
    public static final String PV_GRUB_HD0_I386 = "aki-8f9dcae6";
    /** The public SSM parameter that resolves to {@link #AMAZON_LINUX_HVM_IMAGE}. */
    public static final String AMAZON_LINUX_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

    private List<VpcSeed> vpcs = new ArrayList<>();
    private List<SubnetSeed> subnets = new ArrayList<>();
    private List<SecurityGroupSeed> securityGroups = new ArrayList<>();
    private List<String> keyPairs = new ArrayList<>();
    private List<InstanceProfileSeed> instanceProfiles = new ArrayList<>();
    private List<ImageSeed> images = new ArrayList<>();
    private List<InstanceSeed> instances = new ArrayList<>();
    private List<VolumeSeed> volumes = new ArrayList<>();
    private List<ElasticIpSeed> elasticIps = new ArrayList<>();
    private Map<String, String> publicParameters = new LinkedHashMap<>();
    private boolean defaultHostManagement;

    private World() {
    }

    /** An empty world builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default network and public AMI, nothing else. */
    public static World defaultWorld() {
        return builder().defaultNetwork().build();
    }

    /** Loads a JSON seed (fields as in the builder; unknown fields are an error). */
    public static World fromJson(Path file) {
        ObjectMapper mapper = new ObjectMapper()
                .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            World w = mapper.readValue(file.toFile(), World.class);
            return w.copy();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read world seed " + file, e);
        }
    }

    private World copy() {
        World w = new World();
        w.vpcs = List.copyOf(nonNull(vpcs));
        w.subnets = List.copyOf(nonNull(subnets));
        w.securityGroups = List.copyOf(nonNull(securityGroups));
        w.keyPairs = List.copyOf(nonNull(keyPairs));
        w.instanceProfiles = List.copyOf(nonNull(instanceProfiles));
        w.images = List.copyOf(nonNull(images));
        w.instances = List.copyOf(nonNull(instances));
        w.volumes = List.copyOf(nonNull(volumes));
        w.elasticIps = List.copyOf(nonNull(elasticIps));
        w.publicParameters = Map.copyOf(publicParameters == null ? Map.of() : publicParameters);
        w.defaultHostManagement = defaultHostManagement;
        return w;
    }

    private static <T> List<T> nonNull(List<T> l) {
        return l == null ? List.of() : l;
    }

    /** VPCs. */
    public List<VpcSeed> vpcs() { return vpcs; }
    /** Subnets. */
    public List<SubnetSeed> subnets() { return subnets; }
    /** Security groups. */
    public List<SecurityGroupSeed> securityGroups() { return securityGroups; }
    /** Key pair names. */
    public List<String> keyPairs() { return keyPairs; }
    /** Instance profiles. */
    public List<InstanceProfileSeed> instanceProfiles() { return instanceProfiles; }
    /** AMIs. */
    public List<ImageSeed> images() { return images; }
    /** Instances. */
    public List<InstanceSeed> instances() { return instances; }
    /** Unattached volumes. */
    public List<VolumeSeed> volumes() { return volumes; }
    /** Elastic IPs. */
    public List<ElasticIpSeed> elasticIps() { return elasticIps; }
    /** Public SSM parameters (name → value). */
    public Map<String, String> publicParameters() { return publicParameters; }
    /**
     * Whether Systems Manager's Default Host Management Configuration is on at start (the
     * service setting {@code /ssm/managed-instance/default-ec2-instance-management-role}).
     */
    public boolean defaultHostManagement() { return defaultHostManagement; }

    /** Builds a {@link World}. */
    public static final class Builder {
        private final World w = new World();

        private Builder() {
        }

        /**
         * Adds a VPC (10.0.0.0/16) with subnets in us-east-1a and us-east-1b, a default
         * security group, a public Amazon Linux HVM AMI with its SSM parameters, and the
         * public PV-GRUB kernel images.
         */
        public Builder defaultNetwork() {
            vpc(DEFAULT_VPC, "10.0.0.0/16");
            subnet(new SubnetSeed(SUBNET_A, DEFAULT_VPC, "us-east-1a", "10.0.1.0/24", true));
            subnet(new SubnetSeed(SUBNET_B, DEFAULT_VPC, "us-east-1b", "10.0.2.0/24", false));
            securityGroup(DEFAULT_SECURITY_GROUP, "default", DEFAULT_VPC);
            image(ImageSeed.hvm(AMAZON_LINUX_HVM_IMAGE, "al2023-ami-2023.9.20251117.1-kernel-6.1-x86_64")
                    .publicByAmazon().withSsmAgent());
            // The us-east-1 PV-GRUB kernels ("hd0" = unpartitioned root) that PV AMIs boot through.
            image(ImageSeed.pvGrubKernel(PV_GRUB_HD0_X86_64, "pv-grub-hd0_1.05-x86_64.gz", "x86_64"));
            image(ImageSeed.pvGrubKernel(PV_GRUB_HD0_I386, "pv-grub-hd0_1.05-i386.gz", "i386"));
            publicParameter(AMAZON_LINUX_PARAMETER, AMAZON_LINUX_HVM_IMAGE);
            publicParameter("/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2", AMAZON_LINUX_HVM_IMAGE);
            return this;
        }

        /** Adds a VPC. */
        public Builder vpc(String id, String cidr) { w.vpcs.add(new VpcSeed(id, cidr)); return this; }
        /** Adds a subnet. */
        public Builder subnet(SubnetSeed s) { w.subnets.add(s); return this; }
        /** Adds a security group. */
        public Builder securityGroup(String id, String name, String vpcId) {
            w.securityGroups.add(new SecurityGroupSeed(id, name, vpcId));
            return this;
        }
        /** Adds a key pair. */
        public Builder keyPair(String name) { w.keyPairs.add(name); return this; }
        /**
         * Adds an instance profile whose role has these AWS managed policies, e.g.
         * {@link InstanceProfileSeed#SSM_MANAGED_INSTANCE_CORE} for an SSM-managed worker.
         */
        public Builder instanceProfile(String name, String... managedPolicies) {
            w.instanceProfiles.add(new InstanceProfileSeed(name, null, List.of(managedPolicies)));
            return this;
        }
        /**
         * Turns Systems Manager's Default Host Management Configuration on: instances whose image
         * has the agent register without an instance profile
         * (https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html).
         */
        public Builder defaultHostManagement(boolean on) { w.defaultHostManagement = on; return this; }
        /** Adds an AMI. */
        public Builder image(ImageSeed i) { w.images.add(i); return this; }
        /** Adds an instance. */
        public Builder instance(InstanceSeed i) { w.instances.add(i); return this; }
        /** Adds an unattached volume (its availability zone must be set). */
        public Builder volume(VolumeSeed v) { w.volumes.add(v); return this; }
        /** Adds an Elastic IP, associated with {@code instanceId} when not null. */
        public Builder elasticIp(String allocationId, String publicIp, String instanceId) {
            w.elasticIps.add(new ElasticIpSeed(allocationId, publicIp, instanceId, null));
            return this;
        }
        /** Adds an Elastic IP associated with a specific private IP of an instance. */
        public Builder elasticIp(ElasticIpSeed e) { w.elasticIps.add(e); return this; }
        /** Adds a public SSM parameter. */
        public Builder publicParameter(String name, String value) { w.publicParameters.put(name, value); return this; }

        /** The world. */
        public World build() {
            return w.copy();
        }
    }
}
