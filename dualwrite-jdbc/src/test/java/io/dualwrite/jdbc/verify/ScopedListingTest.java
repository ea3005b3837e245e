package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * a merchant-scoped verification whose chunk after a differing one is listed at once, with rows that
 * moved into or out of the merchant on one store, a row deleted on either side, and a difference of another
 * merchant that must not be reported. The report must name exactly the test's own row-by-row mismatches of
 * rows of the merchant on either store.
 */
class ScopedListingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"H2, H2", "MARIADB, POSTGRES", "POSTGRES, MARIADB"})
    void aScopedChunkListedAtOnceReportsExactlyTheMerchantsDifferences(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 600); // merchant m-1: ids 1, 4, 7, …
            pair.newDb.execute("UPDATE orders_v2 SET note = 'drift' WHERE id IN (31, 32, 400)", // 32 is m-2's
                    "UPDATE orders_v2 SET merchant_id = 'm-2' WHERE id = 64", // out of the merchant on the new store
                    "UPDATE orders_v2 SET merchant_id = 'm-1' WHERE id = 65", // into it
                    "DELETE FROM orders_v2 WHERE id = 67");
            pair.oldDb.execute("DELETE FROM orders WHERE id = 70");

            TableReport report = pair.verifier().build().verify(Pair.job().merchant("m-1").chunkRows(10).leafRows(2)
                    .build()).tables().get(0);

            Set<String> expected = pair.mismatches().stream().filter(id -> id % 3 == 1 || id == 65)
                    .map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
            assertThat(expected).containsExactly("31", "400", "64", "65", "67", "70");
            Set<String> reported = new TreeSet<>();
            for (RowDifference.Kind kind : RowDifference.Kind.values()) {
                reported.addAll(report.keys(kind));
            }
            assertThat(reported).as(report.toText()).isEqualTo(expected);
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText()).containsExactly("67");
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText()).containsExactly("70");
        }
    }
}
