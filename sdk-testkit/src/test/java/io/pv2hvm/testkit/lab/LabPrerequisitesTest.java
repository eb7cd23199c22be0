package io.pv2hvm.testkit.lab;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabPrerequisitesTest {
    @Test
    void enforce_whenSomethingMissingAndLabOptional_skips() {
        assertThatThrownBy(() -> LabExtension.enforce(List.of("qemu-system-x86_64"), false))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("qemu-system-x86_64");
    }

    @Test
    void enforce_whenSomethingMissingAndLabRequired_fails() {
        assertThatThrownBy(() -> LabExtension.enforce(List.of("root"), true))
                .isInstanceOf(AssertionError.class).hasMessageContaining("root").hasMessageContaining("pv2hvm.lab.required");
    }

    @Test
    void enforce_whenNothingMissing_letsTheTestRun() {
        assertThatCode(() -> LabExtension.enforce(List.of(), true)).doesNotThrowAnyException();
    }
}
