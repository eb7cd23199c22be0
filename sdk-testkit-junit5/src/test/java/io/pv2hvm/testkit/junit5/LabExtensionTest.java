package io.pv2hvm.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class LabExtensionTest {

    @Test
    void enforce_whenSomethingMissingAndLabOptional_skips() {
        assertThatThrownBy(() -> LabExtension.enforce("guest lab", List.of("qemu-system-x86_64"), false))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("qemu-system-x86_64")
                .hasMessageStartingWith("guest lab prerequisites missing");
    }

    @Test
    void enforce_whenSomethingMissingAndLabRequired_fails() {
        assertThatThrownBy(() -> LabExtension.enforce("PostgreSQL test server", List.of("root"), true))
                .isInstanceOf(AssertionError.class).hasMessageContaining("root").hasMessageContaining("pv2hvm.lab.required");
    }

    @Test
    void enforce_whenNothingMissing_letsTheTestRun() {
        assertThatCode(() -> LabExtension.enforce("guest lab", List.of(), true)).doesNotThrowAnyException();
    }
}
