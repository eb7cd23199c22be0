package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.core.spi.FactKey;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The typed keys keep the names journals already hold, so a run journaled by an older pv2hvm resumes. */
class AwsFactsTest {
    /** Every key's journal name, as the string keys of earlier versions spelled it: never change one. */
    private static final Map<String, String> JOURNALED_NAMES = Map.ofEntries(
            Map.entry("SOURCE", "aws.source"),
            Map.entry("TARGET_NITRO", "aws.target-nitro"),
            Map.entry("TARGET_ENA_REQUIRED", "aws.target-ena-required"),
            Map.entry("TARGET_EBS_OPTIMIZED", "aws.target-ebs-optimized"),
            Map.entry("TARGET_CPU_CREDITS", "aws.target-cpu-credits"),
            Map.entry("WORKER", "aws.worker"),
            Map.entry("WORKER_LAUNCHED", "aws.worker-launched"),
            Map.entry("WORKER_TERMINATED", "aws.worker-terminated"),
            Map.entry("TRIAL_SNAPSHOT", "aws.trial-snapshot"),
            Map.entry("GUEST_HAS_ENA", "aws.guest-has-ena"),
            Map.entry("STRATEGY", "aws.strategy"),
            Map.entry("CONVERSION_RECIPE", "aws.conversion-recipe"),
            Map.entry("SOURCE_CHANGED_LIVE", "aws.source-changed-live"),
            Map.entry("TRIAL_IMAGE", "aws.trial-image"),
            Map.entry("TRIAL_INSTANCE", "aws.trial-instance"),
            Map.entry("TRIAL_VERIFIED", "aws.trial-verified"),
            Map.entry("TRIAL_SECURITY_GROUP", "aws.trial-security-group"),
            Map.entry("GUEST_MOUNTS_ONCE", "aws.guest-mounts-fstab-once"),
            Map.entry("NEW_INSTANCE_QUARANTINED", "aws.new-instance-quarantined-in"),
            Map.entry("SOURCE_WAS_RUNNING", "aws.source-was-running"),
            Map.entry("FINAL_SNAPSHOT", "aws.final-snapshot"),
            Map.entry("HVM_IMAGE", "aws.hvm-image"),
            Map.entry("BACKUP_IMAGE", "aws.backup-image"),
            Map.entry("REREGISTERED_BACKUP_IMAGE", "aws.reregistered-backup-image"),
            Map.entry("SOURCE_TERMINATED", "aws.source-terminated"),
            Map.entry("SOURCE_TERMINATION_STARTED", "aws.source-termination-started"),
            Map.entry("NEW_INSTANCE", "aws.new-instance"),
            Map.entry("SOURCE_ROOT_ON_WORKER", "aws.source-root-on-worker"),
            Map.entry("SOURCE_ROOT_OFF_WORKER", "aws.source-root-off-worker"),
            Map.entry("SOURCE_ROOT_CONVERTED", "aws.source-root-converted"),
            Map.entry("RESTORED_SOURCE_ROOT", "aws.restored-source-root"),
            Map.entry("GUEST_INSPECTION", "result.guest-inspection"));

    @Test
    void everyTypedKey_hasTheNameJournalsHold() throws IllegalAccessException {
        List<String> mismatched = new ArrayList<>();
        int compared = 0;
        for (Field typed : AwsFacts.class.getFields()) {
            if (!Modifier.isStatic(typed.getModifiers()) || !(typed.get(null) instanceof FactKey<?> key)) {
                continue;
            }
            String journaled = JOURNALED_NAMES.get(typed.getName());
            if (journaled == null) {
                mismatched.add(typed.getName() + ": no journaled name listed");
                continue;
            }
            compared++;
            if (!key.name().equals(journaled)) {
                mismatched.add(typed.getName() + ": " + key.name() + " vs " + journaled);
            }
        }
        assertThat(mismatched).isEmpty();
        assertThat(compared).isEqualTo(JOURNALED_NAMES.size());
        assertThat(AwsFacts.VOLUME.of("scratch").name()).isEqualTo("aws.volume.scratch");
        assertThat(AwsFacts.DATA_SNAPSHOT.of("vol-1").name()).isEqualTo("aws.trial-data-snapshot.vol-1");
        assertThat(AwsFacts.DATA_FILESYSTEMS.of("vol-1").name()).isEqualTo("aws.data-filesystems.vol-1");
        assertThat(AwsFacts.SNAPSHOT.of("final").name()).isEqualTo("aws.snapshot.final");
    }
}
