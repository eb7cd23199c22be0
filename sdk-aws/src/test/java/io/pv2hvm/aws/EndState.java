package io.pv2hvm.aws;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a finished migration left in EC2, for the reliability harness: {@link #of} reads the end
 * state MigrationEndToEndTest checks (the new instance's virtualization, type, addresses, interfaces,
 * Elastic IPs, data volumes, key, profile, groups and tags; the source; the images), without the ids
 * a new run makes afresh, so two runs compare with {@code equals}. {@link #leaked} lists every
 * resource left over: each kind pv2hvm can create (instances, volumes, snapshots, images, network
 * interfaces, addresses, security groups) beyond the ones meant to stay, and the user's volumes and
 * interfaces left detached.
 */
record EndState(String sourceState, String virtualization, String state, String instanceType,
                List<String> primaryIps, SortedMap<Integer, String> interfaces, SortedMap<String, String> elasticIps,
                SortedMap<String, String> dataVolumes, String keyName, String profileArn, List<String> securityGroups,
                SortedMap<String, String> tags, String hvmImage, String backupImage) {

    /**
     * The roles a completed migration keeps, once each ({@code converted-source-root} is not created:
     * it is the source's own root, converted in place and tagged).
     */
    static final Set<String> KEPT_AFTER_SUCCESS = Set.of("hvm-instance", "hvm-image", "hvm-image-snapshot",
            "backup-image", "final-snapshot", "converted-source-root");

    /** Actions that create a resource: a retry that creates a second one is a duplicate. */
    static final Set<String> CREATING = Set.of("RunInstances", "CreateVolume", "CreateSnapshot", "CopySnapshot",
            "RegisterImage", "CreateImage", "CreateSecurityGroup", "CreateNetworkInterface", "AllocateAddress");

    /**
     * How many resources {@code calls} of one action created: each call that took effect, except
     * a repeat of an earlier call's ClientToken, which EC2 answers with the resource that token
     * already made (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
     */
    static long creations(List<io.pv2hvm.testkit.RecordedCall> calls) {
        Set<String> tokens = new java.util.HashSet<>();
        return calls.stream().filter(io.pv2hvm.testkit.RecordedCall::tookEffect)
                .filter(c -> c.param("ClientToken") == null || tokens.add(c.param("ClientToken"))).count();
    }

    /** The end state of migration {@code migrationId} of {@code sourceId}, read once the emulator has settled. */
    static EndState of(Ec2Client ec2, String migrationId, String sourceId) {
        List<Instance> created = live(instances(ec2, tagged(migrationId)));
        List<Instance> hvm = created.stream().filter(i -> "hvm-instance".equals(role(i.tags()))).toList();
        if (hvm.size() != 1) {
            throw new AssertionError("expected one hvm-instance of " + migrationId + ", found " + hvm.size());
        }
        Instance now = hvm.get(0);
        // A terminated instance stays visible for about an hour, then is gone: both read "terminated".
        String sourceState = instances(ec2, List.of(Filter.builder().name("instance-id").values(sourceId).build()))
                .stream().map(i -> i.state().nameAsString()).findFirst().orElse("terminated");
        SortedMap<Integer, String> interfaces = new TreeMap<>();
        now.networkInterfaces().forEach(n -> interfaces.put(n.attachment().deviceIndex(), n.networkInterfaceId() + " "
                + n.privateIpAddresses().stream().map(p -> p.privateIpAddress()).sorted().toList()));
        SortedMap<String, String> eips = new TreeMap<>();
        ec2.describeAddresses().addresses().stream().filter(a -> a.allocationId() != null)
                .forEach(a -> eips.put(a.publicIp(), now.instanceId().equals(a.instanceId())
                        ? "new instance at " + a.privateIpAddress() : "elsewhere: " + a.instanceId()));
        SortedMap<String, String> volumes = new TreeMap<>();
        now.blockDeviceMappings().stream().filter(m -> !m.deviceName().equals(now.rootDeviceName()))
                .forEach(m -> volumes.put(m.deviceName(), m.ebs().volumeId()));
        SortedMap<String, String> tags = new TreeMap<>(now.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value)));
        tags.remove(Tags.MIGRATION_ID); // each run has its own
        return new EndState(sourceState, now.virtualizationTypeAsString(), now.state().nameAsString(),
                now.instanceTypeAsString(), now.networkInterfaces().stream().filter(n -> n.attachment().deviceIndex() == 0)
                .flatMap(n -> n.privateIpAddresses().stream()).map(p -> p.privateIpAddress()).sorted().toList(),
                interfaces, eips, volumes, now.keyName(), now.iamInstanceProfile() == null ? null
                : now.iamInstanceProfile().arn(), now.securityGroups().stream().map(g -> g.groupId()).sorted().toList(),
                tags, image(ec2, migrationId, "hvm-image"), image(ec2, migrationId, "backup-image"));
    }

    /**
     * Every resource left over by {@code migrationId}, by kind ("instance i-1 (worker)"): tagged
     * resources whose role is not in {@code kept}, a second resource of a kept role, and any user
     * volume (but {@code sourceRoot}, which outlives the terminated source by design: pv2hvm turns
     * DeleteOnTermination off) or interface left detached, any Elastic IP left unassociated. Empty
     * when nothing leaked.
     */
    static List<String> leaked(Ec2Client ec2, String migrationId, Set<String> kept, String sourceRoot) {
        List<Filter> ours = tagged(migrationId);
        List<String> out = new ArrayList<>();
        Map<String, Integer> keptSeen = new TreeMap<>();
        java.util.function.BiConsumer<String, Map.Entry<String, List<Tag>>> audit = (kind, e) -> {
            String role = role(e.getValue());
            if (!kept.contains(role) || keptSeen.merge(kind + "/" + role, 1, Integer::sum) > 1) {
                out.add(kind + " " + e.getKey() + " (" + role + ")");
            }
        };
        live(instances(ec2, ours)).forEach(i -> audit.accept("instance", Map.entry(i.instanceId(), i.tags())));
        ec2.describeVolumes(b -> b.filters(ours)).volumes().stream().filter(v -> !"deleting".equals(v.stateAsString()))
                .forEach(v -> audit.accept("volume", Map.entry(v.volumeId(), v.tags())));
        ec2.describeSnapshots(b -> b.ownerIds("self").filters(ours)).snapshots()
                .forEach(s -> audit.accept("snapshot", Map.entry(s.snapshotId(), s.tags())));
        ec2.describeImages(b -> b.owners("self").filters(ours)).images()
                .forEach(i -> audit.accept("image", Map.entry(i.imageId(), i.tags())));
        ec2.describeNetworkInterfaces(b -> b.filters(ours)).networkInterfaces()
                .forEach(n -> audit.accept("network-interface", Map.entry(n.networkInterfaceId(), n.tagSet())));
        ec2.describeAddresses(b -> b.filters(ours)).addresses()
                .forEach(a -> audit.accept("address", Map.entry(a.allocationId(), a.tags())));
        ec2.describeSecurityGroups(b -> b.filters(ours)).securityGroups()
                .forEach(g -> audit.accept("security-group", Map.entry(g.groupId(), g.tags())));
        // The user's own resources: a volume, interface or Elastic IP the migration left loose.
        ec2.describeVolumes(b -> b.filters(Filter.builder().name("status").values("available").build())).volumes()
                .stream().filter(v -> role(v.tags()) == null && !v.volumeId().equals(sourceRoot)).forEach(v -> out.add("user volume left detached " + v.volumeId()));
        ec2.describeNetworkInterfaces(b -> b.filters(Filter.builder().name("status").values("available").build()))
                .networkInterfaces().forEach(n -> out.add("network interface left detached " + n.networkInterfaceId()));
        ec2.describeAddresses().addresses().stream().filter(a -> a.associationId() == null)
                .map(Address::allocationId).forEach(a -> out.add("Elastic IP left unassociated " + a));
        return out;
    }

    /** The root volume of instance {@code id}, read before a migration. */
    static String rootVolume(Ec2Client ec2, String id) {
        Instance i = instances(ec2, List.of(Filter.builder().name("instance-id").values(id).build())).get(0);
        return i.blockDeviceMappings().stream().filter(m -> m.deviceName().equals(i.rootDeviceName()))
                .map(m -> m.ebs().volumeId()).findFirst().orElseThrow();
    }

    private static List<Filter> tagged(String migrationId) {
        return List.of(Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build());
    }

    private static List<Instance> instances(Ec2Client ec2, List<Filter> filters) {
        return ec2.describeInstances(b -> b.filters(filters)).reservations().stream()
                .flatMap(r -> r.instances().stream()).toList();
    }

    private static List<Instance> live(Collection<Instance> all) {
        return all.stream().filter(i -> !Set.of("terminated", "shutting-down").contains(i.state().nameAsString())).toList();
    }

    /** The kept image's shape: what boots from it, not its id. */
    private static String image(Ec2Client ec2, String migrationId, String role) {
        List<Image> images = ec2.describeImages(b -> b.owners("self").filters(Filter.builder().name("tag:" + Tags.ROLE)
                .values(role).build(), Filter.builder().name("tag:" + Tags.MIGRATION_ID).values(migrationId).build())).images();
        return images.stream().map(i -> i.virtualizationTypeAsString() + " " + i.architectureAsString() + " "
                + i.rootDeviceName() + " kernel=" + i.kernelId() + " boot=" + i.bootModeAsString()).sorted().toList().toString();
    }

    private static String role(List<Tag> tags) {
        return tags.stream().filter(t -> Tags.ROLE.equals(t.key())).map(Tag::value).findFirst().orElse(null);
    }
}
