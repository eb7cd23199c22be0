package io.pv2hvm.aws;

import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.MigrationOptions;
import io.pv2hvm.core.spi.ProvidedStep;
import io.pv2hvm.core.spi.RunEnvironment;
import io.pv2hvm.core.spi.RunSession;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepDescription;
import io.pv2hvm.core.spi.StepProvider;

import java.util.List;

/** A provider whose named step fails right after doing its work: the rollback suites' injected failure. */
final class InjectedFailures {
    private InjectedFailures() {
    }

    /** The provider's steps, with {@code name} failing after it has done its work. */
    static StepProvider failingAfter(AwsSteps aws, String name) {
        return new StepProvider() {
            @Override
            public String name() {
                return aws.name();
            }

            @Override
            public List<ProvidedStep> steps(MigrationOptions options) {
                return failing(aws.steps(options), name);
            }

            // A run's steps come from the AWS session, so their waits run on the run's clock and sleeper.
            @Override
            public RunSession open(MigrationOptions options, RunEnvironment environment) {
                RunSession session = aws.open(options, environment);
                return RunSession.of(failing(session.steps(), name), session);
            }
        };
    }

    private static List<ProvidedStep> failing(List<ProvidedStep> steps, String name) {
        return steps.stream().map(ps -> ps.step().name().equals(name)
                ? new ProvidedStep(ps.phase(), new FailAfter(ps.step())) : ps).toList();
    }

    private record FailAfter(Step inner) implements Step {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void run(StepContext context) {
            inner.run(context);
            throw new MigrationException("injected failure after " + inner.name());
        }

        @Override
        public void compensate(StepContext context) {
            inner.compensate(context);
        }

        @Override
        public StepDescription describe() {
            return inner.describe();
        }
    }
}
