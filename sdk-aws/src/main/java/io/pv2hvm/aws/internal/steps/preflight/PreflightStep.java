package io.pv2hvm.aws.internal.steps.preflight;

import io.pv2hvm.aws.internal.Ec2Action;
import io.pv2hvm.aws.internal.steps.TargetTypes;
import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.Tags;
import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.Ec2Resources;
import io.pv2hvm.aws.internal.InstanceTypeSuccessors;
import io.pv2hvm.aws.internal.Responses;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.aws.internal.SourceInstanceReader;
import io.pv2hvm.aws.internal.SsmAction;
import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.MigrationOptions;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Read-only checks before anything changes. Every blocker is collected and reported at once,
 * each with its fix; only describe calls and DryRun permission probes are made.
 */
public final class PreflightStep implements Step {
    /** The Default Host Management Configuration setting (https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html). */
    static final String DHMC_SETTING = "/ssm/managed-instance/default-ec2-instance-management-role";

    private final AwsRuntime aws;
    private final Set<PreflightCheck> checks;

    /**
     * @param checks the optional checks to run besides the ones that always run
     */
    public PreflightStep(AwsRuntime aws, Set<PreflightCheck> checks) {
        this.aws = aws;
        this.checks = checks.isEmpty() ? EnumSet.noneOf(PreflightCheck.class) : EnumSet.copyOf(checks);
    }

    @Override
    public String name() {
        return "preflight";
    }

    @Override
    public StepDescription describe() {
        return StepDescription.readOnly("Check the source is PV and EBS-backed, the target type runs HVM, which IPs"
                + " can be kept, instance-store data, termination protection and IAM permissions");
    }

    @Override
    public void run(StepContext ctx) {
        // The first step: a run that starts here, on an empty journal, knows every role it will tag
        // (a resume skips this step).
        if (ctx.resources().isEmpty()) {
            aws.ec2().startedFromFirstStep(ctx.migrationId());
        }
        MigrationOptions spec = ctx.options();
        String id = spec.instanceId();
        List<Blocker> blockers = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        SourceInstanceReader reader = new SourceInstanceReader(aws.ec2());
        Optional<SourceInstance> found = readOnly(blockers, () -> reader.read(id)).flatMap(o -> o);
        warnings.addAll(reader.unchecked());
        if (found.isEmpty()) {
            if (blockers.isEmpty()) {
                blockers.add(new Blocker("INSTANCE_NOT_FOUND", "Instance " + id + " does not exist in this account"
                        + " and region.", "Check the instance id, the region (--region / AWS_REGION) and the account."));
            }
            throw new PreflightException(id, blockers);
        }
        SourceInstance src = found.get();

        if (!"paravirtual".equals(src.virtualizationType())) {
            blockers.add(new Blocker("ALREADY_HVM", id + " already uses " + src.virtualizationType()
                    + " virtualization.", "Nothing to migrate; to change its type use "
                    + Ec2Action.MODIFY_INSTANCE_ATTRIBUTE.awsName() + "."));
        }
        if (!"ebs".equals(src.rootDeviceType())) {
            blockers.add(new Blocker("INSTANCE_STORE_ROOT", id + " boots from an instance-store root, which cannot be"
                    + " snapshotted.", "Convert it to an EBS-backed instance first (copy the root filesystem to an"
                    + " EBS volume and register an EBS-backed AMI), then migrate that."));
        }
        if (stateOf(src) != InstanceStateName.RUNNING && stateOf(src) != InstanceStateName.STOPPED) {
            blockers.add(new Blocker("SOURCE_STATE", id + " is " + src.state() + ".", "Migrate an instance that is"
                    + " running or stopped; wait for it to settle, or pick another instance."));
        }
        if ("i386".equals(src.architecture())) {
            blockers.add(new Blocker("ARCHITECTURE_I386", id + " runs a 32-bit (i386) guest; current HVM types are"
                    + " 64-bit only.", "Install a 64-bit kernel and userland in the guest first."));
        }
        if (!src.instanceStoreDevices().isEmpty() && !spec.acceptingInstanceStoreLoss()) {
            blockers.add(new Blocker("INSTANCE_STORE_DATA", id + " has instance-store volumes "
                    + src.instanceStoreDevices() + "; their data does not survive a migration.",
                    "Copy what you need to EBS, then rerun with acceptingInstanceStoreLoss()."));
        }
        if (spec.preservingIps() && src.terminationProtection()) {
            blockers.add(new Blocker("TERMINATION_PROTECTION", id + " has termination protection; keeping its IPs"
                    + " requires terminating it after the backup image exists.", "Disable it (aws ec2"
                    + " modify-instance-attribute --instance-id " + id + " --no-disable-api-termination); the new"
                    + " instance gets it back. Or migrate without preservingIps()."));
        }
        if (!spec.preservingIps() && src.primaryInterface().map(n -> !n.ipv6Addresses().isEmpty()).orElse(false)) {
            warnings.add("The IPv6 addresses of " + id + "'s primary interface stay with it; the new instance gets"
                    + " none. Use preservingIps() to move them.");
        }
        if (stateOf(src) == InstanceStateName.RUNNING && src.behaviour().disableApiStop()) {
            blockers.add(new Blocker("STOP_PROTECTION", id + " has stop protection (DisableApiStop); the migration"
                    + " must stop it for the final snapshot.", "Disable it (aws ec2 modify-instance-attribute"
                    + " --instance-id " + id + " --no-disable-api-stop), migrate, then turn it on for the new instance (--disable-api-stop). A stopped"
                    + " source keeps it: the new instance gets it."));
        }
        if (src.autoAssignedPublicIp() != null) {
            warnings.add("Public IP " + src.autoAssignedPublicIp() + " of " + id + " was auto-assigned and cannot be"
                    + " kept. To keep a public address, allocate an Elastic IP and associate it before migrating.");
        }
        if (src.rootVolumeIfAny().isEmpty() && blockers.isEmpty()) {
            blockers.add(new Blocker("NO_ROOT_VOLUME", id + " has no EBS root volume attached.", "Attach its root"
                    + " volume at " + src.rootDeviceName() + ", or migrate another instance."));
        }
        if (src.rootVolumeIfAny().map(v -> !v.productCodes().isEmpty()).orElse(false)) {
            if (spec.worker().instanceId().isPresent()) {
                blockers.add(new Blocker("PRODUCT_CODE_WORKER", "The root volume " + src.rootVolume().volumeId()
                        + " carries Marketplace product codes " + src.rootVolume().productCodes() + "; copies of it"
                        + " attach only to a stopped instance, and pv2hvm does not stop your own worker "
                        + spec.worker().instanceId().get() + ".", "Let pv2hvm launch the worker (drop withWorker),"
                        + " or stop the worker yourself and name it again."));
            } else {
                warnings.add("Root volume " + src.rootVolume().volumeId() + " has Marketplace product codes "
                        + src.rootVolume().productCodes() + ": its copies are attached while the worker is stopped,"
                        + " and the new image keeps the codes.");
            }
        }
        spec.worker().instanceId().ifPresent(w -> checkWorker(w, src, blockers));
        if (checks.contains(PreflightCheck.WORKER_OVER_SSM) && spec.transport().isEmpty() && spec.worker().instanceId().isEmpty()
                && aws.settings().instanceProfile().isEmpty()) {
            checkSsmAccess(blockers);
        }
        new OutsideReferences(spec, src).check(blockers, warnings);
        checkUserData(src, blockers);
        Target target = targetType(spec, src, blockers, warnings);
        if (checks.contains(PreflightCheck.DRY_RUN_PERMISSIONS) && src.rootVolumeIfAny().isPresent()) {
            checkPermissions(src, spec, blockers);
        }
        if (!blockers.isEmpty()) {
            throw new PreflightException(id, blockers);
        }
        warnings.forEach(ctx::warn);
        ctx.put(AwsFacts.SOURCE, src);
        ctx.put(MigrationFacts.IPS_BEFORE, ipsOf(src));
        ctx.put(MigrationFacts.VIRTUALIZATION_BEFORE, src.virtualizationType());
        ctx.put(MigrationFacts.TARGET_INSTANCE_TYPE, target.type());
        target.info().ifPresent(t -> TargetTypes.journal(ctx, t, src));
    }

    /** The chosen target type and what EC2 says about it. */
    private record Target(String type, Optional<InstanceTypeInfo> info) {
    }

    /**
     * The type the HVM instance runs as: the one named, else the source's if EC2 runs Linux HVM on
     * it, else its documented successor; then the smallest size of that family that holds every
     * interface and address being kept. A named type that cannot is refused, naming one that can.
     */
    private Target targetType(MigrationOptions spec, SourceInstance src, List<Blocker> blockers, List<String> warnings) {
        boolean pinned = spec.instanceType().isPresent();
        String wanted = spec.instanceType().orElse(src.instanceType());
        Optional<InstanceTypeInfo> info = describeType(wanted, blockers);
        if (info.isEmpty()) {
            if (pinned && blockers.isEmpty()) {
                blockers.add(new Blocker("UNKNOWN_INSTANCE_TYPE", "Instance type " + wanted + " does not exist in"
                        + " this region.", "Pick a type from aws ec2 describe-instance-types."));
            }
            return new Target(wanted, info);
        }
        if (!TargetTypes.runsLinuxHvm(info.get())) {
            String why = info.get().supportedVirtualizationTypesAsStrings().contains("hvm")
                    ? " does not run Linux HVM images (EC2 refuses them on t1, m1, m2 and c1)."
                    : " runs paravirtual guests only.";
            if (pinned) {
                blockers.add(new Blocker("TARGET_TYPE_PV_ONLY", "Instance type " + wanted + why,
                        "Choose an HVM type, e.g. " + InstanceTypeSuccessors.of(wanted).orElse("m5.large") + "."));
                return new Target(wanted, info);
            }
            Optional<String> successor = InstanceTypeSuccessors.of(wanted);
            if (successor.isEmpty()) {
                blockers.add(new Blocker("NO_HVM_TYPE", wanted + " cannot run HVM and has no documented successor.",
                        "Name the target with withInstanceType(...)."));
                return new Target(wanted, info);
            }
            warnings.add("Instance type " + wanted + why + " The new instance will be " + successor.get()
                    + " (its documented successor). Choose another with withInstanceType(...).");
            info = describeType(successor.get(), blockers);
            wanted = successor.get();
            if (info.isEmpty()) {
                return new Target(wanted, info);
            }
        }
        List<String> misfits = TargetTypes.misfits(info.get(), src, spec.preservingIps());
        if (misfits.isEmpty()) {
            return new Target(wanted, info);
        }
        Optional<InstanceTypeInfo> fitting = new TargetTypes(aws).smallestFitting(wanted, src, spec.preservingIps());
        String family = TargetTypes.family(wanted);
        if (pinned || fitting.isEmpty()) {
            blockers.add(new Blocker("TARGET_TYPE_TOO_SMALL", "Instance type " + wanted + " cannot hold what "
                    + src.instanceId() + " keeps: " + String.join("; ", misfits) + ".", fitting
                    .map(t -> "Use " + t.instanceTypeAsString() + ", the smallest " + family
                            + " type that holds them (withInstanceType(\"" + t.instanceTypeAsString() + "\")).")
                    .orElse("No " + TargetTypes.family(wanted) + " type holds them: name a larger type with"
                            + " withInstanceType(...), or remove addresses or interfaces before migrating.")));
            return new Target(wanted, info);
        }
        warnings.add(wanted + " cannot hold what " + src.instanceId() + " keeps (" + String.join("; ", misfits)
                + "); the new instance will be " + fitting.get().instanceTypeAsString() + ", the smallest "
                + TargetTypes.family(wanted) + " type that does.");
        return new Target(fitting.get().instanceTypeAsString(), fitting);
    }

    private Optional<InstanceTypeInfo> describeType(String type, List<Blocker> blockers) {
        try {
            // What a type is does not change during a fleet: read once per fleet.
            return aws.ec2().reads().once(Ec2Action.DESCRIBE_INSTANCE_TYPES.awsName() + " " + type, () -> aws.ec2()
                    .describeInstanceTypes(r -> r.instanceTypesWithStrings(type)).instanceTypes().stream().findFirst());
        } catch (AwsCallException e) {
            if (e.isPermissionDenied()) {
                blockers.add(permission(e));
                return Optional.empty();
            }
            if ("InvalidInstanceType".equals(e.errorCode()) || "InvalidParameterValue".equals(e.errorCode())) {
                blockers.add(new Blocker("UNKNOWN_INSTANCE_TYPE", "Instance type " + type + " does not exist in this"
                        + " region (" + e.errorCode() + ").", "Pick a type from aws ec2 describe-instance-types."));
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * User data is limited to 16 KB before base64 encoding
     * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html); EC2 would refuse the
     * relaunch after the source is gone.
     */
    private static void checkUserData(SourceInstance src, List<Blocker> blockers) {
        if (src.userData() == null) {
            return;
        }
        int bytes;
        try {
            bytes = java.util.Base64.getMimeDecoder().decode(src.userData()).length;
        } catch (IllegalArgumentException e) {
            bytes = src.userData().length();
        }
        if (bytes > 16 * 1024) {
            blockers.add(new Blocker("USER_DATA_TOO_LARGE", src.instanceId() + " has " + bytes + " bytes of user data;"
                    + " " + Ec2Action.RUN_INSTANCES.awsName() + " accepts at most 16384.", "Shrink it (aws ec2 modify-instance-attribute"
                    + " --instance-id " + src.instanceId() + " --attribute userData --value ... while stopped),"
                    + " e.g. by fetching the bulk from S3 at boot."));
        }
    }

    private void checkWorker(String workerId, SourceInstance src, List<Blocker> blockers) {
        Optional<Instance> worker = aws.ec2().instance(workerId);
        InstanceStateName state = worker.map(i -> InstanceStateName.fromValue(Responses.stateName(i)))
                .orElse(InstanceStateName.TERMINATED);
        if (state == InstanceStateName.TERMINATED) {
            blockers.add(new Blocker("WORKER_NOT_FOUND", "Worker " + workerId + " does not exist.",
                    "Name a running instance in " + src.availabilityZone() + ", or let pv2hvm launch one."));
            return;
        }
        String az = Responses.availabilityZone(worker.get());
        if (!src.availabilityZone().equals(az)) {
            blockers.add(new Blocker("WORKER_OTHER_AZ", "Worker " + workerId + " is in " + az + " but " + src.instanceId()
                    + " is in " + src.availabilityZone() + "; EBS volumes attach only within one zone.",
                    "Use a worker in " + src.availabilityZone() + ", or let pv2hvm launch one."));
        }
        if (state != InstanceStateName.RUNNING) {
            blockers.add(new Blocker("WORKER_NOT_RUNNING", "Worker " + workerId + " is " + state + ".",
                    "Start it, or let pv2hvm launch one."));
        }
    }

    /**
     * A launched worker reached over SSM needs credentials for its agent: an instance profile,
     * or the account's Default Host Management Configuration (DHMC). Without a profile, DHMC must
     * be on; when ssm:GetServiceSetting is denied, the blocker says so.
     */
    private void checkSsmAccess(List<Blocker> blockers) {
        String dhmc;
        try {
            dhmc = aws.ec2().calls().call(SsmAction.GET_SERVICE_SETTING, () -> aws.ssm().getServiceSetting(
                    r -> r.settingId(DHMC_SETTING))).serviceSetting().settingValue();
        } catch (AwsCallException e) {
            if (!e.isPermissionDenied() && !"ServiceSettingNotFound".equals(e.errorCode())) {
                throw e;
            }
            dhmc = e.isPermissionDenied() ? null : "$None";
        }
        if (dhmc != null && !dhmc.isBlank() && !"$None".equals(dhmc)) {
            return;
        }
        String why = dhmc == null
                ? " pv2hvm could not tell whether Default Host Management Configuration is on: these credentials may"
                        + " not call " + SsmAction.GET_SERVICE_SETTING.iamAction() + "."
                : " Default Host Management Configuration is off in this account and region.";
        blockers.add(new Blocker("WORKER_INSTANCE_PROFILE", "The worker pv2hvm launches is reached over SSM, but it"
                + " would get no instance profile, so its SSM agent could never register." + why,
                "Create an instance profile whose role trusts ec2.amazonaws.com and has the AWS managed policy"
                + " AmazonSSMManagedInstanceCore (aws iam create-role --role-name pv2hvm-worker"
                + " --assume-role-policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}';"
                + " aws iam attach-role-policy --role-name pv2hvm-worker --policy-arn"
                + " arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore; aws iam create-instance-profile"
                + " --instance-profile-name pv2hvm-worker; aws iam add-role-to-instance-profile"
                + " --instance-profile-name pv2hvm-worker --role-name pv2hvm-worker) and pass it:"
                + " AwsSteps.builder().workerInstanceProfile(\"pv2hvm-worker\") or --worker-profile pv2hvm-worker"
                + " (your credentials need iam:PassRole on the role). Or turn on Default Host Management"
                + " Configuration (Systems Manager > Fleet Manager > Account management"
                + (dhmc == null ? "; and grant " + SsmAction.GET_SERVICE_SETTING.iamAction() + " so pv2hvm can see it" : "") + "). Or reach the"
                + " worker over SSH (AwsSteps.builder().workerTransport(...)), or name your own worker (withWorker)."));
    }

    /** DryRun probes of the mutating calls the migration will make; DryRunOperation means allowed. */
    private void checkPermissions(SourceInstance src, MigrationOptions spec, List<Blocker> blockers) {
        Ec2Resources ec2 = aws.ec2();
        // Tagged on create like the real calls: a least-privilege policy allows creating only tagged resources.
        probe(blockers, () -> ec2.createSnapshot(r -> r.volumeId(src.rootVolume().volumeId())
                .tagSpecifications(probeTags(ResourceType.SNAPSHOT)).dryRun(true)));
        // These two name no resource of the source, only its zone or VPC: the same request, so the
        // same answer, for every migration of a fleet there (one account's credentials): probed once.
        probeOnce(Ec2Action.CREATE_VOLUME.awsName() + " in " + src.availabilityZone(), blockers, () -> ec2.createVolume(r -> r
                .availabilityZone(src.availabilityZone()).size(1).tagSpecifications(probeTags(ResourceType.VOLUME))
                .dryRun(true)));
        probeOnce(Ec2Action.CREATE_SECURITY_GROUP.awsName() + " in " + src.vpcId(), blockers, () -> ec2.createSecurityGroup(r -> r
                .groupName("pv2hvm-trial-probe").description("pv2hvm permission probe").vpcId(src.vpcId())
                .tagSpecifications(probeTags(ResourceType.SECURITY_GROUP)).dryRun(true)));
        if (stateOf(src) == InstanceStateName.RUNNING) {
            probe(blockers, () -> ec2.stopInstances(r -> r.instanceIds(src.instanceId()).dryRun(true)));
        }
        if (spec.preservingIps()) {
            probe(blockers, () -> ec2.terminateInstances(r -> r.instanceIds(src.instanceId())
                    .dryRun(true)));
        }
    }

    /** The tags of a dry-run probe: nothing is created, so the migration id only has to be present. */
    private static TagSpecification probeTags(ResourceType type) {
        return TagSpecification.builder().resourceType(type).tags(Tag.builder().key(Tags.MIGRATION_ID)
                .value("preflight-probe").build(), Tag.builder().key(Tags.ROLE).value("preflight-probe").build()).build();
    }

    /** {@link #probe} whose answer the fleet keeps under {@code key}: a request every migration there makes alike. */
    private void probeOnce(String key, List<Blocker> blockers, Runnable dryRun) {
        List<Blocker> found = aws.ec2().reads().once("DryRun " + key, () -> {
            List<Blocker> denied = new ArrayList<>();
            probe(denied, dryRun);
            return List.copyOf(denied);
        });
        blockers.addAll(found);
    }

    /** Runs {@code dryRun}, a typed operation of {@link Ec2Resources} (counted and translated there). */
    private void probe(List<Blocker> blockers, Runnable dryRun) {
        try {
            dryRun.run();
        } catch (AwsCallException e) {
            if (e.isPermissionDenied()) {
                blockers.add(permission(e));
            }
            // DryRunOperation means "would have succeeded"; other answers are not about permissions.
        }
    }

    /** The source's state as preflight read it; a state newer than this SDK reads as UNKNOWN_TO_SDK_VERSION. */
    private static InstanceStateName stateOf(SourceInstance src) {
        return InstanceStateName.fromValue(src.state());
    }

    private static Blocker permission(AwsCallException e) {
        return new Blocker("MISSING_PERMISSION", "These credentials may not call " + e.action() + ".", "Grant "
                + e.action() + " (`pv2hvm iam-policy` prints the least-privilege policy).");
    }

    private static <T> Optional<T> readOnly(List<Blocker> blockers, Supplier<T> read) {
        try {
            return Optional.ofNullable(read.get());
        } catch (AwsCallException e) {
            if (e.isPermissionDenied()) {
                blockers.add(permission(e));
                return Optional.empty();
            }
            throw e;
        }
    }

    private static List<String> ipsOf(SourceInstance src) {
        List<String> ips = new ArrayList<>(src.privateIps());
        src.elasticIps().forEach(e -> ips.add(e.publicIp()));
        return ips;
    }
}
