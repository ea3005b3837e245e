package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verification finds exactly the planted differences (a missing row, an extra row, a changed column, a date-time
 * one second off, a decimal one cent off, a trailing space in a VARCHAR, NULL against an empty string) and none
 * of the differences of type alone (DECIMAL(10,2) against a wider NUMERIC, 1 against true, a date-time at
 * millisecond against microsecond precision, CHAR padding), on H2, PostgreSQL, MariaDB, and MariaDB to
 * PostgreSQL with a renamed column.
 */
class PlantedDifferencesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource(Pair.STORE_PAIRS)
    void findsExactlyThePlantedDifferencesAndNoneOfTheTypeOnlyOnes(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 300);
            VerificationResult equal = pair.verifier().build().verify(Pair.job().chunkRows(50).build());
            assertThat(equal.clean()).as(equal.toText()).isTrue();
            assertThat(equal.tables().get(0).rowsCompared()).isEqualTo(300);
            assertThat(equal.tables().get(0).rowsFetched()).isZero();

            plant(pair);
            VerificationResult result = pair.verifier().build().verify(Pair.job().chunkRows(50).build());
            TableReport report = result.tables().get(0);
            assertThat(result.clean()).isFalse();
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText()).containsExactly("10");
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText()).containsExactly("1000");
            assertThat(report.differences().stream().filter(d -> d.kind() == RowDifference.Kind.DIFFERENT)
                    .collect(java.util.stream.Collectors.toMap(RowDifference::key, RowDifference::columns)))
                    .as(report.toText())
                    .isEqualTo(Map.of("20", List.of("note"), "30", List.of("created_at"), "40", List.of("amount"),
                            "50", List.of("note"), "33", List.of("note")));
            assertThat(report.missingInNew()).isEqualTo(1);
            assertThat(report.extraInNew()).isEqualTo(1);
            assertThat(report.different()).isEqualTo(5);
            assertThat(report.differingColumns()).isEqualTo(Map.of("note", 3L, "created_at", 1L, "amount", 1L));
            assertThat(report.javaColumns()).isEmpty();
            assertThat(result.toJson()).contains("\"missingInNew\":1").contains("\"MISSING_IN_NEW\":[\"10\"]");
            assertThat(result.toText()).contains("missing in new: 1, e.g. [10]");
        }
    }

    static void plant(Pair pair) {
        pair.newDb.execute(
                "DELETE FROM orders_v2 WHERE id = 10",
                "INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code)"
                        + " SELECT 1000, merchant_id, amount_total, paid, created_at, note, code FROM orders_v2 WHERE id = 1",
                "UPDATE orders_v2 SET note = 'changed' WHERE id = 20",
                "UPDATE orders_v2 SET amount_total = amount_total + 0.01 WHERE id = 40",
                "UPDATE orders_v2 SET note = CONCAT(note, ' ') WHERE id = 50",
                "UPDATE orders_v2 SET note = '' WHERE id = 33"); // NULL in the old store
        pair.newDb.execute(switch (pair.newDb.kind()) {
            case POSTGRES -> "UPDATE orders_v2 SET created_at = created_at + INTERVAL '1 second' WHERE id = 30";
            case MARIADB -> "UPDATE orders_v2 SET created_at = created_at + INTERVAL 1 SECOND WHERE id = 30";
            case H2 -> "UPDATE orders_v2 SET created_at = DATEADD(SECOND, 1, created_at) WHERE id = 30";
        });
    }
}
