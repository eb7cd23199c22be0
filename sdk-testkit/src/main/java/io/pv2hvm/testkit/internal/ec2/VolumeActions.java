package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.model.AttachmentState;
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
import io.pv2hvm.testkit.internal.model.VolumeState;
import io.pv2hvm.testkit.internal.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** EBS volumes and snapshots. */
final class VolumeActions {

    /** At most five pending snapshots per volume: ConcurrentSnapshotLimitExceeded (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). */
    private static final int MAX_PENDING_SNAPSHOTS = 5;

    private final Ec2Model m;

    VolumeActions(Ec2Model model) {
        this.m = model;
    }

    void register(Map<String, Ec2Action> actions) {
        actions.put("CreateVolume", this::createVolume);
        actions.put("DescribeVolumes", this::describeVolumes);
        actions.put("AttachVolume", this::attachVolume);
        actions.put("DetachVolume", this::detachVolume);
        actions.put("DeleteVolume", this::deleteVolume);
        actions.put("DescribeVolumeAttribute", this::describeVolumeAttribute);
        actions.put("CreateSnapshot", this::createSnapshot);
        actions.put("DescribeSnapshots", this::describeSnapshots);
        actions.put("DeleteSnapshot", this::deleteSnapshot);
    }

    /**
     * CreateVolume (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html):
     * size or snapshot required, never smaller than the snapshot; idempotent with ClientToken.
     */
    private void createVolume(QueryParams p, XmlWriter out) {
        List<String> replay = m.replayed("CreateVolume", p.get("ClientToken"), p.asMap());
        if (replay != null) {
            volume(out, m.findVolume(replay.get(0)).orElse(null));
            return;
        }
        String az = p.required("AvailabilityZone");
        if (m.subnets().stream().noneMatch(s -> s.availabilityZone().equals(az))) {
            throw Ec2Exception.invalidParameterValue("Invalid availability zone: [" + az + "]");
        }
        String snapId = p.get("SnapshotId");
        SnapshotRecord snap = snapId == null ? null : m.snapshot(snapId);
        if (snap != null && snap.state() != SnapshotState.COMPLETED) {
            throw new Ec2Exception("IncorrectState", "Snapshot '" + snapId + "' is not in the 'completed' state");
        }
        Integer size = p.integer("Size");
        if (size == null && snap == null) {
            throw Ec2Exception.missingParameter("size or snapshotId");
        }
        if (size != null && snap != null && size < snap.sizeGiB()) {
            throw Ec2Exception.invalidParameterValue("Volume of " + size + "GiB is smaller than snapshot '" + snapId
                    + "', expect size >= " + snap.sizeGiB() + "GiB");
        }
        if (size != null && (size < 1 || size > 16384)) {
            throw Ec2Exception.invalidParameterValue("Volume size must be between 1 and 16384 GiB: " + size);
        }
        String volumeType = p.get("VolumeType", "gp2");
        if (p.has("Throughput") && !"gp3".equals(volumeType)) {
            throw Ec2Exception.combination("The parameter throughput is not supported for " + volumeType + " volumes.");
        }
        if (p.has("KmsKeyId") && !p.bool("Encrypted", false)) {
            throw new Ec2Exception("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.");
        }
        VolumeRecord v = m.newVolume(az, size != null ? size : snap.sizeGiB(), snap, volumeType, false);
        v.provisioned(p.integer("Iops"), p.integer("Throughput"));
        // Encrypted=true without a key uses the account's aws/ebs key; a volume from an encrypted
        // snapshot stays encrypted, with the snapshot's key unless another is named
        // (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html#encryption-rules).
        if (p.bool("Encrypted", false) || v.encrypted()) {
            v.encryption(true, p.get("KmsKeyId", v.encrypted() ? v.kmsKeyId() : Ec2Model.DEFAULT_EBS_KMS_KEY));
        }
        m.putTags(v.id(), TagSpecifications.forType(p, "volume"));
        m.rememberToken("CreateVolume", p.get("ClientToken"), p.asMap(), List.of(v.id()));
        volume(out, v);
    }

    private void volume(XmlWriter out, VolumeRecord v) {
        out.text("volumeId", v.id()).text("size", v.sizeGiB()).text("snapshotId", v.snapshotId() == null ? "" : v.snapshotId())
                .text("availabilityZone", v.availabilityZone()).text("status", m.shownState(v.id(), v.state().wire()))
                .text("createTime", v.createTime());
        out.start("attachmentSet");
        if (v.attachedInstanceId() != null) {
            out.start("item").text("volumeId", v.id()).text("instanceId", v.attachedInstanceId()).text("device", v.device())
                    .text("status", v.attachState()).text("attachTime", v.attachTime())
                    .text("deleteOnTermination", v.deleteOnTermination()).end();
        }
        out.end();
        out.tags(m.tagsOf(v.id()));
        out.text("volumeType", v.volumeType()).text("iops", v.iops()).text("throughput", v.throughput())
                .text("encrypted", v.encrypted()).text("kmsKeyId", v.kmsKeyId())
                .text("multiAttachEnabled", false);
    }

    private void describeVolumes(QueryParams p, XmlWriter out) {
        List<VolumeRecord> selected = new ArrayList<>();
        List<String> ids = p.list("VolumeId");
        if (!ids.isEmpty()) {
            for (String id : ids) {
                selected.add(m.volume(id));
            }
        } else {
            m.volumes().stream().filter(v -> v.state() != VolumeState.DELETED && m.visible(v.createdAt())).forEach(selected::add);
        }
        List<Filter> filters = p.filters();
        selected.removeIf(v -> !Filters.matches(filters, m.tagsOf(v.id()), name -> switch (name) {
            case "volume-id" -> Filters.of(v.id());
            case "status" -> Filters.of(v.state().wire());
            case "availability-zone" -> Filters.of(v.availabilityZone());
            case "snapshot-id" -> Filters.of(v.snapshotId());
            case "size" -> Filters.of(v.sizeGiB());
            case "volume-type" -> Filters.of(v.volumeType());
            case "encrypted" -> Filters.of(v.encrypted());
            case "attachment.instance-id" -> Filters.of(v.attachedInstanceId());
            case "attachment.device" -> Filters.of(v.device());
            case "attachment.status" -> Filters.of(v.attachState());
            case "attachment.delete-on-termination" -> v.attachedInstanceId() == null ? List.of() : Filters.of(v.deleteOnTermination());
            default -> null;
        }));
        Pages.Page<VolumeRecord> page = Pages.capped(selected, p, 5, 500);
        out.items("volumeSet", page.items(), v -> volume(out, v));
        out.text("nextToken", page.nextToken());
    }

    /**
     * AttachVolume rules (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachVolume.html):
     * volume available and in the instance's AZ, instance running or stopped, device free, and a
     * volume with an AWS Marketplace product code only onto a stopped instance.
     */
    private void attachVolume(QueryParams p, XmlWriter out) {
        VolumeRecord v = m.volume(p.required("VolumeId"));
        InstanceRecord i = m.instance(p.required("InstanceId"));
        String device = p.required("Device");
        if (v.state() != VolumeState.AVAILABLE) {
            if (v.state() == VolumeState.IN_USE) {
                throw new Ec2Exception("VolumeInUse", v.id() + " is already attached to an instance");
            }
            throw new Ec2Exception("IncorrectState", "vol '" + v.id() + "' is not 'available'. Its state is '" + v.state() + "'.");
        }
        if (!v.availabilityZone().equals(i.availabilityZone)) {
            throw new Ec2Exception("InvalidVolume.ZoneMismatch", "The volume '" + v.id() + "' is not in the same availability zone as instance '" + i.id + "'");
        }
        if (i.state() != InstanceState.RUNNING && i.state() != InstanceState.STOPPED) {
            throw Ec2Exception.incorrectInstanceState("Instance '" + i.id + "' is not 'running'.");
        }
        if (!v.productCodes().isEmpty() && i.state() != InstanceState.STOPPED) {
            throw Ec2Exception.incorrectInstanceState("Cannot attach volume '" + v.id() + "' with Marketplace codes as the instance '"
                    + i.id + "' is not in the 'stopped' state.");
        }
        for (VolumeRecord other : m.volumesOf(i.id)) {
            if (device.equals(other.device())) {
                throw Ec2Exception.invalidParameterValue("Invalid value '" + device + "' for unixDevice. Attachment point " + device + " is already in use");
            }
        }
        if (i.instanceStoreDevices.contains(device)) {
            throw Ec2Exception.invalidParameterValue("Invalid value '" + device + "' for unixDevice. Attachment point " + device + " is already in use");
        }
        v.beginAttach(i.id, device, false, m.now());
        // Marketplace codes are copied from the volume to the instance.
        for (String code : v.productCodes()) {
            if (!i.productCodes.contains(code)) {
                i.productCodes.add(code);
            }
        }
        long gen = v.nextGeneration();
        m.after(m.latency().volumeAttaching(), () -> {
            if (v.generation() == gen) {
                v.attachCompleted();
            }
        });
        attachment(out, v, "attaching");
    }

    private void attachment(XmlWriter out, VolumeRecord v, String status) {
        out.text("volumeId", v.id()).text("instanceId", v.attachedInstanceId()).text("device", v.device())
                .text("status", status).text("attachTime", v.attachTime()).text("deleteOnTermination", v.deleteOnTermination());
    }

    private void detachVolume(QueryParams p, XmlWriter out) {
        VolumeRecord v = m.volume(p.required("VolumeId"));
        if (v.attachedInstanceId() == null) {
            throw new Ec2Exception("IncorrectState", "Volume '" + v.id() + "' is in the '" + v.state() + "' state.");
        }
        String instanceId = p.get("InstanceId");
        if (instanceId != null && !instanceId.equals(v.attachedInstanceId())) {
            throw new Ec2Exception("InvalidAttachment.NotFound", "Volume '" + v.id() + "' is not attached to instance '" + instanceId + "'");
        }
        InstanceRecord i = m.findInstance(v.attachedInstanceId()).orElse(null);
        // The root volume of an instance that is not stopped cannot be detached
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachVolume.html).
        if (v.device().equals(i.rootDeviceName) && i.state() != InstanceState.STOPPED) {
            throw new Ec2Exception("IncorrectState", "Unable to detach root volume '" + v.id() + "' from instance '" + i.id + "'");
        }
        if (v.attachState() == AttachmentState.DETACHING) {
            attachment(out, v, "detaching");
            return;
        }
        v.beginDetach();
        long gen = v.nextGeneration();
        attachment(out, v, "detaching");
        m.after(m.latency().volumeDetaching(), () -> {
            if (v.generation() == gen && v.attachState() == AttachmentState.DETACHING) {
                v.detached();
            }
        });
    }

    /** Only an available (detached) volume can be deleted (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVolume.html). */
    private void deleteVolume(QueryParams p, XmlWriter out) {
        VolumeRecord v = m.volume(p.required("VolumeId"));
        if (v.attachedInstanceId() != null || v.state() == VolumeState.IN_USE) {
            throw new Ec2Exception("VolumeInUse", "Volume " + v.id() + " is currently attached to " + v.attachedInstanceId());
        }
        if (v.state() == VolumeState.CREATING) {
            throw new Ec2Exception("IncorrectState", "The volume '" + v.id() + "' is 'creating'");
        }
        if (v.state() != VolumeState.DELETING) {
            v.beginDelete();
            m.after(m.latency().volumeDeleting(), v::deleted);
        }
        out.text("return", true);
    }

    private void describeVolumeAttribute(QueryParams p, XmlWriter out) {
        VolumeRecord v = m.volume(p.required("VolumeId"));
        String attr = p.required("Attribute");
        out.text("volumeId", v.id());
        switch (attr) {
            case "autoEnableIO" -> out.value("autoEnableIO", false);
            case "productCodes" -> out.items("productCodes", v.productCodes(), c -> out.text("productCode", c).text("type", "marketplace"));
            default -> throw Ec2Exception.invalidParameterValue("Value (" + attr + ") for parameter attribute is invalid.");
        }
    }

    /**
     * Snapshots are point-in-time and complete asynchronously with growing progress
     * (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-creating-snapshot.html).
     */
    private void createSnapshot(QueryParams p, XmlWriter out) {
        VolumeRecord v = m.volume(p.required("VolumeId"));
        if (v.state() == VolumeState.CREATING || v.state() == VolumeState.DELETING) {
            throw new Ec2Exception("IncorrectState", "The volume '" + v.id() + "' is in the '" + v.state() + "' state.");
        }
        long pending = m.snapshots().stream().filter(s -> s.volumeId() != null && s.volumeId().equals(v.id()) && s.state() == SnapshotState.PENDING).count();
        if (pending >= MAX_PENDING_SNAPSHOTS) {
            throw new Ec2Exception("ConcurrentSnapshotLimitExceeded", "Maximum number of concurrent snapshots reached for volume " + v.id());
        }
        SnapshotRecord s = m.newSnapshot(v, p.get("Description"), false);
        m.putTags(s.id(), TagSpecifications.forType(p, "snapshot"));
        snapshot(out, s);
    }

    private void snapshot(XmlWriter out, SnapshotRecord s) {
        out.text("snapshotId", s.id()).text("volumeId", s.volumeId() == null ? "vol-ffffffff" : s.volumeId())
                .text("status", s.state().wire()).text("startTime", s.startTime()).text("progress", s.progress(m.now()) + "%")
                .text("ownerId", s.ownerId()).text("volumeSize", s.sizeGiB()).text("description", s.description())
                .text("encrypted", s.encrypted()).text("kmsKeyId", s.kmsKeyId()).text("storageTier", "standard");
        out.tags(m.tagsOf(s.id()));
    }

    private void describeSnapshots(QueryParams p, XmlWriter out) {
        List<SnapshotRecord> selected = new ArrayList<>();
        List<String> ids = p.list("SnapshotId");
        if (!ids.isEmpty()) {
            for (String id : ids) {
                selected.add(m.snapshot(id));
            }
        } else {
            List<String> owners = p.list("Owner");
            m.snapshots().stream().filter(s -> m.visible(s.createdAt()))
                    .filter(s -> owners.isEmpty() ? s.ownerId().equals(Ec2Model.ACCOUNT_ID)
                            : owners.contains(s.ownerId()) || (owners.contains("self") && s.ownerId().equals(Ec2Model.ACCOUNT_ID)))
                    .forEach(selected::add);
        }
        List<Filter> filters = p.filters();
        selected.removeIf(s -> !Filters.matches(filters, m.tagsOf(s.id()), name -> switch (name) {
            case "snapshot-id" -> Filters.of(s.id());
            case "volume-id" -> Filters.of(s.volumeId());
            case "status" -> Filters.of(s.state().wire());
            case "owner-id" -> Filters.of(s.ownerId());
            case "description" -> Filters.of(s.description());
            case "progress" -> Filters.of(s.progress(m.now()) + "%");
            case "volume-size" -> Filters.of(s.sizeGiB());
            default -> null;
        }));
        Pages.Page<SnapshotRecord> page = Pages.capped(selected, p, 5, 1000);
        out.items("snapshotSet", page.items(), s -> snapshot(out, s));
        out.text("nextToken", page.nextToken());
    }

    /** A snapshot used by a registered AMI cannot be deleted (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSnapshot.html). */
    private void deleteSnapshot(QueryParams p, XmlWriter out) {
        SnapshotRecord s = m.snapshot(p.required("SnapshotId"));
        for (ImageRecord img : m.images()) {
            if (img.state() != ImageState.DEREGISTERED && img.blockDevices.stream().anyMatch(b -> s.id().equals(b.snapshotId()))) {
                throw new Ec2Exception("InvalidSnapshot.InUse", "The snapshot " + s.id() + " is currently in use by " + img.id);
            }
        }
        m.removeSnapshot(s.id());
        out.text("return", true);
    }
}
