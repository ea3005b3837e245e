package io.dualwrite.jdbc.copy;

import io.dualwrite.jdbc.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

/**
 * The session a copier reads and writes a MySQL/MariaDB store in, whatever an earlier borrower of the pooled
 * connection left on it: {@code utf8mb4} names (a {@code SET NAMES latin1} left behind would make the server
 * convert every text the copier reads and writes), a strict {@link #SQL_MODE}, and, for tables with {@code
 * TIMESTAMP} columns, UTC (such a column holds an instant that a session shows in its own zone; key texts of such
 * columns are UTC everywhere).
 * One statement before, one after, restoring what the session had. Other databases keep no such session state
 * that changes values, and pay nothing.
 *
 * <p>Used by the built-in copier, the backfill's key walk, and the MyBatis module's {@code MapperCopier} and
 * two-factory sync.
 */
public final class CopierSession {

    /**
     * The copier's {@code sql_mode}: strict (a value the target cannot hold fails the sync, which is recorded,
     * instead of being cut or clamped with a warning), a copied {@code 0} stays {@code 0} in an {@code
     * AUTO_INCREMENT} key, {@code CHAR} values read without their padding — whatever modes a pooled session was
     * left with ({@code sql_mode = ''}, {@code PAD_CHAR_TO_FULL_LENGTH}).
     */
    static final String SQL_MODE = "STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";

    private final Connection connection;

    private CopierSession(Connection connection) {
        this.connection = connection;
    }

    /**
     * Puts {@code connection}'s session in {@code utf8mb4} and, when {@code utc}, in UTC, if it is a MySQL/MariaDB
     * session.
     *
     * @return what to {@link #restore()}, or {@code null} when the session was left as it was (another database)
     * @throws SQLException when the database refuses the settings
     */
    public static @Nullable CopierSession enter(Connection connection, boolean utc) throws SQLException {
        Dialect dialect;
        try {
            dialect = Dialect.detect(connection);
        } catch (SQLException unknownProduct) {
            return null;
        }
        return dialect == Dialect.MYSQL ? enterMySql(connection, utc) : null;
    }

    /** {@link #enter} on a session known to be MySQL's or MariaDB's. */
    static CopierSession enterMySql(Connection connection, boolean utc) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET @dualwrite_client = @@session.character_set_client,"
                    + " @dualwrite_results = @@session.character_set_results,"
                    + " @dualwrite_collation = @@session.collation_connection,"
                    + " @dualwrite_time_zone = @@session.time_zone, @dualwrite_sql_mode = @@session.sql_mode,"
                    + " NAMES utf8mb4, sql_mode = '" + SQL_MODE + "'"
                    + (utc ? ", time_zone = '+00:00'" : ""));
        }
        return new CopierSession(connection);
    }

    /**
     * Puts back the character sets and time zone the session had before {@link #enter}.
     *
     * @throws SQLException when the connection is broken
     */
    public void restore() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET character_set_client = @dualwrite_client,"
                    + " character_set_results = @dualwrite_results, collation_connection = @dualwrite_collation,"
                    + " time_zone = @dualwrite_time_zone, sql_mode = @dualwrite_sql_mode");
        }
    }
}
