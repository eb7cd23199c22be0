package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsCalls;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The {@link AwsCalls} of each migration of a fleet, by instance id, for the fleet's figures. Thread-safe. */
final class FleetCalls {
    private final Map<String, List<AwsCalls>> byInstance = new ConcurrentHashMap<>();

    /** Records that the migration of {@code instanceId} makes its calls through {@code calls}. */
    void add(String instanceId, AwsCalls calls) {
        byInstance.computeIfAbsent(instanceId, id -> new CopyOnWriteArrayList<>()).add(calls);
    }

    private double callsHandedOut;
    private long roundedHandedOut;

    /**
     * The calls of {@code instanceId}'s finished migration, its shares of shared polls included,
     * rounded so that the fleet's figures add up to its calls: each migration gets the step of the
     * rounded running total (rounding each share on its own would drift by one call per few
     * migrations). Called once per migration, when it finished.
     */
    synchronized long apiCalls(String instanceId) {
        callsHandedOut += of(instanceId).stream().mapToDouble(AwsCalls::exactTotal).sum();
        long rounded = Math.round(callsHandedOut);
        long mine = rounded - roundedHandedOut;
        roundedHandedOut = rounded;
        return mine;
    }

    long throttlingErrors(String instanceId) {
        return of(instanceId).stream().mapToLong(AwsCalls::throttlingErrors).sum();
    }

    Duration rateLimitWait(String instanceId) {
        return of(instanceId).stream().map(AwsCalls::rateLimitWait).reduce(Duration.ZERO, Duration::plus);
    }

    private List<AwsCalls> of(String instanceId) {
        return byInstance.getOrDefault(instanceId, List.of());
    }
}
