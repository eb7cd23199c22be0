package io.pv2hvm.core.engine;

import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.FactCodec;
import io.pv2hvm.core.spi.FactFamily;
import io.pv2hvm.core.spi.FactKey;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Typed facts through a real engine run: journaled, seen by later steps, older names and fallbacks. */
class TypedFactsTest {
    private static final String ID = "i-0123456789abcdef0";
    private static final FactKey<List<String>> ADDRESSES = FactKey.strings("test.addresses");
    private static final FactKey<Boolean> DRAINED = FactKey.bool("test.drained");

    private final InMemoryJournal journal = InMemoryJournal.create();
    private final Recorder rec = new Recorder();
    private final Map<String, Object> seen = new ConcurrentHashMap<>();

    @Test
    void aTypedFact_isJournaled_andALaterStepReadsItTyped() {
        run(ctx -> {
            ctx.put(ADDRESSES, List.of("10.0.0.5", "54.1.2.3"));
            ctx.put(DRAINED, true);
        }, ctx -> {
            seen.put("addresses", ctx.get(ADDRESSES));
            seen.put("drained", ctx.get(DRAINED));
            seen.put("has", ctx.has(DRAINED));
        });

        assertThat(seen).containsEntry("addresses", List.of("10.0.0.5", "54.1.2.3")).containsEntry("drained", true)
                .containsEntry("has", true);
        assertThat(journal.read("mig-typed")).anySatisfy(e -> assertThat(e.data())
                .containsEntry("key", "test.addresses").containsEntry("value", "10.0.0.5,54.1.2.3"));
    }

    @Test
    void currentSourceId_isTheInstance_untilARelaunchIsRecorded_underItsOldNameToo() {
        run(ctx -> seen.put("before", ctx.get(MigrationFacts.CURRENT_SOURCE_ID)),
                ctx -> {
                    ctx.put(FactKey.string("aws.restored-source"), "i-0relaunched"); // the name pv2hvm 0.1 journaled
                    seen.put("legacy", ctx.get(MigrationFacts.CURRENT_SOURCE_ID));
                    ctx.put(MigrationFacts.CURRENT_SOURCE_ID, "i-0again");
                    seen.put("after", ctx.get(MigrationFacts.CURRENT_SOURCE_ID));
                    seen.put("journaled", ctx.has(MigrationFacts.CURRENT_SOURCE_ID));
                });

        assertThat(seen).containsEntry("before", ID).containsEntry("legacy", "i-0relaunched")
                .containsEntry("after", "i-0again").containsEntry("journaled", true);
    }

    @Test
    void getOfAFactNobodyRecorded_failsTheStep_namingTheFact() {
        Throwable e = catchThrowable(() -> run(ctx -> seen.put("x", ctx.get(MigrationFacts.NEW_IMAGE_ID)), ctx -> { }));

        assertThat(e).isInstanceOf(StepFailedException.class);
        assertThat(e).hasRootCauseInstanceOf(JournalException.class).rootCause()
                .hasMessageContaining("result.new-image-id").hasMessageContaining("first").hasMessageContaining("mig-typed");
        assertThat(seen).isEmpty();
    }

    @Test
    void aFamilyMember_writtenAfterAnotherWasRead_isSeen_andAReplacedValueTooDespiteTheDecodedCache() {
        FactFamily<String> owners = FactFamily.of("test.owner.", FactCodec.string());
        run(ctx -> {
            ctx.put(owners.of("vol-1"), "alice");
            seen.put("first", ctx.get(owners.of("vol-1")));
            seen.put("absent", ctx.has(owners.of("vol-2")));
            ctx.put(owners.of("vol-2"), "bob");
            ctx.put(owners.of("vol-1"), "carol");
        }, ctx -> {
            seen.put("second", ctx.get(owners.of("vol-2")));
            seen.put("replaced", ctx.get(owners.of("vol-1")));
        });

        assertThat(seen).containsEntry("first", "alice").containsEntry("absent", false)
                .containsEntry("second", "bob").containsEntry("replaced", "carol");
    }

    @Test
    void aFamilysKeys_shareTheDecodedCache_andAKeyWithoutTheOlderName_doesNotReadWhatAnotherFoundThere() {
        AtomicInteger decodes = new AtomicInteger();
        FactCodec<String> counting = new FactCodec<>() {
            @Override
            public String toJson(String value) {
                return FactCodec.string().toJson(value);
            }

            @Override
            public String fromJson(String json) {
                decodes.incrementAndGet();
                return FactCodec.string().fromJson(json);
            }

            @Override
            public String toLegacy(String value) {
                return value;
            }

            @Override
            public String fromLegacy(String value) {
                decodes.incrementAndGet();
                return value;
            }
        };
        FactFamily<String> owners = FactFamily.of("test.owner.", counting);
        FactKey<String> renamed = FactKey.of("test.new-name", counting);
        run(ctx -> {
            ctx.put(owners.of("vol-1"), "alice");
            ctx.put(FactKey.string("test.old-name"), "bob");
        }, ctx -> {
            for (int i = 0; i < 3; i++) {
                seen.put("owner", ctx.get(owners.of("vol-1")));
            }
            seen.put("viaOldName", ctx.get(renamed.alsoReading("test.old-name")));
            seen.put("withoutOldName", ctx.has(renamed) || ctx.find(renamed).isPresent());
        });

        assertThat(seen).containsEntry("owner", "alice").containsEntry("viaOldName", "bob")
                .containsEntry("withoutOldName", false);
        assertThat(decodes).as("vol-1 once, the renamed fact once").hasValue(2);
    }

    @Test
    void aListItemWithAComma_failsThePut_andNothingIsJournaled() {
        Throwable e = catchThrowable(() -> run(ctx -> ctx.put(ADDRESSES, List.of("a,b")), ctx -> { }));

        assertThat(e).isInstanceOf(StepFailedException.class).hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThat(journal.read("mig-typed")).noneSatisfy(entry -> assertThat(entry.data())
                .containsEntry("key", "test.addresses"));
    }

    private void run(Consumer<StepContext> first, Consumer<StepContext> second) {
        Migration.of(ID).toHvm().withMigrationId("mig-typed").withJournal(journal).withSleeper(new FakeSleeper())
                .withProvider(rec.onePerPhase())
                .withStepAfter(Phase.PREPARE, step("first", first))
                .withStepAfter(Phase.CONVERT, step("second", second))
                .run();
    }

    private static Step step(String name, Consumer<StepContext> body) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(StepContext context) {
                body.accept(context);
            }
        };
    }
}
