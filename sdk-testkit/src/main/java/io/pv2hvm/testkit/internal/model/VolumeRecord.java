package io.pv2hvm.testkit.internal.model;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Mutable state of one EBS volume; guarded by the model lock. */
public final class VolumeRecord {
    public String id;
    public int sizeGiB;
    public String snapshotId;
    public String availabilityZone;
    /** creating | available | in-use | deleting | deleted | error. */
    public String state = "creating";
    public String volumeType = "gp2";
    public Integer iops;
    public boolean encrypted;
    public Instant createTime;
    public Instant createdAt;
    public List<String> productCodes = new ArrayList<>();
    public Path diskImage;
    public long generation;
    // The single attachment, when attached or attaching/detaching.
    public String attachedInstanceId;
    public String device;
    /** attaching | attached | detaching. */
    public String attachState;
    public Instant attachTime;
    public boolean deleteOnTermination;
}
