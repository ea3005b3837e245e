package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL to PostgreSQL with one type per column on both sides: each database hashes a row by its values
 * ({@code hash_record_extended}) instead of rendering it to canonical text and taking its MD5. The comparison must stay
 * the canonical text's: every difference of value found (case, a trailing space, one cent, one microsecond, one
 * second, one byte, NULL against empty), none of type alone ({@code 1.5} against {@code 1.5000}, {@code CHAR} padding,
 * a date-time at millisecond against microsecond precision), and columns whose own hash is coarser than their text
 * (floats, nondeterministic collations) are never hashed by it. Each test checks the SQL each store was sent, so that
 * the path under test is the one taken, and ends comparing the rows with plain JDBC.
 */
class RowHashByValueTest {

    private static final String TYPES = "id bigint PRIMARY KEY, code varchar(20), %s text, tag %s, amount numeric(12,2),"
            + " total numeric, paid boolean, day date, at_time time(6), created %s, zoned timestamptz, token uuid,"
            + " bytes bytea, small int2, mid int4";

    private static final String FILL = "INSERT INTO %s SELECT i, 'code-' || i, 'label ' || i, 'ab', i * 1.25,"
            + " (i * 1.5)::numeric(20, %d), i %% 2 = 0, date '2024-01-01' + i, time '10:00:00' + i * interval '1.001 second',"
            + " timestamp '2024-01-01 00:00:00' + i * interval '1.001 second', timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute',"
            + " ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, decode(lpad(to_hex(i), 8, '0'), 'hex'),"
            + " i, i * 1000 FROM generate_series(1, 40) i";

    @Test
    void everyDifferenceOfValueIsFoundAndNoneOfTypeAloneWhenBothStoresHashRowsByValue() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE items (" + TYPES.formatted("label", "char(5)", "timestamp(6)") + ")",
                    FILL.formatted("items", 1));
            // type-only differences: a wider CHAR, an unconstrained numeric given four digits, milliseconds kept
            fresh.execute("CREATE TABLE items_v2 (" + TYPES.formatted("title", "char(8)", "timestamp(3)")
                            .replace("amount numeric(12,2)", "amount numeric") + ")",
                    FILL.formatted("items_v2", 4));
            assertThat(differingIds(old, fresh)).as("plain JDBC: equal before the plant").isEmpty();
            fresh.execute("UPDATE items_v2 SET code = 'CODE-2' WHERE id = 2",
                    "UPDATE items_v2 SET title = title || ' ' WHERE id = 3",
                    "UPDATE items_v2 SET tag = 'ac' WHERE id = 4",
                    "UPDATE items_v2 SET amount = amount + 0.01 WHERE id = 5",
                    "UPDATE items_v2 SET total = total + 0.0001 WHERE id = 6",
                    "UPDATE items_v2 SET paid = NOT paid WHERE id = 7",
                    "UPDATE items_v2 SET day = day + 1 WHERE id = 8",
                    "UPDATE items_v2 SET at_time = at_time + interval '1 microsecond' WHERE id = 9",
                    "UPDATE items_v2 SET created = created + interval '1 second' WHERE id = 10",
                    "UPDATE items_v2 SET zoned = zoned + interval '1 second' WHERE id = 11",
                    "UPDATE items_v2 SET token = '00000000-0000-0000-0000-999999999999' WHERE id = 12",
                    "UPDATE items_v2 SET bytes = bytes || '\\x00'::bytea WHERE id = 13",
                    "UPDATE items_v2 SET small = small + 1 WHERE id = 14",
                    "UPDATE items_v2 SET mid = NULL WHERE id = 15",
                    "DELETE FROM items_v2 WHERE id = 17",
                    "INSERT INTO items_v2 (id) VALUES (1000)");
            old.execute("UPDATE items SET code = NULL WHERE id = 16");
            fresh.execute("UPDATE items_v2 SET code = '' WHERE id = 16");
            Queue<String> sent = new ConcurrentLinkedQueue<>();

            TableReport report = SentSql.verify(old, fresh, sent, TableMapping.builder("items").newTable("items_v2")
                    .rename("label", "title").build());

            assertThat(sent).as("both stores hash rows by value").anyMatch(sql -> sql.contains("hash_record_extended"))
                    .noneMatch(sql -> sql.contains("md5("));
            Map<String, List<String>> different = report.differences().stream()
                    .filter(difference -> difference.kind() == RowDifference.Kind.DIFFERENT)
                    .collect(Collectors.toMap(RowDifference::key, RowDifference::columns));
            assertThat(different).as(report.toText()).isEqualTo(Map.ofEntries(Map.entry("2", List.of("code")),
                    Map.entry("3", List.of("label")), Map.entry("4", List.of("tag")), Map.entry("5", List.of("amount")),
                    Map.entry("6", List.of("total")), Map.entry("7", List.of("paid")), Map.entry("8", List.of("day")),
                    Map.entry("9", List.of("at_time")), Map.entry("10", List.of("created")),
                    Map.entry("11", List.of("zoned")), Map.entry("12", List.of("token")),
                    Map.entry("13", List.of("bytes")), Map.entry("14", List.of("small")), Map.entry("15", List.of("mid")),
                    Map.entry("16", List.of("code"))));
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).containsExactly("17");
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).containsExactly("1000");
            // independent of the verifier: the same rows differ to plain JDBC, by value
            assertThat(differingIds(old, fresh)).containsExactlyInAnyOrder(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L,
                    12L, 13L, 14L, 15L, 16L);
        }
    }

    @Test
    void aCaseOnlyDifferenceUnderANondeterministicCollationIsFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE COLLATION folded (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                        "CREATE TABLE names (id int PRIMARY KEY, name text COLLATE folded)",
                        "INSERT INTO names SELECT i, 'name ' || i FROM generate_series(1, 300) i",
                        "UPDATE names SET name = 'merchant' WHERE id = 50");
            }
            fresh.execute("UPDATE names SET name = 'MERCHANT' WHERE id = 50", "UPDATE names SET name = 'Name 250' WHERE id = 250");
            assertThat(fresh.count("SELECT COUNT(*) FROM names WHERE id = 50 AND name = 'merchant'"))
                    .as("the collation itself takes them as equal").isEqualTo(1);
            Queue<String> sent = new ConcurrentLinkedQueue<>();

            TableReport report = SentSql.verify(old, fresh, sent, TableMapping.builder("names").build());

            assertThat(sent).anyMatch(sql -> sql.contains("hash_record_extended"));
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).containsExactlyInAnyOrder("50", "250");
            assertThat(old.query("SELECT name FROM names ORDER BY id")).isNotEqualTo(fresh.query("SELECT name FROM names ORDER BY id"));
        }
    }

    /** Floats, whose own hash takes -0 as 0, are compared in Java by their bits; the other columns still hash by value. */
    @Test
    void floatsAreNeverHashedByValueSoMinusZeroAgainstZeroIsFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE readings (id int PRIMARY KEY, value float8, ratio float4)",
                        "INSERT INTO readings VALUES (1, 0.0, 0.0), (2, 1.5, 2.5), (3, 'NaN', 1)");
            }
            fresh.execute("UPDATE readings SET value = '-0' WHERE id = 1", "UPDATE readings SET ratio = '-0' WHERE id = 2");
            assertThat(fresh.count("SELECT COUNT(*) FROM readings WHERE value = 0.0 AND id = 1"))
                    .as("-0 equals 0 to the database").isEqualTo(1);
            Queue<String> sent = new ConcurrentLinkedQueue<>();

            TableReport report = SentSql.verify(old, fresh, sent, TableMapping.builder("readings").build());

            assertThat(sent).as("the key alone hashed by value").anyMatch(sql -> sql.contains("hash_record_extended(ROW(\"id\")"))
                    .noneMatch(sql -> sql.contains("hash_record_extended") && sql.contains("\"value\")"));
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).containsExactlyInAnyOrder("1", "2");
            assertThat(String.valueOf(old.query("SELECT value::text FROM readings WHERE id = 1")))
                    .isNotEqualTo(String.valueOf(fresh.query("SELECT value::text FROM readings WHERE id = 1")));
        }
    }

    @Test
    void columnsOfOtherTypesOnEachSideOrWithoutAValueHashKeepTheCanonicalText() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE spans (id int PRIMARY KEY, qty int4, span interval)",
                    "INSERT INTO spans VALUES (1, 5, '1 day'), (2, 6, '2 hours')");
            fresh.execute("CREATE TABLE spans (id int PRIMARY KEY, qty int8, span interval)",
                    "INSERT INTO spans VALUES (1, 5, '24 hours'), (2, 7, '2 hours')");
            assertThat(fresh.count("SELECT COUNT(*) FROM spans WHERE id = 1 AND span = interval '1 day'"))
                    .as("'24 hours' equals '1 day' to the database").isEqualTo(1);
            Queue<String> sent = new ConcurrentLinkedQueue<>();

            TableReport report = SentSql.verify(old, fresh, sent, TableMapping.builder("spans").build());

            assertThat(sent).noneMatch(sql -> sql.contains("hash_record_extended"));
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).containsExactlyInAnyOrder("1", "2");
            assertThat(old.query("SELECT span::text, qty FROM spans ORDER BY id"))
                    .isNotEqualTo(fresh.query("SELECT span::text, qty FROM spans ORDER BY id"));
        }
    }

    private static List<Map<String, Object>> rows(TestDatabase db, String table, String labelColumn) {
        return db.query("SELECT id, code, " + labelColumn + ", rtrim(tag) AS tag, trim_scale(amount)::text AS amount,"
                + " trim_scale(total)::text AS total, paid, day, at_time::text AS at_time, created::text AS created, zoned, token, bytes, small, mid FROM "
                + table + " ORDER BY id");
    }

    /** The ids whose rows differ, compared by value with plain JDBC (both tables in one list, side by side). */
    private static List<Long> differingIds(TestDatabase old, TestDatabase fresh) {
        Map<Object, Map<String, Object>> oldRows = rows(old, "items", "label").stream()
                .collect(Collectors.toMap(row -> row.get("id"), row -> withoutLabel(row, "label")));
        Map<Object, Map<String, Object>> newRows = rows(fresh, "items_v2", "title").stream()
                .collect(Collectors.toMap(row -> row.get("id"), row -> withoutLabel(row, "title")));
        return oldRows.entrySet().stream().filter(entry -> newRows.containsKey(entry.getKey())
                        && !byText(entry.getValue()).equals(byText(newRows.get(entry.getKey()))))
                .map(entry -> ((Number) entry.getKey()).longValue()).sorted().toList();
    }

    private static Map<String, Object> withoutLabel(Map<String, Object> row, String labelColumn) {
        Map<String, Object> copy = new java.util.TreeMap<>(row);
        copy.put("label", copy.remove(labelColumn));
        return copy;
    }

    private static Map<String, String> byText(Map<String, Object> row) {
        Map<String, String> texts = new java.util.TreeMap<>();
        row.forEach((name, value) -> texts.put(name, value instanceof byte[] bytes
                ? java.util.HexFormat.of().formatHex(bytes) : String.valueOf(value)));
        return texts;
    }
}
