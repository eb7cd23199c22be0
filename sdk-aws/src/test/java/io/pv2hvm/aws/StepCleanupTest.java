package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.Roles;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.JournalEntry;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each step deletes the temporaries it journaled in its own cleanup hook, so the cleanup step only
 * sweeps by tag; the worker pv2hvm launched goes before its scratch volumes, which then need no detach.
 */
class StepCleanupTest extends EmulatorTestBase {
    private static final String ID = "mig-step-cleanup";

    @BeforeEach
    void start() {
        start(EmulatedAws.webServerWorld().build());
    }

    @ParameterizedTest
    @EnumSource(value = ConversionStrategy.class, names = {"IN_PLACE", "PARTITION_COPY"})
    void everyJournaledTemporary_isDeletedByAStepsHook_andTheWorkerGoesBeforeItsScratchVolumes(ConversionStrategy strategy) {
        InMemoryJournal journal = InMemoryJournal.create();

        migration(SOURCE, SimulatedGuest.typical(), new EmulatedAws.FakeWorker()).preservingIps()
                .withStrategy(strategy).withJournal(journal).withMigrationId(ID).run();

        List<JournalEntry> entries = journal.read(ID);
        Map<String, String> roleOf = new HashMap<>();
        entries.stream().filter(e -> e.type() == JournalEntry.Type.RESOURCE_CREATED)
                .filter(e -> Roles.TEMPORARY.contains(e.data().get("role")))
                .forEach(e -> roleOf.put(e.data().get("id"), e.data().get("role")));
        Map<String, String> deletedBy = new HashMap<>();
        entries.stream().filter(e -> e.type() == JournalEntry.Type.RESOURCE_DELETED)
                .forEach(e -> deletedBy.putIfAbsent(e.data().get("id"), e.step()));
        assertThat(roleOf).as("journaled temporaries").isNotEmpty();
        assertThat(roleOf.keySet()).allSatisfy(id -> assertThat(deletedBy.get(id))
                .as("the step that deleted %s (%s)", id, roleOf.get(id)).isNotNull().isNotEqualTo("cleanup"));
        if (strategy == ConversionStrategy.PARTITION_COPY) {
            assertThat(roleOf).containsValues(Roles.SCRATCH_TARGET, Roles.FINAL_SCRATCH_TARGET);
        }

        List<String> scratchVolumes = roleOf.entrySet().stream().filter(e -> e.getKey().startsWith("vol-")
                && !Roles.DATA_VOLUME_COPY.equals(e.getValue())).map(Map.Entry::getKey).toList();
        String worker = roleOf.entrySet().stream().filter(e -> Roles.WORKER.equals(e.getValue()))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        List<RecordedCall> calls = emulator.journal().all().stream().filter(RecordedCall::succeeded).toList();
        int workerTerminated = indexOf(calls, c -> c.action().equals("TerminateInstances")
                && worker.equals(c.param("InstanceId.1")));
        assertThat(scratchVolumes).isNotEmpty().allSatisfy(v -> {
            assertThat(indexOf(calls, c -> c.action().equals("DeleteVolume") && v.equals(c.param("VolumeId"))))
                    .as("%s deleted after the worker's termination", v).isGreaterThan(workerTerminated);
            assertThat(calls).as("no detach of %s", v)
                    .noneMatch(c -> c.action().equals("DetachVolume") && v.equals(c.param("VolumeId")));
        });
    }

    private static int indexOf(List<RecordedCall> calls, java.util.function.Predicate<RecordedCall> match) {
        for (int i = 0; i < calls.size(); i++) {
            if (match.test(calls.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such call");
    }
}
