package io.pv2hvm.testkit.internal.http;

import io.pv2hvm.testkit.TouchedResource;
import io.pv2hvm.testkit.internal.model.AddressRecord;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.ImageRecord;
import io.pv2hvm.testkit.internal.model.SnapshotRecord;
import io.pv2hvm.testkit.internal.model.VolumeRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resources an EC2 or SSM call acts on as IAM authorizes it, with their tags when the call
 * arrives, so a test can evaluate an IAM policy against what a run really did. Resource types per
 * action follow the Service Authorization Reference:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html.
 * Besides the action's own resources, a call may need {@code iam:PassRole} on the role of the
 * instance profile it names
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html) and the KMS key
 * of an encrypted volume or snapshot it reads or creates
 * (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html#ebs-encryption-permissions).
 * Actions IAM authorizes on {@code *} only (Describe*, GetCommandInvocation, ...) touch nothing.
 */
final class TouchedResources {

    private final Ec2Model m;
    private final Map<String, String> p;
    private final List<TouchedResource> out = new ArrayList<>();
    private final Set<String> kmsKeys = new LinkedHashSet<>();

    private TouchedResources(Ec2Model model, Map<String, String> params) {
        this.m = model;
        this.p = params;
    }

    /** The resources of one call, read under the model lock. */
    static List<TouchedResource> of(Ec2Model model, String service, String action, Map<String, String> params) {
        if (!"ec2".equals(service) && !"ssm".equals(service)) {
            return List.of();
        }
        TouchedResources r = new TouchedResources(model, params);
        model.locked(() -> {
            if ("ec2".equals(service)) {
                r.ec2(action);
            } else {
                r.ssm(action);
            }
        });
        // The account's AWS managed key (aws/ebs) needs no identity-policy permission: its key policy
        // lets every principal of the account use it through EC2
        // (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key).
        r.kmsKeys.stream().filter(k -> k != null && !Ec2Model.DEFAULT_EBS_KMS_KEY.equals(k))
                .forEach(k -> r.out.add(new TouchedResource(k, Map.of(), false)));
        return List.copyOf(r.out);
    }

    private void ec2(String action) {
        switch (action) {
            case "RunInstances" -> {
                existing("image", p.get("ImageId"));
                existing("subnet", p.get("SubnetId"));
                indexed("SecurityGroupId.").forEach(g -> existing("security-group", g));
                for (String prefix : prefixes("NetworkInterface.", ".DeviceIndex")) {
                    String eni = p.get(prefix + "NetworkInterfaceId");
                    if (eni != null) {
                        existing("network-interface", eni);
                    } else {
                        created("network-interface");
                        existing("subnet", p.get(prefix + "SubnetId"));
                        indexed(prefix + "SecurityGroupId.").forEach(g -> existing("security-group", g));
                    }
                }
                if (prefixes("NetworkInterface.", ".DeviceIndex").isEmpty()) {
                    created("network-interface");
                }
                if (p.get("KeyName") != null) {
                    out.add(new TouchedResource(arn("key-pair/" + p.get("KeyName")), Map.of(), false));
                }
                created("instance");
                created("volume");
                passRole(p.get("IamInstanceProfile.Arn"), p.get("IamInstanceProfile.Name"));
                ImageRecord image = m.findImage(p.get("ImageId")).orElse(null);
                if (image != null) {
                    image.blockDevices.forEach(b -> snapshotKey(b.snapshotId()));
                }
                indexed("BlockDeviceMapping.", ".Ebs.SnapshotId").forEach(this::snapshotKey);
                indexed("BlockDeviceMapping.", ".Ebs.KmsKeyId").forEach(kmsKeys::add);
            }
            case "CreateVolume" -> {
                created("volume");
                if (p.get("SnapshotId") != null) {
                    existing("snapshot", p.get("SnapshotId"));
                    snapshotKey(p.get("SnapshotId"));
                }
                if (p.get("KmsKeyId") != null) {
                    kmsKeys.add(p.get("KmsKeyId"));
                } else if ("true".equals(p.get("Encrypted"))) {
                    kmsKeys.add(Ec2Model.DEFAULT_EBS_KMS_KEY);
                }
            }
            case "CreateSnapshot" -> {
                existing("volume", p.get("VolumeId"));
                created("snapshot");
                VolumeRecord v = m.findVolume(p.get("VolumeId")).orElse(null);
                if (v != null && v.encrypted()) {
                    kmsKeys.add(v.kmsKeyId());
                }
            }
            case "CreateImage" -> {
                existing("instance", p.get("InstanceId"));
                created("image");
                created("snapshot");
            }
            case "RegisterImage" -> {
                created("image");
                indexed("BlockDeviceMapping.", ".Ebs.SnapshotId").forEach(s -> {
                    existing("snapshot", s);
                    snapshotKey(s);
                });
            }
            case "CreateSecurityGroup" -> {
                created("security-group");
                existing("vpc", p.get("VpcId"));
            }
            case "AttachVolume", "DetachVolume" -> {
                VolumeRecord v = m.findVolume(p.get("VolumeId")).orElse(null);
                String instance = p.get("InstanceId") != null ? p.get("InstanceId") : v == null ? null : v.attachedInstanceId();
                existing("instance", instance);
                existing("volume", p.get("VolumeId"));
                // Attaching an encrypted volume has EC2 create a grant and decrypt its data key with
                // the caller's KMS permissions (https://docs.aws.amazon.com/kms/latest/developerguide/services-ebs.html).
                if (action.equals("AttachVolume") && v != null && v.encrypted()) {
                    kmsKeys.add(v.kmsKeyId());
                }
            }
            case "AttachNetworkInterface" -> {
                existing("instance", p.get("InstanceId"));
                existing("network-interface", p.get("NetworkInterfaceId"));
            }
            case "DetachNetworkInterface" -> m.enis().stream()
                    .filter(e -> p.get("AttachmentId") != null && p.get("AttachmentId").equals(e.attachmentId()))
                    .findFirst().ifPresent(e -> {
                        existing("instance", e.instanceId());
                        existing("network-interface", e.id());
                    });
            case "AssociateAddress" -> {
                address(p.get("AllocationId"), p.get("PublicIp"), null);
                existing("instance", p.get("InstanceId"));
                existing("network-interface", p.get("NetworkInterfaceId"));
            }
            case "DisassociateAddress" -> address(null, p.get("PublicIp"), p.get("AssociationId"));
            case "ReleaseAddress" -> address(p.get("AllocationId"), p.get("PublicIp"), null);
            case "ModifyInstanceAttribute" -> {
                existing("instance", p.get("InstanceId"));
                indexed("GroupId.").forEach(g -> existing("security-group", g));
            }
            case "ModifyNetworkInterfaceAttribute" -> {
                existing("network-interface", p.get("NetworkInterfaceId"));
                indexed("SecurityGroupId.").forEach(g -> existing("security-group", g));
            }
            case "StartInstances", "StopInstances", "TerminateInstances", "RebootInstances" -> {
                indexed("InstanceId.").forEach(i -> existing("instance", i));
                // Starting an instance attaches its encrypted volumes again, as AttachVolume does.
                if (action.equals("StartInstances")) {
                    indexed("InstanceId.").forEach(i -> m.volumesOf(i).stream().filter(v -> v.encrypted())
                            .forEach(v -> kmsKeys.add(v.kmsKeyId())));
                }
            }
            case "GetConsoleOutput", "DescribeInstanceAttribute" -> existing("instance", p.get("InstanceId"));
            case "DeleteVolume", "DescribeVolumeAttribute" -> existing("volume", p.get("VolumeId"));
            case "DeleteSnapshot" -> existing("snapshot", p.get("SnapshotId"));
            case "DeregisterImage" -> existing("image", p.get("ImageId"));
            case "DeleteSecurityGroup", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupEgress",
                 "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress" -> existing("security-group", p.get("GroupId"));
            case "CreateTags", "DeleteTags" -> indexed("ResourceId.").forEach(id -> existing(typeOf(id), id));
            default -> {
                // Describe* and the other read-only calls: IAM authorizes them on "*" only.
            }
        }
    }

    private void ssm(String action) {
        switch (action) {
            case "SendCommand" -> {
                String doc = p.get("DocumentName");
                if (doc != null) {
                    // Documents AWS owns have no account in their ARN.
                    out.add(new TouchedResource(doc.startsWith("arn:") ? doc
                            : doc.startsWith("AWS-") ? "arn:aws:ssm:" + Ec2Model.REGION + "::document/" + doc
                            : ssmArn("document/" + doc), Map.of(), false));
                }
                indexed("InstanceIds.").forEach(i -> existing("instance", i));
            }
            case "GetParameter", "GetParameters" -> {
                List<String> names = p.get("Name") != null ? List.of(p.get("Name")) : indexed("Names.");
                for (String name : names) {
                    String path = name.startsWith("/") ? name : "/" + name;
                    // Public parameters (/aws/service/...) have no account in their ARN.
                    out.add(new TouchedResource(path.startsWith("/aws/service/")
                            ? "arn:aws:ssm:" + Ec2Model.REGION + "::parameter" + path
                            : ssmArn("parameter" + path), Map.of(), false));
                }
            }
            case "GetServiceSetting", "UpdateServiceSetting", "ResetServiceSetting" -> {
                String id = p.getOrDefault("SettingId", "");
                out.add(new TouchedResource(id.startsWith("arn:") ? id
                        : ssmArn("servicesetting" + (id.startsWith("/") ? id : "/" + id)), Map.of(), false));
            }
            default -> {
                // CancelCommand, GetCommandInvocation, DescribeInstanceInformation: "*" only.
            }
        }
    }

    private void passRole(String profileArn, String profileName) {
        String arn = profileArn != null ? profileArn : profileName == null ? null : m.instanceProfileArn(profileName).orElse(null);
        if (arn == null && profileName != null) {
            arn = "arn:aws:iam::" + Ec2Model.ACCOUNT_ID + ":instance-profile/" + profileName;
        }
        if (arn != null) {
            // The emulator models one role per profile, named like it (what the console creates).
            String name = arn.substring(arn.lastIndexOf('/') + 1);
            String account = arn.split(":", 6)[4];
            out.add(new TouchedResource("arn:aws:iam::" + account + ":role/" + name, Map.of(), false));
        }
    }

    private void snapshotKey(String snapshotId) {
        SnapshotRecord s = m.findSnapshot(snapshotId).orElse(null);
        if (s != null && s.encrypted()) {
            kmsKeys.add(s.kmsKeyId());
        }
    }

    private void address(String allocationId, String publicIp, String associationId) {
        for (AddressRecord a : m.addresses()) {
            if (allocationId != null && allocationId.equals(a.allocationId())
                    || associationId != null && associationId.equals(a.associationId())
                    || allocationId == null && associationId == null && publicIp != null && publicIp.equals(a.publicIp())) {
                existing("elastic-ip", a.allocationId());
                return;
            }
        }
    }

    private void existing(String type, String id) {
        if (id != null) {
            out.add(new TouchedResource(arn(type + "/" + id), m.tagsOf(id), false));
        }
    }

    private void created(String type) {
        out.add(new TouchedResource(arn(type + "/*"), Map.of(), true));
    }

    private static String arn(String resource) {
        return "arn:aws:ec2:" + Ec2Model.REGION + ":" + Ec2Model.ACCOUNT_ID + ":" + resource;
    }

    private static String ssmArn(String resource) {
        return "arn:aws:ssm:" + Ec2Model.REGION + ":" + Ec2Model.ACCOUNT_ID + ":" + resource;
    }

    private static String typeOf(String id) {
        String prefix = id.substring(0, Math.max(0, id.indexOf('-')));
        return switch (prefix) {
            case "i" -> "instance";
            case "vol" -> "volume";
            case "snap" -> "snapshot";
            case "ami" -> "image";
            case "sg" -> "security-group";
            case "eni" -> "network-interface";
            case "eipalloc" -> "elastic-ip";
            default -> prefix;
        };
    }

    /** Values of {@code prefix1}, {@code prefix2}, ... in index order. */
    private List<String> indexed(String prefix) {
        return indexed(prefix, "");
    }

    /** Values of {@code prefix<n>suffix} in index order. */
    private List<String> indexed(String prefix, String suffix) {
        List<String> values = new ArrayList<>();
        for (int i = 1; p.containsKey(prefix + i + suffix) || i == 1 && p.containsKey(prefix + "0" + suffix); i++) {
            String v = p.get(prefix + i + suffix);
            if (v != null) {
                values.add(v);
            }
        }
        return values;
    }

    /** The {@code prefix<n>.} of every indexed member that has {@code suffix}. */
    private List<String> prefixes(String prefix, String suffix) {
        List<String> found = new ArrayList<>();
        for (int i = 1; p.containsKey(prefix + i + suffix) || p.containsKey(prefix + i + ".NetworkInterfaceId"); i++) {
            found.add(prefix + i + ".");
        }
        return found;
    }
}
