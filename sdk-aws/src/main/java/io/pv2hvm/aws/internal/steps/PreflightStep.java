package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.aws.AwsCallException;
import io.pv2hvm.aws.internal.AwsRuntime;
import io.pv2hvm.aws.internal.FactKeys;
import io.pv2hvm.aws.internal.InstanceTypeSuccessors;
import io.pv2hvm.aws.internal.SourceInstance;
import io.pv2hvm.aws.internal.SourceInstanceReader;
import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.Facts;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.internal.Json;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Read-only checks before anything changes. Every blocker is collected and reported at once,
 * each with its fix; only describe calls and DryRun permission probes are made.
 */
public final class PreflightStep implements Step {
    private final AwsRuntime aws;
    private final boolean dryRunPermissionChecks;

    public PreflightStep(AwsRuntime aws, boolean dryRunPermissionChecks) {
        this.aws = aws;
        this.dryRunPermissionChecks = dryRunPermissionChecks;
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
        MigrationSpec spec = ctx.spec();
        String id = spec.instanceId();
        List<Blocker> blockers = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        Optional<SourceInstance> found = readOnly(blockers, () ->
                new SourceInstanceReader(aws.ec2().ec2(), aws.ec2().calls()).read(id)).flatMap(o -> o);
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
                    + " virtualization.", "Nothing to migrate; to change its type use ModifyInstanceAttribute."));
        }
        if (!"ebs".equals(src.rootDeviceType())) {
            blockers.add(new Blocker("INSTANCE_STORE_ROOT", id + " boots from an instance-store root, which cannot be"
                    + " snapshotted.", "Convert it to an EBS-backed instance first (copy the root filesystem to an"
                    + " EBS volume and register an EBS-backed AMI), then migrate that."));
        }
        if (!"running".equals(src.state()) && !"stopped".equals(src.state())) {
            blockers.add(new Blocker("SOURCE_STATE", id + " is " + src.state() + ".", "Migrate an instance that is"
                    + " running or stopped; wait for it to settle, or pick another instance."));
        }
        if ("i386".equals(src.architecture())) {
            blockers.add(new Blocker("ARCHITECTURE_I386", id + " runs a 32-bit (i386) guest; current HVM types are"
                    + " 64-bit only.", "Install a 64-bit kernel and userland in the guest first."));
        }
        if (!src.instanceStoreDevices().isEmpty() && !spec.acceptInstanceStoreLoss()) {
            blockers.add(new Blocker("INSTANCE_STORE_DATA", id + " has instance-store volumes "
                    + src.instanceStoreDevices() + "; their data does not survive a migration.",
                    "Copy what you need to EBS, then rerun with acceptingInstanceStoreLoss()."));
        }
        if (spec.preserveIps() && src.terminationProtection()) {
            blockers.add(new Blocker("TERMINATION_PROTECTION", id + " has termination protection; keeping its IPs"
                    + " requires terminating it after the backup image exists.", "Disable it (aws ec2"
                    + " modify-instance-attribute --instance-id " + id + " --no-disable-api-termination); the new"
                    + " instance gets it back. Or migrate without preservingIps()."));
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
                        + spec.worker().instanceId().get() + ".", "Let pv2hvm launch the worker (drop usingWorker),"
                        + " or stop the worker yourself and name it again."));
            } else {
                warnings.add("Root volume " + src.rootVolume().volumeId() + " has Marketplace product codes "
                        + src.rootVolume().productCodes() + ": its copies are attached while the worker is stopped,"
                        + " and the new image keeps the codes.");
            }
        }
        spec.worker().instanceId().ifPresent(w -> checkWorker(w, src, blockers));
        Target target = targetType(spec, src, blockers, warnings);
        if (dryRunPermissionChecks && src.rootVolumeIfAny().isPresent()) {
            checkPermissions(src, spec, blockers);
        }
        if (!blockers.isEmpty()) {
            throw new PreflightException(id, blockers);
        }
        warnings.forEach(ctx::warn);
        ctx.putFact(FactKeys.SOURCE, Json.write(src));
        ctx.putFact(Facts.IPS_BEFORE, String.join(",", ipsOf(src)));
        ctx.putFact(Facts.VIRTUALIZATION_BEFORE, src.virtualizationType());
        ctx.putFact(Facts.TARGET_INSTANCE_TYPE, target.type());
        target.info().ifPresent(t -> {
            ctx.putFact(FactKeys.TARGET_NITRO, Boolean.toString("nitro".equals(t.hypervisorAsString())));
            ctx.putFact(FactKeys.TARGET_ENA_REQUIRED, Boolean.toString(t.networkInfo() != null
                    && "required".equals(t.networkInfo().enaSupportAsString())));
        });
    }

    /** The chosen target type and what EC2 says about it. */
    private record Target(String type, Optional<InstanceTypeInfo> info) {
    }

    private Target targetType(MigrationSpec spec, SourceInstance src, List<Blocker> blockers, List<String> warnings) {
        String wanted = spec.instanceType().orElse(src.instanceType());
        Optional<InstanceTypeInfo> info = describeType(wanted, blockers);
        if (info.isEmpty()) {
            if (spec.instanceType().isPresent() && blockers.isEmpty()) {
                blockers.add(new Blocker("UNKNOWN_INSTANCE_TYPE", "Instance type " + wanted + " does not exist in"
                        + " this region.", "Pick a type from aws ec2 describe-instance-types."));
            }
            return new Target(wanted, info);
        }
        if (!info.get().supportedVirtualizationTypesAsStrings().contains("hvm")
                || InstanceTypeSuccessors.refusesLinuxHvm(wanted)) {
            if (spec.instanceType().isPresent()) {
                blockers.add(new Blocker("TARGET_TYPE_PV_ONLY", "Instance type " + wanted + " runs paravirtual"
                        + " Linux guests only (EC2 refuses Linux HVM AMIs on t1, m1, m2 and c1).", "Choose an HVM"
                        + " type, e.g. " + InstanceTypeSuccessors.of(wanted).orElse("m5.large") + "."));
                return new Target(wanted, info);
            }
            Optional<String> successor = InstanceTypeSuccessors.of(wanted);
            if (successor.isEmpty()) {
                blockers.add(new Blocker("NO_HVM_TYPE", wanted + " cannot run HVM and has no documented successor.",
                        "Name the target with withInstanceType(...)."));
                return new Target(wanted, info);
            }
            warnings.add(wanted + " cannot run Linux HVM; the new instance will be " + successor.get() + " (its documented"
                    + " successor). Choose another with withInstanceType(...).");
            info = describeType(successor.get(), blockers);
            wanted = successor.get();
        }
        return new Target(wanted, info);
    }

    private Optional<InstanceTypeInfo> describeType(String type, List<Blocker> blockers) {
        try {
            return aws.ec2().calls().call("DescribeInstanceTypes", () -> aws.ec2().ec2()
                    .describeInstanceTypes(r -> r.instanceTypesWithStrings(type))).instanceTypes().stream().findFirst();
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

    private void checkWorker(String workerId, SourceInstance src, List<Blocker> blockers) {
        Optional<Instance> worker = aws.ec2().instance(workerId);
        if (worker.isEmpty() || "terminated".equals(worker.get().state().nameAsString())) {
            blockers.add(new Blocker("WORKER_NOT_FOUND", "Worker " + workerId + " does not exist.",
                    "Name a running instance in " + src.availabilityZone() + ", or let pv2hvm launch one."));
            return;
        }
        String az = worker.get().placement().availabilityZone();
        if (!src.availabilityZone().equals(az)) {
            blockers.add(new Blocker("WORKER_OTHER_AZ", "Worker " + workerId + " is in " + az + " but " + src.instanceId()
                    + " is in " + src.availabilityZone() + "; EBS volumes attach only within one zone.",
                    "Use a worker in " + src.availabilityZone() + ", or let pv2hvm launch one."));
        }
        if (!"running".equals(worker.get().state().nameAsString())) {
            blockers.add(new Blocker("WORKER_NOT_RUNNING", "Worker " + workerId + " is "
                    + worker.get().state().nameAsString() + ".", "Start it, or let pv2hvm launch one."));
        }
    }

    /** DryRun probes of the mutating calls the migration will make; DryRunOperation means allowed. */
    private void checkPermissions(SourceInstance src, MigrationSpec spec, List<Blocker> blockers) {
        var ec2 = aws.ec2().ec2();
        probe("CreateSnapshot", blockers, () -> ec2.createSnapshot(r -> r.volumeId(src.rootVolume().volumeId())
                .dryRun(true)));
        probe("CreateVolume", blockers, () -> ec2.createVolume(r -> r.availabilityZone(src.availabilityZone())
                .size(1).dryRun(true)));
        if ("running".equals(src.state())) {
            probe("StopInstances", blockers, () -> ec2.stopInstances(r -> r.instanceIds(src.instanceId()).dryRun(true)));
        }
        if (spec.preserveIps()) {
            probe("TerminateInstances", blockers, () -> ec2.terminateInstances(r -> r.instanceIds(src.instanceId())
                    .dryRun(true)));
        }
    }

    private void probe(String action, List<Blocker> blockers, Runnable dryRun) {
        try {
            aws.ec2().calls().call(action, () -> {
                dryRun.run();
                return null;
            });
        } catch (AwsCallException e) {
            if (e.isPermissionDenied()) {
                blockers.add(permission(e));
            }
            // DryRunOperation means "would have succeeded"; other answers are not about permissions.
        }
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
