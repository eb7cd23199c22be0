package io.pv2hvm.samples.cli;

import io.pv2hvm.samples.sandbox.GuestMode;
import io.pv2hvm.samples.sandbox.Sandbox;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.junit5.RequiresLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated policy allows every call of a real conversion: the lab's sysvinit guest with its
 * two data volumes, converted on a worker and booted in QEMU, keeping its IPs.
 */
@RequiresLab
@Execution(ExecutionMode.CONCURRENT)
class IamPolicyLabTest {

    @Test
    void sysvinitGuestMigration_everyCallIsAllowed() throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator(IamPolicyTest.policy());
        try (Sandbox s = Sandbox.start(GuestMode.REAL, 0.01)) {
            assertThat(s.simulatedBecause()).isEmpty();
            IamPolicyTest.allowTheSourceAttachments(s);
            s.migration().preservingIps().withInstanceType("m5.large").run();

            List<RecordedCall> calls = s.emulator().journal().all();
            assertThat(calls).extracting(RecordedCall::action).contains("SendCommand", "DetachVolume", "AttachVolume",
                    "TerminateInstances");
            assertThat(calls).filteredOn(c -> c.action().equals("DetachVolume"))
                    .flatExtracting(RecordedCall::resources).extracting(r -> r.arn())
                    .contains("arn:aws:ec2:us-east-1:123456789012:volume/" + SandboxWorld.DATA_VOLUME_2);
            List<String> denied = new ArrayList<>();
            calls.forEach(c -> evaluator.denied(c).forEach(d -> denied.add(d.toString())));
            assertThat(denied).as("calls of a real sysvinit migration the generated policy denies").isEmpty();
            List<String> used = new ArrayList<>();
            calls.forEach(c -> PolicyEvaluator.checks(c).forEach(check -> used.addAll(evaluator.allowing(check))));
            assertThat(used).as("the pairs only real guests need are used").containsAll(IamPolicyTest.USED_BY_REAL_GUESTS_ONLY);
        }
    }
}
