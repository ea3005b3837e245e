package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@link MapperCopier} never copies a row over one its target store is authoritative for, as the built-in copier
 * does not: under split authority both stores may hold one key for rows of different merchants, each the authority
 * of its own row, and a row whose merchant moved since its write cannot be settled by a copy either. The key is
 * reported as a conflict and stays in the change log. Stores are compared with plain JDBC.
 */
class MapperCopierSplitAuthorityTest {

    @Test
    void aCopyFromTheOldStoreLeavesTheRowOfANewPrimaryMerchantUnderTheSameKeyAndKeepsItsEntry() throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(TestDatabases.Kind.H2)) {
            split.switchboard.switchStore().setMerchantPhase("orders", "dw", MigrationPhase.DUAL_WRITE);
            split.switchboard.switchStore().setMerchantPhase("orders", "np", MigrationPhase.NEW_PRIMARY);
            // key 5 handed out by both stores: dw's order in the old one, np's in the new one
            split.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (5, 'dw', 'NEW', 10.00)",
                    "INSERT INTO orders (id, merchant_no, status, amount) VALUES (6, 'dw', 'NEW', 11.00)");
            split.newDb.execute("INSERT INTO order_heads (id, merchant_no, status) VALUES (5, 'np', 'PAID')",
                    "INSERT INTO order_amounts (order_id, amount_total) VALUES (5, 99.0000)");

            RowCopier.SyncResult result = split.dataSource.rowCopier().sync(Store.OLD,
                    List.of(new RowCopier.TableKeys(split.dataSource.mappings().get(0), List.of("5", "6"), null)));

            assertThat(result.conflicts()).singleElement()
                    .satisfies(keys -> assertThat(keys.keys()).containsExactly("5"));
            assertThat(split.newRows()).isEqualTo(Map.of(5L, "5 np PAID 99", 6L, "6 dw NEW 11"));

            JdbcChangeLog changeLog = JdbcChangeLog.create(split.oldDb.dataSource());
            changeLog.record("orders", "orders", "5", Operation.UPSERT, "failed");
            try (Reconciler reconciler = split.reconciler()) {
                Reconciler.Result run = reconciler.runOnce();
                assertThat(run.failed()).isEqualTo(1);
                assertThat(run.repaired()).isZero();
            }
            assertThat(split.newRows()).isEqualTo(Map.of(5L, "5 np PAID 99", 6L, "6 dw NEW 11"));
            assertThat(changeLog.pendingCount("orders")).as("the key stays recorded until one of the rows moves")
                    .isEqualTo(1);
        }
    }

    @Test
    void aRowWhoseMerchantMovedBackSinceItsWriteIsNotCopiedAndIsReportedAsAMovedAuthority() throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(TestDatabases.Kind.H2)) {
            // written while m-1 was NEW_PRIMARY; m-1 is rolled back to DUAL_WRITE before its copy to the old store
            split.switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
            split.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (7, 'm-1', 'NEW', 1.00)");
            split.newDb.execute("INSERT INTO order_heads (id, merchant_no, status) VALUES (7, 'm-1', 'PAID')",
                    "INSERT INTO order_amounts (order_id, amount_total) VALUES (7, 9.0000)");

            RowCopier.SyncResult result = split.dataSource.rowCopier().sync(Store.NEW,
                    List.of(new RowCopier.TableKeys(split.dataSource.mappings().get(0), List.of("7"), null)));

            assertThat(result.conflicts()).isEmpty();
            assertThat(result.authorityMoved()).singleElement()
                    .satisfies(keys -> assertThat(keys.keys()).containsExactly("7"));
            assertThat(result.copied()).isZero();
            assertThat(split.oldRowsOf("m-1")).isEqualTo(Map.of(7L, "7 m-1 NEW 1"));
            assertThat(split.newRows()).isEqualTo(Map.of(7L, "7 m-1 PAID 9"));
        }
    }
}
