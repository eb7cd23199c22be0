package io.pv2hvm.postgres.internal;

import io.pv2hvm.core.InvalidSpecException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * A {@code jdbc:postgresql:} URL as the user gave it: opens connections with the password from the
 * URL or, failing that, from {@code PGPASSWORD} (as libpq does), and describes itself without any
 * credential.
 */
public final class JdbcUrl {
    private static final String PREFIX = "jdbc:postgresql:";

    private final String url;
    private final String password;

    private JdbcUrl(String url, String password) {
        this.url = url;
        this.password = password;
    }

    /** Checks the shape of {@code url}; {@code env} supplies {@code PGPASSWORD}. */
    public static JdbcUrl parse(String url, Map<String, String> env) {
        if (url == null || !url.startsWith(PREFIX) || url.length() == PREFIX.length()) {
            throw new InvalidSpecException("'" + redacted(url) + "' is not a PostgreSQL JDBC URL: expected"
                    + " jdbc:postgresql://HOST[:PORT]/DATABASE?user=USER, with the password in PGPASSWORD.");
        }
        boolean inUrl = url.matches("(?s).*[?&]password=.*");
        String pgpassword = env.get("PGPASSWORD");
        return new JdbcUrl(url, inUrl || pgpassword == null || pgpassword.isEmpty() ? null : pgpassword);
    }

    /** A new connection; the caller closes it. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (password != null) {
            props.setProperty("password", password);
        }
        // Unless the URL says otherwise: a database that does not answer fails the journal
        // operation (and so stops the migration) instead of hanging it.
        putUnlessInUrl(props, "connectTimeout", "10");
        putUnlessInUrl(props, "socketTimeout", "60");
        putUnlessInUrl(props, "ApplicationName", "pv2hvm");
        return DriverManager.getConnection(url, props);
    }

    private void putUnlessInUrl(Properties props, String name, String value) {
        if (!url.matches("(?s).*[?&]" + name + "=.*")) {
            props.setProperty(name, value);
        }
    }

    /** The URL without its query (user, password, options), for messages. */
    public String describe() {
        return redacted(url);
    }

    /** {@code url} without its query string and any user information before the host. */
    public static String redacted(String url) {
        if (url == null) {
            return null;
        }
        String s = url.replaceFirst("\\?.*$", "");
        return s.replaceFirst("//[^/@]*@", "//");
    }
}
