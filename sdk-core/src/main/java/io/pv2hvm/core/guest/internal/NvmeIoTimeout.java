package io.pv2hvm.core.guest.internal;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NVMe I/O timeout kernel argument for a guest going to Nitro, as AWS recommends in
 * "NVMe I/O operation timeout for Amazon EBS volumes"
 * (https://docs.aws.amazon.com/ebs/latest/userguide/timeout-nvme-ebs-volumes.html): the Linux NVMe
 * driver fails an I/O after 30 s by default, and the filesystem may then go read-only, where on
 * Xen the same slow EBS I/O would only wait. AWS recommends the highest value: 4294967295 on
 * current kernels, 255 on earlier ones, whose parameter is a byte (it became an unsigned int in
 * 4.15; Amazon Linux AMI 2017.09.01 and later, on 4.9 kernels, already default to 4294967295). The parameter
 * is {@code nvme_core.io_timeout}, or {@code nvme.io_timeout} on most kernels before 4.6, where
 * the NVMe core was not a module of its own.
 */
public final class NvmeIoTimeout {
    /** The highest timeout of a kernel whose parameter is an unsigned int. */
    static final String MAX = "4294967295";
    /** The highest timeout of a kernel whose parameter is a byte. */
    static final String MAX_BYTE = "255";

    private static final Pattern VERSION = Pattern.compile("^([0-9]+)\\.([0-9]+)");

    private NvmeIoTimeout() {
    }

    /**
     * The arguments for {@code kernelVersion} (e.g. {@code 4.14.355-amzn1.x86_64}). Before 4.6 both
     * names are set: the kernel ignores the parameter of a module it does not have, and the guest's
     * next kernel, which the boot configuration keeps these arguments for, may use the other name.
     */
    public static List<String> argumentsFor(String kernelVersion) {
        Matcher m = VERSION.matcher(kernelVersion);
        int major = m.find() ? Integer.parseInt(m.group(1)) : 0;
        int minor = m.find(0) ? Integer.parseInt(m.group(2)) : 0;
        boolean uintParameter = major > 4 || (major == 4 && minor >= 15)
                || (major == 4 && minor >= 9 && kernelVersion.contains("amzn"));
        String value = uintParameter ? MAX : MAX_BYTE;
        if (major < 4 || (major == 4 && minor < 6)) {
            return List.of("nvme.io_timeout=" + value, "nvme_core.io_timeout=" + value);
        }
        return List.of("nvme_core.io_timeout=" + value);
    }
}
