package io.dualwrite.jdbc.endtoend;

import static io.dualwrite.jdbc.endtoend.EndToEnd.changeLogCountsByKey;
import static io.dualwrite.jdbc.endtoend.EndToEnd.counts;
import static io.dualwrite.jdbc.endtoend.EndToEnd.newRows;
import static io.dualwrite.jdbc.endtoend.EndToEnd.oldRowsMapped;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.SwitchableDataSource;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorTask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link ChangeLogMode#ALWAYS} with {@code JdbcChangeLog::record} as the outbox writer: every mirrored row
 * gets a change-log entry in the authoritative transaction; a successful mirror completes it, and a process
 * that dies between the authoritative commit and the mirror leaves entries a restarted reconciler repairs.
 */
class OutboxCrashRecoveryTest {

    @Test
    void aSuccessfulMirrorCompletesItsOutboxEntries() throws Exception {
        try (Deployment deployment = Deployment.dualWrite(MirrorMode.SYNC, Duration.ofSeconds(10), OutboxCrashRecoveryTest::outbox)) {
            OrdersApp app = new OrdersApp(deployment.dataSource);
            app.seed();
            assertThat(deployment.pendingEntries()).isZero();
            try (Connection connection = deployment.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
                connection.setAutoCommit(false);
                update.setString(1, "PAID");
                update.setLong(2, 2);
                assertThat(update.executeUpdate()).isOne();
                // the entry is written in the application's transaction: invisible until it commits
                assertThat(deployment.pendingEntries()).isZero();
                connection.commit();
            }
            assertThat(deployment.pendingEntries()).isZero();
            app.run();
            assertThat(deployment.pendingEntries()).isZero();
            assertThat(newRows(deployment.newDb)).isEqualTo(oldRowsMapped(deployment.oldDb)).hasSize(8);
        }
    }

    @Test
    void aProcessThatDiesBeforeItsMirrorsRunLeavesEntriesARestartedReconcilerRepairs() throws Exception {
        CountDownLatch lane = new CountDownLatch(1);
        try (Deployment deployment = Deployment.dualWrite(MirrorMode.ASYNC, Duration.ofSeconds(30), OutboxCrashRecoveryTest::outbox)) {
            // the executor's only lane is busy: every mirror of the application waits behind this task
            deployment.toNew.submit(new MirrorTask(EndToEnd.MIGRATION, MigrationPhase.DUAL_WRITE, Store.NEW, null,
                    List.of(new RowRef("unrelated", "0", Operation.UPSERT)), "blocker", lane::await, List.of()));
            try {
                OrdersApp app = new OrdersApp(deployment.dataSource);
                app.seed();
                app.run();
                LocalDateTime committedBy = LocalDateTime.now(ZoneOffset.UTC);

                // "the process dies": its queued mirrors never run. What it committed is in the old store,
                // with one outbox entry per mirrored row of every statement, due once the outbox grace passed
                assertThat(newRows(deployment.newDb)).isEmpty();
                assertThat(oldRowsMapped(deployment.oldDb)).hasSize(8);
                assertThat(changeLogCountsByKey(deployment.oldDb)).isEqualTo(counts(
                        1, 3, 2, 3, 3, 2, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1, 9, 1));
                assertThat(deployment.oldDb.query("SELECT DISTINCT reason, operation FROM dualwrite_change_log"))
                        .extracting(row -> row.get("reason") + "/" + row.get("operation"))
                        .containsExactlyInAnyOrder("outbox/INSERT", "outbox/UPDATE", "outbox/DELETE");
                assertThat(deployment.oldDb.query("SELECT MAX(due_at) AS due FROM dualwrite_change_log"))
                        .extracting(row -> dueAt(row.get("due")))
                        .allSatisfy(due -> assertThat(due).isAfter(committedBy)
                                .isBeforeOrEqualTo(committedBy.plus(DualWriteDataSource.DEFAULT_OUTBOX_GRACE)));

                // while the grace runs, a reconciler leaves the entries to the mirrors that may still be coming
                try (Reconciler reconciler = deployment.reconciler()) {
                    assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(0, 0, 0));
                }
                // the restarted process, after the grace: a fresh change-log instance and reconciler
                java.time.Clock later = java.time.Clock.offset(java.time.Clock.systemUTC(),
                        DualWriteDataSource.DEFAULT_OUTBOX_GRACE.plusSeconds(1));
                try (Reconciler reconciler = deployment.reconciler(later)) {
                    assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(14, 14, 0));
                }
                assertThat(newRows(deployment.newDb)).isEqualTo(oldRowsMapped(deployment.oldDb)).hasSize(8);
                assertThat(deployment.pendingEntries()).isZero();
                assertThat(newRows(deployment.newDb).get("1")).containsEntry("amount_total", "1010.5")
                        .containsEntry("status", "SHIPPED");
            } finally {
                // the abandoned executor's queued replays must not reach the repaired store
                deployment.newStore.switchTo(SwitchableDataSource.down());
                lane.countDown();
            }
        }
    }

    private static void outbox(io.dualwrite.jdbc.DualWriteDataSource.Builder builder, Deployment deployment) {
        builder.changeLogMode(ChangeLogMode.ALWAYS).outboxWriter(deployment.changeLog::record);
    }

    private static LocalDateTime dueAt(Object value) {
        return value instanceof Timestamp timestamp ? timestamp.toLocalDateTime() : (LocalDateTime) value;
    }
}
