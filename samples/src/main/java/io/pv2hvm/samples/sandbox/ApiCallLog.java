package io.pv2hvm.samples.sandbox;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The API calls a run's clients made, in time order: an SDK {@link ExecutionInterceptor} added to
 * the EC2 and SSM clients. One entry per call (an SDK retry of the same call is not another), at
 * the moment the client began it. Thread-safe.
 */
public final class ApiCallLog implements ExecutionInterceptor {
    /**
     * One API call: when it began, its action, e.g. {@code DescribeInstances}, and the step that made
     * it ({@code "-"} when the log is not told steps, or outside a step).
     */
    public record Call(Instant at, String action, String step) {
        /** A call of no known step. */
        public Call(Instant at, String action) {
            this(at, action, "-");
        }
    }

    private final Clock clock;
    private final Supplier<String> step;
    private final List<Call> calls = new ArrayList<>();

    /** A log on the system clock. */
    public ApiCallLog() {
        this(Clock.systemUTC());
    }

    /** A log on {@code clock}. */
    public ApiCallLog(Clock clock) {
        this(clock, () -> "-");
    }

    /** A log on {@code clock} that asks {@code step} which step the calling thread runs. */
    public ApiCallLog(Clock clock, Supplier<String> step) {
        this.clock = clock;
        this.step = step;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String action = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Instant at = clock.instant();
        synchronized (calls) {
            calls.add(new Call(at, action == null ? "unknown" : action, step.get()));
        }
    }

    /** The calls so far, in the order they began. */
    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }
}
