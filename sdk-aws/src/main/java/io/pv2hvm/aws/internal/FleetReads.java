package io.pv2hvm.aws.internal;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Reads whose answer does not change while a fleet runs, made once per fleet and account instead
 * of once per migration: what an instance type is (DescribeInstanceTypes), an image's block device
 * mappings (fixed when it is registered), and which worker image to launch. A read that fails is
 * not kept, so the next migration reads again. A single migration is a fleet of one.
 */
public final class FleetReads {
    private final Map<String, Object> answers = new ConcurrentHashMap<>();

    /**
     * The answer of {@code read} for {@code key}: read by the first migration that asks (those
     * asking meanwhile wait for it: a fleet's first migrations start together), then kept.
     */
    @SuppressWarnings("unchecked")
    public <T> T once(String key, Supplier<T> read) {
        return (T) answers.computeIfAbsent(key, k -> Objects.requireNonNull(read.get(), "a fleet read answers a value"));
    }
}
