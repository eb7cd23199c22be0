package io.pv2hvm.testkit.internal.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Mutable state of one AMI; guarded by the model lock. */
public final class ImageRecord {

    /** One block device mapping of an AMI. */
    public record BlockDevice(String deviceName, String virtualName, String snapshotId, Integer volumeSize,
                              Boolean deleteOnTermination, String volumeType, boolean noDevice) {
    }

    public String id;
    public String name;
    public String description;
    /** pending | available | failed | deregistered; changed only through the methods below. */
    private ImageState state = ImageState.PENDING;
    public String architecture;
    public String virtualizationType;
    public String rootDeviceName;
    public String kernelId;
    public String ramdiskId;
    public boolean enaSupport;
    public String sriovNetSupport;
    public String bootMode;
    public List<BlockDevice> blockDevices = new ArrayList<>();
    public List<String> productCodes = new ArrayList<>();
    public boolean isPublic;
    public String ownerId = Ec2Model.ACCOUNT_ID;
    public Instant creationDate;
    public Instant createdAt;
    public String sourceInstanceId;
    /** machine | kernel | ramdisk. */
    public String imageType = "machine";
    /** S3 manifest of instance-store images (kernels), else null. */
    public String imageLocation;
    /** Whether instances launched from this image run the SSM agent. */
    public boolean ssmAgent = true;

    public ImageState state() {
        return state;
    }

    /** The image is {@code available} (a seeded image). */
    public void available() {
        state = ImageState.AVAILABLE;
    }

    /** CreateImage's snapshots completed: a still {@code pending} image is {@code available}. */
    public void availableIfPending() {
        if (state == ImageState.PENDING) {
            state = ImageState.AVAILABLE;
        }
    }

    /** RegisterImage finished: a still {@code pending} image is {@code failed} or {@code available}. */
    public void registrationFinished(boolean failed) {
        if (state == ImageState.PENDING) {
            state = failed ? ImageState.FAILED : ImageState.AVAILABLE;
        }
    }

    /** DeregisterImage: the image is gone for new launches; its snapshots stay. */
    public void deregister() {
        state = ImageState.DEREGISTERED;
    }

    public BlockDevice rootDevice() {
        for (BlockDevice b : blockDevices) {
            if (b.deviceName().equals(rootDeviceName)) {
                return b;
            }
        }
        return null;
    }
}
