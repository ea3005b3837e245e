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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReconcilerTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void oneRunRepairsMissingDifferingAndDeletedRows(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            DualWriteSchema.create(old.dataSource());
            Stores.createOldOrders(old);
            Stores.createNewOrders(fresh);
            for (long id = 1; id <= 10; id++) {
                old.execute("INSERT INTO orders VALUES " + Stores.orderRow(id, "PAID"));
            }
            for (long id = 4; id <= 10; id++) { // 1-3 missing in new
                fresh.execute("INSERT INTO orders_v2 (id, merchant_id, amount, paid, state, created_at, currency) VALUES "
                        + Stores.orderRow(id, id <= 5 ? "STALE" : "PAID").replace(")", ", 'EUR')"));
            }
            fresh.execute("INSERT INTO orders_v2 VALUES " + Stores.orderRow(11, "PAID").replace(")", ", 'EUR')"));
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            for (long id = 1; id <= 5; id++) {
                changeLog.record(Stores.entry("orders", Long.toString(id), Operation.UPDATE));
            }
            changeLog.record(Stores.entry("ORDERS", "11", Operation.DELETE)); // the table is found case-insensitively
            TableMapping mapping = Stores.ordersMapping();
            assertThat(Stores.actualNew(fresh, mapping)).isNotEqualTo(Stores.expectedNew(old, mapping));

            Reconciler reconciler = Reconciler.builder().changeLog(changeLog)
                    .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(mapping).clock(new TestClock(T0)).build();
            Reconciler.Result result = reconciler.runOnce();

            assertThat(result).isEqualTo(new Reconciler.Result(6, 6, 0));
            assertThat(Stores.actualNew(fresh, mapping)).isEqualTo(Stores.expectedNew(old, mapping)).hasSize(10);
            assertThat(changeLog.pendingCount("orders")).isZero();
            assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(0, 0, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void twoReconcilersOnOneBacklogApplyEachEntryExactlyOnce(TestDatabases.Kind kind) throws Exception {
        int rows = 500;
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            DualWriteSchema.create(old.dataSource());
            Stores.createOldOrders(old);
            Stores.createNewOrders(fresh);
            StringBuilder insert = new StringBuilder("INSERT INTO orders VALUES ");
            for (long id = 1; id <= rows; id++) {
                insert.append(id == 1 ? "" : ", ").append(Stores.orderRow(id, "PAID"));
            }
            old.execute(insert.toString());
            JdbcChangeLog writer = JdbcChangeLog.create(old.dataSource());
            for (long id = 1; id <= rows; id++) {
                writer.record(Stores.entry("orders", Long.toString(id), Operation.INSERT));
            }
            Map<String, AtomicInteger> copies = CountingRowCopier.counts();
            List<Reconciler> reconcilers = new ArrayList<>();
            for (int instance = 0; instance < 2; instance++) {
                reconcilers.add(Reconciler.builder()
                        .changeLog(JdbcChangeLog.create(old.dataSource())) // one per "application instance"
                        .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                        .mapping(Stores.ordersMapping()).batchSize(20)
                        .rowCopier(new CountingRowCopier(copies, old.dataSource(), fresh.dataSource())).build());
            }
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> repairedBy = new ArrayList<>();
                for (Reconciler reconciler : reconcilers) {
                    repairedBy.add(threads.submit(() -> {
                        start.await();
                        int repaired = 0;
                        Reconciler.Result result;
                        do {
                            result = reconciler.runOnce();
                            assertThat(result.failed()).isZero();
                            repaired += result.repaired();
                        } while (result.claimed() > 0);
                        return repaired;
                    }));
                }
                start.countDown();
                int total = 0;
                for (Future<Integer> each : repairedBy) {
                    total += each.get(120, TimeUnit.SECONDS);
                }
                assertThat(total).isEqualTo(rows);
            } finally {
                threads.shutdownNow();
            }
            assertThat(copies).hasSize(rows);
            assertThat(copies.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
            assertThat(writer.pendingCount("orders")).isZero();
            TableMapping mapping = Stores.ordersMapping();
            assertThat(Stores.actualNew(fresh, mapping)).isEqualTo(Stores.expectedNew(old, mapping));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aFailingTargetIsRetriedWithBackoffUntilItIsFixed(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            DualWriteSchema.create(old.dataSource());
            Stores.createOldOrders(old); // the new table does not exist yet
            for (long id = 1; id <= 3; id++) {
                old.execute("INSERT INTO orders VALUES " + Stores.orderRow(id, "PAID"));
            }
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            for (long id = 1; id <= 3; id++) {
                changeLog.record(Stores.entry("orders", Long.toString(id), Operation.INSERT));
            }
            TestClock clock = new TestClock(T0);
            Reconciler reconciler = Reconciler.builder().changeLog(changeLog)
                    .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(Stores.ordersMapping()).clock(clock)
                    .initialBackoff(Duration.ofSeconds(10)).maxBackoff(Duration.ofSeconds(15)).build();

            assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(3, 0, 3));
            assertThat(old.query("SELECT attempts, last_error FROM dualwrite_change_log")).hasSize(3)
                    .allSatisfy(row -> {
                        assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(1);
                        assertThat((String) row.get("last_error")).containsIgnoringCase("orders_v2");
                    });
            clock.advance(Duration.ofSeconds(9));
            assertThat(reconciler.runOnce().claimed()).isZero();
            clock.advance(Duration.ofSeconds(1));
            assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(3, 0, 3));
            // the second failure waits twice as long, capped at the maximum
            clock.advance(Duration.ofSeconds(14));
            assertThat(reconciler.runOnce().claimed()).isZero();

            Stores.createNewOrders(fresh);
            clock.advance(Duration.ofSeconds(1));
            assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(3, 3, 0));
            TableMapping mapping = Stores.ordersMapping();
            assertThat(Stores.actualNew(fresh, mapping)).isEqualTo(Stores.expectedNew(old, mapping)).hasSize(3);
            assertThat(changeLog.pendingCount("orders")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = "H2")
    void anEntryForAnUnknownTableIsKeptWithItsError(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            DualWriteSchema.create(old.dataSource());
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            changeLog.record(Stores.entry("invoices", "1", Operation.INSERT));
            Reconciler reconciler = Reconciler.builder().changeLog(changeLog)
                    .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(Stores.ordersMapping()).maxAttempts(1).clock(new TestClock(T0)).build();

            assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(1, 0, 1));

            assertThat(changeLog.pendingCount("orders")).isEqualTo(1);
            assertThat((String) old.query("SELECT last_error FROM dualwrite_change_log").get(0).get("last_error"))
                    .contains("no TableMapping for table 'invoices'");
        }
    }

    @ParameterizedTest(name = "JDBC change log {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aReconcilerOfOneMigrationLeavesAnotherMigrationsEntriesOnATableOfTheSameName(boolean jdbc) throws Exception {
        try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.H2);
             TestDatabase fresh = TestDatabases.create(TestDatabases.Kind.H2)) {
            DualWriteSchema.create(old.dataSource());
            Stores.createOldOrders(old);
            Stores.createNewOrders(fresh);
            old.execute("INSERT INTO orders VALUES " + Stores.orderRow(1, "PAID"), "INSERT INTO orders VALUES "
                    + Stores.orderRow(2, "PAID"));
            io.dualwrite.changelog.ChangeLog changeLog = jdbc ? JdbcChangeLog.create(old.dataSource())
                    : io.dualwrite.changelog.ChangeLogs.inMemory();
            changeLog.record(Stores.entry("orders", "1", Operation.INSERT));
            // another migration's stores also have a table named orders; its entry is for its own reconciler
            changeLog.record(new io.dualwrite.changelog.ChangeRecord("archive", "orders", "2", Operation.INSERT,
                    "timeout", io.dualwrite.Store.NEW, null, null, T0));
            TableMapping mapping = Stores.ordersMapping();

            Reconciler reconciler = Reconciler.builder().changeLog(changeLog).migration("orders")
                    .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(mapping).clock(new TestClock(T0)).build();

            assertThat(reconciler.runOnce()).isEqualTo(new Reconciler.Result(1, 1, 0));
            assertThat(Stores.actualNew(fresh, mapping)).containsOnlyKeys("1");
            assertThat(changeLog.pendingCount("archive")).as("left for the archive migration's reconciler").isEqualTo(1);
            assertThat(changeLog.claim("archive", 10, T0, Duration.ofMinutes(1))).as("never claimed nor rescheduled")
                    .extracting(entry -> entry.record().key()).containsExactly("2");
        }
    }
}
