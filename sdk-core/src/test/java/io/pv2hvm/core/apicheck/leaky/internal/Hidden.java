package io.pv2hvm.core.apicheck.leaky.internal;

/** Test fixture: an internal type. */
public final class Hidden {
}
