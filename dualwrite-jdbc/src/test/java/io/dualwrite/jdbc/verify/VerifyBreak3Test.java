package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Verification and repair as a payments team runs them: the rate limit of slow, careful runs, and phase-scoped
 * repair of a table whose merchant column is fixed-length text in one store. Each test ends comparing both
 * tables row by row with plain JDBC.
 */
class VerifyBreak3Test {

    private static final String MIGRATION = "orders";
    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("note", "remark").merchantIdColumn("merchant_id").build();

    /** Rows as {@code id|merchant|note}, the merchant's padding dropped (a CHAR(n) pads, a VARCHAR does not). */
    private static List<String> rows(TestDatabase db, String sql) {
        List<String> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            row.values().forEach(value -> values.add(String.valueOf(value).stripTrailing()));
            rows.add(String.join("|", values));
        }
        return rows;
    }

    // Input: two equal tables of 4 × rate rows, VerificationJob.maxRowsPerSecond(rate), chunks of 2 or 3 rows.
    // Expected: about 4 s (the first permits come at once). Actual before the fix: the limiter handed out
    // ceil(rate / 10) permits every 100 ms, so any rate below 10 ran at 10 rows/s (4 rows/s: 1.6 s) and 15 at
    // 20 rows/s (2.2 s).
    @ParameterizedTest(name = "{0} rows/s")
    @CsvSource({"4, 2", "15, 3"})
    void theRateLimitHoldsForRatesThatAreNotMultiplesOfTen(int rate, int chunkRows) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(10), note VARCHAR(40))",
                    "INSERT INTO orders SELECT X, 'm-1', 'note' FROM SYSTEM_RANGE(1, " + 4 * rate + ")");
            fresh.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(10), remark VARCHAR(40))",
                    "INSERT INTO orders_v2 SELECT X, 'm-1', 'note' FROM SYSTEM_RANGE(1, " + 4 * rate + ")");
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .build();

            long started = System.nanoTime();
            VerificationResult result = verifier.verify(VerificationJob.builder(MIGRATION).table(ORDERS)
                    .chunkRows(chunkRows).maxRowsPerSecond(rate).build());
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertThat(result.clean()).as(result.toText()).isTrue();
            assertThat(result.tables().get(0).rowsCompared()).isEqualTo(4L * rate);
            assertThat(millis).as(4 * rate + " rows at " + rate + " rows/s, less the first permits")
                    .isGreaterThanOrEqualTo(3_400);
            assertThat(rows(fresh, "SELECT id, merchant_id, remark FROM orders_v2 ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, merchant_id, note FROM orders ORDER BY id"));
        }
    }

    // Input: merchant m-1 is NEW_PRIMARY, m-0 and m-2 DUAL_WRITE. The new store keeps merchant_id as CHAR(10) and
    // holds m-1's newer rows (1 and 4 changed, 100 created there, its mirror to the old store pending), and stale
    // copies of m-2's row 2 and m-0's row 3. Verification of the whole table, then Repairer (old wins) through a
    // phase-scoped copier.
    // Expected: m-1's rows untouched, rows 2 and 3 repaired. Actual before the fix: the copier read the new row's
    // merchant as 'm-1       ', which no switch names, so the old store "won" for m-1 too: rows 1 and 4 were
    // overwritten with the old store's older notes and row 100 was deleted from the store authoritative for it.
    @ParameterizedTest(name = "{0} {2} -> {1} {3}")
    @CsvSource(delimiter = '|', value = {
            "H2|H2|VARCHAR(20)|CHAR(10)",
            "POSTGRES|POSTGRES|VARCHAR(20)|CHAR(10)",
            "MARIADB|POSTGRES|VARCHAR(20)|CHAR(10)",
            "POSTGRES|POSTGRES|CHAR(10)|VARCHAR(20)"})
    void repairFromOldLeavesANewPrimaryMerchantKeptInAFixedLengthColumnAlone(Kind oldKind, Kind newKind,
                                                                               String oldType, String newType)
            throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id " + oldType + ", note VARCHAR(40))");
            fresh.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id " + newType
                    + ", remark VARCHAR(40))");
            for (int id = 1; id <= 9; id++) {
                old.execute("INSERT INTO orders VALUES (" + id + ", 'm-" + id % 3 + "', 'note " + id + "')");
                fresh.execute("INSERT INTO orders_v2 VALUES (" + id + ", 'm-" + id % 3 + "', 'note " + id + "')");
            }
            fresh.execute("UPDATE orders_v2 SET remark = 'newer in new' WHERE id IN (1, 4)",
                    "INSERT INTO orders_v2 VALUES (100, 'm-1', 'created in NEW_PRIMARY')",
                    "UPDATE orders_v2 SET remark = 'stale' WHERE id IN (2, 3)");
            SwitchStore switches = SwitchStores.inMemory();
            switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
            switches.setMerchantPhase(MIGRATION, "m-1", MigrationPhase.NEW_PRIMARY);
            Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
                    .migration(MigrationSwitchConfig.of(MIGRATION)).build();
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recheckDelay(Duration.ZERO).recheckRounds(1).build();
            VerificationJob job = VerificationJob.builder(MIGRATION).table(ORDERS).build();
            VerificationResult found = verifier.verify(job);
            assertThat(found.tables().get(0).differenceCount()).as(found.toText()).isEqualTo(5);
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .resolver(MIGRATION, switchboard).build();

            Repairer.RepairResult repaired = Repairer.of(copier, verifier).repair(job, found);

            assertThat(repaired.tables().get(0).skipped()).as(repaired.toString()).isEqualTo(3);
            assertThat(rows(fresh, "SELECT id, merchant_id, remark FROM orders_v2 ORDER BY id")).containsExactly(
                    "1|m-1|newer in new", "2|m-2|note 2", "3|m-0|note 3", "4|m-1|newer in new", "5|m-2|note 5",
                    "6|m-0|note 6", "7|m-1|note 7", "8|m-2|note 8", "9|m-0|note 9", "100|m-1|created in NEW_PRIMARY");
            assertThat(rows(old, "SELECT id, merchant_id, note FROM orders ORDER BY id")).containsExactly(
                    "1|m-1|note 1", "2|m-2|note 2", "3|m-0|note 3", "4|m-1|note 4", "5|m-2|note 5",
                    "6|m-0|note 6", "7|m-1|note 7", "8|m-2|note 8", "9|m-0|note 9");
        }
    }
}
