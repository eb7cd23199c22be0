package io.pv2hvm.core.guest.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NvmeIoTimeoutTest {
    @Test
    void argumentsFor_whenKernelIs415OrLater_setsNvmeCoreToTheUintMaximum() {
        assertThat(NvmeIoTimeout.argumentsFor("4.15.0-1054-aws")).containsExactly("nvme_core.io_timeout=4294967295");
        assertThat(NvmeIoTimeout.argumentsFor("6.1.0-56-amd64")).containsExactly("nvme_core.io_timeout=4294967295");
        assertThat(NvmeIoTimeout.argumentsFor("5.4.0-1103-aws")).containsExactly("nvme_core.io_timeout=4294967295");
    }

    @Test
    void argumentsFor_whenKernelIsBetween46And414_setsNvmeCoreToTheByteMaximum() {
        assertThat(NvmeIoTimeout.argumentsFor("4.9.0-19-amd64")).containsExactly("nvme_core.io_timeout=255");
        assertThat(NvmeIoTimeout.argumentsFor("4.6.0-1-amd64")).containsExactly("nvme_core.io_timeout=255");
        assertThat(NvmeIoTimeout.argumentsFor("4.14.0-1-generic")).containsExactly("nvme_core.io_timeout=255");
    }

    @Test
    void argumentsFor_whenAmazonLinuxAmiKernel49OrLater_setsTheUintMaximumItAlreadyDefaultsTo() {
        assertThat(NvmeIoTimeout.argumentsFor("4.9.51-10.52.amzn1.x86_64")).containsExactly("nvme_core.io_timeout=4294967295");
        assertThat(NvmeIoTimeout.argumentsFor("4.14.355-196.647.amzn1.x86_64")).containsExactly("nvme_core.io_timeout=4294967295");
        assertThat(NvmeIoTimeout.argumentsFor("4.4.51-40.58.amzn1.x86_64"))
                .containsExactly("nvme.io_timeout=255", "nvme_core.io_timeout=255");
    }

    @Test
    void argumentsFor_whenKernelIsBefore46_setsBothNamesToTheByteMaximum() {
        assertThat(NvmeIoTimeout.argumentsFor("3.13.0-170-generic")).containsExactly("nvme.io_timeout=255", "nvme_core.io_timeout=255");
        assertThat(NvmeIoTimeout.argumentsFor("2.6.32-754.35.1.el6.x86_64"))
                .containsExactly("nvme.io_timeout=255", "nvme_core.io_timeout=255");
        assertThat(NvmeIoTimeout.argumentsFor("4.5.7-1")).containsExactly("nvme.io_timeout=255", "nvme_core.io_timeout=255");
    }
}
