package io.pv2hvm.core.spi;

import io.pv2hvm.core.internal.ProcessLocks;

import java.util.List;

/**
 * The append-only record of migrations, written ahead of every action so a crashed run can be
 * resumed and its resources found. The default is a JSON-lines file per migration under
 * {@code ~/.pv2hvm/journal/}; implement this to keep journals elsewhere (a database, S3).
 *
 * <p>What an implementation must guarantee:
 * <ul>
 *   <li>{@link #append} is durable when it returns, and entries are read back in append order.</li>
 *   <li>{@link #lock} is exclusive across every process that can reach the journal: while one
 *       holder runs a migration, a second run, resume or rollback of it is refused with
 *       {@link io.pv2hvm.core.JournalLockedException} naming the holder, before anything is read
 *       or changed. A holder that dies (crash, kill -9, lost host) must not block forever: the lock
 *       is released with the process (an OS file lock) or expires (a lease).</li>
 * </ul>
 */
public interface Journal {

    /** Appends an entry durably: when this returns, the entry survives a crash of this process. */
    void append(JournalEntry entry);

    /** Every entry of a migration in append order; empty if the journal has none. */
    List<JournalEntry> read(String migrationId);

    /**
     * Takes the exclusive hold on {@code migrationId}'s journal; the engine holds it for the whole
     * of a run, resume or rollback. The default locks within this JVM only, which is enough for a
     * journal no other process can reach; a journal shared between processes (files, a database)
     * must override it with a lock those processes share.
     *
     * @throws io.pv2hvm.core.JournalLockedException if another holder has it
     */
    default JournalLock lock(String migrationId) {
        return ProcessLocks.lock(ProcessLocks.keyOf(this, migrationId), migrationId, describe());
    }

    /** Where the journal lives, for messages. */
    String describe();
}
