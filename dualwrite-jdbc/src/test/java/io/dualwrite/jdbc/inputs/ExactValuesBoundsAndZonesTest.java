package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Exact values through the copier. */
class ExactValuesBoundsAndZonesTest {

    // Failed before its fix: an H2 JSON object arrives in the H2 target as a JSON string holding its text
    // Input (H2 -> H2, doc JSON on both): INSERT INTO orders (id, qty, doc) VALUES (1, 1, JSON '{"a":1}')
    // Plain JDBC: old getString(doc) is {"a":1}.
    // Library: the copier reads the JSON (Types.OTHER) as its text and binds it with setObject(text, Types.OTHER);
    // H2 takes a character string for a JSON column as a JSON string, so the new row holds "{\"a\":1}" -- a
    // different JSON value -- and the sync reports success: nothing recorded.
    // Kind 2 (exact values through the copier: JSON, same-product pair).
    @Test
    void h2JsonObjectReachesAnH2JsonColumnAsTheSameObject() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, doc JSON)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, doc JSON)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, qty, doc) VALUES (1, 1, JSON '{\"a\":1}')")).isEqualTo(1);
            }
            assertThat(fixture.records()).as("the sync is recorded only if it failed").isEmpty();
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, CAST(doc AS VARCHAR) AS doc FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, CAST(doc AS VARCHAR) AS doc FROM orders_v2 ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1, "qty", 1, "doc", "{\"a\":1}"));
        }
    }

    // Failed before its fix: a PostgreSQL array with its own lower bound arrives with the default bound
    // Input (PostgreSQL -> PostgreSQL, a INT[] on both): INSERT INTO orders (id, qty, a) VALUES (1, 1, '[0:1]={1,2}')
    // Plain JDBC: old getString(a) is [0:1]={1,2} (a[0] = 1, a[1] = 2).
    // Library: the copier reads Array.getArray() (the elements only) and binds them as a new array: the new row holds
    // {1,2} (a[1] = 1, a[2] = 2, a[0] NULL) -- another value -- and the sync reports success: nothing recorded.
    // Kind 2 (exact values through the copier, same-product pair).
    @Test
    void postgresArrayWithItsOwnLowerBoundReachesPostgresWithThatBound() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, a INT[])");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, a INT[])");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, qty, a) VALUES (1, 1, '[0:1]={1,2}')")).isEqualTo(1);
            }
            assertThat(fixture.records()).as("the sync is recorded only if it failed").isEmpty();
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, a::text AS a, a[0] AS first FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, a::text AS a, a[0] AS first FROM orders_v2 ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1, "qty", 1, "a", "[0:1]={1,2}", "first", 1));
        }
    }

    // Failed before its fix: a timestamp inside a PostgreSQL array goes through the JVM's zone and moves out of a DST gap
    // Input (PostgreSQL -> PostgreSQL, ts TIMESTAMP[] on both, JVM default zone Europe/Berlin):
    //   INSERT INTO orders (id, qty, ts) VALUES (1, 1, ARRAY['2024-03-31 02:30:00'::timestamp, '2024-01-01 10:00:00.123456'])
    // Plain JDBC: old ts::text is {"2024-03-31 02:30:00","2024-01-01 10:00:00.123456"}.
    // Library: scalar timestamps are read as LocalDateTime, but an array is read with Array.getArray(), whose elements
    // are java.sql.Timestamp built in the JVM's zone: 02:30 on the spring-forward night does not exist in Berlin and
    // becomes 03:30. The new row holds {"2024-03-31 03:30:00",...} and nothing is recorded.
    // Kind 2 (exact values through the copier: dates at the edges, same-product pair).
    @Test
    void postgresTimestampArrayInADaylightSavingGapReachesPostgresUnchanged() throws SQLException {
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Europe/Berlin"));
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, ts TIMESTAMP[])");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, ts TIMESTAMP[])");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, qty, ts) VALUES (1, 1,"
                        + " ARRAY['2024-03-31 02:30:00'::timestamp, '2024-01-01 10:00:00.123456'])")).isEqualTo(1);
            }
            assertThat(fixture.records()).as("the sync is recorded only if it failed").isEmpty();
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, ts::text AS ts FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, ts::text AS ts FROM orders_v2 ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1, "qty", 1,
                            "ts", "{\"2024-03-31 02:30:00\",\"2024-01-01 10:00:00.123456\"}"));
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }
}
