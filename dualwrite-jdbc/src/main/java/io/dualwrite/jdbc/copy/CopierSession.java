package io.dualwrite.jdbc.copy;

import io.dualwrite.jdbc.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The session a copier reads and writes a MySQL/MariaDB store in, whatever an earlier borrower of the pooled
 * connection left on it: {@code utf8mb4} names (a {@code SET NAMES latin1} left behind would make the server
 * convert every text the copier reads and writes), a strict {@link #SQL_MODE}, and, for tables with {@code
 * TIMESTAMP} columns, UTC (such a column holds an instant that a session shows in its own zone; key texts of such
 * columns are UTC everywhere).
 * One statement before, one after, restoring what the session had. On PostgreSQL only a read of a table with an
 * array or a range depends on the session ({@link #exactTexts}); other reads and other databases pay nothing.
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

    /**
     * The character set introducer of every text the session-setting statements give: one {@code SET} is parsed
     * before any of its assignments, {@code NAMES utf8mb4} included, so a literal without it is read in the
     * {@code character_set_connection} a pooled session was left with; in {@code ucs2} (or {@code utf16},
     * {@code utf32}) {@code '+00:00'} is no time zone and the statement failed, so every sync and every verification
     * on such a session failed.
     */
    private static final String LITERAL = "_utf8mb4";

    /** Saves what {@link #restore()} puts back, in session user variables: the first part of a {@code SET}. */
    private static final String SAVE = "SET @__dualwrite_client = @@session.character_set_client,"
            + " @__dualwrite_results = @@session.character_set_results,"
            + " @__dualwrite_collation = @@session.collation_connection,"
            + " @__dualwrite_time_zone = @@session.time_zone, @__dualwrite_sql_mode = @@session.sql_mode,"
            + " @__dualwrite_select_limit = @@session.sql_select_limit";

    /**
     * No row limit on the copier's reads: a {@code sql_select_limit} an earlier borrower left on the session cuts
     * every {@code SELECT} without {@code LIMIT} short (0 returns no row), and a row the copier does not read is a
     * row it takes for deleted. The largest value the server takes, which is also its default.
     */
    private static final String NO_ROW_LIMIT = ", sql_select_limit = 18446744073709551615";

    /**
     * What {@link #restore()} puts back, and the saved values cleared so that the session carries none of them: the
     * first part of a {@code SET}. The user variables named {@code @__dualwrite_…} are the library's; an
     * application's own variables of those names do not survive a sync on its pool's connections.
     */
    private static final String RESTORE = "SET character_set_client = @__dualwrite_client,"
            + " character_set_results = @__dualwrite_results, collation_connection = @__dualwrite_collation,"
            + " time_zone = @__dualwrite_time_zone, sql_mode = @__dualwrite_sql_mode,"
            + " sql_select_limit = @__dualwrite_select_limit, @__dualwrite_select_limit = NULL, @__dualwrite_client = NULL,"
            + " @__dualwrite_results = NULL, @__dualwrite_collation = NULL, @__dualwrite_time_zone = NULL,"
            + " @__dualwrite_sql_mode = NULL";

    private final Connection connection;
    /** The isolation variable {@link #enterMySqlTransaction} saved and changed; null when it began no transaction. */
    private final @Nullable String isolation;

    private CopierSession(Connection connection, @Nullable String isolation) {
        this.connection = connection;
        this.isolation = isolation;
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
            statement.execute(SAVE + NO_ROW_LIMIT + ", NAMES utf8mb4, sql_mode = " + LITERAL + "'" + SQL_MODE + "'"
                    + (utc ? ", time_zone = " + LITERAL + "'+00:00'" : ""));
        }
        return new CopierSession(connection, null);
    }

    /**
     * {@link #enterMySql} that also begins the copier's transaction, in the same statement: read committed (see
     * {@link KeyLocks#begin}) and {@code autocommit = 0}, on a session in auto-commit mode. The driver learns of
     * both from the server's status, as it does of a transaction begun by SQL text. The sync then takes its locks,
     * writes, sends {@code COMMIT} or {@code ROLLBACK} as text and ends with {@link #restoreAfterTransaction()}:
     * three statements fewer than the JDBC transaction methods, an isolation read and the locks' release take.
     */
    static CopierSession enterMySqlTransaction(Connection connection, boolean utc) throws SQLException {
        String isolation = isolationVariable(connection);
        try (Statement statement = connection.createStatement()) {
            statement.execute(SAVE + NO_ROW_LIMIT + ", @__dualwrite_isolation = @@session." + isolation
                    + ", NAMES utf8mb4, sql_mode = " + LITERAL + "'"
                    + SQL_MODE + "'" + (utc ? ", time_zone = " + LITERAL + "'+00:00'" : "") + ", " + isolation
                    + " = " + LITERAL + "'READ-COMMITTED', autocommit = 0");
        }
        return new CopierSession(connection, isolation);
    }

    /**
     * The session variable of the isolation level: {@code tx_isolation} on MariaDB (which has {@code
     * transaction_isolation} only from 11.1), {@code transaction_isolation} on MySQL (which dropped {@code
     * tx_isolation} in 8.0). The server's version, which names MariaDB, comes with the connection: no round trip.
     */
    static String isolationVariable(Connection connection) throws SQLException {
        String version = connection.getMetaData().getDatabaseProductVersion();
        return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb")
                ? "tx_isolation" : "transaction_isolation";
    }

    /**
     * Puts a PostgreSQL session in the settings that spell the server's text of an array or a range the way a clean
     * session of the pool does, for a read of such a value (the copier reads them as the server's text): {@code
     * extra_float_digits} below 1 (which rounds floats) at 3, where floats are written in their shortest exact text;
     * {@code TimeZone} (which spells the instants of a {@code timestamptz[]} or {@code tstzrange}) and {@code
     * bytea_output} (which spells a {@code bytea[]}'s elements) at the values the session started with ({@code
     * reset_val}). A pool's earlier borrower, or the caller whose session is lent to a {@code SYNC} read, may leave
     * any of them otherwise: a {@code timestamptz[]} copied into a text column was spelt in that zone (round 27). The
     * lent session is set back at once after the read ({@link #restoreTexts}), as the caller left it.
     *
     * @return what to put back with {@link #restoreTexts} (setting names and values, alternately), or null when
     *         nothing needed a change
     * @throws SQLException when the session refuses it
     */
    static @Nullable List<String> exactTexts(Connection connection) throws SQLException {
        List<String> was = new ArrayList<>();
        StringBuilder set = new StringBuilder();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name, current_setting(name),"
                     + " CASE WHEN name = 'extra_float_digits' THEN '3' ELSE reset_val END FROM pg_settings"
                     + " WHERE name = 'extra_float_digits' AND setting::int < 1 OR lower(name) IN ('timezone',"
                     + " 'bytea_output') AND setting IS DISTINCT FROM reset_val")) {
            while (rows.next()) {
                was.add(rows.getString(1));
                was.add(rows.getString(2));
                set.append(set.length() == 0 ? "SELECT " : ", ").append("set_config(").append(literal(rows.getString(1)))
                        .append(", ").append(literal(rows.getString(3))).append(", false)");
            }
        }
        if (was.isEmpty()) {
            return null;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(set.toString());
        }
        return was;
    }

    /** Puts back the settings that {@link #exactTexts} changed. */
    static void restoreTexts(Connection connection, List<String> was) throws SQLException {
        StringBuilder set = new StringBuilder("SELECT ");
        for (int i = 0; i < was.size(); i += 2) {
            set.append(i == 0 ? "" : ", ").append("set_config(").append(literal(was.get(i))).append(", ")
                    .append(literal(was.get(i + 1))).append(", false)");
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(set.toString());
        }
    }

    /** A PostgreSQL string literal in the escape syntax, read alike whatever {@code standard_conforming_strings}. */
    private static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * Puts back the character sets and time zone the session had before {@link #enter}.
     *
     * @throws SQLException when the connection is broken
     */
    public void restore() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(RESTORE);
        }
    }

    /**
     * Ends what {@link #enterMySqlTransaction} began, once the transaction was committed or rolled back: puts back
     * the session's settings and isolation level and {@code autocommit = 1}, and releases the copier's named locks
     * ({@code RELEASE_ALL_LOCKS()}, which the server evaluates before it makes any assignment: the transaction
     * must have ended before this runs), in one statement.
     *
     * @throws SQLException when the connection is broken
     */
    void restoreAfterTransaction() throws SQLException {
        if (isolation == null) {
            throw new IllegalStateException("this session began no transaction");
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(RESTORE + ", " + isolation + " = @__dualwrite_isolation, autocommit = 1,"
                    + " @__dualwrite_isolation = NULL, @__dualwrite_released = RELEASE_ALL_LOCKS(),"
                    + " @__dualwrite_released = NULL");
        }
    }
}
