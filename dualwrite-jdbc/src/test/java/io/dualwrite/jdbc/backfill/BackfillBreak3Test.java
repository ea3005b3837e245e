package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.PhaseResolver;
import io.dualwrite.switches.Resolution;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Backfills whose merchant column is fixed-length text ({@code CHAR(n)}) in one store: the database pads the id
 * with spaces, which are no part of it. Each test ends comparing both tables row by row with plain JDBC.
 */
class BackfillBreak3Test {

    private static final String MIGRATION = "orders";
    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("note", "remark").merchantIdColumn("merchant_id").build();

    private static void tables(TestDatabase old, TestDatabase fresh, String oldMerchant, String newMerchant) {
        old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id " + oldMerchant + ", note VARCHAR(40))");
        fresh.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id " + newMerchant
                + ", remark VARCHAR(40))");
        for (int id = 1; id <= 12; id++) {
            old.execute("INSERT INTO orders VALUES (" + id + ", 'm-" + id % 3 + "', 'note " + id + "')");
        }
    }

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

    // Input: old H2 orders(merchant_id CHAR(10)) holding merchants m-0, m-1, m-2; BackfillJob scope
    // BackfillScope.merchant("m-1").
    // Expected: m-1's four rows copied, no other. Actual before the fix (H2 old stores): nothing copied, the job
    // COMPLETE with 0 rows: the walk's exact merchant test CAST(merchant_id AS VARCHAR) = 'm-1' compared the
    // CHAR's padded text 'm-1       '.
    @ParameterizedTest(name = "{0} {2} -> {1} {3}")
    @CsvSource(delimiter = '|', value = {
            "H2|H2|CHAR(10)|VARCHAR(20)",
            "H2|POSTGRES|CHAR(10)|CHAR(10)",
            "POSTGRES|POSTGRES|CHAR(10)|VARCHAR(20)",
            "MARIADB|POSTGRES|CHAR(10)|CHAR(10)",
            "MARIADB|MARIADB|CHAR(10)|VARCHAR(20) COLLATE utf8mb4_bin"})
    void aMerchantScopedBackfillFindsTheMerchantInAFixedLengthColumn(Kind oldKind, Kind newKind, String oldType,
                                                                      String newType) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            tables(old, fresh, oldType, newType);

            BackfillResult result = BackfillJob.builder().migration(MIGRATION).oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(ORDERS).scope(BackfillScope.merchant("m-1"))
                    .build().run();

            assertThat(result.complete()).isTrue();
            assertThat(result.rowsCopied()).as(result.toString()).isEqualTo(4);
            assertThat(rows(fresh, "SELECT id, merchant_id, remark FROM orders_v2 ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, merchant_id, note FROM orders WHERE id IN (1, 4, 7, 10) ORDER BY id"));
        }
    }

    // Input: merchant m-1 is NEW_PRIMARY (the new store holds its newer rows 1, 4, 7, 10 and a row 100 the old
    // store lacks), the rest DUAL_WRITE; a whole-table backfill through a phase-scoped copier
    // (BackfillJob.Builder.resolver). One store keeps merchant_id as CHAR(10).
    // Expected: m-1's rows in the new store untouched, the others copied. Actual before the fix: the copier read
    // the merchant of a CHAR(10) row as 'm-1       ', which no switch names, so the row took the system phase:
    // an old CHAR column had m-1's old rows overwrite the new store's newer ones; a new CHAR column had every
    // m-1 row of the new store deleted as a "stale copy" (rows 1, 4, 7, 10 gone).
    @ParameterizedTest(name = "{0} {2} -> {1} {3}")
    @CsvSource(delimiter = '|', value = {
            "H2|H2|CHAR(10)|VARCHAR(20)",
            "POSTGRES|POSTGRES|CHAR(10)|VARCHAR(20)",
            "POSTGRES|POSTGRES|VARCHAR(20)|CHAR(10)",
            "H2|H2|VARCHAR(20)|CHAR(10)",
            "MARIADB|POSTGRES|VARCHAR(20)|CHAR(10)"})
    void aPhaseScopedBackfillLeavesANewPrimaryMerchantKeptInAFixedLengthColumnAlone(
            Kind oldKind, Kind newKind, String oldType, String newType) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            tables(old, fresh, oldType, newType);
            for (int id : new int[] {1, 4, 7, 10}) {
                fresh.execute("INSERT INTO orders_v2 VALUES (" + id + ", 'm-1', 'newer " + id + "')");
            }
            fresh.execute("INSERT INTO orders_v2 VALUES (100, 'm-1', 'created in NEW_PRIMARY')");
            List<String> newPrimaryRows = rows(fresh, "SELECT id, merchant_id, remark FROM orders_v2 ORDER BY id");
            SwitchStore switches = SwitchStores.inMemory();
            switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
            switches.setMerchantPhase(MIGRATION, "m-1", MigrationPhase.NEW_PRIMARY);
            Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
                    .migration(MigrationSwitchConfig.of(MIGRATION)).build();

            BackfillResult result = BackfillJob.builder().migration(MIGRATION).oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(ORDERS).resolver(switchboard).build().run();

            assertThat(result.complete()).isTrue();
            assertThat(result.tables().get(0).rowsSkipped()).as(result.toString()).isEqualTo(4);
            assertThat(rows(fresh, "SELECT id, merchant_id, remark FROM orders_v2 WHERE merchant_id = 'm-1' ORDER BY id"))
                    .as("the NEW_PRIMARY merchant's rows").isEqualTo(newPrimaryRows);
            assertThat(rows(fresh, "SELECT id, merchant_id, remark FROM orders_v2 WHERE merchant_id <> 'm-1' ORDER BY id"))
                    .as("the other merchants' rows, copied")
                    .isEqualTo(rows(old, "SELECT id, merchant_id, note FROM orders WHERE merchant_id <> 'm-1' ORDER BY id"));
        }
    }

    // Input: a job for migration 'ordres' (misspelt) with a phase-scoped copier whose switchboard configures only
    // 'orders'. Expected: build() refuses it naming the migration and the configured ones; with a resolver of the
    // application's own that cannot resolve the migration, start() refuses it; in both, before any row or checkpoint
    // is written.
    @Test
    void aMigrationTheResolverDoesNotKnowIsRefusedBeforeAnyRowIsTouched() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            tables(old, fresh, "VARCHAR(20)", "VARCHAR(20)");
            Switchboard switchboard = Switchboard.builder().cachedSwitchStore(SwitchStores.inMemory())
                    .migration(MigrationSwitchConfig.of(MIGRATION)).build();

            assertThatThrownBy(() -> BackfillJob.builder().migration("ordres").oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(ORDERS).resolver(switchboard).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'ordres'").hasMessageContaining("[orders]");

            PhaseResolver ownResolver = new PhaseResolver() {
                @Override
                public Resolution resolveRead(MigrationContext context) {
                    return switchboard.resolveRead(context);
                }

                @Override
                public Resolution resolveWrite(MigrationContext context) {
                    return switchboard.resolveWrite(context);
                }
            };
            BackfillJob job = BackfillJob.builder().migration("ordres").oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(ORDERS).resolver(ownResolver).build();
            assertThatThrownBy(job::run).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ordres").hasMessageContaining("[orders]")
                    .hasMessageContaining("no row was copied");

            assertThat(old.count("SELECT COUNT(*) FROM dualwrite_backfill_checkpoint")).isZero();
            assertThat(rows(fresh, "SELECT id, merchant_id, remark FROM orders_v2 ORDER BY id")).isEmpty();
            assertThat(rows(old, "SELECT id FROM orders ORDER BY id")).hasSize(12);
        }
    }
}
