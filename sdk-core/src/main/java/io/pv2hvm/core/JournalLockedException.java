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
    private final Instant leaseExpires;

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
        this.leaseExpires = null;
    }

    /**
     * The lease of {@code migrationId} (a journal shared between hosts, such as a database) is held
     * by process {@code holderPid} on {@code holderHost} since {@code holderSince}, and runs out at
     * {@code leaseExpires} unless its holder renews it: a holder that died blocks only until then.
     */
    public JournalLockedException(String migrationId, long holderPid, String holderHost, Instant holderSince,
                                  Instant leaseExpires, String journal) {
        super("Migration " + migrationId + " is being run by another process: pid "
                + (holderPid < 0 ? "unknown" : Long.toString(holderPid)) + " on host "
                + (holderHost == null ? "unknown" : holderHost) + ", since "
                + (holderSince == null ? "unknown" : holderSince.toString()) + " (journal " + journal
                + "); its lease runs out at " + leaseExpires + " unless that process renews it. Nothing was"
                + " changed. Wait for that process to finish or stop it; if it died, resume after its lease ran"
                + " out.");
        this.migrationId = migrationId;
        this.holderPid = holderPid;
        this.holderHost = holderHost;
        this.holderSince = holderSince;
        this.leaseExpires = leaseExpires;
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

    /** When the holder's lease runs out unless renewed, or null for a lock released with its process. */
    public Instant leaseExpires() {
        return leaseExpires;
    }
}
