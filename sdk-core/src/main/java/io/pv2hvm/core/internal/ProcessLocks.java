package io.pv2hvm.core.internal;

import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.spi.JournalLock;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Locks held by this JVM, keyed by journal and migration: the in-process half of the journal
 * lock (FileJournal adds the OS file lock for other processes), and the whole lock of journals
 * that live only in this process.
 */
public final class ProcessLocks {
    private static final Map<Object, Instant> HELD = new ConcurrentHashMap<>();

    private ProcessLocks() {
    }

    /** Takes the lock {@code key} for {@code migrationId}, or throws naming this process as holder. */
    public static JournalLock lock(Object key, String migrationId, String journal) {
        Instant now = Instant.now();
        Instant since = HELD.putIfAbsent(key, now);
        if (since != null) {
            throw new JournalLockedException(migrationId, ProcessHandle.current().pid(), hostName(), since, journal);
        }
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                HELD.remove(key, now);
            }
        };
    }

    /** A key that is equal only for the same {@code owner} object and migration id. */
    public static Object keyOf(Object owner, String migrationId) {
        return new IdentityKey(owner, migrationId);
    }

    private record IdentityKey(Object owner, String migrationId) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityKey k && k.owner == owner && k.migrationId.equals(migrationId);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(owner) * 31 + migrationId.hashCode();
        }
    }

    /** This machine's host name, or "unknown". */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
