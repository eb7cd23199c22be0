package io.pv2hvm.core.internal.engine;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Runs a step under its {@link RetryPolicy} with a Resilience4j {@link Retry}. Resilience4j
 * decides whether and how long to wait (its retry predicate, interval function, metrics and
 * events); the wait itself goes through the migration's cancellable sleeper, because
 * Resilience4j's synchronous retry sleeps through a global static.
 */
final class StepRetry {
    private static final Logger LOG = LoggerFactory.getLogger(StepRetry.class);

    private StepRetry() {
    }

    static Retry retryFor(String stepName, RetryPolicy policy) {
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalBiFunction((attempt, outcome) -> policy.waitAfterAttempt(attempt).toMillis())
                .retryOnException(e -> e instanceof MigrationException m && m.retryable())
                .build();
        return Retry.of(stepName, config);
    }

    /** Runs {@code body}, retrying retryable failures; {@code sleep} does the waits. */
    static void run(Retry retry, Runnable body, Consumer<Duration> sleep) {
        Retry.AsyncContext<Object> attempts = retry.asyncContext();
        while (true) {
            try {
                body.run();
                attempts.onComplete();
                return;
            } catch (RuntimeException e) {
                long waitMillis = attempts.onError(e);
                if (waitMillis < 0) {
                    throw e;
                }
                LOG.warn("Step {} failed ({}), retrying in {} ms", retry.getName(), e.getMessage(), waitMillis);
                sleep.accept(Duration.ofMillis(waitMillis));
            }
        }
    }
}
