package io.pv2hvm.core;

import io.pv2hvm.core.engine.PlanFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationTest {

    @ParameterizedTest
    @ValueSource(strings = {"i-0123abcd", "i-0123456789abcdef0"})
    void of_acceptsShortAndLongInstanceIds(String id) {
        assertThat(Migration.of(id).instanceId()).isEqualTo(id);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"i-123", "i-0123456789ABCDEF0", "vol-0123456789abcdef0", "0123456789abcdef0",
        "i-0123456789abcdef", "i-0123abcd; rm -rf /", " i-0123abcd", "i-0123456789abcdef01"})
    void of_rejectsMalformedIds_withATypedErrorThatShowsTheExpectedForm(String id) {
        assertThatThrownBy(() -> Migration.of(id)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("'i-' followed by 8 or 17 lowercase hex digits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"m5", "M5.large", "m5.large; reboot", ".large", ""})
    void withInstanceType_rejectsMalformedTypes(String type) {
        assertThatThrownBy(() -> Migration.of("i-0123abcd").toHvm().withInstanceType(type))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("family.size");
    }

    @Test
    void usingWorker_validatesTheWorkerId() {
        assertThatThrownBy(() -> Migration.of("i-0123abcd").toHvm().withWorker("worker-1"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("worker instance id");
        assertThat(Migration.of("i-0123abcd").toHvm().withWorker("i-0aaaaaaa").options().worker().instanceId())
                .contains("i-0aaaaaaa");
    }

    @Test
    void withStep_rejectsNamesThatAreNotKebabCase() {
        assertThatThrownBy(() -> Migration.of("i-0123abcd").toHvm().withStepAfter(Phase.CUTOVER, PlanFixtures.named("Drain LB")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("drain-load-balancer");
    }
}
