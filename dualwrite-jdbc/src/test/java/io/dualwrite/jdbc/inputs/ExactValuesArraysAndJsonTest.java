package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * More exact values through the copier: PostgreSQL arrays keep their bounds and
 * elements whatever the element type and the JVM's zone, and JSON reaches an H2 JSON column as the same JSON value.
 */
class ExactValuesArraysAndJsonTest {

    private static void write(Fixture fixture, String... sql) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            for (String each : sql) {
                assertThat(statement.executeUpdate(each)).isEqualTo(1);
            }
        }
    }

    /** Runs {@code body} with the JVM's default zone set to {@code zone}, restoring the previous one after. */
    private static void inZone(String zone, SqlBody body) throws SQLException {
        TimeZone saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            body.run();
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @FunctionalInterface
    private interface SqlBody {
        void run() throws SQLException;
    }

    // A 2-D array with its own bounds in both dimensions, and a text array whose elements need quoting
    // (delimiter, quote, backslash, the word NULL, a real NULL): the server's text keeps them all.
    @Test
    void postgresTwoDimensionalArrayWithItsOwnBoundsAndQuotedTextElementsReachPostgresUnchanged() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, m INT[][], t TEXT[])");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, m INT[][], t TEXT[])");
            write(fixture, "INSERT INTO orders (id, qty, m, t) VALUES (1, 1, '[0:1][-1:0]={{1,2},{3,NULL}}',"
                            + " ARRAY['a,b', 'q\"uote', 'back\\slash', 'NULL', NULL, '', ' lead'])",
                    "INSERT INTO orders (id, qty, m, t) VALUES (2, 2, '{}', '[5:5]={x}')");
            assertThat(fixture.records()).as("the sync is recorded only if it failed").isEmpty();
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, m::text AS m, m[0][-1] AS corner,"
                            + " array_dims(t) AS dims, t::text AS t FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, m::text AS m, m[0][-1] AS corner,"
                            + " array_dims(t) AS dims, t::text AS t FROM orders_v2 ORDER BY id"))
                    .containsExactly(
                            Rows.expected("id", 1, "qty", 1, "m", "[0:1][-1:0]={{1,2},{3,NULL}}", "corner", 1,
                                    "dims", "[1:7]",
                                    "t", "{\"a,b\",\"q\\\"uote\",\"back\\\\slash\",\"NULL\",NULL,\"\",\" lead\"}"),
                            Rows.expected("id", 2, "qty", 2, "m", "{}", "corner", null, "dims", "[5:5]",
                                    "t", "[5:5]={x}"));
        }
    }

    // Dates, zoned timestamps and decimals inside arrays, with the JVM in Sao Paulo, where 2018-11-04 began at
    // 01:00 (the clocks skipped midnight): java.sql.Date elements built in that zone would move the date, and a
    // numeric element must keep its scale.
    @Test
    void postgresDateTimestamptzAndNumericArraysReachPostgresUnchangedWhateverTheJvmZone() throws SQLException {
        inZone("America/Sao_Paulo", () -> {
            try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
                fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, d DATE[], tz TIMESTAMPTZ[],"
                        + " n NUMERIC(12,4)[])");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, d DATE[], tz TIMESTAMPTZ[],"
                        + " n NUMERIC(12,4)[])");
                write(fixture, "INSERT INTO orders (id, qty, d, tz, n) VALUES (1, 1,"
                        + " '[0:2]={2018-11-04,infinity,0044-03-15 BC}',"
                        + " ARRAY['2024-03-31 02:30:00+02'::timestamptz, '2018-11-04 00:30:00-02:00'],"
                        + " ARRAY[1.1000, -0.0001, NULL]::numeric[])");
                assertThat(fixture.records()).as("the sync is recorded only if it failed").isEmpty();
                // the instants as epoch seconds: their text would depend on each session's zone
                String columns = "d::text AS d, (SELECT string_agg(extract(epoch FROM e)::text, ',' ORDER BY o)"
                        + " FROM unnest(tz) WITH ORDINALITY AS u(e, o)) AS epochs, n::text AS n";
                assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, " + columns + " FROM orders ORDER BY id",
                        fixture.newDb, "SELECT id, quantity AS qty, " + columns + " FROM orders_v2 ORDER BY id"))
                        .containsExactly(Rows.expected("id", 1, "qty", 1,
                                "d", "[0:2]={2018-11-04,infinity,\"0044-03-15 BC\"}",
                                "epochs", "1711845000.000000,1541298600.000000",
                                "n", "{1.1000,-0.0001,NULL}"));
            }
        });
    }

    // JSON arrays and scalars in H2: a string, a number, JSON null (not SQL NULL) and an array must each arrive as
    // that JSON value, never as a JSON string holding its text.
    @Test
    void h2JsonArrayAndScalarsReachAnH2JsonColumnAsTheSameValues() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, doc JSON)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, doc JSON)");
            write(fixture, "INSERT INTO orders (id, qty, doc) VALUES (1, 1, JSON '[1,\"a\",null,{\"b\":[true]}]')",
                    "INSERT INTO orders (id, qty, doc) VALUES (2, 2, JSON '\"text with \\\"quotes\\\"\"')",
                    "INSERT INTO orders (id, qty, doc) VALUES (3, 3, JSON '42.50')",
                    "INSERT INTO orders (id, qty, doc) VALUES (4, 4, JSON 'null')",
                    "INSERT INTO orders (id, qty, doc) VALUES (5, 5, NULL)");
            assertThat(fixture.records()).as("the sync is recorded only if it failed").isEmpty();
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, CAST(doc AS VARCHAR) AS doc,"
                            + " doc IS JSON ARRAY AS is_array FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, CAST(doc AS VARCHAR) AS doc,"
                            + " doc IS JSON ARRAY AS is_array FROM orders_v2 ORDER BY id"))
                    .containsExactly(
                            Rows.expected("id", 1, "qty", 1, "doc", "[1,\"a\",null,{\"b\":[true]}]", "is_array", true),
                            Rows.expected("id", 2, "qty", 2, "doc", "\"text with \\\"quotes\\\"\"", "is_array", false),
                            Rows.expected("id", 3, "qty", 3, "doc", "42.50", "is_array", false),
                            Rows.expected("id", 4, "qty", 4, "doc", "null", "is_array", false),
                            Rows.expected("id", 5, "qty", 5, "doc", null, "is_array", null));
        }
    }

    // A jsonb object copied from PostgreSQL into an H2 JSON column: the same fault from another store (the text
    // bound as a character string became a JSON string).
    @Test
    void postgresJsonbObjectReachesAnH2JsonColumnAsTheSameObject() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, doc JSONB)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, doc JSON)");
            write(fixture, "INSERT INTO orders (id, qty, doc) VALUES (1, 1, '{\"a\": 1, \"é\": [\"x\", null]}')");
            assertThat(fixture.records()).as("the sync is recorded only if it failed").isEmpty();
            // jsonb writes its text with a space after each ':' and ',', H2 without: none of the values holds one
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, replace(doc::text, ' ', '') AS doc,"
                            + " jsonb_typeof(doc) AS kind FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, CAST(doc AS VARCHAR) AS doc,"
                            + " CASE WHEN doc IS JSON OBJECT THEN 'object' ELSE 'other' END AS kind"
                            + " FROM orders_v2 ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1, "qty", 1, "doc", "{\"a\":1,\"é\":[\"x\",null]}",
                            "kind", "object"));
        }
    }

    // A timestamp array in a daylight-saving gap copied from PostgreSQL into an H2 ARRAY column, with the JVM in
    // Berlin: the elements go as their texts, which H2 reads as date-times without any zone.
    @Test
    void postgresTimestampArrayInADaylightSavingGapReachesAnH2ArrayUnchanged() throws SQLException {
        inZone("Europe/Berlin", () -> {
            try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.H2)) {
                fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, ts TIMESTAMP[])");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, ts TIMESTAMP ARRAY)");
                write(fixture, "INSERT INTO orders (id, qty, ts) VALUES (1, 1,"
                        + " ARRAY['2024-03-31 02:30:00'::timestamp, '2024-01-01 10:00:00.123456', NULL])");
                assertThat(fixture.records()).as("the sync is recorded only if it failed").isEmpty();
                assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, cardinality(ts) AS n, ts[1]::text AS e1,"
                                + " ts[2]::text AS e2, ts[3] IS NULL AS third_null FROM orders ORDER BY id",
                        fixture.newDb, "SELECT id, quantity AS qty, CARDINALITY(ts) AS n,"
                                + " CAST(ts[1] AS VARCHAR) AS e1, CAST(ts[2] AS VARCHAR) AS e2,"
                                + " ts[3] IS NULL AS third_null"
                                + " FROM orders_v2 ORDER BY id"))
                        .containsExactly(Rows.expected("id", 1, "qty", 1, "n", 3, "e1", "2024-03-31 02:30:00",
                                "e2", "2024-01-01 10:00:00.123456", "third_null", true));
            }
        });
    }
}
