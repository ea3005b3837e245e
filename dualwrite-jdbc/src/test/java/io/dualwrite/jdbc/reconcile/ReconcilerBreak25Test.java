package io.dualwrite.jdbc.reconcile;

import static io.dualwrite.jdbc.reconcile.Stores.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.changelog.TestClock;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round 25: the reconciler against change-log entries whose keys no longer exist. Ends comparing the new table with
 * the old one row by row (plain JDBC, {@link Stores}).
 */
class ReconcilerBreak25Test {

    // Input (tried and held, kept as a guard): entries for keys neither store holds any more (98 and 99: inserted and
    //   deleted in both before the reconciler ran; one of them recorded twice, as an INSERT then a DELETE), a key the
    //   old store deleted and the new one still holds (5, recorded as an UPDATE: the operation recorded is not what
    //   the sync does), and a key the new store misses (6, recorded as a DELETE). Each entry is claimed and applied
    //   by state: nothing left pending, none failed, no row invented for the keys gone from both, the stale row
    //   deleted and the missing one copied. H2, PostgreSQL, MariaDB.
    @Test
    void entriesForKeysGoneFromEitherOrBothStoresAreAppliedByStateAndCompleted() throws Exception {
        for (TestDatabases.Kind kind : List.of(TestDatabases.Kind.H2, TestDatabases.Kind.POSTGRES,
                TestDatabases.Kind.MARIADB)) {
            try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
                DualWriteSchema.create(old.dataSource());
                Stores.createOldOrders(old);
                Stores.createNewOrders(fresh);
                for (long id = 1; id <= 8; id++) {
                    if (id != 5) {
                        old.execute("INSERT INTO orders VALUES " + Stores.orderRow(id, "PAID"));
                    }
                    if (id != 6) {
                        fresh.execute("INSERT INTO orders_v2 VALUES " + Stores.orderRow(id, "PAID")
                                .replace(")", ", 'EUR')"));
                    }
                }
                JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                changeLog.record(Stores.entry("orders", "98", Operation.INSERT));
                changeLog.record(Stores.entry("orders", "98", Operation.DELETE));
                changeLog.record(Stores.entry("orders", "99", Operation.UPDATE));
                changeLog.record(Stores.entry("orders", "5", Operation.UPDATE));
                changeLog.record(Stores.entry("orders", "6", Operation.DELETE));
                TableMapping mapping = Stores.ordersMapping();

                Reconciler reconciler = Reconciler.builder().changeLog(changeLog)
                        .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                        .mapping(mapping).clock(new TestClock(T0)).build();
                Reconciler.Result result = reconciler.runOnce();

                assertThat(result.failed()).as(kind.toString()).isZero();
                assertThat(result.claimed()).as(kind.toString()).isEqualTo(result.repaired()).isBetween(4, 5);
                assertThat(changeLog.pendingCount("orders")).as(kind.toString()).isZero();
                assertThat(Stores.actualNew(fresh, mapping)).as(kind.toString())
                        .isEqualTo(Stores.expectedNew(old, mapping)).hasSize(7)
                        .doesNotContainKeys("5", "98", "99").containsKey("6");
            }
        }
    }
}
