package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.Filter;
import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.ImageRecord;
import io.pv2hvm.testkit.internal.model.InstanceRecord;
import io.pv2hvm.testkit.internal.model.SnapshotRecord;
import io.pv2hvm.testkit.internal.model.VolumeRecord;
import io.pv2hvm.testkit.internal.model.ImageState;
import io.pv2hvm.testkit.internal.model.InstanceState;
import io.pv2hvm.testkit.internal.model.SnapshotState;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** AMIs: CreateImage, RegisterImage, DescribeImages, DeregisterImage. */
final class ImageActions {

    private final Ec2Model m;

    ImageActions(Ec2Model model) {
        this.m = model;
    }

    void register(Map<String, Ec2Action> actions) {
        actions.put("CreateImage", this::createImage);
        actions.put("RegisterImage", this::registerImage);
        actions.put("DescribeImages", this::describeImages);
        actions.put("DeregisterImage", this::deregisterImage);
    }

    private void checkName(String name) {
        // Names are 3-128 characters and unique per account and Region
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RegisterImage.html).
        // Valid characters: letters, numbers, ( ) [ ] space . / - ' @ _ (same page).
        if (name.length() < 3 || name.length() > 128 || !name.matches("[A-Za-z0-9()\\[\\] ./'@_-]+")) {
            throw new Ec2Exception("InvalidAMIName.Malformed", "AMI name '" + name + "' is malformed: names are 3 to 128"
                    + " characters of letters, numbers, spaces and ( ) [ ] . / - ' @ _");
        }
        for (ImageRecord i : m.images()) {
            if (name.equals(i.name) && i.state() != ImageState.DEREGISTERED && i.ownerId.equals(Ec2Model.ACCOUNT_ID)) {
                throw new Ec2Exception("InvalidAMIName.Duplicate", "AMI name " + name + " is already in use by AMI " + i.id);
            }
        }
    }

    /**
     * CreateImage snapshots every attached EBS volume; the AMI copies the instance's
     * virtualization type, architecture, kernel and root device, and becomes available after
     * its snapshots complete (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateImage.html).
     */
    private void createImage(QueryParams p, XmlWriter out) {
        InstanceRecord i = m.instance(p.required("InstanceId"));
        String name = p.required("Name");
        if (i.state() != InstanceState.RUNNING && i.state() != InstanceState.STOPPED) {
            throw Ec2Exception.incorrectInstanceState("Instance '" + i.id + "' is not in a state from which an image can be created (state: " + i.state() + ")");
        }
        checkName(name);
        ImageRecord img = new ImageRecord();
        img.id = m.ids().next("ami");
        img.name = name;
        img.description = p.get("Description");
        img.architecture = i.architecture;
        img.virtualizationType = i.virtualizationType;
        img.rootDeviceName = i.rootDeviceName;
        img.kernelId = i.kernelId;
        img.ramdiskId = i.ramdiskId;
        img.enaSupport = i.enaSupport;
        img.sriovNetSupport = i.sriovNetSupport;
        img.productCodes.addAll(i.productCodes);
        img.creationDate = m.now();
        img.createdAt = m.now();
        img.sourceInstanceId = i.id;
        img.ssmAgent = i.ssmAgent;
        Instant lastDone = m.now();
        for (VolumeRecord v : m.volumesOf(i.id)) {
            SnapshotRecord s = m.newSnapshot(v, "Created by CreateImage(" + i.id + ") for " + img.id, false);
            m.putTags(s.id(), TagSpecifications.forType(p, "snapshot"));
            if (s.completeAt().isAfter(lastDone)) {
                lastDone = s.completeAt();
            }
            img.blockDevices.add(new ImageRecord.BlockDevice(v.device(), null, s.id(), v.sizeGiB(), v.deleteOnTermination(), v.volumeType(), false));
        }
        int n = 0;
        for (String dev : i.instanceStoreDevices) {
            img.blockDevices.add(new ImageRecord.BlockDevice(dev, "ephemeral" + n++, null, null, null, null, false));
        }
        m.addImage(img);
        m.putTags(img.id, TagSpecifications.forType(p, "image"));
        Duration untilSnapshots = Duration.between(m.now(), lastDone);
        m.afterScaled(untilSnapshots.plus(m.latency().scaled(m.latency().imageCreation())), img::availableIfPending);
        out.text("imageId", img.id);
    }

    /**
     * RegisterImage defaults are traps: VirtualizationType defaults to paravirtual and
     * Architecture to i386 for EBS-backed AMIs
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RegisterImage.html).
     */
    private void registerImage(QueryParams p, XmlWriter out) {
        String name = p.required("Name");
        checkName(name);
        String virt = p.get("VirtualizationType", "paravirtual");
        if (!Set.of("paravirtual", "hvm").contains(virt)) {
            throw Ec2Exception.invalidParameterValue("Value (" + virt + ") for parameter virtualizationType is invalid.");
        }
        String arch = p.get("Architecture", "i386");
        if (!Set.of("i386", "x86_64", "arm64").contains(arch)) {
            throw Ec2Exception.invalidParameterValue("Value (" + arch + ") for parameter architecture is invalid.");
        }
        if (p.has("ImageLocation") && !p.has("RootDeviceName")) {
            throw new Ec2Exception("UnsupportedOperation", "Instance store-backed AMIs from S3 manifests are not emulated");
        }
        String root = p.get("RootDeviceName");
        if (root == null) {
            throw Ec2Exception.missingParameter("rootDeviceName");
        }
        if (virt.equals("hvm") && p.has("KernelId")) {
            throw Ec2Exception.combination("Kernel ids are only valid for paravirtual images");
        }
        // HVM root devices are /dev/sda1 or /dev/xvda
        // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/device_naming.html).
        if (virt.equals("hvm") && !Set.of("/dev/sda1", "/dev/xvda").contains(root)) {
            throw Ec2Exception.invalidParameterValue("Value (" + root + ") for parameter rootDeviceName is invalid: an hvm"
                    + " image's root device is /dev/sda1 or /dev/xvda.");
        }
        // SriovNetSupport takes only "simple"; BootMode legacy-bios, uefi or uefi-preferred, and
        // UEFI needs hvm (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RegisterImage.html,
        // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/boot-modes.html).
        if (p.has("SriovNetSupport") && !p.get("SriovNetSupport").equals("simple")) {
            throw Ec2Exception.invalidParameterValue("Value (" + p.get("SriovNetSupport") + ") for parameter sriovNetSupport is"
                    + " invalid. The only valid value is 'simple'.");
        }
        if (p.has("BootMode") && !Set.of("legacy-bios", "uefi", "uefi-preferred").contains(p.get("BootMode"))) {
            throw Ec2Exception.invalidParameterValue("Value (" + p.get("BootMode") + ") for parameter bootMode is invalid."
                    + " Expected legacy-bios, uefi or uefi-preferred.");
        }
        if (p.has("BootMode") && p.get("BootMode").startsWith("uefi") && !virt.equals("hvm")) {
            throw Ec2Exception.combination("Boot mode " + p.get("BootMode") + " requires an hvm image.");
        }
        ImageRecord img = new ImageRecord();
        img.id = m.ids().next("ami");
        img.name = name;
        img.description = p.get("Description");
        img.architecture = arch;
        img.virtualizationType = virt;
        img.rootDeviceName = root;
        img.kernelId = p.get("KernelId");
        img.ramdiskId = p.get("RamdiskId");
        img.enaSupport = p.bool("EnaSupport", false);
        img.sriovNetSupport = p.get("SriovNetSupport");
        img.bootMode = p.get("BootMode");
        img.creationDate = m.now();
        img.createdAt = m.now();
        int ephemeral = 0;
        for (QueryParams b : p.structs("BlockDeviceMapping")) {
            String dev = b.required("DeviceName");
            if (b.has("VirtualName")) {
                img.blockDevices.add(new ImageRecord.BlockDevice(dev, b.get("VirtualName"), null, null, null, null, false));
                ephemeral++;
                continue;
            }
            if (b.has("NoDevice")) {
                img.blockDevices.add(new ImageRecord.BlockDevice(dev, null, null, null, null, null, true));
                continue;
            }
            QueryParams ebs = b.struct("Ebs");
            String snapId = ebs.get("SnapshotId");
            Integer size = ebs.integer("VolumeSize");
            // An image's volumes take their encryption and key from its snapshots: KmsKeyId is taken
            // only by RunInstances and Spot requests, and an encrypted snapshot stays encrypted
            // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EbsBlockDevice.html).
            if (ebs.has("KmsKeyId")) {
                throw new Ec2Exception("InvalidParameterCombination", "KmsKeyId is not supported in a block device"
                        + " mapping of RegisterImage (" + dev + "); only RunInstances and Spot requests take it.");
            }
            if (snapId != null && ebs.has("Encrypted") && !ebs.bool("Encrypted", true) && m.snapshot(snapId).encrypted()) {
                throw new Ec2Exception("InvalidParameterCombination", "Snapshot " + snapId + " is encrypted: the volumes"
                        + " of " + dev + " cannot be unencrypted.");
            }
            if (snapId != null) {
                SnapshotRecord s = m.snapshot(snapId);
                if (s.state() != SnapshotState.COMPLETED) {
                    throw new Ec2Exception("IncorrectState", "Snapshot '" + snapId + "' is not 'completed'");
                }
                if (size != null && size < s.sizeGiB()) {
                    throw new Ec2Exception("InvalidBlockDeviceMapping", "Volume of size " + size + "GB is smaller than snapshot '"
                            + snapId + "', expect size >= " + s.sizeGiB() + "GB");
                }
                if (size == null) {
                    size = s.sizeGiB();
                }
                img.productCodes.addAll(s.productCodes().stream().filter(c -> !img.productCodes.contains(c)).toList());
            } else if (size == null) {
                throw new Ec2Exception("InvalidBlockDeviceMapping", "The device '" + dev + "' needs a snapshot id or a volume size");
            }
            img.blockDevices.add(new ImageRecord.BlockDevice(dev, null, snapId, size,
                    ebs.bool("DeleteOnTermination", true), ebs.get("VolumeType", "gp2"), false));
        }
        ImageRecord.BlockDevice rootDevice = img.rootDevice();
        if (rootDevice == null || rootDevice.snapshotId() == null) {
            throw new Ec2Exception("InvalidBlockDeviceMapping", "The root device " + root + " must map to a snapshot");
        }
        m.addImage(img);
        m.putTags(img.id, TagSpecifications.forType(p, "image"));
        // An injected failure: the image is registered (an id, "pending") and then ends "failed",
        // as a registration can (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html, State).
        boolean fails = m.takeImageRegistrationFailure(name);
        m.after(m.latency().imageRegistration(), () -> img.registrationFinished(fails));
        out.text("imageId", img.id);
    }

    private void describeImages(QueryParams p, XmlWriter out) {
        List<ImageRecord> selected = new ArrayList<>();
        List<String> ids = p.list("ImageId");
        List<String> owners = p.list("Owner");
        if (!ids.isEmpty()) {
            for (String id : ids) {
                selected.add(m.image(id));
            }
        } else {
            m.images().stream().filter(i -> i.state() != ImageState.DEREGISTERED && m.visible(i.createdAt)).forEach(selected::add);
        }
        if (!owners.isEmpty()) {
            selected.removeIf(i -> !(owners.contains(i.ownerId) || (owners.contains("self") && i.ownerId.equals(Ec2Model.ACCOUNT_ID))
                    || (owners.contains("amazon") && i.ownerId.equals("137112412989"))));
        } else if (ids.isEmpty()) {
            // Without owners or ids only images the account can launch: its own and public ones.
            selected.removeIf(i -> !i.isPublic && !i.ownerId.equals(Ec2Model.ACCOUNT_ID));
        }
        List<Filter> filters = p.filters();
        selected.removeIf(i -> !Filters.matches(filters, m.tagsOf(i.id), name -> switch (name) {
            case "image-id" -> Filters.of(i.id);
            case "name" -> Filters.of(i.name);
            case "state" -> Filters.of(i.state().wire());
            case "architecture" -> Filters.of(i.architecture);
            case "virtualization-type" -> Filters.of(i.virtualizationType);
            case "owner-id" -> Filters.of(i.ownerId);
            case "is-public" -> Filters.of(i.isPublic);
            case "root-device-type" -> Filters.of(i.imageType.equals("machine") ? "ebs" : "instance-store");
            case "image-type" -> Filters.of(i.imageType);
            case "manifest-location" -> Filters.of(i.imageLocation);
            case "root-device-name" -> Filters.of(i.rootDeviceName);
            case "kernel-id" -> Filters.of(i.kernelId);
            case "ena-support" -> Filters.of(i.enaSupport);
            case "product-code" -> i.productCodes;
            case "block-device-mapping.snapshot-id" -> i.blockDevices.stream().map(ImageRecord.BlockDevice::snapshotId).filter(s -> s != null).toList();
            default -> null;
        }));
        Pages.Page<ImageRecord> page = Pages.of(selected, p, 5, 1000);
        out.items("imagesSet", page.items(), i -> image(out, i));
        out.text("nextToken", page.nextToken());
    }

    private void image(XmlWriter out, ImageRecord i) {
        boolean machine = i.imageType.equals("machine");
        out.text("imageId", i.id).text("imageLocation", i.imageLocation != null ? i.imageLocation : i.ownerId + "/" + i.name)
                .text("imageState", i.state().wire())
                .text("imageOwnerId", i.ownerId).text("creationDate", i.creationDate).text("isPublic", i.isPublic);
        out.items("productCodes", i.productCodes, c -> out.text("productCode", c).text("type", "marketplace"));
        out.text("architecture", i.architecture).text("imageType", i.imageType).text("kernelId", i.kernelId)
                .text("ramdiskId", i.ramdiskId).text("name", i.name).text("description", i.description)
                .text("rootDeviceType", machine ? "ebs" : "instance-store").text("rootDeviceName", i.rootDeviceName);
        out.items("blockDeviceMapping", i.blockDevices, b -> {
            out.text("deviceName", b.deviceName()).text("virtualName", b.virtualName());
            if (b.noDevice()) {
                out.text("noDevice", "");
            } else if (b.virtualName() == null) {
                out.start("ebs").text("snapshotId", b.snapshotId()).text("volumeSize", b.volumeSize())
                        .text("deleteOnTermination", b.deleteOnTermination()).text("volumeType", b.volumeType())
                        .text("encrypted", b.snapshotId() != null && m.findSnapshot(b.snapshotId()).map(s -> s.encrypted()).orElse(false)).end();
            }
        });
        out.text("virtualizationType", i.virtualizationType);
        out.tags(m.tagsOf(i.id));
        out.text("hypervisor", "xen").text("enaSupport", i.enaSupport).text("sriovNetSupport", i.sriovNetSupport)
                .text("bootMode", i.bootMode).text("platformDetails", "Linux/UNIX").text("usageOperation", "RunInstances");
        if (i.state() == ImageState.FAILED) {
            out.start("stateReason").text("code", "Server.InternalError").text("message", "image creation failed").end();
        }
    }

    private void deregisterImage(QueryParams p, XmlWriter out) {
        ImageRecord i = m.image(p.required("ImageId"));
        if (!i.ownerId.equals(Ec2Model.ACCOUNT_ID)) {
            throw new Ec2Exception("AuthFailure", "Not authorized for image:" + i.id);
        }
        // Deregistering keeps the snapshots (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/deregister-ami.html).
        i.deregister();
        out.text("return", true);
    }
}
