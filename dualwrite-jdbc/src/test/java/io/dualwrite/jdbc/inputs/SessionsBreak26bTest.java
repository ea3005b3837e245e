package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.SessionPools.leave;
import static io.dualwrite.jdbc.inputs.SessionPools.pool;
import static io.dualwrite.jdbc.inputs.SessionPools.setting;
import static io.dualwrite.jdbc.inputs.TableTWriter.writer;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 26b: settings an earlier borrower left on a pooled PostgreSQL session that change how the server spells a
 * value ({@code IntervalStyle}): the copier's sessions taken from such a pool read values and keys as the library's
 * rules expect, copy them exactly, refuse nothing wrongly, and the session goes back to the pool as it was found.
 * Every test ends comparing both stores with plain JDBC and reading the change log with plain JDBC.
 */
class SessionsBreak26bTest {

    // Before the fix (seen): the new store's session left under IntervalStyle iso_8601 read the key '1 day' back as
    // 'P1D', the sync refused it as a key stored otherwise and recorded it (wrong refusal), SYNC and ASYNC;
    // the other styles alike ('@ 1 day', '1 0:00:00').
    @ParameterizedTest(name = "PostgreSQL text key into interval, new store's session left under {0}, {1}")
    @CsvSource(delimiter = '|', textBlock = """
            iso_8601         | SYNC
            iso_8601         | ASYNC
            postgres_verbose | SYNC
            sql_standard     | ASYNC
            """)
    void anIntervalKeyIsNotRefusedUnderAnotherIntervalStyleOfTheNewStoresSession(String style, MirrorMode mode)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource newPool = pool(newDb)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id VARCHAR(40) PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id INTERVAL PRIMARY KEY, qty INT)");
            leave(newPool, "SET IntervalStyle = " + style);
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newPool).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES ('1 day', 1)");
                    statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = '1 day'");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing refused").isEmpty();
            assertThat(Rows.of(newDb, "SELECT format('%s', id) AS id, qty FROM t"))
                    .isEqualTo(Rows.of(oldDb, "SELECT id, qty FROM t"));
            assertThat(setting(newPool, "IntervalStyle")).as("the session given back as found").isEqualTo(style);
        }
    }

    // Before the fix (seen): the old store's session left under IntervalStyle iso_8601 spelt the interval value
    // '1 day 02:00:00' as 'P1DT2H' into the new text column: the stores differed, nothing recorded.
    @ParameterizedTest(name = "PostgreSQL interval value into text, old store's session left under {0}")
    @CsvSource(delimiter = '|', textBlock = """
            iso_8601
            postgres_verbose
            """)
    void anIntervalValueIsCopiedAsItsOwnTextUnderAnotherIntervalStyleOfTheOldStoresSession(String style)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource oldPool = pool(oldDb)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v INTERVAL)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(60))");
            try (DualWriter writer = writer(oldDb, MirrorMode.ASYNC)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldPool)
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, v) VALUES (1, '1 day 2 hours')");
                    statement.execute("SET IntervalStyle = " + style); // left on the pool's one session
                    statement.executeUpdate("UPDATE t SET v = '3 days' WHERE id = 1");
                    statement.executeUpdate("INSERT INTO t (id, v) VALUES (2, '1 day 2 hours')");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            assertThat(Rows.of(newDb, "SELECT id, v FROM t ORDER BY id"))
                    .isEqualTo(Rows.of(oldDb, "SELECT id, format('%s', v) AS v FROM t ORDER BY id"));
            assertThat(setting(oldPool, "IntervalStyle")).as("the session given back as found").isEqualTo(style);
        }
    }

    // A double read as text on a session left under extra_float_digits 0 is rounded to 15 digits
    // (0.30000000000000004 read as 0.3); the stores must hold the same double.
    @ParameterizedTest(name = "PostgreSQL double, old store's session left under extra_float_digits {0}, {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0  | ASYNC
            -3 | ASYNC
            0  | SYNC
            """)
    void aDoubleIsCopiedExactlyUnderAnotherExtraFloatDigitsOfTheOldStoresSession(String digits, MirrorMode mode)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource oldPool = pool(oldDb)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v DOUBLE PRECISION, w VARCHAR(60))");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v DOUBLE PRECISION, w VARCHAR(60))");
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldPool)
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.execute("SET extra_float_digits = " + digits); // left on the pool's one session
                    statement.executeUpdate("INSERT INTO t (id, v, w) VALUES (1, 0.1::float8 + 0.2::float8, 'a')");
                    statement.executeUpdate("INSERT INTO t (id, v, w) VALUES (2, 1e-300 / 3, 'b')");
                    statement.executeUpdate("UPDATE t SET w = 'c' WHERE id = 1");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            String exact = "SELECT id, float8send(v)::text AS v, w FROM t ORDER BY id";
            assertThat(Rows.of(newDb, exact)).isEqualTo(Rows.of(oldDb, exact));
            assertThat(setting(oldPool, "extra_float_digits")).as("the session given back as found").isEqualTo(digits);
        }
    }

    // SYNC: the source read runs on the caller's own session (lent), which holds the style it set itself.
    @ParameterizedTest(name = "PostgreSQL interval value into text, SYNC on the caller's session under {0}")
    @CsvSource(delimiter = '|', textBlock = """
            iso_8601
            sql_standard
            """)
    void anIntervalValueIsCopiedAsItsOwnTextWhenTheCallersSessionSetsAnotherIntervalStyle(String style)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource oldPool = pool(oldDb, 2)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v INTERVAL)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(60))");
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldPool)
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.execute("SET IntervalStyle = " + style);
                    connection.setAutoCommit(false);
                    statement.executeUpdate("INSERT INTO t (id, v) VALUES (1, '1 day 2 hours')");
                    statement.executeUpdate("INSERT INTO t (id, v) VALUES (2, '-3 days')");
                    connection.commit();
                    try (ResultSet rows = statement.executeQuery("SELECT current_setting('IntervalStyle')")) {
                        rows.next();
                        assertThat(rows.getString(1)).as("the caller's session as it left it").isEqualTo(style);
                    }
                    connection.commit();
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            assertThat(Rows.of(newDb, "SELECT id, v FROM t ORDER BY id"))
                    .isEqualTo(Rows.of(oldDb, "SELECT id, format('%s', v) AS v FROM t ORDER BY id"));
        }
    }

    // SYNC reads the source on the caller's own session; a network timeout the caller set on it shorter than that read
    // must not close the caller's connection (PostgreSQL's driver closes a connection whose socket read timed out).
    // Before the fix (seen): PostgreSQL, the caller's next statement failed with "This connection has been closed".
    @ParameterizedTest(name = "{0}")
    @CsvSource({"POSTGRES", "MARIADB"})
    void aSyncReadSlowerThanTheCallersNetworkTimeoutLeavesTheCallersConnectionOpen(Kind kind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(kind);
             TestDatabase newDb = TestDatabases.create(kind);
             HikariDataSource oldPool = pool(oldDb, 2)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t_base (id INT PRIMARY KEY, qty INT)", kind == Kind.POSTGRES
                    ? "CREATE FUNCTION slow(v INT) RETURNS INT LANGUAGE sql AS 'SELECT v FROM pg_sleep(1.5)'"
                    : "CREATE FUNCTION slow(v INT) RETURNS INT NO SQL BEGIN DO SLEEP(1.5); RETURN v; END",
                    "CREATE VIEW t AS SELECT id, qty, slow(qty) AS s FROM t_base");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, qty INT, s INT)");
            java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
            try (DualWriter writer = writer(oldDb, MirrorMode.SYNC)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldPool)
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").primaryKey("id").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    connection.setNetworkTimeout(executor, 1000);
                    statement.executeUpdate("INSERT INTO t (id, qty) VALUES (1, 5)");
                    statement.executeUpdate("UPDATE t SET qty = 6 WHERE id = 1");
                    assertThat(connection.isClosed()).as("the caller's connection left open").isFalse();
                    assertThat(connection.getNetworkTimeout()).isEqualTo(1000);
                    try (ResultSet rows = statement.executeQuery("SELECT qty FROM t_base WHERE id = 1")) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getInt(1)).isEqualTo(6);
                    }
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            } finally {
                executor.shutdownNow();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            assertThat(Rows.of(newDb, "SELECT id, qty, s FROM t ORDER BY id"))
                    .isEqualTo(Rows.of(oldDb, "SELECT id, qty, qty AS s FROM t_base ORDER BY id"));
        }
    }

    // The backfill takes its sessions by the same rule: an interval copied into text as its own text, the session
    // given back under the style it was found with. Before the fix (seen): the new store held P1DT2H, P-3D, PT1.5S.
    @org.junit.jupiter.api.Test
    void theBackfillCopiesAnIntervalAsItsOwnTextUnderAnotherIntervalStyleOfTheOldStoresSession() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource oldPool = pool(oldDb, 2)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v INTERVAL)",
                    "INSERT INTO t VALUES (1, '1 day 2 hours'), (2, '-3 days'), (3, '00:00:01.5')");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(60))");
            try (Connection first = oldPool.getConnection(); Connection second = oldPool.getConnection();
                 Statement one = first.createStatement(); Statement two = second.createStatement()) {
                one.execute("SET IntervalStyle = iso_8601"); // both sessions of the pool, as an earlier borrower left them
                two.execute("SET IntervalStyle = iso_8601");
            }
            io.dualwrite.jdbc.backfill.BackfillJob.builder().migration("t").oldDataSource(oldPool)
                    .newDataSource(newDb.dataSource()).mapping(TableMapping.builder("t").build()).build().run();
            assertThat(Rows.of(newDb, "SELECT id, v FROM t ORDER BY id"))
                    .isEqualTo(Rows.of(oldDb, "SELECT id, format('%s', v) AS v FROM t ORDER BY id"));
            assertThat(setting(oldPool, "IntervalStyle")).as("the session given back as found").isEqualTo("iso_8601");
        }
    }
}
