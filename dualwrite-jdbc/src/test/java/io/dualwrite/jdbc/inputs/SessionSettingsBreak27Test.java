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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 27: any session setting an earlier borrower of a pool left (no reset: HikariCP resets none of them), or the
 * caller set on its own session lent to a {@code SYNC} read, that changes how the server reads, spells or resolves a
 * value the library copies. The expected value is always what the same copy gives on a clean session of the pool
 * (read in the test with plain JDBC on a fresh session); every test ends comparing both stores with plain JDBC and
 * reading the change log with plain JDBC, and checks that the pool's session is given back as it was left.
 */
class SessionSettingsBreak27Test {

    // Before the fix (seen): the new store's sessions left under TimeZone Pacific/Kiritimati (+14) read the old
    // store's text '2026-03-01 10:00:00' into timestamptz as 10:00 at +14, 14 hours before what a clean session of
    // the same pool writes; nothing recorded. The date into timestamptz alike (midnight at +14).
    @ParameterizedTest(name = "PostgreSQL {0} into timestamptz, new store's sessions left under TimeZone {1}, {2}")
    @CsvSource(delimiter = '|', textBlock = """
            VARCHAR(40) | Pacific/Kiritimati | ASYNC
            VARCHAR(40) | -03:30             | SYNC
            DATE        | Pacific/Kiritimati | SYNC
            """)
    void aValueReadByTheNewStoreInItsZoneIsReadAsOnACleanSession(String oldType, String zone, MirrorMode mode)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource newPool = pool(newDb, 2)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + oldType + ", qty INT)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMPTZ, qty INT)");
            leave(newPool, 2, "SET TIME ZONE '" + zone + "'");
            String value = oldType.equals("DATE") ? "2026-03-01" : "2026-03-01 10:00:00";
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newPool).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, v, qty) VALUES (1, '" + value + "', 1)");
                    statement.executeUpdate("INSERT INTO t (id, v, qty) VALUES (2, '" + value + "', 2)");
                    statement.executeUpdate("UPDATE t SET qty = 3 WHERE id = 2");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            // what a clean session of the new store's pool reads the same value as
            Object clean = newDb.query("SELECT extract(epoch FROM CAST(? AS " + oldType + ")::timestamptz)::bigint AS e",
                    value).get(0).get("e");
            assertThat(Rows.of(newDb, "SELECT id, extract(epoch FROM v)::bigint AS e, qty FROM t ORDER BY id"))
                    .isEqualTo(List.of(Map.of("id", "1", "e", String.valueOf(clean), "qty", "1"),
                            Map.of("id", "2", "e", String.valueOf(clean), "qty", "3")));
            assertThat(setting(newPool, "TimeZone")).as("the session given back as found").isEqualTo(zone);
        }
    }

    // Before the fix (seen): a timestamptz[] copied into a text column is the server's text of the array, spelt in
    // the reading session's zone: the old store's session left under +14 copied '{"2026-03-01 14:00:00+14"}' where a
    // clean session copies '{"2026-03-01 00:00:00+00"}', nothing recorded. SYNC reads on the caller's own session;
    // with a pool of one session (Asia/Kathmandu, run after the fix only) it is the only one there is: the read must
    // not wait for another (a first version of the fix refused such a lent session and the sync waited out its limit).
    @ParameterizedTest(name = "PostgreSQL timestamptz[] into text, old store's session under TimeZone {0}, {1}, pool {2}")
    @CsvSource(delimiter = '|', textBlock = """
            Pacific/Kiritimati | ASYNC | 2
            America/St_Johns   | SYNC  | 2
            Asia/Kathmandu     | SYNC  | 1
            """)
    void anInstantsTextIsSpeltAsOnACleanSessionWhateverTheReadingSessionsZone(String zone, MirrorMode mode, int size)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource oldPool = pool(oldDb, size)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMPTZ[], qty INT)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT, qty INT)");
            leave(oldPool, size, "SET TIME ZONE '" + zone + "'");
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldPool)
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, v, qty) VALUES (1,"
                            + " ARRAY['2026-03-01 00:00:00+00'::timestamptz, '1999-12-31 23:30:00-05'], 1)");
                    statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = 1");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(90))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            assertThat(Rows.of(newDb, "SELECT id, v, qty FROM t ORDER BY id"))
                    .as("as a clean session spells it")
                    .isEqualTo(Rows.of(oldDb, "SELECT id, v::text AS v, qty FROM t ORDER BY id"));
            assertThat(setting(oldPool, "TimeZone")).as("the session given back as found").isEqualTo(zone);
        }
    }

    // Before the fix (seen): a text[] holding a NULL element is copied as the array's text '{a,NULL}', which the new
    // store's session left under array_nulls = off reads as the string 'NULL': the new store held a value where the
    // old holds none, nothing recorded.
    @ParameterizedTest(name = "PostgreSQL text[] with a NULL element, new store's session left array_nulls off, {0}")
    @CsvSource({"ASYNC", "SYNC"})
    void aNullArrayElementStaysNullWhenTheNewStoresSessionLeftArrayNullsOff(MirrorMode mode) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource newPool = pool(newDb, 2)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT[], qty INT)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT[], qty INT)");
            leave(newPool, 2, "SET array_nulls = off");
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newPool).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, v, qty) VALUES (1, ARRAY['a', NULL, 'NULL'], 1)");
                    statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = 1");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            String exact = "SELECT id, v::text AS v, v[2] IS NULL AS second_null, qty FROM t ORDER BY id";
            assertThat(Rows.of(newDb, exact)).isEqualTo(Rows.of(oldDb, exact));
            assertThat(setting(newPool, "array_nulls")).as("the session given back as found").isEqualTo("off");
        }
    }

    // Before the fix (seen): bytea[] is read as the server's text of the array, which the old store's session left
    // under bytea_output = escape spelt '{"\\001\\377"}' where a clean session spells '{"\\x01ff"}': copied so into
    // a text column, nothing recorded.
    @ParameterizedTest(name = "PostgreSQL bytea[] into text, old store's session left bytea_output escape, {0}")
    @CsvSource({"ASYNC"})
    void aByteArraysTextIsSpeltAsOnACleanSessionWhateverTheByteaOutputLeft(MirrorMode mode) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource oldPool = pool(oldDb, 2)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v BYTEA[], qty INT)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT, qty INT)");
            leave(oldPool, 2, "SET bytea_output = escape");
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldPool)
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, v, qty) VALUES (1, ARRAY['\\x01ff'::bytea, 'ab'], 1)");
                    statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = 1");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            assertThat(Rows.of(newDb, "SELECT id, v, qty FROM t ORDER BY id"))
                    .as("as a clean session spells it")
                    .isEqualTo(Rows.of(oldDb, "SELECT id, v::text AS v, qty FROM t ORDER BY id"));
            assertThat(setting(oldPool, "bytea_output")).as("the session given back as found").isEqualTo("escape");
        }
    }

    // Before the fix (seen): the new H2 store's sessions left under SET TIME ZONE '+14:00' took a date copied into
    // TIMESTAMP WITH TIME ZONE as midnight at +14, 14 hours before what a clean session writes; nothing recorded.
    @ParameterizedTest(name = "PostgreSQL date into H2 TIMESTAMP WITH TIME ZONE, H2 sessions left under {0}, {1}")
    @CsvSource(delimiter = '|', textBlock = """
            +14:00 | ASYNC
            -03:30 | SYNC
            """)
    void aDateIntoAnH2InstantIsReadAsOnACleanSessionWhateverTheZoneLeft(String zone, MirrorMode mode)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.H2);
             HikariDataSource newPool = pool(newDb, 2)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v DATE, qty INT)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TIMESTAMP WITH TIME ZONE, qty INT)");
            leave(newPool, 2, "SET TIME ZONE '" + zone + "'");
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newPool).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO t (id, v, qty) VALUES (1, '2026-03-01', 1)");
                    statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = 1");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            java.time.Instant clean;
            try (Connection fresh = newDb.dataSource().getConnection(); Statement statement = fresh.createStatement();
                 ResultSet rows = statement.executeQuery(
                         "SELECT CAST(DATE '2026-03-01' AS TIMESTAMP WITH TIME ZONE)")) {
                rows.next();
                clean = rows.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
            try (Connection fresh = newDb.dataSource().getConnection(); Statement statement = fresh.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT id, v, qty FROM t ORDER BY id")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getObject(2, java.time.OffsetDateTime.class).toInstant()).isEqualTo(clean);
                assertThat(rows.getInt(3)).isEqualTo(2);
                assertThat(rows.next()).isFalse();
            }
        }
    }

    // Held (kept as guards): a MariaDB session left under another time zone, sql_mode or result character set is
    // put in the copier's (CopierSession) for each read and write: the same values, nothing recorded.
    @ParameterizedTest(name = "MariaDB, old store's sessions left with {0}, {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SET time_zone = '+13:00'                                       | ASYNC
            SET sql_mode = 'PAD_CHAR_TO_FULL_LENGTH,ANSI_QUOTES,NO_BACKSLASH_ESCAPES' | SYNC
            SET character_set_results = latin1, div_precision_increment = 0 | ASYNC
            """)
    void aMariaDbSessionsLeftSettingsChangeNothingCopied(String setting, MirrorMode mode) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.MARIADB);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource oldPool = pool(oldDb, 2)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, ts TIMESTAMP(6) NULL, c CHAR(5), s VARCHAR(20),"
                    + " d DECIMAL(10,4), qty INT) DEFAULT CHARSET utf8mb4");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, ts TIMESTAMPTZ, c VARCHAR(5), s VARCHAR(20),"
                    + " d NUMERIC(10,4), qty INT)");
            try (DualWriter writer = writer(oldDb, mode)) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldPool)
                        .newDataSource(newDb.dataSource()).migration("t").dualWriter(writer)
                        .mapping(TableMapping.builder("t").build()).build();
                try (Connection connection = dataSource.getConnection();
                     java.sql.PreparedStatement insert = connection.prepareStatement(
                             "INSERT INTO t (id, ts, c, s, d, qty) VALUES (1, ?, ?, ?, ?, 1)")) {
                    insert.setObject(1, java.time.OffsetDateTime.parse("2026-03-01T10:00:00.123456Z"));
                    insert.setString(2, "ab");
                    insert.setString(3, "\u00e9t\u00e9 \\ 'q'");
                    insert.setBigDecimal(4, new java.math.BigDecimal("1.3333"));
                    insert.executeUpdate();
                }
                leave(oldPool, 2, setting);
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE t SET qty = 2 WHERE id = 1");
                }
                assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).as("nothing recorded").isEmpty();
            assertThat(Rows.of(newDb, "SELECT id, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts,"
                    + " c, s, d::text AS d, qty FROM t"))
                    .isEqualTo(List.of(Map.of("id", "1", "ts", "2026-03-01 10:00:00.123456", "c", "ab",
                            "s", "\u00e9t\u00e9 \\ 'q'", "d", "1.3333", "qty", "2")));
        }
    }

    // The backfill takes its sessions by the same rule (run after the fix only): a NULL array element and a date
    // into timestamptz copied as on a clean session, the new store's sessions given back as found.
    @org.junit.jupiter.api.Test
    void theBackfillCopiesAsOnACleanSessionWhateverTheNewStoresSessionsLeft() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES);
             HikariDataSource newPool = pool(newDb, 2)) {
            DualWriteSchema.create(oldDb.dataSource());
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT[], d DATE)",
                    "INSERT INTO t VALUES (1, ARRAY['a', NULL], '2026-03-01'), (2, NULL, NULL)");
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT[], d TIMESTAMPTZ)");
            leave(newPool, 2, "SET array_nulls = off; SET TIME ZONE 'Pacific/Kiritimati'");
            io.dualwrite.jdbc.backfill.BackfillJob.builder().migration("t").oldDataSource(oldDb.dataSource())
                    .newDataSource(newPool).mapping(TableMapping.builder("t").build()).build().run();
            assertThat(Rows.of(newDb, "SELECT id, v::text AS v, v[2] IS NULL AS second_null,"
                    + " extract(epoch FROM d)::bigint AS d FROM t ORDER BY id"))
                    .isEqualTo(Rows.of(oldDb, "SELECT id, v::text AS v, v[2] IS NULL AS second_null,"
                            + " extract(epoch FROM d::timestamptz)::bigint AS d FROM t ORDER BY id"));
            assertThat(setting(newPool, "array_nulls")).as("the session given back as found").isEqualTo("off");
            assertThat(setting(newPool, "TimeZone")).isEqualTo("Pacific/Kiritimati");
        }
    }
}
