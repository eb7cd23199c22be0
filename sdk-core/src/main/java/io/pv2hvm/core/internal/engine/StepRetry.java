package io.pv2hvm.core.internal.engine;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.pv2hvm.core.MigrationException;
import io.pv2hvm.core.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    /** One config per distinct policy in use with a registry, so a registry's retry can be matched to its policy. */
    private static final Map<RetryPolicy, RetryConfig> SHARED_CONFIGS = new ConcurrentHashMap<>();

    /**
     * The retry of a step: its own, or with a {@code registry}, the registry's retry of that name
     * when it was made for an equal policy, else a new one that replaces it there.
     */
    static Retry retryFor(String stepName, RetryPolicy policy, RetryRegistry registry) {
        if (registry == null) {
            return Retry.of(stepName, config(policy));
        }
        RetryConfig config = SHARED_CONFIGS.computeIfAbsent(policy, StepRetry::config);
        Retry retry = registry.retry(stepName, config);
        if (retry.getRetryConfig() != config) {
            retry = Retry.of(stepName, config);
            registry.replace(stepName, retry);
        }
        return retry;
    }

    private static RetryConfig config(RetryPolicy policy) {
        return RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalBiFunction((attempt, outcome) -> policy.waitAfterAttempt(attempt).toMillis())
                .retryOnException(e -> e instanceof MigrationException m && m.retryable())
                .build();
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
