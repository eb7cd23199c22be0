package io.pv2hvm.samples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The least-privilege IAM policy pv2hvm needs, scoped to pv2hvm's own resources (tagged
 * {@code pv2hvm:migration-id}), the source resources the user allows (named instances, or
 * resources carrying the source tag), the worker instances (tagged {@code pv2hvm:role=worker}),
 * the roles and KMS keys the user names. Resource types and condition keys per action follow the
 * Service Authorization Reference:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html.
 *
 * @param partition        {@code aws}, {@code aws-cn} or {@code aws-us-gov}
 * @param region           the region in ARNs, or {@code *}
 * @param account          the 12-digit account id in ARNs, or {@code *}
 * @param sourceInstances  ids of the source instances pv2hvm may stop, terminate and detach from;
 *                         when empty, every instance carrying the source tag
 * @param sourceTagKey     the tag the user puts on source instances, volumes, network interfaces
 *                         and Elastic IPs that pv2hvm may move
 * @param sourceTagValue   its value
 * @param passRoles        role ARNs pv2hvm may pass to EC2 (the source's and the worker's profile role)
 * @param kmsKeys          ARNs of the KMS keys of encrypted volumes; the KMS statement is omitted when none
 * @param imageParameters  the account's own SSM parameters naming a worker image, besides Canonical's
 * @param sourceOverSsm    whether DUAL_BOOT reaches the running source over SSM: then {@code ssm:SendCommand}
 *                         of AWS-RunShellScript is allowed on the source instances too (omitted otherwise)
 */
public record IamPolicy(String partition, String region, String account, List<String> sourceInstances,
                        String sourceTagKey, String sourceTagValue, List<String> passRoles, List<String> kmsKeys,
                        List<String> imageParameters, boolean sourceOverSsm) {

    /** The tag pv2hvm puts on every resource it creates. */
    public static final String MIGRATION_TAG = "pv2hvm:migration-id";
    /** The default source tag (key=value) a user puts on resources pv2hvm may act on. */
    public static final String DEFAULT_SOURCE_TAG = "pv2hvm-source=allowed";
    /** Canonical's public parameters that name Ubuntu images, one of which the worker runs. */
    public static final String CANONICAL_PARAMETERS = "/aws/service/canonical/*";

    private static final List<String> PARTITIONS = List.of("aws", "aws-cn", "aws-us-gov");
    private static final Pattern REGION = Pattern.compile("\\*|[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
    private static final Pattern ACCOUNT = Pattern.compile("\\*|\\d{12}");
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8}([0-9a-f]{9})?");
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{N} +\\-=._:/@]{1,128}");
    private static final Pattern PARAMETER = Pattern.compile("/[a-zA-Z0-9_.\\-/]{1,2047}");

    /** The {@code pv2hvm:role} of instances pv2hvm runs commands on: migration workers and worker-image builders. */
    static final List<String> WORKER_ROLES = List.of("worker", "worker-image-builder");

    /** Read-only calls: EC2 and SSM authorize them on {@code *} only. */
    static final List<String> READ_ONLY = List.of("ec2:DescribeAddresses", "ec2:DescribeImages",
            "ec2:DescribeInstanceStatus", "ec2:DescribeInstanceTypes", "ec2:DescribeInstances",
            "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSnapshots",
            "ec2:DescribeVolumes", "ssm:CancelCommand", "ssm:DescribeInstanceInformation",
            "ssm:GetCommandInvocation", "ssm:ListCommandInvocations", "ssm:ListCommands");
    /** Calls on resources pv2hvm created (tagged {@value #MIGRATION_TAG} when the call arrives). */
    static final List<String> ON_OWN = List.of("ec2:AssociateAddress", "ec2:AttachNetworkInterface",
            "ec2:AttachVolume", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateImage", "ec2:CreateSnapshot",
            "ec2:CreateVolume", "ec2:DeleteSecurityGroup", "ec2:DeleteSnapshot", "ec2:DeleteVolume",
            "ec2:DeregisterImage", "ec2:DetachNetworkInterface", "ec2:DetachVolume", "ec2:GetConsoleOutput",
            "ec2:ModifyNetworkInterfaceAttribute", "ec2:RegisterImage", "ec2:RevokeSecurityGroupEgress", "ec2:RunInstances", "ec2:StartInstances",
            "ec2:StopInstances", "ec2:TerminateInstances");
    /** Calls on the source instance the user allows. */
    static final List<String> ON_SOURCE_INSTANCE = List.of("ec2:AttachVolume", "ec2:DescribeInstanceAttribute",
            "ec2:DetachNetworkInterface", "ec2:DetachVolume", "ec2:ModifyInstanceAttribute", "ec2:StartInstances",
            "ec2:StopInstances", "ec2:TerminateInstances");
    /** Calls on the source's volumes, network interfaces and Elastic IPs the user allows. */
    // CreateTags: the source's root volume, converted in place in the window, is tagged converted-source-root.
    static final List<String> ON_SOURCE_ATTACHMENTS = List.of("ec2:AssociateAddress", "ec2:AttachNetworkInterface",
            "ec2:AttachVolume", "ec2:CreateSnapshot", "ec2:CreateTags", "ec2:DescribeVolumeAttribute",
            "ec2:DetachNetworkInterface", "ec2:DetachVolume", "ec2:ModifyNetworkInterfaceAttribute");
    /** Calls that create resources; each must tag them {@value #MIGRATION_TAG} on create. */
    static final List<String> CREATE = List.of("ec2:CreateImage", "ec2:CreateSecurityGroup", "ec2:CreateSnapshot",
            "ec2:CreateVolume", "ec2:RegisterImage", "ec2:RunInstances");
    /** Resource types the create calls create, which carry the request's tags. */
    static final List<String> CREATED_TYPES = List.of("image", "instance", "network-interface", "security-group",
            "snapshot", "volume");
    /** Existing resources a launch or a new security group only refers to (neither changed nor deleted). */
    static final List<String> REFERENCED_TYPES = List.of("image", "key-pair", "security-group", "subnet");
    /** KMS operations EC2 performs for the caller on encrypted volumes and snapshots (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html#ebs-encryption-permissions). */
    static final List<String> KMS = List.of("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*");

    /** Validates every field; a bad one is a {@link UsageException} that says how to fix it. */
    public IamPolicy {
        require(PARTITIONS.contains(partition), "--partition must be one of " + PARTITIONS + ", not '" + partition + "'");
        require(region != null && REGION.matcher(region).matches(),
                "--region must be a region name like us-east-1 (or * for any), not '" + region + "'");
        require(account != null && ACCOUNT.matcher(account).matches(),
                "--account must be a 12-digit account id (or * for any), not '" + account + "'");
        sourceInstances = List.copyOf(sourceInstances);
        for (String id : sourceInstances) {
            require(INSTANCE_ID.matcher(id).matches(), "--instance must be an instance id like i-0123456789abcdef0, not '" + id + "'");
        }
        require(sourceTagKey != null && TAG_KEY.matcher(sourceTagKey).matches() && !sourceTagKey.startsWith("aws:")
                        && sourceTagValue != null && sourceTagValue.length() <= 256,
                "--source-tag must be KEY=VALUE with a valid EC2 tag key (not aws:*), not '" + sourceTagKey + "=" + sourceTagValue + "'");
        passRoles = List.copyOf(passRoles);
        for (String role : passRoles) {
            require(Pattern.matches("arn:" + Pattern.quote(partition) + ":iam::\\d{12}:role/[\\w+=,.@/-]+", role),
                    "--pass-role must be an IAM role ARN in partition " + partition
                            + " like arn:" + partition + ":iam::123456789012:role/NAME, not '" + role + "'");
        }
        kmsKeys = List.copyOf(kmsKeys);
        for (String key : kmsKeys) {
            require(Pattern.matches("arn:" + Pattern.quote(partition) + ":kms:[a-z0-9-]+:\\d{12}:key/[0-9a-zA-Z-]+", key),
                    "--kms-key must be a KMS key ARN in partition " + partition + " like arn:" + partition
                            + ":kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab, not '" + key + "'");
        }
        imageParameters = List.copyOf(imageParameters);
        for (String p : imageParameters) {
            require(PARAMETER.matcher(p).matches(), "--image-parameter must be a parameter name starting with /, not '" + p + "'");
        }
    }

    /** The policy document as pretty-printed JSON. */
    public String json() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document()) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The policy document as maps and lists (the JSON structure). */
    public Map<String, Object> document() {
        List<Object> statements = new ArrayList<>();
        statements.add(statement("ReadOnly", READ_ONLY, List.of("*"), null));
        statements.add(statement("OwnResources", ON_OWN, ec2Arns(List.of("image", "instance",
                "network-interface", "security-group", "snapshot", "volume")),
                Map.of("Null", Map.of("ec2:ResourceTag/" + MIGRATION_TAG, "false"))));
        statements.add(sourceInstances.isEmpty()
                ? statement("SourceInstances", ON_SOURCE_INSTANCE, ec2Arns(List.of("instance")),
                        Map.of("StringEquals", Map.of("ec2:ResourceTag/" + sourceTagKey, sourceTagValue)))
                : statement("SourceInstances", ON_SOURCE_INSTANCE,
                        sourceInstances.stream().map(id -> ec2Arn("instance/" + id)).toList(), null));
        statements.add(statement("SourceAttachments", ON_SOURCE_ATTACHMENTS,
                ec2Arns(List.of("elastic-ip", "network-interface", "volume")),
                Map.of("StringEquals", Map.of("ec2:ResourceTag/" + sourceTagKey, sourceTagValue))));
        // A tag condition on RunInstances applies only to the resources it creates; the image, subnet,
        // security groups and key pair it launches with are matched by ARN alone.
        statements.add(statement("CreateTagged", CREATE, ec2Arns(CREATED_TYPES),
                Map.of("Null", Map.of("aws:RequestTag/" + MIGRATION_TAG, "false"))));
        statements.add(statement("LaunchReferencing", List.of("ec2:RunInstances"), ec2Arns(REFERENCED_TYPES), null));
        // Putting the source's security groups back on the new instance's interface after its quarantined first boot.
        statements.add(statement("AssignExistingGroups", List.of("ec2:ModifyNetworkInterfaceAttribute"),
                ec2Arns(List.of("security-group")), null));
        statements.add(statement("GroupInVpc", List.of("ec2:CreateSecurityGroup"), ec2Arns(List.of("vpc")), null));
        statements.add(statement("TagOnCreate", List.of("ec2:CreateTags"), ec2Arns(CREATED_TYPES),
                Map.of("StringEquals", Map.of("ec2:CreateAction", CREATE.stream().map(a -> a.substring(4)).toList()),
                        "Null", Map.of("aws:RequestTag/" + MIGRATION_TAG, "false"))));
        statements.add(statement("RunShellScriptOnWorkers", List.of("ssm:SendCommand"),
                List.of("arn:" + partition + ":ssm:" + region + "::document/AWS-RunShellScript"), null));
        statements.add(statement("SendCommandToWorkersOnly", List.of("ssm:SendCommand"), ec2Arns(List.of("instance")),
                Map.of("StringEquals", Map.of("ssm:resourceTag/pv2hvm:role", WORKER_ROLES))));
        if (sourceOverSsm) {
            // DUAL_BOOT's live change runs on the source itself. SendCommand is authorized on the
            // document (RunShellScriptOnWorkers allows AWS-RunShellScript only) and on each target
            // instance: here only the sources the user allows. Its reads (GetCommandInvocation,
            // DescribeInstanceInformation) are ReadOnly's, which SSM authorizes on * only.
            statements.add(sourceInstances.isEmpty()
                    ? statement("SendCommandToSource", List.of("ssm:SendCommand"), ec2Arns(List.of("instance")),
                            Map.of("StringEquals", Map.of("ssm:resourceTag/" + sourceTagKey, sourceTagValue)))
                    : statement("SendCommandToSource", List.of("ssm:SendCommand"),
                            sourceInstances.stream().map(id -> ec2Arn("instance/" + id)).toList(), null));
        }
        List<String> parameters = new ArrayList<>();
        parameters.add("arn:" + partition + ":ssm:" + region + "::parameter" + CANONICAL_PARAMETERS);
        imageParameters.forEach(p -> parameters.add("arn:" + partition + ":ssm:" + region + ":" + account + ":parameter" + p));
        statements.add(statement("WorkerImageParameter", List.of("ssm:GetParameter"), parameters, null));
        statements.add(statement("DefaultHostManagementSetting", List.of("ssm:GetServiceSetting"),
                List.of("arn:" + partition + ":ssm:" + region + ":" + account
                        + ":servicesetting/ssm/managed-instance/default-ec2-instance-management-role"), null));
        if (!passRoles.isEmpty()) {
            statements.add(statement("PassInstanceProfileToEc2", List.of("iam:PassRole"), passRoles,
                    Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com"))));
        }
        if (!kmsKeys.isEmpty()) {
            String via = "ec2." + region + ".amazonaws.com" + ("aws-cn".equals(partition) ? ".cn" : "");
            statements.add(statement("EncryptedVolumes", KMS, kmsKeys,
                    Map.of("*".equals(region) ? "StringLike" : "StringEquals", Map.of("kms:ViaService", via))));
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Version", "2012-10-17");
        document.put("Statement", statements);
        return document;
    }

    private List<String> ec2Arns(List<String> types) {
        return types.stream().map(t -> ec2Arn(t + "/*")).toList();
    }

    private String ec2Arn(String resource) {
        // Public images (Canonical's worker base) are owned by another account: any account for images.
        String owner = resource.startsWith("image/") ? "*" : account;
        return "arn:" + partition + ":ec2:" + region + ":" + owner + ":" + resource;
    }

    private static Map<String, Object> statement(String sid, List<String> actions, List<String> resources,
                                                 Map<String, Object> condition) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Sid", sid);
        s.put("Effect", "Allow");
        s.put("Action", actions.stream().sorted().toList());
        s.put("Resource", resources.size() == 1 ? resources.get(0) : resources);
        if (condition != null) {
            s.put("Condition", new java.util.TreeMap<>(condition));
        }
        return s;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new UsageException(message);
        }
    }
}
