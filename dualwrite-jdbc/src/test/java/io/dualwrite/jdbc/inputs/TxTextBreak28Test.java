package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 28: transaction control in the application's own text. Each member runs a script of steps on one connection
 * through {@code DualWriteDataSource} ({@code SYNC}) and, on a twin database, through the raw driver: texts that
 * open, end, prepare or abort a transaction, or set the session's transaction characteristics, with the library's own
 * statements (its savepoints, catalog reads, pre-selects) running on that session between them. The caller must see
 * what the raw driver shows (each step's results, counts, warnings and exceptions as class, SQLState and vendor code;
 * JDBC's auto-commit and the server's transaction state after the script), the old store must end as the twin, and
 * the stores must end equal row by row (plain JDBC), or with the difference recorded and resolved by the tools.
 *
 * <p>Failed before their fixes (8 of 31): fn-begin-commit, fn-prepare, failed-before-begin, failed-before-begin-fn
 * (PostgreSQL: the library's statements ran under the state the text's controls said, not the server's; the function's
 * or the auto-commit write's row unsynced and unrecorded); serializable-text-in-jdbc-tx, serializable-then-write
 * (PostgreSQL: a catalog read was the transaction's first query, 25001); autocommit-off-text on MariaDB and H2
 * (getAutoCommit() false after the text's switch back, the session having been lent to a sync). The rest held.
 */
class TxTextBreak28Test {

    /** A function that writes the mapped table: the write path learns that only from the catalog. */
    private static final String PG_BUMP = "CREATE FUNCTION bump(k bigint) RETURNS int LANGUAGE sql AS"
            + " 'UPDATE orders SET qty = qty + 10 WHERE id = k RETURNING 1'";
    private static final String MARIA_BUMP = "CREATE FUNCTION bump(k BIGINT) RETURNS INT MODIFIES SQL DATA BEGIN"
            + " UPDATE orders SET qty = qty + 10 WHERE id = k; RETURN 1; END";

    /**
     * Steps, separated by {@code " || "}: {@code A0}/{@code A1} setAutoCommit, {@code C} commit(), {@code R}
     * rollback(), any other text executed with {@code execute} and every result walked.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '#', quoteCharacter = '~', value = {
        // PostgreSQL, auto-commit: a text opening its own transaction around a function that writes the mapped table
        "POSTGRES# fn-begin-commit# BEGIN; SELECT bump(2); COMMIT",
        "POSTGRES# fn-begin-then-commit# BEGIN; SELECT bump(2) || COMMIT",
        "POSTGRES# fn-start-rollback# START TRANSACTION; SELECT bump(2); ROLLBACK",
        "POSTGRES# fn-after-commit-in-jdbc-tx# A0 || SELECT bump(2); COMMIT || UPDATE orders SET qty = 5 WHERE id = 3"
                + " || C || A1",
        "POSTGRES# fn-after-begin-in-jdbc-tx# A0 || BEGIN; SELECT bump(2) || C || A1",
        "POSTGRES# update-begin-commit# BEGIN; UPDATE orders SET qty = 9 WHERE id = 1; COMMIT",
        "POSTGRES# savepoints-in-text# BEGIN; UPDATE orders SET qty = 9 WHERE id = 1; SAVEPOINT s; UPDATE orders SET"
                + " qty = 8 WHERE id = 2; ROLLBACK TO SAVEPOINT s; COMMIT",
        // a text that fails before its BEGIN ran: the session stays in auto-commit
        "POSTGRES# failed-before-begin# SELECT 1/0; BEGIN || UPDATE orders SET qty = 9 WHERE id = 1",
        "POSTGRES# failed-before-begin-fn# SELECT 1/0; BEGIN || SELECT bump(2)",
        // an aborted transaction before the library's own statements
        "POSTGRES# aborted-text-tx# BEGIN; SELECT 1/0 || UPDATE orders SET qty = 9 WHERE id = 1 || ROLLBACK"
                + " || UPDATE orders SET qty = 7 WHERE id = 3",
        "POSTGRES# aborted-text-tx-commit# BEGIN; UPDATE orders SET qty = 8 WHERE id = 2; SELECT 1/0 || UPDATE orders"
                + " SET qty = 9 WHERE id = 1 || COMMIT || UPDATE orders SET qty = 7 WHERE id = 3",
        "POSTGRES# aborted-jdbc-tx# A0 || UPDATE orders SET qty = 8 WHERE id = 2 || SELECT 1/0 || UPDATE orders SET"
                + " qty = 9 WHERE id = 1 || R || UPDATE orders SET qty = 7 WHERE id = 3 || C || A1",
        "POSTGRES# aborted-jdbc-tx-fn# A0 || SELECT 1/0 || SELECT bump(2) || R || SELECT bump(3) || C || A1",
        // transaction characteristics before the first write
        "POSTGRES# serializable-text-in-jdbc-tx# A0 || SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; UPDATE orders SET"
                + " qty = 9 WHERE id = 1 || C || A1",
        "POSTGRES# serializable-then-write# A0 || SET TRANSACTION ISOLATION LEVEL SERIALIZABLE || UPDATE orders SET"
                + " qty = 9 WHERE id = 1 || C || A1",
        "POSTGRES# read-only-text-in-jdbc-tx# A0 || SET TRANSACTION READ ONLY; UPDATE orders SET qty = 9 WHERE id = 1"
                + " || R || UPDATE orders SET qty = 7 WHERE id = 3 || C || A1",
        "POSTGRES# session-read-only# SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY || UPDATE orders SET qty = 9"
                + " WHERE id = 1 || SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE || UPDATE orders SET qty = 7"
                + " WHERE id = 3",
        "POSTGRES# session-read-only-text# SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; UPDATE orders SET"
                + " qty = 9 WHERE id = 1 || SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
        "POSTGRES# prepare-commit-prepared# BEGIN; UPDATE orders SET qty = 9 WHERE id = 1; PREPARE TRANSACTION 'r28a'"
                + " || COMMIT PREPARED 'r28a'",
        "POSTGRES# fn-prepare# BEGIN; SELECT bump(2); PREPARE TRANSACTION 'r28b' || COMMIT PREPARED 'r28b'",
        // MariaDB
        "MARIADB# fn-start-commit# START TRANSACTION; SELECT bump(2); COMMIT",
        "MARIADB# autocommit-off-text# SET autocommit = 0 || UPDATE orders SET qty = 9 WHERE id = 1 || COMMIT"
                + " || UPDATE orders SET qty = 7 WHERE id = 3 || ROLLBACK || SET autocommit = 1",
        "MARIADB# autocommit-off-fn# SET autocommit = 0 || SELECT bump(2) || COMMIT || SET autocommit = 1",
        "MARIADB# xa-one-phase# XA START 'r28' || UPDATE orders SET qty = 9 WHERE id = 1 || INSERT INTO orders (id,"
                + " code, qty) VALUES (5, 'e', 5) || XA END 'r28' || XA COMMIT 'r28' ONE PHASE",
        "MARIADB# xa-two-phase# XA START 'r28' || UPDATE orders SET qty = 9 WHERE id = 1 || SELECT bump(2)"
                + " || XA END 'r28' || XA PREPARE 'r28' || XA COMMIT 'r28'",
        "MARIADB# xa-write-after-end# XA START 'r28' || XA END 'r28' || UPDATE orders SET qty = 9 WHERE id = 1"
                + " || XA ROLLBACK 'r28' || UPDATE orders SET qty = 7 WHERE id = 3",
        "MARIADB# xa-text# XA START 'r28'; UPDATE orders SET qty = 9 WHERE id = 1; XA END 'r28'; XA COMMIT 'r28' ONE"
                + " PHASE",
        "MARIADB# session-read-only# SET SESSION TRANSACTION READ ONLY || UPDATE orders SET qty = 9 WHERE id = 1"
                + " || SET SESSION TRANSACTION READ WRITE || UPDATE orders SET qty = 7 WHERE id = 3",
        "MARIADB# serializable-in-jdbc-tx# A0 || SET TRANSACTION ISOLATION LEVEL SERIALIZABLE || UPDATE orders SET"
                + " qty = 9 WHERE id = 1 || C || A1",
        // H2
        "H2# autocommit-off-text# SET AUTOCOMMIT FALSE || UPDATE orders SET qty = 9 WHERE id = 1 || COMMIT"
                + " || UPDATE orders SET qty = 7 WHERE id = 3 || ROLLBACK || SET AUTOCOMMIT TRUE",
        "H2# autocommit-off-then-jdbc-commit# SET AUTOCOMMIT FALSE || UPDATE orders SET qty = 9 WHERE id = 1 || C"
                + " || A1"})
    void aTextThatChangesTheTransactionEndsAsTheDriverShowsAndTheStoresEqualOrRecorded(Kind kind, String member,
            String script) throws Exception {
        AtomicReference<Connection> session = new AtomicReference<>();
        Thread caller = Thread.currentThread();
        List<com.zaxxer.hikari.HikariDataSource> opened = new ArrayList<>();
        try (Fixture fixture = seeded(Fixture.builder(kind, kind)
                .wrapOld(pool -> capturing(kind, pool, session, caller, opened)).build(), kind);
             TestDatabase twin = seededTwin(kind)) {
            String raw;
            // its own pool, closed after the script: what the script leaves open (an XA transaction) ends with it
            try (com.zaxxer.hikari.HikariDataSource twinPool = kind == Kind.H2 ? null : ownPool(kind, twin.pool());
                 Connection connection = (twinPool == null ? twin.dataSource() : twinPool).getConnection()) {
                raw = transcript(kind, connection, connection, script);
            }
            String library;
            try (Connection connection = fixture.dataSource.getConnection()) {
                library = transcript(kind, connection, null, script, session);
            }
            assertThat(library).as("what the caller sees, as over the raw driver").isEqualTo(raw);
            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))
                    .as("the old store as the script leaves it without the library")
                    .isEqualTo(Rows.of(twin, "SELECT id, code, qty FROM orders ORDER BY id"));
            Mirrored.exactOrResynced(fixture, member);
        } finally {
            opened.forEach(com.zaxxer.hikari.HikariDataSource::close);
        }
    }

    private static Fixture seeded(Fixture fixture, Kind kind) {
        Mirrored.seed(fixture, Mirrored.PG);
        if (kind != Kind.H2) {
            fixture.onOld(kind == Kind.POSTGRES ? PG_BUMP : MARIA_BUMP);
        }
        return fixture;
    }

    private static TestDatabase seededTwin(Kind kind) {
        TestDatabase twin = TestDatabases.create(kind);
        twin.execute(Mirrored.PG, "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1)",
                "INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)",
                "INSERT INTO orders (id, code, qty) VALUES (3, 'c', 3)");
        if (kind != Kind.H2) {
            twin.execute(kind == Kind.POSTGRES ? PG_BUMP : MARIA_BUMP);
        }
        return twin;
    }

    private static String transcript(Kind kind, Connection connection, Connection physical, String script)
            throws SQLException {
        return transcript(kind, connection, physical, script, null);
    }

    /** What the caller sees of each step, then JDBC's auto-commit and the server's transaction state. */
    private static String transcript(Kind kind, Connection connection, Connection physical, String script,
            AtomicReference<Connection> captured) throws SQLException {
        StringBuilder seen = new StringBuilder();
        for (String step : script.split(" \\|\\| ")) {
            seen.append(step).append(" -> ");
            try {
                switch (step) {
                    case "A0" -> connection.setAutoCommit(false);
                    case "A1" -> connection.setAutoCommit(true);
                    case "C" -> connection.commit();
                    case "R" -> connection.rollback();
                    default -> {
                        try (Statement statement = connection.createStatement()) {
                            seen.append(WritePathBreak27Test.results(statement, statement.execute(step)));
                            seen.append(warnings(statement.getWarnings()));
                        }
                    }
                }
                seen.append("ok");
            } catch (SQLException e) {
                seen.append("failed ").append(e.getClass().getSimpleName()).append(' ').append(e.getSQLState())
                        .append(' ').append(e.getErrorCode());
            }
            Connection server = physical != null ? physical : captured.get();
            // a session the library has not taken yet is as a fresh one of the pool
            seen.append(", auto-commit ").append(connection.getAutoCommit()).append(", server ")
                    .append(server != null ? state(kind, server) : kind == Kind.POSTGRES ? "IDLE"
                            : kind == Kind.MARIADB ? "idle" : "auto-commit true").append('\n');
        }
        return seen.toString();
    }

    private static String warnings(SQLWarning warning) {
        StringBuilder seen = new StringBuilder();
        for (SQLWarning each = warning; each != null; each = each.getNextWarning()) {
            seen.append("warning ").append(each.getSQLState()).append("; ");
        }
        return seen.toString();
    }

    /** The server's transaction state as the driver last heard it, read without a statement. */
    private static String state(Kind kind, Connection physical) throws SQLException {
        return switch (kind) {
            case POSTGRES -> physical.unwrap(org.postgresql.core.BaseConnection.class).getTransactionState().name();
            case MARIADB -> (physical.unwrap(org.mariadb.jdbc.Connection.class).getContext().getServerStatus() & 1) != 0
                    ? "in a transaction" : "idle";
            case H2 -> "auto-commit " + physical.getAutoCommit();
        };
    }

    /** A pool of its own on {@code pool}'s database; on MariaDB its driver takes several statements in one text. */
    private static com.zaxxer.hikari.HikariDataSource ownPool(Kind kind,
            com.zaxxer.hikari.HikariDataSource pool) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(pool.getJdbcUrl() + (kind == Kind.MARIADB ? "&allowMultiQueries=true" : ""));
        config.setUsername(pool.getUsername());
        config.setPassword(pool.getPassword());
        config.setMaximumPoolSize(4);
        return new com.zaxxer.hikari.HikariDataSource(config);
    }

    /**
     * The old pool as the data source sees it, keeping the first session the calling thread takes (the
     * application's; the mirrors take theirs on their own threads); on MariaDB a pool whose driver takes several
     * statements in one text. {@code caller} null: keep none.
     */
    private static DataSource capturing(Kind kind, DataSource pool, AtomicReference<Connection> session,
            Thread caller, List<com.zaxxer.hikari.HikariDataSource> opened) {
        DataSource target = pool;
        if (kind == Kind.MARIADB) {
            com.zaxxer.hikari.HikariDataSource multi = ownPool(kind, (com.zaxxer.hikari.HikariDataSource) pool);
            opened.add(multi);
            target = multi;
        }
        DataSource delegate = target;
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = delegate.getConnection();
                if (Thread.currentThread() == caller) {
                    session.compareAndSet(null, connection);
                }
                return connection;
            }

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                throw new SQLFeatureNotSupportedException();
            }

            @Override
            public PrintWriter getLogWriter() throws SQLException {
                return delegate.getLogWriter();
            }

            @Override
            public void setLogWriter(PrintWriter out) throws SQLException {
                delegate.setLogWriter(out);
            }

            @Override
            public void setLoginTimeout(int seconds) throws SQLException {
                delegate.setLoginTimeout(seconds);
            }

            @Override
            public int getLoginTimeout() throws SQLException {
                return delegate.getLoginTimeout();
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                return delegate.getParentLogger();
            }

            @Override
            public <T> T unwrap(Class<T> type) throws SQLException {
                return delegate.unwrap(type);
            }

            @Override
            public boolean isWrapperFor(Class<?> type) throws SQLException {
                return delegate.isWrapperFor(type);
            }
        };
    }
}
