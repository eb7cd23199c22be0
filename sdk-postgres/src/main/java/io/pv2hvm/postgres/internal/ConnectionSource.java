package io.pv2hvm.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Where the journal gets a connection for one operation (a pool's DataSource, or a JDBC URL). */
@FunctionalInterface
public interface ConnectionSource {
    /** A connection in auto-commit mode; the caller closes it. */
    Connection open() throws SQLException;
}
