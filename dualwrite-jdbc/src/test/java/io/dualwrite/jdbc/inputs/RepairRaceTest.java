package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A relative update ({@code n = n + 1}) whose async mirror is held while the reconciler repairs the same row:
 * when the held mirror lands, old n = new n and nothing is left recorded (input 13).
 */
class RepairRaceTest {

    private static Fixture seeded(Kind kind, Hold hold) {
        Fixture fixture = Fixture.builder(kind, kind).mode(MirrorMode.ASYNC)
                .wrapNew(pool -> Intercepting.dataSource(pool, hold)).build();
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, n INT)", "INSERT INTO orders (id, qty, n) VALUES (1, 1, 5)");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, n INT)",
                "INSERT INTO orders_v2 (id, quantity, n) VALUES (1, 1, 3)"); // stale: an earlier mirror failed
        fixture.changeLog.record(ChangeRecord.of(Fixture.MIGRATION, new RowRef("orders", "1", Operation.UPDATE), "failed",
                Store.NEW, null));
        return fixture;
    }

    private static void increment(Fixture fixture) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("UPDATE orders SET n = n + 1 WHERE id = 1")).isEqualTo(1);
        }
    }

    // input 13
    @Test
    void postgresHeldRelativeUpdateMirrorLandingAfterTheRepairLeavesTheStoresEqual() throws Exception {
        heldBeforeTheSync(Kind.POSTGRES);
    }

    // input 13, variant
    @Test
    void mariadbHeldRelativeUpdateMirrorLandingAfterTheRepairLeavesTheStoresEqual() throws Exception {
        heldBeforeTheSync(Kind.MARIADB);
    }

    private static void heldBeforeTheSync(Kind kind) throws Exception {
        Hold hold = Hold.onGetConnection();
        try (Fixture fixture = seeded(kind, hold)) {
            hold.arm();
            increment(fixture);
            hold.awaitReached();
            Reconciler.Result repair = fixture.reconciler().runOnce();
            assertThat(repair.repaired()).isEqualTo(1);
            assertThat(Rows.of(fixture.newDb, "SELECT n FROM orders_v2")).containsExactly(expected("n", 6));
            hold.release();
            assertThat(fixture.awaitMirrors(1)).containsExactly(MirrorOutcome.SUCCEEDED);
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, n")).containsExactly(expected("id", 1, "qty", 1, "n", 6));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // input 13, variant: the mirror is held after it read the old row, inside its own target transaction; the
    // reconciler waits for the key lock, and a second increment commits meanwhile
    @Test
    void postgresMirrorHeldAfterReadingAndAReconcilerWaitingForItsKeyLockConverge() throws Exception {
        Hold hold = Hold.onPrepare(sql -> sql.startsWith("INSERT INTO"));
        try (Fixture fixture = seeded(Kind.POSTGRES, hold)) {
            hold.arm();
            increment(fixture); // n = 6; its mirror read 6 and is held before writing
            hold.awaitReached();
            CompletableFuture<Reconciler.Result> repair = CompletableFuture.supplyAsync(() -> fixture.reconciler().runOnce());
            await().atMost(Duration.ofSeconds(60)).pollDelay(Waiters.POLL).pollInterval(Waiters.POLL).until(() -> Waiters.count(fixture.newDb) >= 1);
            increment(fixture); // n = 7, its mirror queued behind the held one
            hold.release();
            assertThat(repair.get(60, TimeUnit.SECONDS).repaired()).isEqualTo(1);
            assertThat(fixture.awaitMirrors(2)).containsOnly(MirrorOutcome.SUCCEEDED);
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, n")).containsExactly(expected("id", 1, "qty", 1, "n", 7));
            assertThat(fixture.records()).isEmpty();
        }
    }
}
