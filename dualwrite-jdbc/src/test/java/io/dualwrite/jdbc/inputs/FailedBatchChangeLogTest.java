package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorTask;
import io.dualwrite.mirror.MirrorWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A merged run that fails is recorded in the real change-log table in one batched insert; an entry the table
 * cannot hold (a key longer than its column) is recorded as a resync of the whole table instead, with no order or
 * merchant, and every other row is recorded exactly once, with its own order, merchant and target, due now. Read
 * back with plain JDBC.
 */
class FailedBatchChangeLogTest {

    private static final class Failing implements MirrorWork.Batchable {
        @Override
        public void run() {
            throw new IllegalStateException("new store down");
        }

        @Override
        public Object batchKey() {
            return "copier";
        }

        @Override
        public MirrorWork mergeWith(List<MirrorWork> later) {
            return this;
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBatchWithAnEntryTooLongForTheTableRecordsItAsAWholeTableResyncAndEveryOtherRowOnce(Kind kind) throws Exception {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind);
             MirrorExecutor executor = MirrorExecutors.create("failed-batch", MirrorConfig.custom().mode(MirrorMode.ASYNC)
                     .lanes(1).batchLinger(Duration.ZERO).build(), JdbcChangeLog.create(db.dataSource()), event -> { })) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            executor.submit(MirrorTask.of("orders", MigrationPhase.DUAL_WRITE, null,
                    new RowRef("orders", "blocker", Operation.UPDATE), () -> {
                        started.countDown();
                        held.await();
                    }));
            await().atMost(Duration.ofSeconds(60)).until(() -> started.getCount() == 0);
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                String key = i == 4 ? "x".repeat(600) : "k" + i; // the table holds keys up to 512 characters
                MigrationContext context = MigrationContext.forMigration("orders").orderId("o-" + i).merchantId("m-" + i).build();
                executor.submit(MirrorTask.of("orders", MigrationPhase.DUAL_WRITE, context,
                        new RowRef("orders", key, Operation.UPDATE), new Failing()));
                // the key too long for its column becomes the table's resync: no row is cut or lost
                expected.add(i == 4 ? "* null null NEW" : key + " o-" + i + " m-" + i + " NEW");
            }

            held.countDown();

            assertThat(executor.awaitIdle(Duration.ofSeconds(30))).isTrue();
            List<String> recorded = new ArrayList<>();
            for (var row : db.query("SELECT row_key, order_id, merchant_id, target_store, due_at FROM dualwrite_change_log")) {
                recorded.add(row.get("row_key") + " " + row.get("order_id") + " " + row.get("merchant_id") + " "
                        + row.get("target_store"));
            }
            assertThat(recorded).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
