package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.assertClean;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.backfill;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.backfillVerifiesClean;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.repair;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.rows;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tenth break review of the migration tools: date-times copied into text columns, PostgreSQL array bounds, and
 * other values whose difference verification missed or whose sameness it reported. Tests of backfill and repair
 * end with the stores compared row by row by the test's own SQL.
 */
class ToolsBreak10Test {

    private static final TableMapping T = TableMapping.identity("t");

    // Input: on H2, PostgreSQL and MariaDB, an old TIMESTAMP(6), DATE and TIME(6) whose new columns are VARCHAR: the
    //   copy's spelling and the verification's must agree, and a one-second change of the text is still found.
    @Test
    void dateTimesCopiedIntoTextColumnsAreSpeltCanonicallyAndVerifyClean() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                String ts = kind == Kind.POSTGRES ? "timestamp(6)" : kind == Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)";
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, ts " + ts + ", d DATE, tm TIME(6))",
                        "INSERT INTO t VALUES (1, '2024-01-02 03:04:05.5', '2024-01-02', '03:04:05.25'),"
                                + " (2, '2024-01-02 03:04:05', '1999-12-31', '00:00:00'), (3, NULL, NULL, NULL),"
                                + " (4, '2024-02-29 23:59:59.999999', '2024-02-29', '23:59:59.000001')");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, ts VARCHAR(40), d VARCHAR(20), tm VARCHAR(20))");
                backfill(old, fresh, T);
                assertThat(rows(fresh, "SELECT id, ts, d, tm FROM t ORDER BY id")).as(kind.toString()).containsExactly(
                        "1 2024-01-02 03:04:05.5 2024-01-02 03:04:05.25", "2 2024-01-02 03:04:05 1999-12-31 00:00:00",
                        "3 null null null", "4 2024-02-29 23:59:59.999999 2024-02-29 23:59:59.000001");
                assertClean(verify(old, fresh, T));

                fresh.execute("UPDATE t SET ts = '2024-01-02 03:04:06' WHERE id = 2",
                        "UPDATE t SET d = '2024-01-02 ' WHERE id = 1");
                TableReport report = verify(old, fresh, T);
                assertThat(report.differences()).as(report.toText())
                        .extracting(RowDifference::key, RowDifference::columns)
                        .containsExactlyInAnyOrder(tuple("1", List.of("d")), tuple("2", List.of("ts")));
                repair(old, fresh, T);
                assertThat(rows(fresh, "SELECT id, ts, d FROM t ORDER BY id")).as(kind.toString()).containsExactly(
                        "1 2024-01-02 03:04:05.5 2024-01-02", "2 2024-01-02 03:04:05 1999-12-31",
                        "3 null null", "4 2024-02-29 23:59:59.999999 2024-02-29");
            }
        }
    }

    // Input: PostgreSQL timestamptz into text (UTC, no offset), and the reverse: text into a PostgreSQL timestamp.
    @Test
    void zonedDateTimesIntoTextAreSpeltInUtcAndTextIntoDateTimesVerifyClean() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("SET TIME ZONE 'Asia/Kolkata'", "CREATE TABLE t (id INT PRIMARY KEY, z timestamptz, s VARCHAR(40))",
                    "INSERT INTO t VALUES (1, '2024-01-02 03:04:05.5+05:30', '2024-01-02 03:04:05.5'),"
                            + " (2, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, z VARCHAR(40), s timestamp(6))");
            backfill(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, z, s::text AS s FROM t ORDER BY id")).containsExactly(
                    "1 2024-01-01 21:34:05.5 2024-01-02 03:04:05.5", "2 2024-01-01 00:00:00 2024-01-01 00:00:00");
            assertClean(verify(old, fresh, T));
            fresh.execute("UPDATE t SET z = '2024-01-01 21:34:05.6' WHERE id = 1");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns).containsExactly(tuple("1", List.of("z")));
        }
    }

    // Input: PostgreSQL int[] and text[] with a lower bound other than 1 ('[0:1]={1,2}' against '{1,2}'): the same
    //   elements, another array. Copied with its bounds, and a bound changed on the new side is found.
    @Test
    void postgresArrayLowerBoundsAreCopiedAndCompared() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, a int[], b text[])",
                    "INSERT INTO t VALUES (1, '[0:1]={1,2}', '{x,y}'), (2, '{1,2}', '[-2:-1]={x,y}'), (3, '{}', NULL),"
                            + " (4, '[2:3][1:1]={{1},{2}}', '{a}')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a int[], b text[])");
            backfill(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, a::text AS a, b::text AS b FROM t ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, a::text AS a, b::text AS b FROM t ORDER BY id"));
            assertClean(verify(old, fresh, T));
            fresh.execute("UPDATE t SET a = '{1,2}' WHERE id = 1", "UPDATE t SET b = '{x,y}' WHERE id = 2",
                    "UPDATE t SET a = '[1:2][1:1]={{1},{2}}' WHERE id = 4");
            TableReport report = verify(old, fresh, T);
            assertThat(report.differences()).as(report.toText())
                    .extracting(RowDifference::key, RowDifference::columns)
                    .containsExactlyInAnyOrder(tuple("1", List.of("a")), tuple("2", List.of("b")), tuple("4", List.of("a")));
            repair(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, a::text AS a, b::text AS b FROM t ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, a::text AS a, b::text AS b FROM t ORDER BY id"));
        }
    }

    // Input: H2 and PostgreSQL, columns the mapping adds (a text, an integer, a boolean, a jsonb) whose new rows
    //   hold another value than the mapping's (a schema default, a changed row): they were not compared at all.
    @Test
    void columnsTheMappingAddsAreComparedWithTheMappingsValue() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                boolean pg = kind == Kind.POSTGRES;
                TableMapping mapping = TableMapping.builder("t").primaryKey("id").add("src", "legacy").add("n", 7)
                        .add("flag", true).add("doc", "{\"b\": 1, \"a\": [1, 2]}").build();
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT, src VARCHAR(10) DEFAULT 'x', n INT,"
                        + " flag BOOLEAN, doc " + (pg ? "jsonb" : "JSON") + ")");
                backfill(old, fresh, mapping);
                TableReport clean = verify(old, fresh, mapping);
                assertClean(clean);
                assertThat(clean.javaColumns()).as(clean.toText()).containsKeys("src", "n", "flag", "doc");

                fresh.execute("UPDATE t SET src = 'x' WHERE id = 1", "UPDATE t SET n = NULL, flag = false WHERE id = 2",
                        pg ? "UPDATE t SET doc = '{\"a\": [2, 1], \"b\": 1}' WHERE id = 3"
                                : "UPDATE t SET doc = JSON '{\"a\": [2, 1], \"b\": 1}' WHERE id = 3",
                        "INSERT INTO t (id, v) VALUES (4, 40)");
                TableReport report = verify(old, fresh, mapping);
                assertThat(report.differences()).as(report.toText())
                        .extracting(RowDifference::kind, RowDifference::key, RowDifference::columns)
                        .containsExactlyInAnyOrder(tuple(RowDifference.Kind.DIFFERENT, "1", List.of("src")),
                                tuple(RowDifference.Kind.DIFFERENT, "2", List.of("n", "flag")),
                                tuple(RowDifference.Kind.DIFFERENT, "3", List.of("doc")),
                                tuple(RowDifference.Kind.EXTRA_IN_NEW, "4", List.of()));
                repair(old, fresh, mapping);
                assertThat(rows(fresh, "SELECT id, v, src, n, flag FROM t ORDER BY id")).as(kind.toString())
                        .containsExactly("1 10 legacy 7 true", "2 20 legacy 7 true", "3 30 legacy 7 true");
            }
        }
    }

    // Input: PostgreSQL and MariaDB DOUBLE holding -0 (and NaN, ±Infinity on PostgreSQL): a new row holding 0 where
    //   the old holds -0 went unreported (as a decimal, -0 has no sign), although the copier keeps the sign.
    @Test
    void negativeZeroAgainstZeroIsADifferenceAndIsRepaired() throws Exception {
        for (Kind kind : List.of(Kind.POSTGRES, Kind.MARIADB)) {
            boolean pg = kind == Kind.POSTGRES;
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                old.execute("CREATE TABLE t (id INT PRIMARY KEY, f DOUBLE PRECISION)",
                        pg ? "INSERT INTO t VALUES (1, '-0'), (2, 'NaN'), (3, '-Infinity'), (4, 0), (5, '5e-324')"
                                : "INSERT INTO t VALUES (1, -0e0), (2, 1e308), (3, -1e308), (4, 0), (5, 5e-324)");
                fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, f DOUBLE PRECISION)");
                backfillVerifiesClean(old, fresh, T);

                fresh.execute("UPDATE t SET f = 0 WHERE id = 1", pg ? "UPDATE t SET f = '-0' WHERE id = 4"
                        : "UPDATE t SET f = -0e0 WHERE id = 4");
                TableReport report = verify(old, fresh, T);
                assertThat(report.differences()).as(kind + report.toText())
                        .extracting(RowDifference::key, RowDifference::columns)
                        .containsExactlyInAnyOrder(tuple("1", List.of("f")), tuple("4", List.of("f")));
                repair(old, fresh, T);
                String sql = pg ? "SELECT id, f::text AS f FROM t ORDER BY id" : "SELECT id, CAST(f AS CHAR) AS f FROM t ORDER BY id";
                assertThat(rows(fresh, sql)).as(kind.toString()).isEqualTo(rows(old, sql));
                assertThat(rows(fresh, sql).get(0)).as(kind.toString()).isEqualTo("1 -0");
            }
        }
    }

    // Input: PostgreSQL time '24:00:00' into text (the driver reads it as 23:59:59.999999999, the copier writes
    //   its text), and H2 TIMESTAMP(9), a date before the common era and a zoned date-time into VARCHAR/CLOB.
    @Test
    void endOfDayNanosecondsAndEraIntoTextVerifyClean() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, tm time)",
                    "INSERT INTO t VALUES (1, '24:00:00'), (2, '23:59:59.999999'), (3, '00:00:00')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, tm text)");
            backfill(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, tm FROM t ORDER BY id"))
                    .containsExactly("1 24:00:00", "2 23:59:59.999999", "3 00:00:00");
            assertClean(verify(old, fresh, T));
            fresh.execute("UPDATE t SET tm = '24:00:01' WHERE id = 1");
            assertThat(verify(old, fresh, T).differences()).extracting(RowDifference::key).containsExactly("1");
        }
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE t (id INT PRIMARY KEY, p TIMESTAMP(9), z TIMESTAMP(6) WITH TIME ZONE)",
                    "INSERT INTO t VALUES (1, '2024-01-02 03:04:05.123456789', '2024-01-02 03:04:05+05:30'),"
                            + " (2, '-0043-03-15 10:00:00', '2024-01-02 03:04:05.5-01:00')");
            fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, p VARCHAR(40), z VARCHAR(40))");
            backfill(old, fresh, T);
            assertThat(rows(fresh, "SELECT id, p, z FROM t ORDER BY id")).containsExactly(
                    "1 2024-01-02 03:04:05.123456789 2024-01-01 21:34:05", "2 0044-03-15 10:00:00 BC 2024-01-02 04:04:05.5");
            assertClean(verify(old, fresh, T));
            fresh.execute("UPDATE t SET p = '0044-03-15 10:00:00' WHERE id = 2");
            assertThat(verify(old, fresh, T).differences()).extracting(RowDifference::key).containsExactly("2");
        }
    }
}
