package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A range whose checksums differ is compared by each row's key and hash: only the rows whose hashes differ are
 * fetched (or the whole range when most of it differs), and the chunk after a differing one is listed at once
 * (a table keyed by one integer column, as here, has its differing chunks searched by bucket first, see
 * {@link BucketSearchTest}, and lists the runs of differing buckets that hold more than {@code leafRows} rows).
 * Every test ends by checking the report against the planted differences and against the test's own
 * row-by-row comparison of the two stores.
 */
class ListedRangesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource(Pair.STORE_PAIRS)
    void aChunkWhoseRowsMostlyDifferAndTheChunksAfterItReportExactlyTheirDifferences(Kind oldKind, Kind newKind)
            throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 3_000); // chunks of 500 old rows: [1, 501), [501, 1001), [1001, 1507), …
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE id BETWEEN 1001 AND 1400 AND MOD(id, 5) <> 0",
                    "DELETE FROM orders_v2 WHERE id BETWEEN 1401 AND 1410",
                    "UPDATE orders_v2 SET amount_total = amount_total + 0.01 WHERE id = 1777", // listed at once
                    "UPDATE orders_v2 SET note = 'late' WHERE id = 2999"); // after an equal chunk: checksum first
            pair.oldDb.execute("DELETE FROM orders WHERE id BETWEEN 1450 AND 1455");

            TableReport report = pair.verifier().build().verify(Pair.job().chunkRows(500).leafRows(4).build())
                    .tables().get(0);

            Map<String, List<String>> different = new TreeMap<>();
            LongStream.rangeClosed(1001, 1400).filter(id -> id % 5 != 0)
                    .forEach(id -> different.put(Long.toString(id), List.of("note")));
            different.put("1777", List.of("amount"));
            different.put("2999", List.of("note"));
            assertThat(differentColumns(report)).as(report.toText()).isEqualTo(different);
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText())
                    .containsExactlyInAnyOrderElementsOf(ids(1401, 1410));
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText())
                    .containsExactlyInAnyOrderElementsOf(ids(1450, 1455));
            assertThat(report.rowsCompared()).isEqualTo(2_994);
            assertThat(report.newRowsCompared()).isEqualTo(2_990);
            assertThat(reportedIds(report)).isEqualTo(pair.mismatches());
        }
    }

    @org.junit.jupiter.api.Test
    void aChunkListedAtOnceWhoseNewRangeHoldsTooManyRowsIsSearchedInsteadOfListedWhole() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.fill(1, 1_000); // chunks of 500 old rows: [1, 501), [501, +inf)
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE id = 10", // the next chunk is listed at once
                    // the new store holds far more rows than LIST_ROWS in the next chunk's key range
                    "INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code)"
                            + " SELECT 1000000 + X, 'm-1', 1.00, TRUE, TIMESTAMP '2026-01-01 00:00:00', 'extra', 'ab'"
                            + " FROM SYSTEM_RANGE(1, " + (TableVerification.LIST_ROWS + 1_000) + ")");

            TableReport report = pair.verifier().build().verify(Pair.job().chunkRows(500).build()).tables().get(0);

            assertThat(report.different()).as(report.toText()).isEqualTo(1);
            assertThat(report.extraInNew()).isEqualTo(TableVerification.LIST_ROWS + 1_000);
            assertThat(report.missingInNew()).isZero();
            assertThat(report.rowsCompared()).isEqualTo(1_000);
            assertThat(report.newRowsCompared()).isEqualTo(1_000 + TableVerification.LIST_ROWS + 1_000);
            assertThat(report.differenceCount()).isEqualTo(pair.mismatches().size());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource(Pair.STORE_PAIRS)
    void differencesAtTheFirstAndLastKeyOfChunksAreFound(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 2_000); // chunks [1, 501), [501, 1001), [1001, 1501), [1501, +inf)
            pair.newDb.execute("UPDATE orders_v2 SET note = CONCAT(note, ' ') WHERE id = 1", // first key of all
                    "UPDATE orders_v2 SET note = 'first' WHERE id = 501",
                    "UPDATE orders_v2 SET amount_total = amount_total - 0.01 WHERE id = 1001",
                    "DELETE FROM orders_v2 WHERE id IN (1500, 2000)"); // last of a chunk, last of all
            pair.newDb.execute(switch (pair.newDb.kind()) {
                case POSTGRES -> "UPDATE orders_v2 SET created_at = created_at + INTERVAL '1 second' WHERE id = 1000";
                case MARIADB -> "UPDATE orders_v2 SET created_at = created_at + INTERVAL 1 SECOND WHERE id = 1000";
                case H2 -> "UPDATE orders_v2 SET created_at = DATEADD(SECOND, 1, created_at) WHERE id = 1000";
            });
            pair.oldDb.execute("DELETE FROM orders WHERE id = 1501"); // the first key of the last chunk, new only

            TableReport report = pair.verifier().build().verify(Pair.job().chunkRows(500).leafRows(4).build())
                    .tables().get(0);

            assertThat(differentColumns(report)).as(report.toText()).isEqualTo(Map.of("1", List.of("note"),
                    "501", List.of("note"), "1000", List.of("created_at"), "1001", List.of("amount")));
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText())
                    .containsExactlyInAnyOrder("1500", "2000");
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText()).containsExactly("1501");
            assertThat(reportedIds(report)).isEqualTo(pair.mismatches());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource(Pair.STORE_PAIRS)
    void thePlantedDifferencesAreFoundFetchingFewRowsAndNoneOfTheTypeOnlyOnes(Kind oldKind, Kind newKind)
            throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 300);
            PlantedDifferencesTest.plant(pair);

            TableReport report = pair.verifier().build().verify(Pair.job().chunkRows(100).leafRows(2).build())
                    .tables().get(0);

            assertThat(differentColumns(report)).as(report.toText()).isEqualTo(Map.of("20", List.of("note"),
                    "30", List.of("created_at"), "40", List.of("amount"), "50", List.of("note"), "33", List.of("note")));
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).containsExactly("10");
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).containsExactly("1000");
            // the integer key's chunks are searched by bucket of about leafRows keys: only the rows of the 7
            // buckets holding a difference are fetched (2 at most on each store), then the 7 rows read again twice
            assertThat(report.rowsFetched()).as(report.toText()).isLessThanOrEqualTo(7 * 2 * 2 + 2 * 2 * 7);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource(Pair.STORE_PAIRS)
    void aChunkTooLargeToListIsCutIntoPartsEachListed(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            int rows = TableVerification.LIST_ROWS + 5_000;
            pair.fill(1, rows);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE MOD(id, 997) = 0",
                    "DELETE FROM orders_v2 WHERE id = " + rows);

            TableReport report = pair.verifier().build().verify(Pair.job().chunkRows(rows).build()).tables().get(0);

            assertThat(report.chunks()).isEqualTo(1);
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).hasSize(rows / 997);
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).containsExactly(Integer.toString(rows));
            assertThat(reportedIds(report)).isEqualTo(pair.mismatches());
        }
    }

    static Stream<Arguments> crossProducts() {
        return Stream.of(Arguments.of(Kind.MARIADB, Kind.POSTGRES), Arguments.of(Kind.POSTGRES, Kind.MARIADB));
    }

    private static final List<String> CODES = List.of("Apple", "apple2", "B", "b3", "Zed", "zed4", "_x", "10", "9",
            "éclair", "Eclair5", "ß", "a b", "a", "a  c", "z~|", "Ω", "日本", "😀");

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("crossProducts")
    void compositeStringKeysAreListedAlikeAcrossMariaDbAndPostgresCollations(Kind oldKind, Kind newKind)
            throws Exception {
        TableMapping items = TableMapping.builder("items").primaryKey("code", "line").build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE items (code VARCHAR(20) NOT NULL, line INT NOT NULL, qty INT,"
                        + " PRIMARY KEY (code, line))" + (db.kind() == Kind.MARIADB ? " DEFAULT CHARSET = utf8mb4" : ""));
                try (Connection connection = db.dataSource().getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?, ?, ?)")) {
                    for (String code : CODES) {
                        for (int line = 1; line <= 20; line++) {
                            insert.setString(1, code);
                            insert.setInt(2, line);
                            insert.setInt(3, code.length() * line);
                            insert.addBatch();
                        }
                    }
                    insert.executeBatch();
                }
            }
            fresh.execute("UPDATE items SET qty = -1 WHERE code = 'Ω'", // a whole run of keys
                    "UPDATE items SET qty = -2 WHERE code = 'éclair' AND line = 3",
                    "UPDATE items SET qty = -3 WHERE code = 'a b' AND line IN (1, 20)",
                    "UPDATE items SET qty = NULL WHERE code = 'ß' AND line = 1",
                    "DELETE FROM items WHERE code = 'a' AND line = 1",
                    "DELETE FROM items WHERE code = 'Apple' AND line = 20",
                    "INSERT INTO items VALUES ('zzz', 1, 1)");
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recheckDelay(java.time.Duration.ZERO).build();

            TableReport report = verifier.verify(VerificationJob.builder("orders").table(items).chunkRows(60)
                    .leafRows(2).build()).tables().get(0);

            Set<String> different = new TreeSet<>(List.of("éclair|3", "a b|1", "a b|20", "ß|1"));
            for (int line = 1; line <= 20; line++) {
                different.add("Ω|" + line);
            }
            assertThat(new TreeSet<>(report.keys(RowDifference.Kind.DIFFERENT))).as(report.toText())
                    .isEqualTo(different);
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText())
                    .containsExactlyInAnyOrder("a|1", "Apple|20");
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText()).containsExactly("zzz|1");
            assertThat(new TreeSet<>(report.differences().stream().map(RowDifference::key).toList()))
                    .isEqualTo(itemMismatches(old, fresh));
        }
    }

    /** The keys of the rows that differ, compared by the test with plain selects. */
    private static Set<String> itemMismatches(TestDatabase old, TestDatabase fresh) {
        Map<String, Object> oldRows = items(old);
        Map<String, Object> newRows = items(fresh);
        Set<String> keys = new TreeSet<>(oldRows.keySet());
        keys.addAll(newRows.keySet());
        keys.removeIf(key -> oldRows.containsKey(key) && newRows.containsKey(key)
                && java.util.Objects.equals(oldRows.get(key), newRows.get(key)));
        return keys;
    }

    private static Map<String, Object> items(TestDatabase db) {
        Map<String, Object> rows = new HashMap<>();
        for (Map<String, Object> row : db.query("SELECT code, line, qty FROM items")) {
            Object qty = row.get("qty");
            rows.put(row.get("code") + "|" + row.get("line"), qty == null ? null : ((Number) qty).longValue());
        }
        return rows;
    }

    private static Map<String, List<String>> differentColumns(TableReport report) {
        return report.differences().stream().filter(d -> d.kind() == RowDifference.Kind.DIFFERENT)
                .collect(Collectors.toMap(RowDifference::key, RowDifference::columns, (a, b) -> a, TreeMap::new));
    }

    private static Set<Long> reportedIds(TableReport report) {
        return report.differences().stream().map(d -> Long.parseLong(d.key()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> ids(long from, long to) {
        List<String> ids = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            ids.add(Long.toString(id));
        }
        return ids;
    }
}
