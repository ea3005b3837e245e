package io.dualwrite.jdbc.endtoend;

import static io.dualwrite.jdbc.endtoend.EndToEnd.changeLogCountsByKey;
import static io.dualwrite.jdbc.endtoend.EndToEnd.counts;
import static io.dualwrite.jdbc.endtoend.EndToEnd.newRows;
import static io.dualwrite.jdbc.endtoend.EndToEnd.oldRowsMapped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.SwitchableDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The new store breaks in four ways while plain JDBC code writes through the DualWriteDataSource (real
 * executor, JdbcChangeLog, Switchboard): the code sees exactly what it sees on the old store alone, the
 * change log holds one entry per lost mirrored row, and one reconciler run after the repair makes the stores
 * identical.
 */
class MirrorFailureRepairTest {

    /** The rows the workload's mirrors write, by key: how often each appears in a failed mirror. */
    private static final Map<String, Long> LOST = counts(
            1, 2, // the update of merchant m-1 and the transaction's update
            2, 2, // the update of merchant m-1 and the delete
            3, 1, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1);

    /** How the new store breaks, and how it is fixed. */
    enum Breakage {
        SERVER_DOWN {
            @Override
            void breakStore(Deployment deployment) {
                deployment.newStore.switchTo(SwitchableDataSource.down());
            }

            @Override
            void fix(Deployment deployment) {
                deployment.newStore.switchTo(deployment.newDb.dataSource());
            }
        },
        TABLE_MISSING {
            @Override
            void breakStore(Deployment deployment) {
                deployment.newDb.execute("ALTER TABLE orders_v2 RENAME TO orders_v2_moved");
            }

            @Override
            void fix(Deployment deployment) {
                deployment.newDb.execute("ALTER TABLE orders_v2_moved RENAME TO orders_v2");
            }
        },
        CONSTRAINT_VIOLATION {
            @Override
            void breakStore(Deployment deployment) {
                // constraints only the new store has: amounts below 1000, and a child row that blocks deletes
                deployment.newDb.execute("ALTER TABLE orders_v2 ADD CONSTRAINT small_amount CHECK (amount_total < 1000)",
                        "CREATE TABLE order_notes (order_id BIGINT NOT NULL REFERENCES orders_v2 (id))",
                        "INSERT INTO order_notes SELECT id FROM orders_v2");
            }

            @Override
            void fix(Deployment deployment) {
                deployment.newDb.execute("DROP TABLE order_notes", "ALTER TABLE orders_v2 DROP CONSTRAINT small_amount");
            }
        },
        STATEMENT_TIMEOUT {
            @Override
            void breakStore(Deployment deployment) throws SQLException {
                // another transaction holds a lock every write to orders_v2 waits for
                Connection holder = deployment.newDb.dataSource().getConnection();
                holder.setAutoCommit(false);
                try (Statement statement = holder.createStatement()) {
                    statement.execute("LOCK TABLE orders_v2 IN EXCLUSIVE MODE");
                }
                deployment.lockHolder = holder;
            }

            @Override
            void fix(Deployment deployment) throws SQLException {
                deployment.lockHolder.rollback();
                deployment.lockHolder.close();
            }
        };

        abstract void breakStore(Deployment deployment) throws SQLException;

        abstract void fix(Deployment deployment) throws SQLException;
    }

    @ParameterizedTest
    @EnumSource(Breakage.class)
    void whateverBreaksTheNewStoreTheAppSeesTheOldStoreAndOneReconcileRepairsIt(Breakage breakage) throws Exception {
        List<Object> control = controlRun();
        try (Deployment deployment = Deployment.dualWrite(MirrorMode.SYNC, Duration.ofSeconds(10),
                (builder, self) -> builder.lockTimeout(Duration.ofSeconds(1)))) {
            OrdersApp app = new OrdersApp(deployment.dataSource);
            List<Object> seen = app.seed();
            assertThat(newRows(deployment.newDb)).isEqualTo(oldRowsMapped(deployment.oldDb)).hasSize(3);
            assertThat(deployment.pendingEntries()).isZero();

            breakage.breakStore(deployment);
            seen.addAll(app.run());

            assertThat(seen).isEqualTo(control);
            assertThat(changeLogCountsByKey(deployment.oldDb)).isEqualTo(LOST);

            breakage.fix(deployment);
            assertThat(newRows(deployment.newDb)).isNotEqualTo(oldRowsMapped(deployment.oldDb));
            try (Reconciler reconciler = deployment.reconciler()) {
                assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(11, 11, 0));
            }
            assertThat(newRows(deployment.newDb)).isEqualTo(oldRowsMapped(deployment.oldDb)).hasSize(8);
            assertThat(deployment.pendingEntries()).isZero();
        }
    }

    @Test
    void withAsyncMirrorsTheLostRowsAreRecordedOnceTheExecutorDrains() throws Exception {
        List<Object> control = controlRun();
        try (Deployment deployment = Deployment.dualWrite(MirrorMode.ASYNC, Duration.ofSeconds(10), (builder, self) -> { })) {
            OrdersApp app = new OrdersApp(deployment.dataSource);
            List<Object> seen = app.seed();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(newRows(deployment.newDb)).isEqualTo(oldRowsMapped(deployment.oldDb)).hasSize(3));

            Breakage.SERVER_DOWN.breakStore(deployment);
            seen.addAll(app.run());

            assertThat(seen).isEqualTo(control);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(changeLogCountsByKey(deployment.oldDb)).isEqualTo(LOST));

            Breakage.SERVER_DOWN.fix(deployment);
            try (Reconciler reconciler = deployment.reconciler()) {
                assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(11, 11, 0));
            }
            assertThat(newRows(deployment.newDb)).isEqualTo(oldRowsMapped(deployment.oldDb)).hasSize(8);
        }
    }

    /** What the same code sees on a plain old-store database. */
    private static List<Object> controlRun() throws SQLException {
        try (TestDatabase plain = TestDatabases.mariadb()) {
            plain.execute(EndToEnd.OLD_ORDERS);
            OrdersApp app = new OrdersApp(plain.dataSource());
            List<Object> seen = app.seed();
            seen.addAll(app.run());
            assertThat(seen).contains("keys not asked: SQLException", "asked key of m-2 2000.00",
                    "asked key of m-1 3000.00", "updated 3", "deleted 1", "batch [1, 1]");
            return seen;
        }
    }
}
