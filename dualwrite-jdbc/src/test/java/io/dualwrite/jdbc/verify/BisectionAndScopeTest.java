package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Only the small ranges that still differ are fetched; a merchant's verification reads only its rows. */
class BisectionAndScopeTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void fiftyThousandEqualRowsWithThreeDifferencesFetchFewRows(Kind kind) throws Exception {
        try (Pair pair = Pair.of(kind, kind)) {
            pair.fill(1, 50_000);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'changed' WHERE id = 12345",
                    "DELETE FROM orders_v2 WHERE id = 30000",
                    "UPDATE orders_v2 SET amount_total = amount_total - 0.01 WHERE id = 47001");

            VerificationResult result = pair.verifier().build().verify(Pair.job().build());

            TableReport report = result.tables().get(0);
            assertThat(report.rowsCompared()).isEqualTo(50_000);
            assertThat(report.newRowsCompared()).isEqualTo(49_999);
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).containsExactly("30000");
            assertThat(report.differences().stream().filter(d -> d.kind() == RowDifference.Kind.DIFFERENT)
                    .collect(Collectors.toMap(RowDifference::key, RowDifference::columns)))
                    .isEqualTo(Map.of("12345", List.of("note"), "47001", List.of("amount")));
            assertThat(report.extraInNew()).isZero();
            // three ranges of at most 64 rows each, from both stores, and the three rows read again (twice)
            assertThat(report.rowsFetched()).as(report.toText()).isLessThanOrEqualTo(3 * 2 * 64 + 3 * 2 * 2);
            assertThat(report.chunks()).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMerchantsVerificationComparesAndReportsOnlyItsRows(Kind kind) throws Exception {
        try (Pair pair = Pair.of(kind, kind)) {
            pair.fill(1, 300); // merchant m-1 has ids 1, 4, 7, …, 298: 100 rows
            pair.newDb.execute("UPDATE orders_v2 SET note = 'changed' WHERE id IN (4, 5, 6)",
                    "DELETE FROM orders_v2 WHERE id IN (7, 8)",
                    "INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code)"
                            + " SELECT id + 1000, merchant_id, amount_total, paid, created_at, note, code FROM orders_v2"
                            + " WHERE id IN (1, 2)",
                    "INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code)"
                            + " SELECT 5000, 'M-1', amount_total, paid, created_at, note, code FROM orders_v2 WHERE id = 3");

            VerificationResult result = pair.verifier().build().verify(Pair.job().merchant("m-1").chunkRows(20).build());

            TableReport report = result.tables().get(0);
            assertThat(report.scope()).isEqualTo(VerificationScope.merchant("m-1"));
            assertThat(report.rowsCompared()).isEqualTo(100);
            assertThat(report.newRowsCompared()).isEqualTo(100); // 7 is gone, 1001 came: 'M-1' is another merchant
            assertThat(report.differences()).as(report.toText()).containsExactlyInAnyOrder(
                    new RowDifference(RowDifference.Kind.DIFFERENT, "4", List.of("note")),
                    new RowDifference(RowDifference.Kind.MISSING_IN_NEW, "7", List.of()),
                    new RowDifference(RowDifference.Kind.EXTRA_IN_NEW, "1001", List.of()));
            assertThat(result.toJson()).contains("\"scope\":\"merchant=m-1\"");
        }
    }
}
