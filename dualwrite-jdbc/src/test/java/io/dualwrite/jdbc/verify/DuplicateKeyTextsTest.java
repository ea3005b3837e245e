package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * the old store's VARCHAR key holds 'z' and 'z ' (two rows), the new store's CHAR key only 'z' (CHAR
 * pads, so it cannot hold both): both old keys render as the same key text 'z' (RTRIM, since one side is
 * padded). The stores differ (two rows against one); the verification must report it, whether the last chunk
 * is checksummed first or listed at once after a differing chunk.
 */
class DuplicateKeyTextsTest {

    @ParameterizedTest(name = "{0}, listed at once: {1}")
    @CsvSource({"H2, false", "H2, true", "POSTGRES, false", "POSTGRES, true"})
    void twoOldKeysOfOneKeyTextAgainstOneNewRowAreReported(Kind kind, boolean listedAtOnce) throws Exception {
        TableMapping items = TableMapping.builder("items").build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE items (id VARCHAR(10) PRIMARY KEY, qty INT)");
            fresh.execute("CREATE TABLE items (id CHAR(10) PRIMARY KEY, qty INT)");
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                values.append(i == 0 ? "" : ", ").append(String.format("('k%02d', %d)", i, i));
            }
            old.execute("INSERT INTO items VALUES " + values, "INSERT INTO items VALUES ('z', 1), ('z ', 2)");
            fresh.execute("INSERT INTO items VALUES " + values, "INSERT INTO items VALUES ('z', 2)",
                    "UPDATE items SET qty = -1 WHERE id = 'k30'");
            if (listedAtOnce) {
                fresh.execute("UPDATE items SET qty = -1 WHERE id = 'k70'"); // the chunk after it is listed at once
            }
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recheckDelay(java.time.Duration.ZERO).build();

            TableReport report = verifier.verify(VerificationJob.builder("orders").table(items).chunkRows(20)
                    .leafRows(2).build()).tables().get(0);

            // plain JDBC: the stores hold a different number of rows
            assertThat(old.count("SELECT COUNT(*) FROM items")).isEqualTo(102);
            assertThat(fresh.count("SELECT COUNT(*) FROM items")).isEqualTo(101);
            Set<String> reported = new TreeSet<>();
            for (RowDifference.Kind k : RowDifference.Kind.values()) {
                reported.addAll(report.keys(k));
            }
            assertThat(reported).as(report.toText()).contains("k30").anyMatch(key -> key.startsWith("z"));
            assertThat(report.differenceCount()).as(report.toText()).isGreaterThanOrEqualTo(listedAtOnce ? 3 : 2);
        }
    }
}
