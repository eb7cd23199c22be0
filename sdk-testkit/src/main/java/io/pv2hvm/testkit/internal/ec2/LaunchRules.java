package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.model.Ec2Exception;
import io.pv2hvm.testkit.internal.model.InstanceTypeCatalog.InstanceType;
import java.util.Base64;

/**
 * The launch rules EC2 enforces on RunInstances beyond references and state, each with the code
 * EC2 answers, so the emulator is never more lenient than EC2.
 */
final class LaunchRules {

    /** User data is limited to 16 KB in raw form, before base64 encoding. */
    static final int USER_DATA_MAX_BYTES = 16 * 1024;

    private LaunchRules() {
    }

    /**
     * User data must be base64 and at most 16 KB once decoded
     * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html).
     */
    static void checkUserData(String base64) {
        if (base64 == null) {
            return;
        }
        byte[] raw;
        try {
            raw = Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw Ec2Exception.invalidParameterValue("Invalid BASE64 encoding of user data.");
        }
        if (!base64.strip().matches("[A-Za-z0-9+/=\\r\\n]*")) {
            throw Ec2Exception.invalidParameterValue("Invalid BASE64 encoding of user data.");
        }
        if (raw.length > USER_DATA_MAX_BYTES) {
            throw Ec2Exception.invalidParameterValue("User data is limited to " + USER_DATA_MAX_BYTES
                    + " bytes; this request has " + raw.length + " bytes after base64 decoding.");
        }
    }

    /**
     * Linux HVM AMIs do not launch on the first-generation families t1, m1, m2 and c1, although
     * DescribeInstanceTypes lists hvm for some of them (https://aws.amazon.com/ec2/previous-generation/).
     * The emulator's images are all Linux.
     */
    static void checkLinuxHvm(String virtualizationType, InstanceType type) {
        if ("hvm".equals(virtualizationType) && type.refusesLinuxHvm()) {
            throw Ec2Exception.combination("Non-Windows instances with a virtualization type of 'hvm' are currently not"
                    + " supported for this instance type.");
        }
    }

    /**
     * EbsOptimized=true is refused where the type does not offer it
     * (https://docs.aws.amazon.com/ec2/latest/instancetypes/ebs-optimized.html).
     */
    static void checkEbsOptimized(boolean requested, InstanceType type) {
        if (requested && type.ebsOptimizedSupport().equals("unsupported")) {
            throw Ec2Exception.combination("EBS-optimized instances are not supported for your requested configuration."
                    + " Please check the documentation for supported configurations. (" + type.name()
                    + " does not support EBS optimization.)");
        }
    }

    /** Whether an instance of {@code type} launched with {@code requested} is EBS-optimized. */
    static boolean ebsOptimized(boolean requested, InstanceType type) {
        return requested || type.ebsOptimizedSupport().equals("default");
    }

    /**
     * Interfaces per instance and IPv4 addresses per interface are limited by the type
     * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html).
     */
    static void checkInterfaceCount(int interfaces, InstanceType type) {
        if (interfaces > type.maxEnis()) {
            throw new Ec2Exception("AttachmentLimitExceeded", "Interface count " + interfaces + " exceeds the limit for "
                    + type.name() + " (" + type.maxEnis() + " network interfaces).");
        }
    }

    static void checkAddressCount(int addresses, InstanceType type) {
        if (addresses > type.ipsPerEni()) {
            throw new Ec2Exception("InvalidInterface.IpAddressLimitExceeded", "Number of private addresses will exceed limit: "
                    + addresses + " requested on one interface, " + type.name() + " allows " + type.ipsPerEni() + ".");
        }
    }

    /**
     * DeleteOnTermination=true is only for interfaces created at launch
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceNetworkInterfaceSpecification.html).
     */
    static void checkExistingInterfaceDeleteOnTermination(String eniId, boolean deleteOnTermination) {
        if (deleteOnTermination) {
            throw Ec2Exception.combination("The parameter 'DeleteOnTermination' can only be true for a network interface"
                    + " created at launch, not for the existing interface " + eniId + ".");
        }
    }
}
