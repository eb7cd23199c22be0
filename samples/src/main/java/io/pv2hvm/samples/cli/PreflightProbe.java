package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationEvent;
import io.pv2hvm.core.MigrationFacts;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs exactly the preflight a migration would (describe calls and DryRun probes only) and stops
 * right after it, before anything is created: a step of ours at the end of PREFLIGHT records what
 * preflight decided and ends the run. Journaled in memory, so nothing is left behind.
 */
final class PreflightProbe {
    private PreflightProbe() {
    }

    /**
     * What preflight found for one instance.
     *
     * @param blockers        why it cannot be migrated yet (empty: it can)
     * @param warnings        what preflight warned about
     * @param recommendedType the HVM type a migration would launch, if preflight got that far
     */
    record Finding(List<Blocker> blockers, List<String> warnings, String recommendedType) {
    }

    /** Preflight of {@code instanceId} with {@code aws}, as {@code migrate} (with {@code preserveIps}) would run it. */
    static Finding of(String instanceId, AwsSteps aws, boolean preserveIps) {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Recorder recorder = new Recorder();
        MigrationSpec spec = Migration.of(instanceId).toHvm().withProvider(aws).withJournal(InMemoryJournal.create())
                .withStepAfter(Phase.PREFLIGHT, recorder).withListener(event -> {
                    if (event instanceof MigrationEvent.Warning warning) {
                        warnings.add(warning.message());
                    }
                });
        if (preserveIps) {
            spec = spec.preservingIps();
        }
        try {
            spec.run();
            throw new IllegalStateException("the preflight probe did not stop the run");
        } catch (PreflightException e) {
            return new Finding(e.blockers(), List.copyOf(warnings), null);
        } catch (StepFailedException e) {
            if (!(e.getCause() instanceof Stop)) {
                throw e;
            }
            return new Finding(List.of(), List.copyOf(warnings), recorder.targetType);
        }
    }

    /** The step that records what preflight decided and stops the run. */
    private static final class Recorder implements Step {
        /** The HVM type preflight chose, or null if it recorded none. */
        private volatile String targetType;

        @Override
        public String name() {
            return "inventory-stop-after-preflight";
        }

        @Override
        public void run(StepContext context) {
            targetType = context.find(MigrationFacts.TARGET_INSTANCE_TYPE).orElse(null);
            throw new Stop();
        }
    }

    /** Ends the probe's run on purpose; never retried. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super("preflight done; the inventory stops here", null, false, false);
        }
    }
}
