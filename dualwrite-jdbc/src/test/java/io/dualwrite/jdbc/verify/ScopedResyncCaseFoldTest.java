package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A merchant-scoped resync completed before its scope converged.
 */
class ScopedResyncCaseFoldTest {

    private static final String MIGRATION = "orders";
    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("note", "remark").merchantIdColumn("merchant_id").build();

    private static List<List<String>> rows(TestDatabase db, String sql) {
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            row.values().forEach(value -> values.add(String.valueOf(value)));
            rows.add(values);
        }
        return rows;
    }

    private static List<List<String>> oldRows(TestDatabase old) {
        return rows(old, "SELECT id, CAST(merchant_id AS VARCHAR(20)) AS m, note FROM orders ORDER BY id");
    }

    private static List<List<String>> newRows(TestDatabase fresh) {
        return rows(fresh, "SELECT id, CAST(merchant_id AS VARCHAR(20)) AS m, remark FROM orders_v2 ORDER BY id");
    }

    /** Both tables with merchant m-1's rows 1, 4, 7 drifted in the old store, entry merchant=M-1 pending. */
    private static void resolveMerchantEntry(TestDatabase old, TestDatabase fresh, String oldMerchantType, String merchant)
            throws Exception {
        old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id " + oldMerchantType + ", note VARCHAR(40))");
        fresh.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), remark VARCHAR(40))");
        for (int id = 1; id <= 9; id++) {
            String m = "m-" + id % 3;
            old.execute("INSERT INTO orders VALUES (" + id + ", '" + m + "', 'note " + id + "')");
            fresh.execute("INSERT INTO orders_v2 VALUES (" + id + ", '" + m + "', 'note " + id + "')");
        }
        // the write the application made through a path that records a merchant-scoped resync, spelling the
        // merchant as it did; the database applied it to m-1's rows
        old.execute("UPDATE orders SET note = 'bulk' WHERE merchant_id = '" + merchant + "'");
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        changeLog.record(ChangeRecord.scopedResync(MIGRATION, "orders", merchant, "limit", Store.NEW, null));
        Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .changeLog(changeLog).recheckDelay(Duration.ZERO).recheckRounds(1).build();
        RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
        ScopedResyncResolver.builder().migration(MIGRATION).changeLog(changeLog).verifier(verifier)
                .repairer(Repairer.of(copier, verifier)).mapping(ORDERS).build().resolveOnce();
        assertThat(old.count("SELECT COUNT(*) FROM orders WHERE note = 'bulk'")).as("the write reached m-1's rows").isEqualTo(3);
        if (changeLog.pendingCount(MIGRATION) == 0) {
            assertThat(newRows(fresh)).as("entry completed, so the stores must be equal row by row").isEqualTo(oldRows(old));
        }
    }

    // Failed before its fix: a merchant-scoped resync on a citext merchant column is completed before the rows converge
    // Input: PostgreSQL -> PostgreSQL; old orders.merchant_id is citext (new: varchar), rows 1..9 of merchants m-0/m-1/m-2;
    //   the old store ran UPDATE orders SET note = 'bulk' WHERE merchant_id = 'M-1' (citext: rows 1, 4, 7 of m-1), and
    //   the write path's entry merchant=M-1 (the spelling the application used) is pending; resolveOnce().
    // Expected: the entry stays pending until m-1's rows are equal, so with it gone plain JDBC shows equal stores.
    // Before its fix: the entry is completed and the new store keeps note 1/4/7 while the old has 'bulk' (the exact merchant
    //   comparison finds no 'M-1' row; citext, like the ICU case fixed today, applied the write to m-1).
    //   Kind 4 (scoped resync completed unconverged).
    @Test
    void postgresCitextMerchantResyncSpeltInAnotherCaseIsNotCompletedBeforeTheRowsConverge() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE EXTENSION IF NOT EXISTS citext");
            resolveMerchantEntry(old, fresh, "citext", "M-1");
        }
    }

    // A merchant column whose new counterpart has another type, reached through a transformer (old INT 7, new
    // VARCHAR 'M-7'): the spellings of the scope's merchant on the new store were found by parsing the id with the
    // new column's type and handing that text to the transformer, which expects the old column's value. The
    // transformer failed with a ClassCastException, and the resolution of the scope with it.
    @Test
    void merchantScopeThroughATransformerOfAnotherTypeIsResolvedAndConverges() throws Exception {
        TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2").rename("merchant_id", "merchant_code")
                .transform("merchant_id", io.dualwrite.mapping.ValueTransformer.of(
                        old -> old == null ? null : "M-" + ((Number) old).intValue(),
                        code -> code == null ? null : Integer.valueOf(((String) code).substring(2))))
                .merchantIdColumn("merchant_id").build();
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id INT, note VARCHAR(40))");
            fresh.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_code VARCHAR(20), note VARCHAR(40))");
            for (int id = 1; id <= 9; id++) {
                old.execute("INSERT INTO orders VALUES (" + id + ", " + (7 + id % 2) + ", 'note " + id + "')");
                fresh.execute("INSERT INTO orders_v2 VALUES (" + id + ", 'M-" + (7 + id % 2) + "', 'note " + id + "')");
            }
            old.execute("UPDATE orders SET note = 'bulk' WHERE merchant_id = 7");
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            changeLog.record(ChangeRecord.scopedResync(MIGRATION, "orders", "7", "limit", Store.NEW, null));
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .changeLog(changeLog).recheckDelay(Duration.ZERO).recheckRounds(1).build();
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
            ScopedResyncResolver.builder().migration(MIGRATION).changeLog(changeLog).verifier(verifier)
                    .repairer(Repairer.of(copier, verifier)).mapping(mapping).build().resolveOnce();

            assertThat(changeLog.pendingCount(MIGRATION)).as("the scope was verified and repaired").isZero();
            assertThat(rows(fresh, "SELECT id, merchant_code, note FROM orders_v2 ORDER BY id"))
                    .as("the new store, row by row")
                    .isEqualTo(rows(old, "SELECT id, 'M-' || merchant_id AS m, note FROM orders ORDER BY id"));
            assertThat(fresh.count("SELECT COUNT(*) FROM orders_v2 WHERE note = 'bulk'")).isEqualTo(4);
        }
    }
}
