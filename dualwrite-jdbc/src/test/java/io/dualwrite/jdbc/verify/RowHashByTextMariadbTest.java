package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * MariaDB to MariaDB with one plain text per value in every column pair: each database hashes a row's plain text
 * ({@code MD5(CONCAT_WS(…))} of the values as the server writes them) instead of its canonical text. The comparison
 * must stay the canonical text's: every difference of value found (case, a trailing space, one cent, one microsecond,
 * a boolean column holding 5 against 1, NULL against empty, a separator moved from one text into the next), none of
 * type alone (a wider {@code VARCHAR}, {@code TEXT} against {@code VARCHAR}, another collation of the same character
 * set); and pairs whose plain texts can differ for one value (a decimal or a date-time of another scale, another
 * character set) or that the rule leaves out ({@code CHAR}, {@code BIT}) keep the canonical text. Each test checks the SQL each store was sent, so that the path under test
 * is the one taken, and ends comparing the rows with plain JDBC.
 */
class RowHashByTextMariadbTest {

    private static final String TYPES = "id bigint PRIMARY KEY, code varchar(%d) CHARACTER SET utf8mb4 COLLATE %s,"
            + " %s %s CHARACTER SET utf8mb4, amount decimal(12,2), paid boolean, day date, at_time time(6),"
            + " created datetime(6), zoned timestamp(6) NULL, small smallint unsigned, mid mediumint, big bigint unsigned";

    private static final String FILL = "INSERT INTO %s SELECT seq, CONCAT('code-', seq), CONCAT('label ', seq), seq * 1.25,"
            + " seq %% 2, DATE '2024-01-01' + INTERVAL seq DAY, TIME '10:00:00' + INTERVAL seq * 1001 MICROSECOND,"
            + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq * 1001 MICROSECOND,"
            + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq MINUTE, seq, seq * 1000, 18446744073709551615 - seq"
            + " FROM seq_1_to_40";

    @Test
    void everyDifferenceOfValueIsFoundAndNoneOfTypeAloneWhenBothStoresHashThePlainText() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE items (" + TYPES.formatted(20, "utf8mb4_general_ci", "label", "text") + ")",
                    FILL.formatted("items"));
            // type-only differences: a wider VARCHAR under a binary collation, TEXT as a VARCHAR
            fresh.execute("CREATE TABLE items_v2 (" + TYPES.formatted(40, "utf8mb4_bin", "title", "varchar(100)") + ")",
                    FILL.formatted("items_v2"));
            assertThat(differingIds(old, fresh)).as("plain JDBC: equal before the plant").isEmpty();
            fresh.execute("UPDATE items_v2 SET code = 'CODE-2' WHERE id = 2",
                    "UPDATE items_v2 SET title = CONCAT(title, ' ') WHERE id = 3",
                    "UPDATE items_v2 SET amount = amount + 0.01 WHERE id = 5",
                    "UPDATE items_v2 SET paid = 5 WHERE id = 7", // the old holds 1: both true, other numbers
                    "UPDATE items_v2 SET day = day + INTERVAL 1 DAY WHERE id = 8",
                    "UPDATE items_v2 SET at_time = at_time + INTERVAL 1 MICROSECOND WHERE id = 9",
                    "UPDATE items_v2 SET created = created + INTERVAL 1 MICROSECOND WHERE id = 10",
                    "UPDATE items_v2 SET zoned = zoned + INTERVAL 1 SECOND WHERE id = 11",
                    "UPDATE items_v2 SET small = small + 1 WHERE id = 14",
                    "UPDATE items_v2 SET mid = NULL WHERE id = 15",
                    "UPDATE items_v2 SET big = big - 1 WHERE id = 12",
                    "DELETE FROM items_v2 WHERE id = 17",
                    "INSERT INTO items_v2 (id) VALUES (1000)");
            old.execute("UPDATE items SET code = NULL WHERE id = 16",
                    "UPDATE items SET code = 'a|b', label = 'c' WHERE id = 18");
            fresh.execute("UPDATE items_v2 SET code = '' WHERE id = 16",
                    "UPDATE items_v2 SET code = 'a', title = 'b|c' WHERE id = 18");
            Queue<String> sent = new ConcurrentLinkedQueue<>();

            TableReport report = SentSql.verify(old, fresh, sent, TableMapping.builder("items").newTable("items_v2")
                    .rename("label", "title").build());

            assertThat(sent).as("both stores hash the plain text").anyMatch(sql -> sql.contains("MD5(CONCAT_WS("))
                    .noneMatch(sql -> sql.contains("MD5(CONVERT("));
            Map<String, List<String>> different = report.differences().stream()
                    .filter(difference -> difference.kind() == RowDifference.Kind.DIFFERENT)
                    .collect(Collectors.toMap(RowDifference::key, RowDifference::columns));
            assertThat(different).as(report.toText()).isEqualTo(Map.ofEntries(Map.entry("2", List.of("code")),
                    Map.entry("3", List.of("label")), Map.entry("5", List.of("amount")), Map.entry("7", List.of("paid")),
                    Map.entry("8", List.of("day")), Map.entry("9", List.of("at_time")),
                    Map.entry("10", List.of("created")), Map.entry("11", List.of("zoned")),
                    Map.entry("12", List.of("big")), Map.entry("14", List.of("small")), Map.entry("15", List.of("mid")),
                    Map.entry("16", List.of("code")), Map.entry("18", List.of("code", "label"))));
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).containsExactly("17");
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).containsExactly("1000");
            // independent of the verifier: the same rows differ to plain JDBC
            assertThat(differingIds(old, fresh)).containsExactlyInAnyOrder(2L, 3L, 5L, 7L, 8L, 9L, 10L, 11L, 12L,
                    14L, 15L, 16L, 18L);
        }
    }

    @Test
    void pairsWhosePlainTextsCanDifferForOneValueKeepTheCanonicalText() throws Exception {
        // each table has one such pair: another decimal scale, another character set, another fraction of a
        // second, a padded CHAR, a BIT
        for (String[] pair : List.of(new String[] {"decimal(12,2)", "decimal(12,4)", "1.5"},
                new String[] {"varchar(20) CHARACTER SET latin1", "varchar(20) CHARACTER SET utf8mb4", "'Zoë'"},
                new String[] {"datetime(3)", "datetime(6)", "'2024-01-01 10:00:00.125'"},
                new String[] {"char(5)", "char(5)", "'ab'"}, new String[] {"bit(1)", "bit(1)", "1"})) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
                 TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
                old.execute("CREATE TABLE pairs (id int PRIMARY KEY, v " + pair[0] + ", n int)",
                        "INSERT INTO pairs VALUES (1, " + pair[2] + ", 1), (2, " + pair[2] + ", 2)");
                fresh.execute("CREATE TABLE pairs (id int PRIMARY KEY, v " + pair[1] + ", n int)",
                        "INSERT INTO pairs VALUES (1, " + pair[2] + ", 1), (2, " + pair[2] + ", 3)");
                Queue<String> sent = new ConcurrentLinkedQueue<>();

                TableReport report = SentSql.verify(old, fresh, sent, TableMapping.builder("pairs").build());

                assertThat(sent).as(pair[0]).noneMatch(sql -> sql.contains("CONCAT_WS("));
                assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(pair[0] + ": " + report.toText())
                        .containsExactly("2");
                assertThat(old.query("SELECT n FROM pairs ORDER BY id"))
                        .isNotEqualTo(fresh.query("SELECT n FROM pairs ORDER BY id"));
            }
        }
    }

    /** Every column as the server's text (a {@code TIMESTAMP} as its instant); the label under one name. */
    private static Map<Object, Map<String, String>> rows(TestDatabase db, String table, String label) {
        return db.query("SELECT id, HEX(code) AS code, HEX(" + label + ") AS label, CAST(amount AS CHAR) AS amount,"
                        + " CAST(paid AS CHAR) AS paid, CAST(day AS CHAR) AS day, CAST(at_time AS CHAR) AS at_time,"
                        + " CAST(created AS CHAR) AS created, CAST(UNIX_TIMESTAMP(zoned) AS CHAR) AS zoned, CAST(small AS CHAR) AS small,"
                        + " CAST(mid AS CHAR) AS mid, CAST(big AS CHAR) AS big FROM " + table + " ORDER BY id").stream()
                .collect(Collectors.toMap(row -> row.get("id"), row -> {
                    Map<String, String> texts = new TreeMap<>();
                    row.forEach((name, value) -> texts.put(name.toLowerCase(java.util.Locale.ROOT),
                            value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value)));
                    return texts;
                }));
    }

    /** The ids whose rows both tables hold and differ in, compared by the servers' texts with plain JDBC. */
    private static List<Long> differingIds(TestDatabase old, TestDatabase fresh) {
        Map<Object, Map<String, String>> oldRows = rows(old, "items", "label");
        Map<Object, Map<String, String>> newRows = rows(fresh, "items_v2", "title");
        return oldRows.entrySet().stream()
                .filter(entry -> newRows.containsKey(entry.getKey()) && !entry.getValue().equals(newRows.get(entry.getKey())))
                .map(entry -> ((Number) entry.getKey()).longValue()).sorted().toList();
    }
}
