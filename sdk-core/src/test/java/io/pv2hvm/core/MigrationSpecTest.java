package io.pv2hvm.core;

import io.pv2hvm.core.engine.PlanFixtures;
import io.pv2hvm.core.internal.SpecAccess;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.SpecChecks;
import io.pv2hvm.core.spi.StepProvider;
import io.pv2hvm.core.transport.LocalTransport;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationSpecTest {
    private static final String ID = "i-0123456789abcdef0";

    private static MigrationSpec spec() {
        return Migration.of(ID).toHvm();
    }

    @Test
    void preservingIps_afterKeepingSource_isRefusedAtOnce() {
        MigrationSpec keeping = spec().keepingSource();
        assertThatThrownBy(keeping::preservingIps).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("exclude each other");
    }

    @Test
    void keepingSource_afterPreservingIps_isRefused() {
        MigrationSpec preserving = spec().preservingIps();
        assertThatThrownBy(preserving::keepingSource).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("exclude each other");
    }

    @Test
    void options_showWhatWasSet() {
        LocalTransport transport = LocalTransport.create();
        MigrationOptions o = spec().preservingIps().acceptingInstanceStoreLoss().acceptingStackDrift()
                .withInstanceType("m5.large").withStrategy(ConversionStrategy.PARTITION_COPY)
                .withWorker("i-0aaaaaaa").withTransport(transport).withHealthCommand("true").options();

        assertThat(o.instanceId()).isEqualTo(ID);
        assertThat(o.preservingIps()).isTrue();
        assertThat(o.keepingSource()).isFalse();
        assertThat(o.acceptingInstanceStoreLoss()).isTrue();
        assertThat(o.acceptingStackDrift()).isTrue();
        assertThat(o.instanceType()).contains("m5.large");
        assertThat(o.strategy()).contains(ConversionStrategy.PARTITION_COPY);
        assertThat(o.worker().instanceId()).contains("i-0aaaaaaa");
        assertThat(o.transport()).containsSame(transport);
        assertThat(o.healthCommand()).contains("true");
    }

    @Test
    void options_ofABareSpec_holdTheDefaults() {
        MigrationOptions o = spec().options();

        assertThat(o.preservingIps()).isFalse();
        assertThat(o.keepingSource()).isFalse();
        assertThat(o.instanceType()).isEmpty();
        assertThat(o.strategy()).isEmpty();
        assertThat(o.transport()).isEmpty();
        assertThat(o.healthCommand()).isEmpty();
        assertThat(o.worker().instanceId()).isEmpty();
        assertThat(o.worker().imageId()).isEmpty();
    }

    @Test
    void withRetryPolicy_forAStep_overridesTheDefaultForThatStepOnly() {
        RetryPolicy mine = RetryPolicy.none();
        SpecAccess a = SpecAccess.of(spec().withRetryPolicy("convert", mine));

        assertThat(a.retryPolicyFor("convert")).isSameAs(mine);
        assertThat(a.retryPolicyFor("prepare")).isEqualTo(RetryPolicy.defaultPolicy());
    }

    @Test
    void requireFleetMember_acceptsARefinement_andRefusesAnotherInstanceAResumeOrAProvider() {
        SpecChecks.requireFleetMember(ID, spec().preservingIps());

        assertThatThrownBy(() -> SpecChecks.requireFleetMember(ID, Migration.of("i-0aaaaaaa").toHvm()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("must return a refinement");
        assertThatThrownBy(() -> SpecChecks.requireFleetMember(ID, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("must return a refinement");
        StepProvider provider = new StepProvider() {
            @Override
            public String name() {
                return "mine";
            }

            @Override
            public List<io.pv2hvm.core.spi.ProvidedStep> steps(MigrationOptions options) {
                return List.of();
            }
        };
        assertThatThrownBy(() -> SpecChecks.requireFleetMember(ID, spec().withProvider(provider)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("registered a step provider");
    }

    @Test
    void givenMigrationId_isTheOneSetOrEmpty() {
        assertThat(SpecChecks.givenMigrationId(spec().withMigrationId("mig-one"))).contains("mig-one");
        assertThat(SpecChecks.givenMigrationId(spec())).isEmpty();
    }

    @Test
    void givenClock_isTheOneSetOrTheSystems() {
        Clock fixed = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

        assertThat(SpecChecks.givenClock(spec().withClock(fixed))).isSameAs(fixed);
        assertThat(SpecChecks.givenClock(spec())).isEqualTo(Clock.systemUTC());
    }

    @Test
    void spec_showsNoGetters_settingsAreReadThroughOptions() {
        List<String> readers = Arrays.stream(MigrationSpec.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getReturnType() != MigrationSpec.class)
                .map(Method::getName).distinct().sorted().toList();

        assertThat(readers).containsExactly("options", "plan", "run", "runAsync", "toString");
    }
}
