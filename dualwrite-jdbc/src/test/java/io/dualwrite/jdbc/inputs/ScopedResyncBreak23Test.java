package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scoped resyncs, twenty-third break: many entries of one scope in the change log (a burst of writes whose keys were
 * unknown), and a merchant's rows within a whole-table entry. The number of verification jobs the resolver builds is
 * counted through its public job settings. Each test ends comparing the two stores row by row with plain JDBC.
 */
class ScopedResyncBreak23Test {

    private static final String MIGRATION = "b23";

    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();

    private static void seed(TestDatabase oldDb, TestDatabase newDb) {
        oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)");
        newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)");
        for (int id = 1; id <= 40; id++) {
            String merchant = id % 2 == 0 ? "m-1" : "m-2";
            oldDb.execute("INSERT INTO orders VALUES (" + id + ", '" + merchant + "', " + id + ")");
            newDb.execute("INSERT INTO orders_v2 VALUES (" + id + ", '" + merchant + "', " + id + ")");
        }
        // what the writes left behind: rows of both merchants changed on the old store only
        oldDb.execute("UPDATE orders SET qty = qty + 1000 WHERE id IN (4, 7, 30)");
    }

    // Failed before the fix: each entry was verified (and the first repaired) on its own: 4 whole-table and 3 merchant
    // entries made 7 verification jobs of the scope, for what one covers; 6 entries of merchant m-1 made 6. Each entry
    // is still completed, the stores equal.
    @ParameterizedTest(name = "{0}: {1} whole-table and {2} merchant entries resolved by {3} verification job(s)")
    @CsvSource({"POSTGRES, 4, 3, 1", "MARIADB, 4, 3, 1", "POSTGRES, 0, 6, 1", "MARIADB, 5, 0, 1"})
    void entriesOfOneScopeAreResolvedByOneVerification(Kind kind, int wholeTable, int merchant, int jobs)
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase newDb = TestDatabases.create(kind)) {
            seed(oldDb, newDb);
            if (merchant > 0 && wholeTable == 0) {
                oldDb.execute("UPDATE orders SET qty = 5 WHERE id = 7"); // m-2's row: left to its own entry
                newDb.execute("UPDATE orders_v2 SET quantity = 5 WHERE id = 7");
            }
            ChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            for (int i = 0; i < Math.max(wholeTable, merchant); i++) {
                if (i < merchant) {
                    changeLog.record(ChangeRecord.scopedResync(MIGRATION, "orders", "m-1", "LIMIT", Store.NEW, null));
                }
                if (i < wholeTable) {
                    changeLog.record(ChangeRecord.scopedResync(MIGRATION, "orders", null, "TRUNCATE", Store.NEW, null));
                }
            }
            AtomicInteger built = new AtomicInteger();
            Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .build();
            ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration(MIGRATION).changeLog(changeLog)
                    .verifier(verifier).repairer(Repairer.of(RowCopier.builder().oldDataSource(oldDb.dataSource())
                            .newDataSource(newDb.dataSource()).build(), verifier))
                    .mapping(ORDERS).jobSettings(job -> {
                        built.incrementAndGet();
                        return job;
                    }).build();

            int entries = wholeTable + merchant;
            assertThat(resolver.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(entries, entries, 0));
            assertThat(built.get()).as("verification jobs built").isEqualTo(jobs);
            assertThat(changeLog.pendingCount(MIGRATION)).as("the backlog the gate counts").isZero();
            assertThat(Rows.assertSame(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id",
                    newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(40);
        }
    }

    // Guard (held before and after): entries of one table for both stores (one repairs the new store from the old, the
    // other the old from the new) are never merged: each store's entry verifies and repairs in its own direction.
    @ParameterizedTest(name = "{0}: entries for the new and the old store stay apart")
    @CsvSource({"POSTGRES", "MARIADB"})
    void entriesOfOneTableForBothStoresAreNotMerged(Kind kind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase newDb = TestDatabases.create(kind)) {
            seed(oldDb, newDb);
            ChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            changeLog.record(ChangeRecord.scopedResync(MIGRATION, "orders", null, "TRUNCATE", Store.NEW, null));
            changeLog.record(ChangeRecord.scopedResync(MIGRATION, "orders", null, "TRUNCATE", Store.OLD, null));
            AtomicInteger built = new AtomicInteger();
            Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .build();
            ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration(MIGRATION).changeLog(changeLog)
                    .verifier(verifier).repairer(Repairer.of(RowCopier.builder().oldDataSource(oldDb.dataSource())
                            .newDataSource(newDb.dataSource()).build(), verifier))
                    .mapping(ORDERS).batchSize(1).jobSettings(job -> {
                        built.incrementAndGet();
                        return job;
                    }).build();
            // the NEW entry first: the old store's rows are copied into the new store; the OLD entry then finds both equal
            assertThat(resolver.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(1, 1, 0));
            assertThat(resolver.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(1, 1, 0));
            assertThat(built.get()).isEqualTo(2);
            assertThat(Rows.assertSame(oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id",
                    newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(40);
        }
    }
}
