package io.pv2hvm.postgres.internal;

import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.spi.JournalLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One process's lease on one migration: a row of {@code pv2hvm_journal_lease} naming this holder
 * (a random token per acquisition), renewed every third of its length until closed. Every time is
 * the database server's clock, so the hosts' clocks need not agree.
 *
 * <p>Why this is exclusive under concurrency: taking a lease is one {@code INSERT ... ON CONFLICT DO
 * UPDATE ... WHERE expires_at <= now()}. PostgreSQL inserts the row or locks the existing one and
 * re-checks the condition on its latest committed version, so of any number of racers exactly one
 * gets the row back (two inserts of an absent row meet on the primary key; the loser then sees the
 * winner's live lease). Renewals, appends and releases change the row only {@code WHERE holder =}
 * this token, under the same row lock, so a holder whose lease was taken over can neither extend
 * it nor write to the journal again (see {@link #fence}).
 */
public final class Lease implements JournalLock {
    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

    private final ConnectionSource connections;
    private final String migrationId;
    private final UUID holder;
    private final Duration length;
    private final Consumer<Lease> onClose;
    private volatile ScheduledFuture<?> renewal;
    private volatile boolean lost;
    private volatile boolean closed;

    private Lease(ConnectionSource connections, String migrationId, UUID holder, Duration length,
                  Consumer<Lease> onClose) {
        this.connections = connections;
        this.migrationId = migrationId;
        this.holder = holder;
        this.length = length;
        this.onClose = onClose;
    }

    /**
     * Takes the lease of {@code migrationId} for {@code length}, renewed on {@code renewer} until closed.
     *
     * @throws JournalLockedException if another holder's lease has not run out
     */
    public static Lease acquire(ConnectionSource connections, String migrationId, Duration length,
                                ScheduledExecutorService renewer, String journal, Consumer<Lease> onClose)
            throws SQLException {
        UUID holder = UUID.randomUUID();
        try (Connection c = connections.open()) {
            for (int attempt = 0; ; attempt++) {
                try (PreparedStatement take = c.prepareStatement("""
                        INSERT INTO pv2hvm_journal_lease AS l
                          (migration_id, holder, holder_pid, holder_host, since, expires_at)
                        VALUES (?, ?, ?, ?, now(), now() + ? * interval '1 millisecond')
                        ON CONFLICT (migration_id) DO UPDATE SET holder = excluded.holder,
                          holder_pid = excluded.holder_pid, holder_host = excluded.holder_host,
                          since = excluded.since, expires_at = excluded.expires_at
                        WHERE l.expires_at <= now()
                        RETURNING holder""")) {
                    take.setString(1, migrationId);
                    take.setObject(2, holder);
                    take.setLong(3, ProcessHandle.current().pid());
                    take.setString(4, io.pv2hvm.core.journal.JournalEntries.hostName());
                    take.setLong(5, length.toMillis());
                    try (ResultSet rs = take.executeQuery()) {
                        if (rs.next()) {
                            break;
                        }
                    }
                }
                JournalLockedException held = holderOf(c, migrationId, journal);
                // null: the holder released it between the two statements; take it again (a few times:
                // a busy migration is not a reason to spin).
                if (held != null || attempt >= 3) {
                    throw held != null ? held : new JournalLockedException(migrationId, -1, null, null, journal);
                }
            }
        }
        Lease lease = new Lease(connections, migrationId, holder, length, onClose);
        long every = Math.max(1, length.toMillis() / 3);
        lease.renewal = renewer.scheduleWithFixedDelay(lease::renew, every, every, TimeUnit.MILLISECONDS);
        return lease;
    }

    /** The refusal naming the live holder of {@code migrationId}'s lease, or null if there is none. */
    public static JournalLockedException holderOf(Connection c, String migrationId, String journal)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT holder_pid, holder_host, since, expires_at"
                + " FROM pv2hvm_journal_lease WHERE migration_id = ? AND expires_at > now()")) {
            q.setString(1, migrationId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new JournalLockedException(migrationId, rs.getLong(1), rs.getString(2),
                        rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant(), journal);
            }
        }
    }

    /** The migration this lease is on. */
    public String migrationId() {
        return migrationId;
    }

    /**
     * Within {@code c}'s open transaction: locks this lease's row and extends it, so nobody can take
     * it over until the transaction ends; false if it is no longer this holder's (it ran out and
     * another process took it), in which case the caller must not write.
     */
    public boolean fence(Connection c) throws SQLException {
        if (lost) {
            return false;
        }
        try (PreparedStatement u = c.prepareStatement("UPDATE pv2hvm_journal_lease SET expires_at ="
                + " greatest(expires_at, now() + ? * interval '1 millisecond') WHERE migration_id = ? AND holder = ?")) {
            u.setLong(1, length.toMillis());
            u.setString(2, migrationId);
            u.setObject(3, holder);
            if (u.executeUpdate() == 1) {
                return true;
            }
        }
        markLost();
        return false;
    }

    private void renew() {
        try (Connection c = connections.open();
             PreparedStatement u = c.prepareStatement("UPDATE pv2hvm_journal_lease SET expires_at ="
                     + " now() + ? * interval '1 millisecond' WHERE migration_id = ? AND holder = ?")) {
            u.setLong(1, length.toMillis());
            u.setString(2, migrationId);
            u.setObject(3, holder);
            if (u.executeUpdate() == 0) {
                markLost();
            }
        } catch (SQLException | RuntimeException e) {
            // Try again at the next renewal; if the database stays away past the lease, another
            // process may take it over, and the fence then stops this one from writing.
            LOG.warn("Cannot renew the lease of migration {} ({}); retrying", migrationId, e.getMessage());
        }
    }

    private void markLost() {
        boolean first = !lost;
        lost = true;
        if (first && !closed) {
            LOG.error("The lease of migration {} ran out and another process took it over: this process writes"
                    + " nothing more to its journal", migrationId);
        }
        ScheduledFuture<?> r = renewal;
        if (r != null) {
            r.cancel(false);
        }
    }

    /** Stops renewing and deletes the lease row if it is still this holder's. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ScheduledFuture<?> r = renewal;
        if (r != null) {
            r.cancel(false);
        }
        try (Connection c = connections.open();
             PreparedStatement d = c.prepareStatement(
                     "DELETE FROM pv2hvm_journal_lease WHERE migration_id = ? AND holder = ?")) {
            d.setString(1, migrationId);
            d.setObject(2, holder);
            d.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Cannot release the lease of migration {} ({}); it runs out within {}", migrationId,
                    e.getMessage(), length);
        } finally {
            onClose.accept(this);
        }
    }
}
