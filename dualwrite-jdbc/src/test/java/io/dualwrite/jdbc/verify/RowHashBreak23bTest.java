package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Round 23b: the MariaDB plain-text row hash attacked with pairs of columns of one type whose plain texts might
 * differ for one value (a false difference) or agree for two values (a false CLEAN).
 */
class RowHashBreak23bTest {

    @Test
    void equalValuesInColumnsOfOneTypeButAnotherWidthOrFractionAreNeverADifference() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String[] pair : List.of(new String[] {"time(0)", "time(6)", "'-100:00:00'"},
                new String[] {"time", "time(3)", "'10:00:00'"},
                new String[] {"timestamp(0) NULL", "timestamp(6) NULL", "'2024-01-01 10:00:00'"},
                new String[] {"datetime", "datetime(6)", "'2024-01-01 10:00:00'"},
                new String[] {"decimal(10,2)", "decimal(14,2)", "-1.50"},
                new String[] {"bigint", "bigint unsigned", "5"},
                new String[] {"int(5) zerofill", "int(5) zerofill", "12"},
                new String[] {"varchar(9) CHARACTER SET utf8mb3", "varchar(9) CHARACTER SET utf8mb4", "'Zoë'"},
                new String[] {"varchar(9) COLLATE utf8mb4_general_ci", "varchar(9) COLLATE utf8mb4_general_nopad_ci", "'a'"})) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
                 TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
                old.execute("CREATE TABLE pairs (id int PRIMARY KEY, v " + pair[0] + ", n int)",
                        "INSERT INTO pairs VALUES (1, " + pair[2] + ", 1), (2, " + pair[2] + ", 2)");
                fresh.execute("CREATE TABLE pairs (id int PRIMARY KEY, v " + pair[1] + ", n int)",
                        "INSERT INTO pairs VALUES (1, " + pair[2] + ", 1), (2, " + pair[2] + ", 3)");
                TableReport report = SentSql.verify(old, fresh, new ConcurrentLinkedQueue<>(), TableMapping.builder("pairs").build());
                List<String> different = report.keys(RowDifference.Kind.DIFFERENT);
                if (!different.equals(List.of("2"))) {
                    failures.add(pair[0] + " / " + pair[1] + ": " + report.toText());
                }
                // plain JDBC: the values are equal (a number as a decimal of six digits, a text as its utf8mb4 bytes)
                String value = pair[0].startsWith("varchar") ? "HEX(CONVERT(v USING utf8mb4))" : "CAST(v AS DECIMAL(30,6))";
                assertThat(old.query("SELECT " + value + " AS v FROM pairs ORDER BY id"))
                        .isEqualTo(fresh.query("SELECT " + value + " AS v FROM pairs ORDER BY id"));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void valuesWhoseOwnHashesShareStructureAreEachFoundByThePostgresqlValueHash() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE vals (id int PRIMARY KEY, n numeric, n2 numeric, s int2, i int4, d date, t time,"
                                + " ts timestamp, b bool, by bytea, u uuid, c char(3), x text)",
                        "INSERT INTO vals SELECT g, 1, 10000, 1, 1, 'infinity', '24:00', '2000-01-01', false, '', "
                                + "'00000000-0000-0000-0000-000000000000', 'a', '' FROM generate_series(1, 30) g",
                        "UPDATE vals SET n = 5 WHERE id = 3", "UPDATE vals SET n = 'Infinity' WHERE id = 4",
                        "UPDATE vals SET n = 'NaN' WHERE id = 5", "UPDATE vals SET n = 0 WHERE id = 6",
                        "UPDATE vals SET ts = 'infinity' WHERE id = 11");
            }
            fresh.execute("UPDATE vals SET n = 10000 WHERE id = 1", // only the weight differs: its hash is XORed in
                    "UPDATE vals SET n = 0.0001 WHERE id = 2", // a negative weight
                    "UPDATE vals SET n = -5 WHERE id = 3", "UPDATE vals SET n = '-Infinity' WHERE id = 4",
                    "UPDATE vals SET n = 'Infinity' WHERE id = 5", "UPDATE vals SET n = NULL WHERE id = 6",
                    "UPDATE vals SET s = -1 WHERE id = 7", "UPDATE vals SET i = -1 WHERE id = 8",
                    "UPDATE vals SET d = '-infinity' WHERE id = 9", "UPDATE vals SET t = '00:00' WHERE id = 10",
                    "UPDATE vals SET ts = '-infinity' WHERE id = 11", "UPDATE vals SET b = NULL WHERE id = 12",
                    "UPDATE vals SET by = NULL WHERE id = 13", "UPDATE vals SET x = NULL WHERE id = 14",
                    "UPDATE vals SET c = 'ab' WHERE id = 15", "UPDATE vals SET u = NULL WHERE id = 16",
                    "UPDATE vals SET n = 10000, n2 = 1 WHERE id = 17", // two columns' values swapped
                    // halves of the microseconds XOR alike (1 ^ 1 = 0 ^ 0)
                    "UPDATE vals SET ts = timestamp '2000-01-01' + 4294967297 * interval '1 microsecond' WHERE id = 18",
                    "UPDATE vals SET b = true, s = 0 WHERE id = 19");

            Queue<String> sent = new ConcurrentLinkedQueue<>();
            TableReport report = SentSql.verify(old, fresh, sent, TableMapping.builder("vals").build());

            assertThat(sent).as("both stores hash rows by value").anyMatch(sql -> sql.contains("hash_record_extended"));
            List<Integer> expected = java.util.stream.IntStream.rangeClosed(1, 19).boxed().toList();
            assertThat(report.keys(RowDifference.Kind.DIFFERENT).stream().map(Integer::valueOf).sorted().toList())
                    .as(report.toText()).isEqualTo(expected);
            // plain JDBC: each row's text by its values
            String rows = "SELECT id, ROW(n, n2, s, i, d, t, ts, b, by, u, c, x)::text AS r FROM vals ORDER BY id";
            List<Map<String, Object>> oldRows = old.query(rows);
            List<Map<String, Object>> newRows = fresh.query(rows);
            List<Integer> differing = new ArrayList<>();
            for (int k = 0; k < oldRows.size(); k++) {
                if (!oldRows.get(k).equals(newRows.get(k))) {
                    differing.add(((Number) oldRows.get(k).get("id")).intValue());
                }
            }
            assertThat(differing).isEqualTo(expected);
        }
    }

    @Test
    void valuesWhosePlainTextsLookAlikeAreEachFoundByTheMariadbTextHash() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE vals (id int PRIMARY KEY, t time, d date, m decimal(5,2), a varchar(9),"
                                + " b varchar(9), k int, g int AS (k * 2) PERSISTENT, h int INVISIBLE, z datetime)",
                        "INSERT INTO vals (id, t, d, m, a, b, k, h, z) SELECT seq, '00:00:01', '0000-00-00', 0.00,"
                                + " 'NULL', '1', 12, 3, '0000-00-00 00:00:00' FROM seq_1_to_20");
            }
            fresh.execute("UPDATE vals SET t = '-00:00:01' WHERE id = 1", // a sign
                    "UPDATE vals SET t = '100:00:01' WHERE id = 2", // hours past a day
                    "UPDATE vals SET d = NULL WHERE id = 3", // a zero date against NULL
                    "UPDATE vals SET m = '-0.00' WHERE id = 4", // a negative zero, if the server keeps one
                    "UPDATE vals SET a = NULL WHERE id = 5", // the text 'NULL' against NULL
                    "UPDATE vals SET b = NULL WHERE id = 6", // the text '1' against NULL (and its flag '1')
                    "UPDATE vals SET a = 'NULL|1', b = NULL WHERE id = 7", // a separator and a digit moved
                    "UPDATE vals SET a = 'NULL1', b = '' WHERE id = 8",
                    "UPDATE vals SET k = 1, h = 23 WHERE id = 9", // digits moved across an invisible column
                    "UPDATE vals SET z = NULL WHERE id = 10",
                    "UPDATE vals SET k = 13 WHERE id = 11"); // a generated column follows
            old.execute("UPDATE vals SET m = 0.00 WHERE id = 4");

            Queue<String> sent = new ConcurrentLinkedQueue<>();
            TableReport report = SentSql.verify(old, fresh, sent, TableMapping.builder("vals").build());

            assertThat(sent).as("both stores hash the plain text").anyMatch(sql -> sql.contains("MD5(CONCAT_WS("));
            String rows = "SELECT id, CONCAT_WS(',', QUOTE(t), QUOTE(d), QUOTE(m), QUOTE(a), QUOTE(b), QUOTE(k), QUOTE(g),"
                    + " QUOTE(h), QUOTE(z)) AS r FROM vals ORDER BY id";
            List<Map<String, Object>> oldRows = old.query(rows);
            List<Map<String, Object>> newRows = fresh.query(rows);
            List<Integer> differing = new ArrayList<>();
            for (int k = 0; k < oldRows.size(); k++) {
                if (!oldRows.get(k).equals(newRows.get(k))) {
                    differing.add(((Number) oldRows.get(k).get("id")).intValue());
                }
            }
            assertThat(report.keys(RowDifference.Kind.DIFFERENT).stream().map(Integer::valueOf).sorted().toList())
                    .as(report.toText()).isEqualTo(differing);
            assertThat(differing).as(newRows.toString()).contains(1, 2, 3, 5, 6, 7, 8, 9, 10, 11);
        }
    }

    @Test
    void sessionsLeftInOtherZonesModesAndCharacterSetsNeitherHideNorInventADifference() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE stamps (id int PRIMARY KEY, at timestamp(6) NULL, note varchar(20), amount decimal(9,2))",
                        "SET time_zone = '+00:00'",
                        "INSERT INTO stamps SELECT seq, TIMESTAMP '2024-10-27 00:30:00' + INTERVAL seq MINUTE, '',"
                                + " seq * 1.5 FROM seq_1_to_30");
            }
            fresh.execute("SET time_zone = '+00:00'",
                    "UPDATE stamps SET at = at + INTERVAL 1 HOUR WHERE id = 4"); // another instant
            Queue<String> sent = new ConcurrentLinkedQueue<>();
            // each pool's sessions left in another zone, with modes that change what a read returns, in ucs2
            DataSource oldSessions = leftIn(old.dataSource(), "SET time_zone = '+05:00',"
                    + " sql_mode = 'ORACLE,EMPTY_STRING_IS_NULL,PAD_CHAR_TO_FULL_LENGTH', character_set_connection = ucs2");
            DataSource newSessions = leftIn(fresh.dataSource(), "SET time_zone = '-03:00', sql_mode = '',"
                    + " collation_connection = latin1_swedish_ci");

            TableReport report = Verifier.builder().oldDataSource(SentSql.recording(oldSessions, sent))
                    .newDataSource(SentSql.recording(newSessions, sent)).recheckDelay(Duration.ZERO).build()
                    .verify(VerificationJob.builder("stamps").table(TableMapping.builder("stamps").build())
                            .chunkRows(100).leafRows(4).build()).tables().get(0);

            assertThat(sent).as("both stores hash the plain text").anyMatch(sql -> sql.contains("MD5(CONCAT_WS("));
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).containsExactly("4");
            assertThat(report.differences()).hasSize(1);
            String rows = "SELECT id, CONCAT(UNIX_TIMESTAMP(at), '/', HEX(note), '/', amount) AS r FROM stamps ORDER BY id";
            List<Map<String, Object>> oldRows = old.query(rows);
            List<Map<String, Object>> newRows = fresh.query(rows);
            List<Integer> differing = new ArrayList<>();
            for (int k = 0; k < oldRows.size(); k++) {
                if (!oldRows.get(k).equals(newRows.get(k))) {
                    differing.add(((Number) oldRows.get(k).get("id")).intValue());
                }
            }
            assertThat(differing).containsExactly(4);
        }
    }

    /** {@code real}, each connection it gives first left in the session {@code set} makes. */
    private static DataSource leftIn(DataSource real, String set) {
        return (DataSource) Proxy.newProxyInstance(RowHashBreak23bTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = SentSql.invoke(method, real, args);
                    if (result instanceof Connection connection) {
                        try (java.sql.Statement statement = connection.createStatement()) {
                            statement.execute("SET NAMES utf8mb4"); // a literal read in ucs2 is no zone
                            statement.execute(set);
                        }
                    }
                    return result;
                });
    }
}
