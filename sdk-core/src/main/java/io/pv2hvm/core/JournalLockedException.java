package io.pv2hvm.core;

import java.time.Instant;

/**
 * Another process (or thread) is running this migration: its journal is locked. Nothing was
 * changed. Wait for that process to finish, or stop it; a process that died releases the lock.
 */
public class JournalLockedException extends JournalException {
    private final String migrationId;
    private final long holderPid;
    private final String holderHost;
    private final Instant holderSince;

    /**
     * The lock of {@code migrationId} is held by process {@code holderPid} on {@code holderHost}
     * since {@code holderSince}; pid -1, host or time null when the holder did not record them.
     */
    public JournalLockedException(String migrationId, long holderPid, String holderHost, Instant holderSince,
                                  String journal) {
        super("Migration " + migrationId + " is being run by another process: pid "
                + (holderPid < 0 ? "unknown" : Long.toString(holderPid)) + " on host "
                + (holderHost == null ? "unknown" : holderHost) + ", since "
                + (holderSince == null ? "unknown" : holderSince.toString()) + " (journal " + journal
                + "). Nothing was changed. Wait for that process to finish or stop it (a stopped process"
                + " releases the lock), then resume.");
        this.migrationId = migrationId;
        this.holderPid = holderPid;
        this.holderHost = holderHost;
        this.holderSince = holderSince;
    }

    /** The migration whose journal is locked. */
    public String migrationId() {
        return migrationId;
    }

    /** The process id of the holder, or -1 if unknown. */
    public long holderPid() {
        return holderPid;
    }

    /** The host name of the holder, or null if unknown. */
    public String holderHost() {
        return holderHost;
    }

    /** When the holder took the lock, or null if unknown. */
    public Instant holderSince() {
        return holderSince;
    }
}
