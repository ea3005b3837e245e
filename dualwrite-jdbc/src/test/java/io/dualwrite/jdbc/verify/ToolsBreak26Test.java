package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.backfill.BackfillException;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillScope;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.PhaseMoveRefusedException;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Round 26: the migration tools attacked again. Each test ends comparing both stores row by row with plain JDBC.
 */
class ToolsBreak26Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();
    private static final String SELECT = "SELECT id, merchant_id, note FROM orders ORDER BY id";
    private static final String PENDING = "SELECT table_name, row_key, reason FROM dualwrite_change_log"
            + " WHERE migration = 'orders' ORDER BY row_key";

    /** Rows 1..9 of merchants m-1 and m-2; rows 4 and 7 (m-1) hold a note longer than the new VARCHAR(4). */
    private static void ordersWithTwoTooLongNotes(TestDatabase old, TestDatabase fresh) {
        old.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), note VARCHAR(20))");
        fresh.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), note VARCHAR(4))");
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= 9; i++) {
            String note = i == 4 || i == 7 ? "too long " + i : "n" + i;
            values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-").append(i % 2 == 0 ? 2 : 1)
                    .append("', '").append(note).append("')");
        }
        old.execute("INSERT INTO orders VALUES " + values, "UPDATE orders SET merchant_id = 'm-1' WHERE id = 4");
    }

    private static void widen(TestDatabase fresh) {
        fresh.execute(switch (fresh.kind()) {
            case POSTGRES -> "ALTER TABLE orders ALTER COLUMN note TYPE VARCHAR(20)";
            case MARIADB -> "ALTER TABLE orders MODIFY note VARCHAR(20)";
            default -> "ALTER TABLE orders ALTER COLUMN note SET DATA TYPE VARCHAR(20)";
        });
    }

    private static void reconcileAndCompare(TestDatabase old, TestDatabase fresh, JdbcChangeLog changeLog,
                                            String label) {
        Reconciler.Result result = Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                .newDataSource(fresh.dataSource()).mapping(ORDERS).build().runOnce();
        assertThat(result.failed()).as(label).isZero();
        assertThat(old.query(PENDING)).as(label + ": every recorded refusal repaired").isEmpty();
        assertThat(fresh.query(SELECT)).as(label).hasSize(9).isEqualTo(old.query(SELECT));
    }

    // Input (left by round 24: "the backfill and repair name refused keys in their exception and result and do not
    //   write them to the change log"): a backfill whose rows 4 and 7 hold a text longer than the new column. The run
    //   copies every other row and fails naming them; a job runner that catches and logs the exception leaves two rows
    //   missing that nothing durable holds: the change log (the phase gate's backlog) was empty. Members: the whole
    //   table and merchant m-1's scope, H2, PostgreSQL, MariaDB; a second run refusing them again records no second
    //   entry. Now a backfill given the change log records each refused key (reason "refused", the scope's merchant),
    //   and once the column is widened the reconciler copies them and completes the entries.
    @Test
    void aBackfillRecordsEveryRefusedKeyInTheChangeLog() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            for (String merchant : new String[] {null, "m-1"}) {
                String label = kind + (merchant == null ? " whole table" : " merchant " + merchant);
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    ordersWithTwoTooLongNotes(old, fresh);
                    JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                    BackfillJob.Builder builder = BackfillJob.builder().migration("orders")
                            .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).mapping(ORDERS)
                            .chunkRows(2, 2).changeLog(changeLog);
                    if (merchant != null) {
                        builder.scope(BackfillScope.merchant(merchant));
                    }
                    BackfillJob job = builder.build();
                    for (int run = 1; run <= 2; run++) {
                        assertThatThrownBy(job::run).as(label).isInstanceOf(BackfillException.class)
                                .hasMessageContaining("key '4'").hasMessageContaining("key '7'");
                        assertThat(old.query(PENDING)).as(label + ", run " + run).containsExactly(
                                Map.of("table_name", "orders", "row_key", "4", "reason", "refused"),
                                Map.of("table_name", "orders", "row_key", "7", "reason", "refused"));
                        assertThat(old.count("SELECT COUNT(*) FROM dualwrite_change_log WHERE merchant_id "
                                + (merchant == null ? "IS NULL" : "= 'm-1'"))).as(label).isEqualTo(2L);
                    }
                    if (merchant != null) {
                        builder.scope(BackfillScope.merchant("m-2")).build().run();
                    }
                    widen(fresh);
                    reconcileAndCompare(old, fresh, changeLog, label);
                }
            }
        }
    }

    // Input (the same left item, the repair): a verification finds rows 4 and 7 missing in the new store (the mirror
    //   lost them; nothing recorded), the repair copies nothing for them (the new column cannot hold their note) and
    //   names them in its result; a caller that logs the result and goes on leaves them to nobody. Members: H2,
    //   PostgreSQL, MariaDB; row 7 already pending in the change log (recorded by the live mirror), so that only row 4
    //   is new. Now the repair records each refused key in the verifier's change log, once; widened, the reconciler
    //   repairs both.
    @Test
    void aRepairRecordsEveryRefusedKeyInTheVerifiersChangeLog() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            String label = kind.toString();
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                ordersWithTwoTooLongNotes(old, fresh);
                fresh.execute("INSERT INTO orders VALUES (1, 'm-1', 'n1'), (2, 'm-2', 'n2'), (3, 'm-1', 'n3'),"
                        + " (5, 'm-1', 'n5'), (6, 'm-2', 'n6'), (8, 'm-2', 'n8'), (9, 'm-1', 'x')");
                JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                changeLog.record("orders", "orders", "7", io.dualwrite.changelog.Operation.UPSERT, "failed");
                Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                        .settleTimeout(Duration.ZERO).build();
                VerificationJob job = VerificationJob.builder("orders").table(ORDERS).build();
                VerificationResult found = verifier.verify(job);
                Repairer repairer = Repairer.of(RowCopier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).build(), verifier);
                Repairer.RepairResult repaired = repairer.repair(job, found);
                assertThat(repaired.clean()).as(label + ": " + found).isFalse();
                assertThat(repaired.tables().get(0).refused()).as(label).hasSize(2);
                assertThat(fresh.query("SELECT note FROM orders WHERE id = 9")).as(label)
                        .containsExactly(Map.of("note", "n9"));
                assertThat(old.query(PENDING)).as(label).containsExactly(
                        Map.of("table_name", "orders", "row_key", "4", "reason", "refused"),
                        Map.of("table_name", "orders", "row_key", "7", "reason", "failed"));
                widen(fresh);
                reconcileAndCompare(old, fresh, changeLog, label);
            }
        }
    }

    // Input (round 25's ORIGIN rows, attacked; and its left item "a verification checkpoint without an origin row counts
    //   from its resume"): a verification with a checkpoint name stopped after its first chunks, its origin row then
    //   lost (deleted, as a checkpoint written before round 25 never had one); the scope rolled back to OLD_ONLY, row 1
    //   (in a chunk already compared) written there, moved to DUAL_WRITE again, and the run resumed once settled. It
    //   resumed, took its resume as its start, recorded CLEAN, and the gate allowed the next move with row 1
    //   different. Members: a merchant's run (NEW_PRIMARY next) and a whole-table run (SHADOW_READ next), H2,
    //   PostgreSQL, MariaDB. Now a checkpoint without an origin is not resumed: the run starts over, finds row 1, and
    //   the move is refused until it is repaired.
    @Test
    void aVerificationCheckpointWithoutItsOriginIsComparedAgainFromTheStart() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            for (String merchant : new String[] {"m-1", null}) {
                String label = kind + (merchant == null ? " whole table" : " merchant " + merchant);
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    StringBuilder values = new StringBuilder();
                    for (int i = 1; i <= 300; i++) {
                        values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-1', 'n").append(i)
                                .append("')");
                    }
                    for (TestDatabase db : List.of(old, fresh)) {
                        db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), note VARCHAR(20))",
                                "INSERT INTO orders VALUES " + values);
                    }
                    Switchboard switchboard = Switchboard.builder()
                            .switchStore(JdbcSwitchStore.create(old.dataSource()))
                            .refreshInterval(Duration.ofMillis(100)).migration(MigrationSwitchConfig.of("orders"))
                            .build();
                    InMemoryChangeLog changeLog = ChangeLogs.inMemory();
                    SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.standard(changeLog::pendingCount,
                            JdbcVerificationProbe.create(old.dataSource(), List.of(ORDERS)),
                            switchboard.switchStore()));
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog).resolver(switchboard)
                            .recheckDelay(Duration.ZERO).build();
                    VerificationJob.Builder builder = VerificationJob.builder("orders").table(ORDERS).chunkRows(20);
                    if (merchant != null) {
                        builder.merchant(merchant);
                    }
                    VerificationJob resumable = builder.checkpoint("nightly").maxRowsPerSecond(60).build();
                    // the same job, checkpoint and chunks without the rate, which only keeps the first start running
                    // until it is stopped (the rate is no part of a checkpoint's settings): the run from the start
                    // compares the 300 rows at once instead of at 60 rows a second, 5 s of each member
                    VerificationJob unlimited = builder.maxRowsPerSecond(0).build();
                    Runnable move = merchant == null
                            ? () -> admin.moveSystem("orders", MigrationPhase.DUAL_WRITE, false)
                            : () -> admin.moveMerchant("orders", merchant, MigrationPhase.DUAL_WRITE, false);
                    Runnable rollBack = merchant == null
                            ? () -> admin.moveSystem("orders", MigrationPhase.OLD_ONLY, false)
                            : () -> admin.moveMerchant("orders", merchant, MigrationPhase.OLD_ONLY, false);
                    Supplier<Object> moveOn = () -> merchant == null
                            ? admin.moveSystem("orders", MigrationPhase.SHADOW_READ, false)
                            : admin.moveMerchant("orders", merchant, MigrationPhase.NEW_PRIMARY, false);
                    move.run();
                    VerificationRun first = startOnceAllowed(verifier, resumable);
                    await().atMost(Duration.ofSeconds(60)).until(() -> first.progress().chunksDone() >= 2);
                    first.stop();
                    assertThatThrownBy(first::await).as(label).isInstanceOf(VerificationStoppedException.class);
                    assertThat(old.count("SELECT COUNT(*) FROM dualwrite_verification_checkpoint WHERE item_no = "
                            + Long.MAX_VALUE)).as(label + ": the origin row").isEqualTo(1L);
                    old.execute("DELETE FROM dualwrite_verification_checkpoint WHERE item_no = " + Long.MAX_VALUE);

                    rollBack.run();
                    old.execute("UPDATE orders SET note = 'changed' WHERE id = 1");
                    move.run();
                    VerificationResult result = startOnceAllowed(verifier, unlimited).await();
                    assertThat(result.tables().get(0).keys(RowDifference.Kind.DIFFERENT)).as(label + ": " + result)
                            .containsExactly("1");
                    assertThatThrownBy(moveOn::get).as(label).isInstanceOf(PhaseMoveRefusedException.class);

                    Repairer.of(RowCopier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).build(), verifier).repair(resumable, result);
                    VerificationJob whole = VerificationJob.builder("orders").table(ORDERS)
                            .scope(resumable.scope()).build();
                    assertThat(verifier.verify(whole).clean()).as(label).isTrue();
                    assertThat(moveOn.get()).as(label).isNotNull();
                    assertThat(fresh.query(SELECT)).as(label).hasSize(300).isEqualTo(old.query(SELECT));
                }
            }
        }
    }

    // Input (round 25's gated SwitchAdmin.unpin, attacked): an order pinned at OLD_ONLY whose merchant's switch has
    //   moved on to NEW_PRIMARY (the system at DUAL_WRITE), a write made under the pin (the old store only), and the
    //   pin removed without naming the merchant (unpin(migration, orderId), and the four-argument form with null). The
    //   removal was judged against the switches below the merchant, the system's DUAL_WRITE, and allowed; the order's
    //   next write, in its merchant's context, takes NEW_PRIMARY, whose authority never saw the write. The pin store
    //   keeps the merchant the order was pinned with. Members: both forms, H2, PostgreSQL, MariaDB. Now a removal
    //   without a merchant takes the pin's own merchant, and is gated as the move to that merchant's phase.
    @Test
    void removingAPinWithoutNamingItsMerchantIsGatedByThePinsOwnMerchant() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            for (boolean shortForm : new boolean[] {true, false}) {
                String label = kind + (shortForm ? " unpin(migration, order)" : " unpin(…, null, false)");
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    for (TestDatabase db : List.of(old, fresh)) {
                        db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), note VARCHAR(20))",
                                "INSERT INTO orders VALUES (1, 'm-1', 'a'), (4, 'm-3', 'b')");
                    }
                    JdbcOrderPinStore pins = JdbcOrderPinStore.create(old.dataSource());
                    Switchboard switchboard = Switchboard.builder()
                            .switchStore(JdbcSwitchStore.create(old.dataSource())).orderPinStore(pins)
                            .refreshInterval(Duration.ofMillis(100))
                            .migration(MigrationSwitchConfig.builder("orders").pinning(true).build()).build();
                    InMemoryChangeLog changeLog = ChangeLogs.inMemory();
                    SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.standard(changeLog::pendingCount,
                            JdbcVerificationProbe.create(old.dataSource(), List.of(ORDERS)),
                            switchboard.switchStore()));
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog).resolver(switchboard)
                            .recheckDelay(Duration.ZERO).build();
                    admin.moveSystem("orders", MigrationPhase.DUAL_WRITE, false);
                    pins.pinIfAbsent("orders", "4", "m-3", MigrationPhase.DUAL_WRITE);
                    admin.repinOrder("orders", "4", MigrationPhase.OLD_ONLY, false); // a rollback: not gated
                    old.execute("UPDATE orders SET note = 'under pin' WHERE id = 4"); // the old store only
                    admin.moveMerchant("orders", "m-3", MigrationPhase.SHADOW_READ, true);
                    admin.moveMerchant("orders", "m-3", MigrationPhase.NEW_PRIMARY, true);

                    if (shortForm) {
                        assertThatThrownBy(() -> admin.unpin("orders", "4")).as(label)
                                .isInstanceOf(PhaseMoveRefusedException.class);
                    } else {
                        assertThatThrownBy(() -> admin.unpin("orders", "4", null, false)).as(label)
                                .isInstanceOf(PhaseMoveRefusedException.class)
                                .hasMessageContaining("OLD_ONLY").hasMessageContaining("NEW_PRIMARY");
                    }
                    assertThat(pins.find("orders", "4")).as(label + ": the pin stays").contains(MigrationPhase.OLD_ONLY);

                    VerificationJob m3 = VerificationJob.builder("orders").table(ORDERS).merchant("m-3").build();
                    VerificationResult dirty = verifyOnceAllowed(verifier, m3);
                    assertThat(dirty.clean()).as(label).isFalse();
                    Repairer.of(RowCopier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).build(), verifier).repair(m3, dirty);
                    assertThat(verifyOnceAllowed(verifier, m3).clean()).as(label).isTrue();
                    assertThat(admin.unpin("orders", "4", null, false).allowed()).as(label).isTrue();
                    String select = "SELECT id, merchant_id, note FROM orders ORDER BY id";
                    assertThat(fresh.query(select)).as(label).hasSize(2).isEqualTo(old.query(select));
                }
            }
        }
    }

    private static VerificationResult verifyOnceAllowed(Verifier verifier, VerificationJob job) {
        VerificationResult[] result = new VerificationResult[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> (result[0] = verifier.verify(job)) != null);
        return result[0];
    }

    /** Starts the job once the switches have settled (the verifier refuses inside the switch-refresh window). */
    private static VerificationRun startOnceAllowed(Verifier verifier, VerificationJob job) {
        VerificationRun[] run = new VerificationRun[1];
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> (run[0] = verifier.start(job)) != null);
        return run[0];
    }
}
