package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Break tests of the bucket search: every report checked against the test's own row-by-row comparison. */
class BucketSearchBreakTest {

    static Stream<Arguments> stores() {
        return Stream.of(Arguments.of(Kind.POSTGRES, Kind.POSTGRES), Arguments.of(Kind.MARIADB, Kind.MARIADB),
                Arguments.of(Kind.MARIADB, Kind.POSTGRES), Arguments.of(Kind.POSTGRES, Kind.MARIADB));
    }

    /** Every row of a chunk different, dense keys (width 1), keys at bucket boundaries, negative keys mid-table. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("stores")
    void wholeChunksDifferentWidthOneAndNegativeKeys(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(-1_000, 1_000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'all' WHERE id BETWEEN -300 AND 300",
                    "UPDATE orders_v2 SET note = 'edge' WHERE MOD(id, 10) = 0 OR MOD(id, 10) = 9",
                    "DELETE FROM orders_v2 WHERE id IN (-1, 0, 1, 640, 999, 1000)");
            pair.oldDb.execute("DELETE FROM orders WHERE id IN (-1000, 500, 501)");
            for (int leaf : new int[] {1, 3, 10}) {
                TableReport report = pair.verifier().build()
                        .verify(Pair.job().chunkRows(100).leafRows(leaf).build()).tables().get(0);
                assertThat(report.differenceCount()).as("leaf " + leaf + " " + report.toText())
                        .isEqualTo(pair.mismatches().size());
                assertThat(report.rowsCompared()).isEqualTo(pair.oldDb.count("SELECT COUNT(*) FROM orders"));
                assertThat(report.newRowsCompared()).isEqualTo(pair.newDb.count("SELECT COUNT(*) FROM orders_v2"));
                if (!report.truncated()) {
                    assertThat(ids(report)).as("leaf " + leaf).isEqualTo(pair.mismatches());
                }
            }
        }
    }

    /** A merchant scope and a sample: only differences of the scope, none invented, counts of the scope. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("stores")
    void merchantScopeAndSample(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 4_000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE MOD(id, 37) = 0",
                    "DELETE FROM orders_v2 WHERE MOD(id, 101) = 0");
            pair.oldDb.execute("DELETE FROM orders WHERE MOD(id, 211) = 0");
            Set<Long> scoped = pair.mismatches().stream().filter(id -> id % 3 == 1)
                    .collect(Collectors.toCollection(TreeSet::new));
            TableReport report = pair.verifier().build().verify(Pair.job().merchant("m-1").chunkRows(200)
                    .leafRows(4).build()).tables().get(0);
            assertThat(report.differenceCount()).as(report.toText()).isEqualTo(scoped.size());
            assertThat(report.rowsCompared())
                    .isEqualTo(pair.oldDb.count("SELECT COUNT(*) FROM orders WHERE merchant_id = 'm-1'"));
            assertThat(report.newRowsCompared())
                    .isEqualTo(pair.newDb.count("SELECT COUNT(*) FROM orders_v2 WHERE merchant_id = 'm-1'"));

            TableReport sampled = pair.verifier().build().verify(Pair.job().sample(0.5, 42).chunkRows(200)
                    .leafRows(4).build()).tables().get(0);
            assertThat(ids(sampled)).as(sampled.toText()).isSubsetOf(pair.mismatches());
            assertThat(sampled.rowsCompared()).isLessThan(pair.oldDb.count("SELECT COUNT(*) FROM orders"));
        }
    }

    /** 20,000 rows only the new store holds, far past the old store's last key, each in a bucket of its own. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("stores")
    void manyExtraRowsFarPastTheOldStoresEndAreEachListed(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 3_000);
            if (newKind == Kind.POSTGRES) {
                pair.newDb.execute("INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code)"
                        + " SELECT 1000000000 + g * 1000, 'm-1', 1, TRUE, '2026-01-01 00:00:00', 'x', 'ab'"
                        + " FROM generate_series(1, 20000) g");
            } else {
                pair.newDb.execute("INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code)"
                        + " SELECT 1000000000 + seq * 1000, 'm-1', 1, TRUE, '2026-01-01 00:00:00', 'x', 'ab'"
                        + " FROM seq_1_to_20000");
            }
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE id IN (5, 2500, 2999)");
            TableReport report = pair.verifier().build().verify(Pair.job().chunkRows(1_000).leafRows(16).build())
                    .tables().get(0);
            assertThat(report.extraInNew()).as(report.toText()).isEqualTo(20_000);
            assertThat(report.different()).isEqualTo(3);
            assertThat(report.newRowsCompared()).isEqualTo(23_000);
        }
    }

    /** SMALLINT old key, BIGINT new key, the new store with keys past a SMALLINT; and INT vs BIGINT. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("stores")
    void differentIntegerTypesOnEachSide(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            for (String oldType : List.of("SMALLINT", "INT")) {
                pair.oldDb.execute("DROP TABLE IF EXISTS t", "CREATE TABLE t (id " + oldType + " PRIMARY KEY, v VARCHAR(20))");
                pair.newDb.execute("DROP TABLE IF EXISTS t_v2", "CREATE TABLE t_v2 (id BIGINT PRIMARY KEY, v VARCHAR(20))");
                StringBuilder old = new StringBuilder("INSERT INTO t VALUES ");
                StringBuilder fresh = new StringBuilder("INSERT INTO t_v2 VALUES ");
                for (int i = -2_000; i <= 2_000; i++) {
                    old.append(i == -2_000 ? "" : ",").append("(").append(i).append(",'v").append(i).append("')");
                    fresh.append(i == -2_000 ? "" : ",").append("(").append(i).append(",'v")
                            .append(i % 53 == 0 ? "x" : "").append(i).append("')");
                }
                pair.oldDb.execute(old.toString());
                pair.newDb.execute(fresh.toString(), "INSERT INTO t_v2 VALUES (40000, 'e'), (5000000000, 'e'),"
                        + " (9223372036854775807, 'e'), (2001, 'e')");
                TableMapping mapping = TableMapping.identity("t");
                mapping = TableMapping.builder("t").newTable("t_v2").build();
                TableReport report = pair.verifier().build().verify(VerificationJob.builder("t").table(mapping)
                        .chunkRows(500).leafRows(8).build()).tables().get(0);
                assertThat(report.different()).as(oldType + " " + report.toText()).isEqualTo(2 * (2_000 / 53) + 1);
                assertThat(report.extraInNew()).as(oldType + " " + report.toText()).isEqualTo(4);
                assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW))
                        .containsExactlyInAnyOrder("2001", "40000", "5000000000", "9223372036854775807");
                assertThat(report.rowsCompared()).isEqualTo(4_001);
                assertThat(report.newRowsCompared()).isEqualTo(4_005);
            }
        }
    }

    /** BIGINT UNSIGNED keys above Long.MAX_VALUE on MariaDB, in a table of one chunk of dense keys (width 1). */
    @Test
    void unsignedKeysAboveALongOnMariaDb() throws Exception {
        try (Pair pair = Pair.of(Kind.MARIADB, Kind.MARIADB)) {
            pair.oldDb.execute("CREATE TABLE t (id BIGINT UNSIGNED PRIMARY KEY, v VARCHAR(20))");
            pair.newDb.execute("CREATE TABLE t_v2 (id BIGINT UNSIGNED PRIMARY KEY, v VARCHAR(20))");
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                rows.append(i == 0 ? "" : ",").append("(").append(i).append(",'v").append(i).append("')");
            }
            pair.oldDb.execute("INSERT INTO t VALUES " + rows);
            pair.newDb.execute("INSERT INTO t_v2 VALUES " + rows, "UPDATE t_v2 SET v = 'x' WHERE id = 7",
                    "INSERT INTO t_v2 VALUES (18446744073709551615, 'top'), (9223372036854775808, 'mid'),"
                            + " (9223372036854775807, 'max')");
            pair.oldDb.execute("INSERT INTO t VALUES (18446744073709551614, 'old only')");
            TableMapping mapping = TableMapping.builder("t").newTable("t_v2").build();
            for (int chunk : new int[] {1_000, 20}) {
                TableReport report = pair.verifier().build().verify(VerificationJob.builder("t").table(mapping)
                        .chunkRows(chunk).leafRows(1).build()).tables().get(0);
                assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(chunk + " " + report.toText())
                        .containsExactlyInAnyOrder("18446744073709551615", "9223372036854775808",
                                "9223372036854775807");
                assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).containsExactly("18446744073709551614");
                assertThat(report.keys(RowDifference.Kind.DIFFERENT)).containsExactly("7");
            }
        }
    }

    private static Set<Long> ids(TableReport report) {
        return report.differences().stream().map(d -> Long.parseLong(d.key()))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
