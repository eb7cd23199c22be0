package io.pv2hvm.core;

import io.pv2hvm.core.spi.Command;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "/dev/xvdf", "a b", "it's", "$(reboot)", "`id`", "x; rm -rf /", "\"q\"", "new\nline", ""})
    void toShellLine_makesTheRemoteShellSeeExactlyTheArguments(String value) {
        Command c = Command.of("printf", "%s|", value, "end");
        String echoed = LocalTransport.create().exec(Command.of("sh", "-c", c.toShellLine())).stdout();
        assertThat(echoed).isEqualTo(value + "|end|\n");
    }

    @Test
    void toString_namesEnvironmentVariablesButNeverTheirValues() {
        Command c = Command.of("run").withEnvironment(Map.of("API_TOKEN", "hunter2"));
        assertThat(c.toString()).contains("API_TOKEN").doesNotContain("hunter2");
    }

    @Test
    void invalidInput_isRejectedWithATypedError() {
        assertThatThrownBy(() -> Command.of("x").withTimeout(Duration.ZERO)).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> Command.of("x").withEnvironment(Map.of("1BAD", "v")))
                .isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> Command.of(java.util.List.of())).isInstanceOf(InvalidSpecException.class);
    }
}
