package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@code SYNC} mirror reads its source on the caller's own idle session, lent while the caller waits for it. A read
 * there that waits behind another session's table lock on the old store must not hold the caller past its time limit:
 * the caller waits for a read in progress on its session before it gets the session back, so the read itself is
 * bounded by the time left. The caller returns, the key is recorded, and the reconciler converges the stores.
 */
class LentSessionTimeLimitTest {

    // Failed before the bound: the caller's commit returned only once the other session's lock was released (30 s
    // here; as long as that session liked in general), far past its 2 s time limit.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRES", "MARIADB"})
    void aLentReadBlockedByAnotherSessionsTableLockEndsWithinTheCallersTimeLimit(Kind kind) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch callerReturned = new CountDownLatch(1);
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).timeLimit(Duration.ofSeconds(2)).build(),
                Mirrored.PG);
             Connection caller = fixture.dataSource.getConnection();
             Connection locker = fixture.oldStore.getConnection()) {
            caller.setAutoCommit(false);
            try (Statement statement = caller.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
            }
            // the other session asks for a lock that also keeps readers out; granted once the caller commits, so the
            // sync's read after that commit waits behind it
            Future<?> lockHeld = threads.submit(() -> {
                try (Statement statement = locker.createStatement()) {
                    if (kind == Kind.POSTGRES) {
                        locker.setAutoCommit(false);
                        statement.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
                    } else {
                        statement.execute("LOCK TABLES orders WRITE");
                    }
                    callerReturned.await(120, TimeUnit.SECONDS); // the test counts it down; 120 s only if it fails first
                    if (kind == Kind.POSTGRES) {
                        locker.rollback();
                    } else {
                        statement.execute("UNLOCK TABLES");
                    }
                }
                return null;
            });
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> lockRequested(fixture, kind));

            Future<?> commit = threads.submit(() -> {
                caller.commit();
                return null;
            });
            commit.get(60, TimeUnit.SECONDS); // well before the lock's 120 s
            assertThat(lockHeld).as("the other session still holds its lock").isNotDone();
            callerReturned.countDown();
            lockHeld.get(60, TimeUnit.SECONDS);

            assertThat(TxEdgesSupport.oldRows(fixture)).isEqualTo("1=10 2=2 3=3");
            assertThat(fixture.records()).as("the key whose read was cut is recorded").isNotEmpty();
            fixture.reconciler().runOnce();
            assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=10 2=2 3=3");
        } finally {
            callerReturned.countDown();
            threads.shutdownNow();
        }
    }

    // Failed with the first version of the bound: H2 keeps a statement's query timeout for the whole session (SET
    // QUERY_TIMEOUT), so the caller's own later statements ran under the copier's 2 s timeout.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void theCallersSessionKeepsNoQueryTimeoutOfTheLoan(Kind kind) throws Exception {
        // any time limit bounds the loan; 20 s, not 2 s, so that a busy machine's slow sync is not timed out and
        // recorded here, where the loan's leftovers on the session are the subject
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).timeLimit(Duration.ofSeconds(20)).build(),
                Mirrored.PG);
             Connection caller = fixture.dataSource.getConnection()) {
            caller.setAutoCommit(false);
            try (Statement statement = caller.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
            }
            caller.commit(); // SYNC: the sync read its source on this session
            assertThat(TxEdgesSupport.newRows(fixture)).as("the loan served the sync").isEqualTo("1=10 2=2 3=3");
            try (Statement statement = caller.createStatement()) {
                assertThat(statement.getQueryTimeout()).as("a new statement of the caller's").isZero();
                if (kind == Kind.H2) {
                    try (var setting = statement.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                            + " WHERE SETTING_NAME = 'QUERY_TIMEOUT'")) {
                        assertThat(setting.next() ? setting.getString(1) : "0").isEqualTo("0");
                    }
                } else {
                    try (var setting = statement.executeQuery(kind == Kind.MARIADB
                            ? "SELECT @@max_statement_time + 0" : "SELECT current_setting('statement_timeout')")) {
                        assertThat(setting.next() ? setting.getString(1) : "?").as("the server session's timeout")
                                .isIn("0", "0.000000");
                    }
                }
            }
            caller.setAutoCommit(true);
            assertThat(fixture.records()).isEmpty();
            assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=10 2=2 3=3");
        }
    }

    /** Whether a session waits for a lock on {@code orders} in the old store. */
    private static boolean lockRequested(Fixture fixture, Kind kind) {
        String sql = kind == Kind.POSTGRES
                ? "SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND relation = 'orders'::regclass"
                : "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table metadata lock'"
                        + " AND INFO LIKE 'LOCK TABLES%'";
        return fixture.oldDb.count(sql) > 0;
    }
}
