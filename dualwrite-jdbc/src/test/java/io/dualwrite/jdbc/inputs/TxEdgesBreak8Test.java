package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Transaction edges, eighth break: commits that fail without ending the transaction, savepoints re-used by name and
 * lost to an implicit commit, and syncs of later transactions overtaken by earlier ones.
 */
class TxEdgesBreak8Test {

    private static Fixture maria() {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
    }

    private static Fixture pg() {
        return Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG);
    }

    // MariaDB refuses COMMIT while an XA transaction is active (XAER_RMFAIL): the transaction goes on and XA COMMIT
    // commits every write of it, those before the refused COMMIT included
    @Test
    void mariadbSqlCommitRefusedInsideAnActiveXaTransactionKeepsItsKeysForTheXaCommit() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b8a'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                assertThatThrownBy(() -> statement.execute("COMMIT")).isInstanceOf(SQLException.class);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                statement.execute("XA END 'b8a'");
                statement.execute("XA COMMIT 'b8a' ONE PHASE");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    expected("id", 1, "code", "a", "qty", 10), expected("id", 2, "code", "b", "qty", 2),
                    expected("id", 3, "code", "c", "qty", 3), expected("id", 5, "code", "e", "qty", 5),
                    expected("id", 6, "code", "f", "qty", 6));
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void mariadbJdbcCommitRefusedInsideAnActiveXaTransactionKeepsItsKeysForTheXaCommit() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b8b'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                assertThatThrownBy(connection::commit).isInstanceOf(SQLException.class);
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                statement.execute("XA END 'b8b'");
                statement.execute("XA PREPARE 'b8b'");
                statement.execute("XA COMMIT 'b8b'");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    expected("id", 1, "code", "a", "qty", 10), expected("id", 2, "code", "b", "qty", 2));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // setAutoCommit(true) is refused the same way inside an XA transaction
    @Test
    void mariadbSetAutoCommitTrueRefusedInsideAnActiveXaTransactionKeepsItsKeysForTheXaCommit() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET autocommit = 0");
                statement.execute("XA START 'b8c'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                assertThatThrownBy(() -> connection.setAutoCommit(true)).isInstanceOf(SQLException.class);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("XA END 'b8c'");
                statement.execute("XA COMMIT 'b8c' ONE PHASE");
                statement.execute("SET autocommit = 1");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("qty"))
                    .containsExactly("10", "2", "3", "5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // PostgreSQL ends the transaction a failed COMMIT was sent in: the writes that follow are auto-committed
    @Test
    void postgresSqlCommitFailingOnADeferredConstraintEndsTheSqlTransactionAndLaterWritesAreMirrored() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE TABLE ledger (entry VARCHAR(20) UNIQUE DEFERRABLE INITIALLY DEFERRED)",
                    "INSERT INTO ledger (entry) VALUES ('x')");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("INSERT INTO ledger (entry) VALUES ('x')");
                assertThatThrownBy(() -> statement.execute("COMMIT")).isInstanceOf(SQLException.class);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                assertThat(Rows.of(fixture.newDb, "SELECT id, quantity FROM orders_v2 WHERE id IN (2, 6) ORDER BY id"))
                        .containsExactly(expected("id", 2, "quantity", 20), expected("id", 6, "quantity", 6));
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/1", "2/20", "3/3", "6/6");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // PostgreSQL keeps an older savepoint of a re-used name: RELEASE takes the newer, ROLLBACK TO then the older
    @Test
    void postgresSavepointReusedByNameReleasedThenRolledBackToKeepsOnlyCommittedRows() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 11 WHERE id = 1");
                statement.execute("SAVEPOINT sp");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("SAVEPOINT sp");
                statement.executeUpdate("UPDATE orders SET qty = 22 WHERE id = 2");
                statement.execute("RELEASE SAVEPOINT sp");
                statement.execute("ROLLBACK TO SAVEPOINT sp");
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                connection.commit();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/11", "2/2");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // MariaDB: DDL commits the transaction and drops its savepoints; ROLLBACK TO then fails, and the rollback that
    // follows undoes only what came after the DDL
    @Test
    void mariadbSavepointLostToAnImplicitCommitKeepsTheWritesBeforeIt() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("SAVEPOINT a");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("CREATE TABLE audit_b8 (x INT)");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (7, 'g', 7)");
                assertThatThrownBy(() -> statement.execute("ROLLBACK TO SAVEPOINT a")).isInstanceOf(SQLException.class);
                connection.rollback();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/10", "2/2", "3/3", "5/5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    /** A pool whose connections' {@code commit()} fails once, when armed, before it reaches the server. */
    private static DataSource commitFailsOnce(DataSource pool, AtomicBoolean armed) {
        return (DataSource) Proxy.newProxyInstance(TxEdgesBreak8Test.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(pool, method, args);
                    if (!(result instanceof Connection real)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(TxEdgesBreak8Test.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (connection, call, callArgs) -> {
                                if (call.getName().equals("commit") && armed.compareAndSet(true, false)) {
                                    throw new SQLException("connection validation failed before the commit", "08003");
                                }
                                return invoke(real, call, callArgs);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    // the transaction a failed commit() left open is committed by the next commit(), writes before the failure too
    @Test
    void h2CommitThatFailsBeforeReachingTheServerKeepsItsKeysForTheCommitThatFollows() throws SQLException {
        AtomicBoolean armed = new AtomicBoolean();
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.H2)
                .wrapOld(pool -> commitFailsOnce(pool, armed)).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                armed.set(true);
                assertThatThrownBy(connection::commit).isInstanceOf(SQLException.class);
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                connection.commit();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/10", "2/20", "3/3", "5/5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void h2NestedJdbcSavepointsReleasedThenRolledBackToTheOuterKeepOnlyCommittedRows() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 11 WHERE id = 1");
                Savepoint outer = connection.setSavepoint();
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                Savepoint inner = connection.setSavepoint("inner");
                statement.executeUpdate("UPDATE orders SET qty = 22 WHERE id = 2");
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                connection.releaseSavepoint(inner);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.rollback(outer);
                statement.executeUpdate("UPDATE orders SET qty = 33 WHERE id = 2");
                connection.commit();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/11", "2/33", "3/3");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // PostgreSQL answers COMMIT of a transaction an error aborted with a rollback (no error): nothing was committed
    @Test
    void postgresSqlCommitOfATransactionAbortedByAnErrorLeavesBothStoresUnchangedAndNothingRecorded() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (1, 'z', 0)"))
                        .isInstanceOf(SQLException.class);
                statement.execute("COMMIT");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/1", "2/2", "3/3", "6/6");
            assertThat(fixture.records()).isEmpty();
        }
    }

    private static Fixture statusTable(Fixture fixture) {
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, status VARCHAR(20))",
                "INSERT INTO orders (id, qty, status) VALUES (1, 1, 'init')", "INSERT INTO orders (id, qty, status) VALUES (2, 2, 'init')");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, status VARCHAR(20))",
                "INSERT INTO orders_v2 (id, quantity, status) VALUES (1, 1, 'init')",
                "INSERT INTO orders_v2 (id, quantity, status) VALUES (2, 2, 'init')");
        return fixture;
    }

    /** Holds a row lock on {@code orders_v2} row {@code id} in the new store until {@code release} counts down. */
    private static Future<?> holdNewRow(ExecutorService threads, Fixture fixture, long id, CountDownLatch locked,
                                        CountDownLatch release) {
        return threads.submit(() -> {
            try (Connection connection = fixture.newDb.dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeQuery("SELECT * FROM orders_v2 WHERE id = " + id + " FOR UPDATE").close();
                locked.countDown();
                release.await(30, TimeUnit.SECONDS);
                connection.commit();
            }
            return null;
        });
    }

    private static void autoCommitted(Fixture fixture, String sql) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    // two data sources on the same stores: the later transactions' syncs, run by the other instance (whose lanes may
    // take them into one run), wait for the key lock the earlier held sync holds
    @Test
    void mariadbLaterTransactionsOfAnotherInstanceAreNotOverwrittenByAnEarlierHeldSync() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Fixture first = statusTable(Fixture.builder(Kind.MARIADB, Kind.MARIADB).mode(MirrorMode.ASYNC).build());
             Fixture second = Fixture.builder(Kind.MARIADB, Kind.MARIADB).mode(MirrorMode.ASYNC)
                     .on(first.oldDb, first.newDb).build()) {
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = holdNewRow(threads, first, 1, locked, release);
            assertThat(locked.await(60, TimeUnit.SECONDS)).isTrue();
            try (Connection connection = first.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET status = 'T1' WHERE id = 1");
                statement.executeUpdate("UPDATE orders SET status = 'T1', qty = 10 WHERE id = 2");
                connection.commit();
            }
            await().atMost(Duration.ofSeconds(60)).pollDelay(Waiters.POLL).pollInterval(Waiters.POLL).until(() -> Waiters.count(first.newDb) >= 1);
            autoCommitted(second, "UPDATE orders SET status = 'T2' WHERE id = 2");
            await().atMost(Duration.ofSeconds(60)).pollDelay(Waiters.POLL).pollInterval(Waiters.POLL).until(() -> Waiters.count(first.newDb) >= 2);
            autoCommitted(second, "UPDATE orders SET status = 'T3', qty = qty + 1 WHERE id = 2");
            autoCommitted(second, "UPDATE orders SET status = 'T4' WHERE id = 2");
            release.countDown();
            holder.get(60, TimeUnit.SECONDS);
            assertThat(first.awaitMirrors(1)).containsOnly(MirrorOutcome.SUCCEEDED);
            // three autocommitted updates of key 2; the lane may have run the last two as one sync (one event)
            assertThat(second.awaitMirroredRows(3)).containsOnly(MirrorOutcome.SUCCEEDED);
            assertThat(Rows.assertOrdersSame(first, "id, qty, status")).containsExactly(
                    expected("id", 1, "qty", 1, "status", "T1"), expected("id", 2, "qty", 11, "status", "T4"));
            assertThat(first.records()).isEmpty();
            assertThat(second.records()).isEmpty();
        } finally {
            threads.shutdownNow();
        }
    }

    // a SYNC caller's sync abandoned at its time limit still holds its key lock: the reconciler's repair of that key
    // waits for it, and a later write's sync waits for the repair; once one more run has taken what the time limits
    // recorded, the stores are equal and nothing is left
    @Test
    void postgresRepairRacingAnAbandonedSyncAndALaterWriteConvergesAndLeavesNothingRecorded() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mode(MirrorMode.SYNC)
                .timeLimit(Duration.ofMillis(300)).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, n INT)", "INSERT INTO orders (id, qty, n) VALUES (1, 1, 5)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, n INT)",
                    "INSERT INTO orders_v2 (id, quantity, n) VALUES (1, 1, 3)");
            fixture.changeLog.record(ChangeRecord.of(Fixture.MIGRATION, new RowRef("orders", "1", Operation.UPDATE), "failed",
                    Store.NEW, null));
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = holdNewRow(threads, fixture, 1, locked, release);
            assertThat(locked.await(60, TimeUnit.SECONDS)).isTrue();
            autoCommitted(fixture, "UPDATE orders SET n = n + 1 WHERE id = 1"); // n = 6; its sync is abandoned, held
            assertThat(fixture.awaitMirrors(1)).containsExactly(MirrorOutcome.TIMED_OUT);
            CompletableFuture<Reconciler.Result> repair = CompletableFuture.supplyAsync(() -> fixture.reconciler().runOnce(), threads);
            await().atMost(Duration.ofSeconds(60)).pollDelay(Waiters.POLL).pollInterval(Waiters.POLL).until(() -> Waiters.count(fixture.newDb) >= 2);
            autoCommitted(fixture, "UPDATE orders SET n = n + 1 WHERE id = 1"); // n = 7
            release.countDown();
            holder.get(60, TimeUnit.SECONDS);
            repair.get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                fixture.reconciler().runOnce();
                return fixture.records().isEmpty();
            });
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, n")).containsExactly(expected("id", 1, "qty", 1, "n", 7));
        } finally {
            threads.shutdownNow();
        }
    }

    // XA COMMIT without ONE PHASE of an XA transaction that was ended but not prepared is refused, and the XA
    // transaction waits, still to be committed: its outbox entries must outlive the refused commit
    @Test
    void mariadbXaCommitRefusedForWantOfOnePhaseKeepsTheKeysForTheXaCommitThatFollows() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b8d'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("XA END 'b8d'");
                assertThatThrownBy(() -> statement.execute("XA COMMIT 'b8d'")).isInstanceOf(SQLException.class);
                statement.execute("XA COMMIT 'b8d' ONE PHASE");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/10", "2/2", "3/3", "5/5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void mariadbXaCommitOfAnotherXidRefusedKeepsThePreparedTransactionsKeysForItsCommit() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b8e'");
                statement.executeUpdate("DELETE FROM orders WHERE id = 2");
                statement.executeUpdate("UPDATE orders SET qty = 30 WHERE id = 3");
                statement.execute("XA END 'b8e'");
                statement.execute("XA PREPARE 'b8e'");
                assertThatThrownBy(() -> statement.execute("XA COMMIT 'b8-typo'")).isInstanceOf(SQLException.class);
                statement.execute("XA COMMIT 'b8e'");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/1", "3/30");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // PostgreSQL's two-phase commit: PREPARE TRANSACTION takes the transaction off the session (which is then in none),
    // and COMMIT PREPARED commits it later, outside any transaction
    @Test
    void postgresPreparedTransactionIsMirroredWhenCommitPreparedCommitsIt() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("PREPARE TRANSACTION 'b8p'");
                connection.setAutoCommit(true);
                statement.execute("COMMIT PREPARED 'b8p'");
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/10", "2/20", "3/3", "5/5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // the transaction manager commits the prepared transaction from another session; the first session goes on in
    // auto-commit: its writes are its own, mirrored at once
    @Test
    void postgresPreparedTransactionCommittedByAnotherSessionLeavesTheFirstSessionInAutoCommit() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.outboxGrace(Duration.ZERO)).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                statement.execute("PREPARE TRANSACTION 'b8q'");
                try (Connection manager = fixture.dataSource.getConnection(); Statement commit = manager.createStatement()) {
                    commit.execute("COMMIT PREPARED 'b8q'");
                }
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                assertThat(Rows.of(fixture.newDb, "SELECT id FROM orders_v2 WHERE id = 6")).containsExactly(expected("id", 6));
            }
            // the prepared transaction's keys were recorded, due at once: the reconciler syncs them
            fixture.resolveRecords();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/10", "2/2", "6/6");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // a session that prepared its own transaction commits another one first: only its own COMMIT PREPARED hands its
    // keys over
    @Test
    void postgresCommitPreparedOfAnotherTransactionLeavesTheSessionsOwnPreparedKeysForItsCommit() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.outboxGrace(Duration.ofHours(1))).build(), Mirrored.PG)) {
            try (Connection other = fixture.dataSource.getConnection(); Statement statement = other.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("UPDATE orders SET qty = 30 WHERE id = 3");
                statement.execute("PREPARE TRANSACTION 'b8-other'");
            }
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("PREPARE TRANSACTION 'b8-own'");
                statement.execute("COMMIT PREPARED 'b8-other'");
                statement.execute("COMMIT PREPARED 'b8-own'");
            }
            assertThat(Rows.of(fixture.newDb, "SELECT id, quantity FROM orders_v2 WHERE id IN (1, 5) ORDER BY id"))
                    .containsExactly(expected("id", 1, "quantity", 10), expected("id", 5, "quantity", 5));
            // the other transaction's keys went into it as outbox entries, due in an hour: the reconciler syncs them
            assertThat(fixture.recordKeys()).containsExactly("orders/3/UPDATE");
            fixture.changeLog.entries().forEach(entry -> fixture.changeLog.retryLater(entry.id(), java.time.Instant.now(), "due"));
            fixture.reconciler().runOnce();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/10", "2/2", "3/30", "5/5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // the session ends inside the XA transaction whose COMMIT was refused: the server rolls it back
    @Test
    void mariadbConnectionClosedInsideAnXaTransactionAfterARefusedCommitLeavesBothStoresUnchanged() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b8f'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                assertThatThrownBy(() -> statement.execute("COMMIT")).isInstanceOf(SQLException.class);
                statement.executeUpdate("DELETE FROM orders WHERE id = 2");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/1", "2/2", "3/3");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // the whole two-phase transaction in one text, committed by the statement that follows
    @Test
    void postgresPreparedTransactionSentAsOneTextIsMirroredWhenCommitPreparedCommitsIt() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN; UPDATE orders SET qty = 10 WHERE id = 1; PREPARE TRANSACTION 'b8m'");
                statement.execute("COMMIT PREPARED 'b8m'");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "prepared as one text")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/10", "2/2", "3/3");
        }
    }
}
