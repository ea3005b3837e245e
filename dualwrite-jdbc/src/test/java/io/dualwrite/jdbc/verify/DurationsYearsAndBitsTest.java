package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * MySQL/MariaDB {@code TIME} (a duration of up to ±838 hours), {@code YEAR} and {@code BIT(n)}, as columns and as
 * keys: equal values of these types verify clean (also {@code TIME(0)} against {@code TIME(6)}, and against a
 * PostgreSQL or H2 {@code time}), and every planted difference is reported at its key — including those a time
 * of day would hide ({@code 25:00:00} against {@code 01:00:00}). Each test first finds the differing keys with
 * plain JDBC and its own SQL, and holds the report against them.
 */
class DurationsYearsAndBitsTest {

    private static Verifier verifier(TestDatabase old, TestDatabase fresh) {
        return Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .recheckDelay(Duration.ZERO).recheckRounds(1).build();
    }

    private static Map<String, String> rows(TestDatabase db, String sql) {
        Map<String, String> rows = new java.util.TreeMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            row.values().forEach(value -> values.add(String.valueOf(value)));
            rows.put(values.get(0), String.join("|", values.subList(1, values.size())));
        }
        return rows;
    }

    /** The keys whose rows differ (or are on one side only), by plain comparison of the two queries' texts. */
    private static TreeSet<String> differing(TestDatabase old, String oldSql, TestDatabase fresh, String newSql) {
        Map<String, String> before = rows(old, oldSql);
        Map<String, String> after = rows(fresh, newSql);
        TreeSet<String> keys = new TreeSet<>();
        before.forEach((key, row) -> {
            if (!row.equals(after.get(key))) {
                keys.add(key);
            }
        });
        after.keySet().stream().filter(key -> !before.containsKey(key)).forEach(keys::add);
        return keys;
    }

    private static TreeSet<String> reported(TestDatabase old, TestDatabase fresh, String table) throws Exception {
        TableReport report = verifier(old, fresh).verify(VerificationJob.builder(table)
                .table(TableMapping.identity(table)).build()).tables().get(0);
        TreeSet<String> keys = new TreeSet<>();
        report.differences().forEach(difference -> keys.add(difference.key()));
        return keys;
    }

    @Test
    void mariaDbTimeYearAndBitColumnsReportExactlyThePlantedDifferences() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE things (id INT PRIMARY KEY, t TIME(6), y YEAR, b BIT(8), w BIT(64))",
                    "INSERT INTO things VALUES (1, '10:00:00', 2024, 5, 1), (2, '25:00:00', 1999, 6, 2),"
                            + " (3, '-01:00:00', 0, 7, 3), (4, '838:59:59', 2155, 8, 0xFFFFFFFFFFFFFFFF),"
                            + " (5, '00:00:00.5', 1901, 9, 4), (6, NULL, NULL, NULL, NULL)");
            fresh.execute("CREATE TABLE things (id INT PRIMARY KEY, t TIME(3), y YEAR, b BIT(8), w BIT(64))",
                    "INSERT INTO things VALUES (1, '10:00:00', 2024, 5, 1), (2, '01:00:00', 1999, 6, 2),"
                            + " (3, '01:00:00', 2000, 7, 3), (4, '838:59:59', 2155, 9, 0x7FFFFFFFFFFFFFFF),"
                            + " (5, '00:00:00.5', 1901, 9, 4), (6, NULL, NULL, NULL, NULL)");
            String sql = "SELECT id, TIME_TO_SEC(t) + MICROSECOND(t) / 1e6 AS t, y + 0 AS y, b + 0 AS b, HEX(w) AS w"
                    + " FROM things";
            TreeSet<String> plain = differing(old, sql, fresh, sql);
            assertThat(plain).as("plain JDBC").containsExactly("2", "3", "4");
            assertThat(reported(old, fresh, "things")).isEqualTo(plain);
        }
    }

    @Test
    void mariaDbTimeYearAndBitKeysReportExactlyThePlantedDifferences() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            String table = "CREATE TABLE keyed (t TIME(6) NOT NULL, y YEAR NOT NULL, b BIT(16) NOT NULL, v INT,"
                    + " PRIMARY KEY (t, y, b))";
            old.execute(table, "INSERT INTO keyed VALUES ('25:00:00', 2024, 1, 1), ('01:00:00', 2024, 1, 2),"
                    + " ('-838:59:59', 0, 65535, 3), ('00:00:00.000001', 1999, 256, 4), ('100:00:00', 2155, 2, 5)");
            fresh.execute(table, "INSERT INTO keyed VALUES ('25:00:00', 2024, 1, 1), ('01:00:00', 2024, 1, 9),"
                    + " ('-838:59:59', 0, 65535, 3), ('00:00:00.000001', 1999, 257, 4), ('-100:00:00', 2155, 2, 5)");
            String sql = "SELECT CONCAT(CAST(t AS CHAR), '/', y + 0, '/', b + 0) AS k, v FROM keyed";
            assertThat(differing(old, sql, fresh, sql)).as("plain JDBC").hasSize(5);
            TableReport report = verifier(old, fresh).verify(VerificationJob.builder("keyed")
                    .table(TableMapping.builder("keyed").primaryKey("t", "y", "b").build()).build()).tables().get(0);
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).hasSize(1);
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText()).hasSize(2);
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText()).hasSize(2);
        }
    }

    @Test
    void mariaDbTimeAgainstPostgresTimeReportsOnlyRealDifferences() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE slots (t TIME(6) NOT NULL PRIMARY KEY, at TIME(0), v INT)",
                    "INSERT INTO slots VALUES ('00:00:00', '10:00:00', 1), ('12:30:00.5', '23:59:59', 2),"
                            + " ('23:59:59.999999', '25:00:00', 3), ('07:00:00', '07:00:00', 4), ('08:00:00', NULL, 5)");
            fresh.execute("CREATE TABLE slots (t time(6) NOT NULL PRIMARY KEY, at time(0), v integer)",
                    "INSERT INTO slots VALUES ('00:00:00', '10:00:00', 1), ('12:30:00.5', '23:59:59', 2),"
                            + " ('23:59:59.999999', '01:00:00', 3), ('07:00:00.000001', '07:00:00', 4),"
                            + " ('08:00:00', NULL, 5)");
            TableReport report = verifier(old, fresh).verify(VerificationJob.builder("slots")
                    .table(TableMapping.builder("slots").primaryKey("t").build()).build()).tables().get(0);
            // 23:59:59.999999 differs in `at` (25:00:00 is no time of day); 07:00:00 is missing, 07:00:00.000001 extra
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).hasSize(1);
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText()).hasSize(1);
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText()).hasSize(1);
        }
    }

    @Test
    void h2TimeKeysAndColumnsReportOnlyRealDifferences() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            String table = "CREATE TABLE slots (t TIME(6) NOT NULL PRIMARY KEY, at TIME(3), v INT)";
            old.execute(table, "INSERT INTO slots VALUES (TIME '00:00:00', TIME '10:00:00', 1),"
                    + " (TIME '12:30:00.5', TIME '23:59:59.5', 2), (TIME '23:59:59.999999', TIME '01:00:00', 3)");
            fresh.execute(table, "INSERT INTO slots VALUES (TIME '00:00:00', TIME '10:00:00', 1),"
                    + " (TIME '12:30:00.5', TIME '23:59:59.5', 2), (TIME '23:59:59.999999', TIME '01:00:00.001', 3)");
            TableReport report = verifier(old, fresh).verify(VerificationJob.builder("slots")
                    .table(TableMapping.builder("slots").primaryKey("t").build()).build()).tables().get(0);
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).hasSize(1);
            assertThat(report.differences()).as(report.toText()).hasSize(1);
        }
    }

    @Test
    void mariaDbTimeAgainstPostgresIntervalReportsOnlyRealDifferences() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE spans (id INT PRIMARY KEY, d TIME(6))",
                    "INSERT INTO spans VALUES (1, '10:00:00'), (2, '25:00:00'), (3, '-01:30:00'), (4, '838:59:59'),"
                            + " (5, '00:00:00.5'), (6, NULL), (7, '-00:00:00.000001'), (8, '12:00:00'), (9, '01:00:00')");
            fresh.execute("CREATE TABLE spans (id int PRIMARY KEY, d interval)",
                    "INSERT INTO spans VALUES (1, '10:00:00'), (2, '1 day 01:00:00'), (3, '-01:30:00'),"
                            + " (4, '34 days 22:59:59'), (5, '0.5 seconds'), (6, NULL), (7, '-00:00:00.000001'),"
                            + " (8, '12:00:01'), (9, '-01:00:00')");
            TableReport report = verifier(old, fresh).verify(VerificationJob.builder("spans")
                    .table(TableMapping.identity("spans")).build()).tables().get(0);
            // 12:00:00 against 12:00:01 and 01:00:00 against -01:00:00; a day is 24 hours
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).containsExactlyInAnyOrder("8", "9");
            assertThat(report.differenceCount()).as(report.toText()).isEqualTo(2);
            assertThat(report.toText()).as("compared in SQL, not in Java").doesNotContain("in Java");
        }
    }

    @Test
    void mariaDbTimeCopiedIntoAPostgresIntervalKeepsItsLengthAndVerifiesClean() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE spans (id INT PRIMARY KEY, d TIME(6))",
                    "INSERT INTO spans VALUES (1, '10:00:00'), (2, '25:00:00'), (3, '-01:30:00.25'), (4, '838:59:59'),"
                            + " (5, '00:00:00.000001'), (6, NULL), (7, '-838:59:59.999999')");
            fresh.execute("CREATE TABLE spans (id int PRIMARY KEY, d interval)");
            List<String> keys = List.of("1", "2", "3", "4", "5", "6", "7");
            io.dualwrite.jdbc.copy.RowCopier.builder().oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).build().sync(io.dualwrite.Store.OLD,
                            List.of(new io.dualwrite.jdbc.copy.RowCopier.TableKeys(TableMapping.identity("spans"), keys,
                                    null)));

            Map<String, String> seconds = rows(old, "SELECT id, CAST(TIME_TO_SEC(d) AS DECIMAL(20, 6)) FROM spans");
            Map<String, String> copied = rows(fresh, "SELECT id, CAST(EXTRACT(EPOCH FROM d) AS numeric(20, 6)) FROM spans");
            assertThat(copied).isEqualTo(seconds).hasSize(7);
            assertThat(verifier(old, fresh).verify(VerificationJob.builder("spans")
                    .table(TableMapping.identity("spans")).build()).clean()).isTrue();
        }
    }
}
