package io.pv2hvm.postgres.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keeps a few connections of a JDBC URL open between journal operations (a new PostgreSQL
 * connection costs a TCP and SCRAM handshake, more than an append), for callers without a pool of
 * their own. A connection idle for a while is checked before reuse, and one idle too long is closed:
 * firewalls drop idle connections silently.
 */
public final class IdleConnections implements ConnectionSource {
    private static final int MAX_IDLE = 4;
    private static final long CHECK_AFTER_NANOS = 5_000_000_000L;
    private static final long CLOSE_AFTER_NANOS = 60_000_000_000L;

    private final ConnectionSource target;
    private final Deque<Idle> idle = new ArrayDeque<>();

    private record Idle(Connection connection, long since) {
    }

    public IdleConnections(ConnectionSource target) {
        this.target = target;
    }

    @Override
    public Connection open() throws SQLException {
        while (true) {
            Idle i;
            synchronized (idle) {
                i = idle.pollFirst();
            }
            if (i == null) {
                return handOut(target.open());
            }
            long idleFor = System.nanoTime() - i.since();
            if (idleFor > CLOSE_AFTER_NANOS || (idleFor > CHECK_AFTER_NANOS && !i.connection().isValid(5))) {
                closeQuietly(i.connection());
                continue;
            }
            return handOut(i.connection());
        }
    }

    /** The connection, whose {@code close()} gives it back here instead. */
    private Connection handOut(Connection real) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                new java.lang.reflect.InvocationHandler() {
                    private boolean returned;

                    @Override
                    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args)
                            throws Throwable {
                        if (method.getName().equals("close") && method.getParameterCount() == 0) {
                            if (!returned) {
                                returned = true;
                                giveBack(real);
                            }
                            return null;
                        }
                        if (returned) {
                            throw new SQLException("connection already closed");
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
    }

    private void giveBack(Connection real) {
        try {
            // Only a connection in a clean state is kept: auto-commit on and no transaction left open.
            if (real.isClosed() || !real.getAutoCommit()) {
                closeQuietly(real);
                return;
            }
        } catch (SQLException e) {
            closeQuietly(real);
            return;
        }
        synchronized (idle) {
            if (idle.size() < MAX_IDLE) {
                idle.addFirst(new Idle(real, System.nanoTime()));
                return;
            }
        }
        closeQuietly(real);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // it is being discarded
        }
    }
}
