package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pv2hvm.testkit.junit5.Ec2EmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;

/** DescribeInstanceTypes: the PV-capable previous generation versus Xen and Nitro HVM types. */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class InstanceTypesTest {

    @RegisterExtension
    static Ec2EmulatorExtension extension = Ec2EmulatorExtension.create();
    static Ec2Emulator aws = extension.emulator();

    private InstanceTypeInfo type(Ec2Client ec2, String name) {
        return ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings(name)).instanceTypes().get(0);
    }

    @Test
    void pvFamilies_supportParavirtualAndHvmOnXen() {
        try (Ec2Client ec2 = AwsClients.ec2(aws)) {
            for (String name : new String[] {"m1.small", "m2.xlarge", "m3.medium", "c1.medium", "c3.large", "t1.micro", "hs1.8xlarge"}) {
                InstanceTypeInfo t = type(ec2, name);
                assertThat(t.supportedVirtualizationTypesAsStrings()).as(name).containsExactlyInAnyOrder("paravirtual", "hvm");
                assertThat(t.hypervisorAsString()).as(name).isEqualTo("xen");
                assertThat(t.currentGeneration()).as(name).isFalse();
            }
            assertThat(type(ec2, "m1.large").instanceStorageInfo().totalSizeInGB()).isEqualTo(840);
        }
    }

    @Test
    void nitroFamilies_areHvmOnlyAndRequireEnaAndNvme() {
        try (Ec2Client ec2 = AwsClients.ec2(aws)) {
            for (String name : new String[] {"t3.micro", "m5.large", "c5.large", "r5.large"}) {
                InstanceTypeInfo t = type(ec2, name);
                assertThat(t.supportedVirtualizationTypesAsStrings()).as(name).containsExactly("hvm");
                assertThat(t.hypervisorAsString()).as(name).isEqualTo("nitro");
                assertThat(t.networkInfo().enaSupportAsString()).as(name).isEqualTo("required");
                assertThat(t.ebsInfo().nvmeSupportAsString()).as(name).isEqualTo("required");
            }
        }
    }

    @Test
    void xenHvmFamilies_areHvmOnlyWithoutNvme() {
        try (Ec2Client ec2 = AwsClients.ec2(aws)) {
            for (String name : new String[] {"t2.micro", "m4.large", "c4.large", "r4.large"}) {
                InstanceTypeInfo t = type(ec2, name);
                assertThat(t.supportedVirtualizationTypesAsStrings()).as(name).containsExactly("hvm");
                assertThat(t.hypervisorAsString()).as(name).isEqualTo("xen");
                assertThat(t.ebsInfo().nvmeSupportAsString()).as(name).isEqualTo("unsupported");
            }
        }
    }

    @Test
    void filterBySupportedVirtualizationType_returnsOnlyPvFamilies() {
        try (Ec2Client ec2 = AwsClients.ec2(aws)) {
            var pv = ec2.describeInstanceTypes(r -> r.filters(f -> f.name("supported-virtualization-type").values("paravirtual"))).instanceTypes();
            assertThat(pv).isNotEmpty().allSatisfy(t -> assertThat(t.instanceTypeAsString()).matches("(m1|m2|m3|c1|c3|t1|hs1)\\..*"));
        }
    }
}
