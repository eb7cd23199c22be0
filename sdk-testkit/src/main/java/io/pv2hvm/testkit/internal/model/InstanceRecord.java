package io.pv2hvm.testkit.internal.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
    // The lifecycle: changed only through the transitions below, so the state, its reasons,
    // runningSince and the generation change together.
    private InstanceState state = InstanceState.PENDING;
    private String stateReasonCode;
    private String stateReasonMessage;
    private String stateTransitionReason = "";
    public Instant launchTime;
    public Instant createdAt;
    /** When the instance last reached running; null while not running. */
    private Instant runningSince;
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
    private long generation;
    // The guest's console and health: changed only by the boot methods below.
    /** The whole console of the last finished boot; null while the guest is still booting. */
    private String consoleOutput;
    /** What the guest printed since its last boot, stage by stage, for GetConsoleOutput. */
    private final List<ConsoleStage> consoleStages = new ArrayList<>();
    private Instant consoleTimestamp;
    private boolean bootHealthy = true;
    /** True once the SSM agent has been online at least once (to tell ConnectionLost from absent). */
    private boolean agentSeen;
    /** Whether the guest runs the SSM agent (old PV guests often do not). */
    public boolean ssmAgent = true;

    // ------------------------------------------------------------ lifecycle

    /** Launched or started: {@code pending} in a new generation, which it returns. */
    public long beginPending() {
        generation++;
        state = InstanceState.PENDING;
        return generation;
    }

    /** Reached {@code running} at {@code now}: the reasons of an earlier stop are gone. */
    public void running(Instant now) {
        state = InstanceState.RUNNING;
        runningSince = now;
        stateReasonCode = null;
        stateReasonMessage = null;
        stateTransitionReason = "";
    }

    /** StopInstances: {@code stopping} in a new generation, which it returns. */
    public long beginStopping(Instant now) {
        generation++;
        state = InstanceState.STOPPING;
        userInitiatedShutdown(now);
        return generation;
    }

    public void stopped() {
        state = InstanceState.STOPPED;
    }

    /** A seeded instance its user stopped at {@code at}. */
    public void stoppedByUserAt(Instant at) {
        state = InstanceState.STOPPED;
        stateTransitionReason = "User initiated (" + at + ")";
    }

    /** StartInstances: the state reason of the last stop is cleared. */
    public void clearStateReason() {
        stateReasonCode = null;
        stateReasonMessage = null;
    }

    /** TerminateInstances: {@code shutting-down} in a new generation, which it returns. */
    public long beginShuttingDown(Instant now) {
        generation++;
        state = InstanceState.SHUTTING_DOWN;
        userInitiatedShutdown(now);
        return generation;
    }

    public void terminated() {
        state = InstanceState.TERMINATED;
    }

    private void userInitiatedShutdown(Instant now) {
        runningSince = null;
        stateTransitionReason = "User initiated (" + now + ")";
        stateReasonCode = "Client.UserInitiatedShutdown";
        stateReasonMessage = "Client.UserInitiatedShutdown: User initiated shutdown";
    }

    public InstanceState state() {
        return state;
    }

    public String stateReasonCode() {
        return stateReasonCode;
    }

    public String stateReasonMessage() {
        return stateReasonMessage;
    }

    public String stateTransitionReason() {
        return stateTransitionReason;
    }

    /** When the instance last reached running; null while not running. */
    public Instant runningSince() {
        return runningSince;
    }

    /** The current generation, to compare with the one a scheduled transition started in. */
    public long generation() {
        return generation;
    }

    // ------------------------------------------------------------ the guest's boot and console

    /** A boot without a boot hook starts: nothing printed yet, healthy until told otherwise. */
    public void bootStarted() {
        clearConsole();
        bootHealthy = true;
    }

    /** A new boot starts printing: the last boot's console is gone. */
    public void clearConsole() {
        consoleOutput = null;
        consoleStages.clear();
    }

    /** The guest printed {@code text} at {@code at}. */
    public void printed(Instant at, String text) {
        consoleStages.add(new ConsoleStage(at, text));
    }

    /** The boot finished at {@code at} with its whole {@code console}, healthy or not. */
    public void booted(String console, Instant at, boolean healthy) {
        consoleOutput = console;
        consoleTimestamp = at;
        bootHealthy = healthy;
    }

    /** RebootInstances: the console is stamped with the reboot's time. */
    public void rebooted(Instant at) {
        consoleTimestamp = at;
    }

    /** The SSM agent was seen online. */
    public void agentOnline() {
        agentSeen = true;
    }

    public String consoleOutput() {
        return consoleOutput;
    }

    /** Read-only view. */
    public List<ConsoleStage> consoleStages() {
        return Collections.unmodifiableList(consoleStages);
    }

    public Instant consoleTimestamp() {
        return consoleTimestamp;
    }

    public boolean bootHealthy() {
        return bootHealthy;
    }

    public boolean agentSeen() {
        return agentSeen;
    }

    /** EC2's numeric code of the instance's state. */
    public int stateCode() {
        return state.code();
    }

    /** EC2's numeric code of an instance state name. */
    public static int codeOf(String state) {
        return WireValue.fromWire(InstanceState.class, state).code();
    }
}
