package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table keyed by one integer column whose chunks differ is searched bucket by bucket: each store sums every
 * bucket of a chunk (keys cut by value) in one pass, and only the buckets that differ are searched further.
 * Every test ends by checking the report against the test's own row-by-row comparison of the two stores, with
 * keys where buckets are easy to get wrong: below zero, zero, far beyond the old store's last key, at both ends
 * of a {@code long}, and far apart.
 */
class BucketSearchTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource(Pair.STORE_PAIRS)
    void differencesSpreadOverEveryChunkAreFoundExactly(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 6_000); // chunks of 1,000 old rows, every one with differences
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE MOD(id, 97) = 0",
                    "UPDATE orders_v2 SET amount_total = amount_total + 0.01 WHERE MOD(id, 331) = 0",
                    "DELETE FROM orders_v2 WHERE MOD(id, 389) = 0");
            pair.oldDb.execute("DELETE FROM orders WHERE MOD(id, 503) = 0");
            // rows the new store alone has, below the old store's first key and past its last
            for (long id : List.of(-1_000_000L, -7L, 0L, 6_001L, 50_000L, 9_000_000_000L)) {
                insertNew(pair.newDb, id, "extra");
            }

            TableReport report = pair.verifier().build().verify(Pair.job().chunkRows(1_000).leafRows(16).build())
                    .tables().get(0);

            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText())
                    .contains("-1000000", "-7", "0", "6001", "50000", "9000000000");
            assertThat(reportedIds(report)).as(report.toText()).isEqualTo(pair.mismatches());
            assertThat(report.rowsCompared()).isEqualTo(pair.oldDb.count("SELECT COUNT(*) FROM orders"));
            assertThat(report.newRowsCompared()).isEqualTo(pair.newDb.count("SELECT COUNT(*) FROM orders_v2"));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource(Pair.STORE_PAIRS)
    void keysAtTheEndsOfALongAndFarApartAreSearchedExactly(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 1_500);
            List<Long> far = List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -2L, 1_000_000_000_000L,
                    1_000_000_000_000_001L, Long.MAX_VALUE - 1, Long.MAX_VALUE);
            for (long id : far) {
                insertOld(pair.oldDb, id);
                insertNew(pair.newDb, id, "far " + id);
            }
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE MOD(id, 50) = 0 AND id BETWEEN 1 AND 1500",
                    "UPDATE orders_v2 SET note = 'changed' WHERE id IN (" + Long.MIN_VALUE + ", -2, "
                            + Long.MAX_VALUE + ", 1000000000000)",
                    "DELETE FROM orders_v2 WHERE id IN (" + (Long.MAX_VALUE - 1) + ", " + (Long.MIN_VALUE + 1) + ")");
            insertNew(pair.newDb, Long.MAX_VALUE - 2, "extra");
            insertNew(pair.newDb, 999_999_999_999L, "extra");

            TableReport report = pair.verifier().build().verify(Pair.job().chunkRows(300).leafRows(8).build())
                    .tables().get(0);

            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText())
                    .containsExactlyInAnyOrder(Long.toString(Long.MAX_VALUE - 1), Long.toString(Long.MIN_VALUE + 1));
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText())
                    .containsExactlyInAnyOrder(Long.toString(Long.MAX_VALUE - 2), "999999999999");
            assertThat(reportedIds(report)).as(report.toText()).isEqualTo(pair.mismatches());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource(Pair.STORE_PAIRS)
    void equalTablesAfterADifferingChunkReportNothingMore(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 3_000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE id = 999"); // the next chunks are bucketed

            TableReport report = pair.verifier().build().verify(Pair.job().chunkRows(500).leafRows(4).build())
                    .tables().get(0);

            assertThat(reportedIds(report)).as(report.toText()).containsExactly(999L).isEqualTo(pair.mismatches());
            assertThat(report.rowsCompared()).isEqualTo(3_000);
            assertThat(report.newRowsCompared()).isEqualTo(3_000);
        }
    }

    private static void insertOld(TestDatabase db, long id) {
        db.execute("INSERT INTO orders (id, merchant_id, amount, paid, created_at, note, code) VALUES (" + id
                + ", 'm-1', 1.25, 1, '2026-01-01 00:00:00', 'far " + id + "', 'ab')");
    }

    private static void insertNew(TestDatabase db, long id, String note) {
        db.execute("INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code) VALUES (" + id
                + ", 'm-1', 1.25, TRUE, '2026-01-01 00:00:00', '" + note + "', 'ab')");
    }

    private static Set<Long> reportedIds(TableReport report) {
        return report.differences().stream().map(d -> Long.parseLong(d.key()))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
