package io.pv2hvm.aws;

import io.pv2hvm.core.InvalidSpecException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsTimeoutsTest {

    @Test
    void builder_changesOnlyWhatIsSet_theRestAreTheDefaults() {
        AwsTimeouts t = AwsTimeouts.builder().snapshot(Duration.ofHours(6)).build();

        assertThat(t.snapshot()).isEqualTo(Duration.ofHours(6));
        assertThat(t.toBuilder().snapshot(AwsTimeouts.defaults().snapshot()).build()).isEqualTo(AwsTimeouts.defaults());
        assertThat(t.poll()).isEqualTo(Duration.ofSeconds(5));
        assertThat(t.agentOnline()).isEqualTo(AwsTimeouts.DEFAULT_AGENT_ONLINE);
    }

    @Test
    void scaled_keepsTheCommandTimeout_andWithAgentOnlineChangesOnlyThat() {
        AwsTimeouts d = AwsTimeouts.defaults();

        AwsTimeouts scaled = d.scaled(0.01);

        assertThat(scaled.instanceState()).isEqualTo(Duration.ofMillis(d.instanceState().toMillis() / 100));
        assertThat(scaled.command()).isEqualTo(d.command());
        assertThat(d.withAgentOnline(Duration.ofMinutes(3))).isEqualTo(d.toBuilder().agentOnline(Duration.ofMinutes(3))
                .build()).isNotEqualTo(d);
    }

    @Test
    void build_whenADurationIsNegative_isRefused() {
        assertThatThrownBy(() -> AwsTimeouts.builder().volume(Duration.ofSeconds(-1)).build())
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("negative");
    }
}
