package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two transactions touch row 2; the first one's sync is held by a row lock on row 1 in the new store while
 * the second commits and syncs: after both syncs, the new store holds the second one's row (input 12).
 */
class SyncOrderingTest {

    // input 12
    @Test
    void postgresAsyncSyncOfALaterTransactionIsNotOverwrittenByAnEarlierHeldSync() throws Exception {
        run(Kind.POSTGRES, MirrorMode.ASYNC);
    }

    // input 12
    @Test
    void postgresSyncSyncOfALaterTransactionIsNotOverwrittenByAnEarlierHeldSync() throws Exception {
        run(Kind.POSTGRES, MirrorMode.SYNC);
    }

    // input 12, variant: MariaDB (GET_LOCK key locks, InnoDB row lock)
    @Test
    void mariadbAsyncSyncOfALaterTransactionIsNotOverwrittenByAnEarlierHeldSync() throws Exception {
        run(Kind.MARIADB, MirrorMode.ASYNC);
    }

    // input 12, variant
    @Test
    void mariadbSyncSyncOfALaterTransactionIsNotOverwrittenByAnEarlierHeldSync() throws Exception {
        run(Kind.MARIADB, MirrorMode.SYNC);
    }

    private static void run(Kind kind, MirrorMode mode) throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Fixture fixture = Fixture.builder(kind, kind).mode(mode).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, status VARCHAR(20))",
                    "INSERT INTO orders (id, qty, status) VALUES (1, 1, 'init')", "INSERT INTO orders (id, qty, status) VALUES (2, 2, 'init')");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, status VARCHAR(20))",
                    "INSERT INTO orders_v2 (id, quantity, status) VALUES (1, 1, 'init')",
                    "INSERT INTO orders_v2 (id, quantity, status) VALUES (2, 2, 'init')");
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> {
                try (Connection connection = fixture.newDb.dataSource().getConnection();
                     Statement statement = connection.createStatement()) {
                    connection.setAutoCommit(false);
                    statement.executeQuery("SELECT * FROM orders_v2 WHERE id = 1 FOR UPDATE").close();
                    locked.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    connection.commit();
                }
                return null;
            });
            assertThat(locked.await(60, TimeUnit.SECONDS)).isTrue();
            Future<?> t1 = threads.submit(() -> {
                try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                    connection.setAutoCommit(false);
                    statement.executeUpdate("UPDATE orders SET status = 'T1' WHERE id = 1");
                    statement.executeUpdate("UPDATE orders SET status = 'T1' WHERE id = 2");
                    connection.commit();
                }
                return null;
            });
            // T1 committed on the old store, and its sync waits for the row lock on 1 in the new store
            await().atMost(Duration.ofSeconds(60)).pollDelay(Waiters.POLL).pollInterval(Waiters.POLL).until(() -> Waiters.count(fixture.newDb) >= 1);
            assertThat(Rows.of(fixture.oldDb, "SELECT status FROM orders WHERE id = 2")).containsExactly(expected("status", "T1"));
            Future<?> t2 = threads.submit(() -> {
                try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET status = 'T2' WHERE id = 2");
                }
                return null;
            });
            // T2 committed on the old store, and its sync waits for the key lock that T1's sync holds
            await().atMost(Duration.ofSeconds(60)).pollDelay(Waiters.POLL).pollInterval(Waiters.POLL).until(() -> Waiters.count(fixture.newDb) >= 2);
            assertThat(Rows.of(fixture.oldDb, "SELECT status FROM orders WHERE id = 2")).containsExactly(expected("status", "T2"));
            release.countDown();
            holder.get(60, TimeUnit.SECONDS);
            t1.get(60, TimeUnit.SECONDS);
            t2.get(60, TimeUnit.SECONDS);
            assertThat(fixture.awaitMirrors(2)).containsOnly(MirrorOutcome.SUCCEEDED);
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, status")).containsExactly(
                    expected("id", 1, "qty", 1, "status", "T1"), expected("id", 2, "qty", 2, "status", "T2"));
            assertThat(fixture.records()).isEmpty();
        } finally {
            threads.shutdownNow();
        }
    }
}
