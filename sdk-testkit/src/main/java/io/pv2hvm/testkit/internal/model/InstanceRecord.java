package io.pv2hvm.testkit.internal.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Mutable state of one instance; guarded by the model lock. */
public final class InstanceRecord {
    public String id;
    public String reservationId;
    public String imageId;
    public String instanceType;
    public String subnetId;
    public String vpcId;
    public String availabilityZone;
    public String keyName;
    public String instanceProfileArn;
    public String kernelId;
    public String ramdiskId;
    public String architecture;
    public String virtualizationType;
    public String hypervisor;
    public String rootDeviceName;
    public String userData;
    public String clientToken;
    public InstanceState state = InstanceState.PENDING;
    public String stateReasonCode;
    public String stateReasonMessage;
    public String stateTransitionReason = "";
    public Instant launchTime;
    public Instant createdAt;
    /** When the instance last reached running; null while not running. */
    public Instant runningSince;
    public List<String> groupIds = new ArrayList<>();
    public String primaryEniId;
    public List<String> instanceStoreDevices = new ArrayList<>();
    /** Booted from an instance-store root (S3-backed AMI): no EBS root volume. */
    public boolean instanceStoreRoot;
    public boolean wantsAutoPublicIp;
    public String autoPublicIp;
    public boolean ebsOptimized;
    public boolean enaSupport;
    public boolean disableApiTermination;
    public boolean disableApiStop;
    public String sriovNetSupport;
    public String shutdownBehavior = "stop";
    // Instance metadata service options, with RunInstances' defaults for an AMI without ImdsSupport
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataOptionsRequest.html).
    public String httpTokens = "optional";
    public int httpPutResponseHopLimit = 1;
    public String httpEndpoint = "enabled";
    public String instanceMetadataTags = "disabled";
    /** standard | unlimited for burstable (T) types, null for others. */
    public String cpuCredits;
    /** Detailed monitoring. */
    public boolean monitoring;
    public String tenancy = "default";
    public String placementGroup;
    public List<String> productCodes = new ArrayList<>();
    /** Guards scheduled transitions: each state change bumps it, stale events do nothing. */
    public long generation;
    /** The whole console of the last finished boot; null while the guest is still booting. */
    public String consoleOutput;
    /** What the guest printed since its last boot, stage by stage, for GetConsoleOutput. */
    public List<ConsoleStage> consoleStages = new ArrayList<>();
    public Instant consoleTimestamp;
    public boolean bootHealthy = true;
    /** True once the SSM agent has been online at least once (to tell ConnectionLost from absent). */
    public boolean agentSeen;
    /** Whether the guest runs the SSM agent (old PV guests often do not). */
    public boolean ssmAgent = true;

    /** EC2's numeric code of the instance's state. */
    public int stateCode() {
        return state.code();
    }

    /** EC2's numeric code of an instance state name. */
    public static int codeOf(String state) {
        return WireValue.fromWire(InstanceState.class, state).code();
    }
}
