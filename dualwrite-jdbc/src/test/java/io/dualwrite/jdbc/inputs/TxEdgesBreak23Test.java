package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 23 of breaking the transaction edges and session settings of the write path: each test ends comparing the
 * two stores row by row with plain JDBC; the comments say which cases failed before their fix.
 */
class TxEdgesBreak23Test {

    /** The copier's lock id of a key of the orders table, as every sync of that key takes it. */
    static long lockId(String key) throws Exception {
        java.lang.reflect.Method lockId = Class.forName("io.dualwrite.jdbc.copy.KeyLocks")
                .getDeclaredMethod("lockId", String.class, String.class, int.class);
        lockId.setAccessible(true);
        return (Long) lockId.invoke(null, "orders", key, 1);
    }

    // Failed before the fix (left open by round 22): NEW_PRIMARY on a PostgreSQL new store. The sync into the old store
    // takes the key's lock in the new store (its guard, pg_advisory_xact_lock) and then read the new store's columns of
    // the table the first time (or once the catalog's trust ran out) with setAutoCommit(true), which committed the
    // guard's transaction and released the lock for the rest of that sync. Here the sync is held after its read of the
    // new store, before it writes the old one; another sync of row 1 (the test, standing for an old-authoritative
    // instance's sync into the new store: the key's lock in the new store, then both stores' rows) found the lock free,
    // wrote 99 into both, and the held sync then wrote the 10 it had read into the old store: old 10, new 99, nothing
    // recorded. Members: SYNC (the guard on the caller's lent session) and ASYNC (a pooled session), each on a first
    // sync and, with the catalog trusted for no time, on a sync after a warm one.
    @ParameterizedTest
    @CsvSource({"SYNC, false", "SYNC, true", "ASYNC, false", "ASYNC, true"})
    void theNewStoreGuardHoldsTheKeysLockWhileItReadsTheTablesColumns(MirrorMode mode, boolean refreshed)
            throws Exception {
        Hold upsert = Hold.onPrepare(sql -> {
            String text = sql.strip().toUpperCase(Locale.ROOT);
            return text.contains("ORDERS") && (text.startsWith("MERGE") || text.startsWith("INSERT"));
        });
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.POSTGRES).mode(mode)
                .phase(MigrationPhase.NEW_PRIMARY).wrapOld(real -> Intercepting.dataSource(real, upsert))
                .customize(builder -> {
                    if (refreshed) {
                        builder.catalogRefresh(Duration.ZERO);
                    }
                }).build(), Mirrored.PG)) {
            if (refreshed) {
                try (Connection warm = fixture.dataSource.getConnection(); Statement statement = warm.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                }
                assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(20))).isTrue();
            }
            long rowOne = lockId("1");
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                upsert.arm();
                Future<?> caller = threads.submit(() -> {
                    try (Connection connection = fixture.dataSource.getConnection();
                         Statement statement = connection.createStatement()) {
                        statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                    }
                    return null;
                });
                upsert.awaitReached(); // the sync read 10 in the new store and is about to write the old store
                Future<?> other = threads.submit(() -> {
                    try (Connection newStore = fixture.newDb.dataSource().getConnection()) {
                        newStore.setAutoCommit(false);
                        try (Statement statement = newStore.createStatement()) {
                            statement.execute("SELECT pg_advisory_xact_lock(" + rowOne + ")");
                            fixture.onOld("UPDATE orders SET qty = 99 WHERE id = 1");
                            statement.executeUpdate("UPDATE orders_v2 SET quantity = 99 WHERE id = 1");
                        }
                        newStore.commit();
                    }
                    return null;
                });
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> other.isDone() || !fixture.newDb.query(
                        "SELECT pid FROM pg_stat_activity WHERE wait_event = 'advisory'").isEmpty());
                upsert.release();
                caller.get(30, TimeUnit.SECONDS);
                other.get(30, TimeUnit.SECONDS);
            } finally {
                upsert.release();
                threads.shutdownNow();
            }
            assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(fixture.records()).isEmpty();
            assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=99 2=" + (refreshed ? 20 : 2) + " 3=3");
        }
    }

    // Failed before the fix: NEW_PRIMARY on a PostgreSQL new store whose pool hands out sessions at REPEATABLE READ (by
    // JDBC's setTransactionIsolation, as a pool's setting does, or by SET SESSION CHARACTERISTICS, as a database's or
    // role's default_transaction_isolation does), ASYNC: the sync's guard on such a pooled session took its snapshot at
    // the statement that waited for row 1's lock, held by another transaction (the test's, standing for another sync)
    // that then committed 99 and released it; the guard read 10 in that snapshot and wrote it into the old store: old
    // 10, new 99, nothing recorded. Round 22 set read committed on a lent session only; the guard now sets it always.
    @ParameterizedTest
    @CsvSource({"jdbc", "sql"})
    void aGuardOnAPooledSessionAtRepeatableReadReadsTheRowCommittedWhileItWaitedForTheKeysLock(String how)
            throws Exception {
        java.util.function.UnaryOperator<javax.sql.DataSource> repeatableRead = real -> (javax.sql.DataSource)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                            Object result;
                            try {
                                result = method.invoke(real, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                            if (result instanceof Connection connection) {
                                if (how.equals("jdbc")) {
                                    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                                } else {
                                    try (Statement statement = connection.createStatement()) {
                                        statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL"
                                                + " REPEATABLE READ");
                                    }
                                }
                            }
                            return result;
                        });
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.POSTGRES).mode(MirrorMode.ASYNC)
                .phase(MigrationPhase.NEW_PRIMARY).wrapNew(repeatableRead).build(), Mirrored.PG)) {
            long rowOne = lockId("1");
            try (Connection warm = fixture.dataSource.getConnection(); Statement statement = warm.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
            }
            assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(20))).isTrue();
            try (Connection holder = fixture.newDb.dataSource().getConnection()) {
                holder.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED); // a session the setting reached
                holder.setAutoCommit(false);
                try (Statement statement = holder.createStatement()) {
                    statement.execute("SELECT pg_advisory_xact_lock(" + rowOne + ")");
                }
                try (Connection connection = fixture.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                }
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !fixture.newDb.query(
                        "SELECT pid FROM pg_stat_activity WHERE wait_event = 'advisory'").isEmpty());
                try (Statement statement = holder.createStatement()) {
                    statement.executeUpdate("UPDATE orders_v2 SET quantity = 99 WHERE id = 1");
                }
                holder.commit(); // the newer row and the lock's release at once, as a sync of another writer does
            }
            assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(fixture.records()).isEmpty();
            assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=99 2=20 3=3");
        }
    }

    // Failed before the fix: NEW_PRIMARY on a PostgreSQL new store; the sync into the old store holds row 1's lock in
    // the new store on its guard's session (the caller's lent one in SYNC, a pooled one in ASYNC), has read 10 there and
    // is about to write the old store when that session ends: the server ends it (pg_terminate_backend, as an operator
    // or a connection limit does), or, in SYNC, the application closes its connection from another thread while its
    // commit waits (its close rolled the session back and gave it to the pool). The server released the lock with the
    // session; another sync of row 1 (the test's, standing for an old-authoritative instance's sync into the new store)
    // wrote 99 into both stores, and the guard's sync then wrote its 10 into the old store and reported success: the
    // failed end of the guard's session was only added to a failure there was none of. Old 10, new 99, nothing
    // recorded. A sync whose guard's session cannot be ended cleanly now fails, and its keys are recorded.
    @ParameterizedTest
    @CsvSource({"SYNC, terminate", "ASYNC, terminate", "SYNC, close"})
    void aSyncWhoseGuardSessionEndsBeforeItIsRecorded(MirrorMode mode, String how) throws Exception {
        Hold upsert = Hold.onPrepare(sql -> {
            String text = sql.strip().toUpperCase(Locale.ROOT);
            return text.contains("ORDERS") && (text.startsWith("MERGE") || text.startsWith("INSERT"));
        });
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.POSTGRES).mode(mode)
                .phase(MigrationPhase.NEW_PRIMARY).wrapOld(real -> Intercepting.dataSource(real, upsert)).build(),
                Mirrored.PG)) {
            long rowOne = lockId("1");
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                upsert.arm();
                java.util.concurrent.atomic.AtomicReference<Connection> callers =
                        new java.util.concurrent.atomic.AtomicReference<>();
                Future<?> caller = threads.submit(() -> {
                    Connection connection = fixture.dataSource.getConnection();
                    callers.set(connection);
                    try (Statement statement = connection.createStatement()) {
                        connection.setAutoCommit(false);
                        statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                        connection.commit();
                    } finally {
                        connection.close();
                    }
                    return null;
                });
                upsert.awaitReached(); // the sync read 10 in the new store and is about to write the old store
                if (how.equals("terminate")) {
                    assertThat(fixture.newDb.query("SELECT pg_terminate_backend(pid) AS t FROM pg_locks"
                            + " WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database"
                            + " WHERE datname = current_database())")).isNotEmpty();
                } else {
                    callers.get().close(); // from another thread, while the caller's commit waits for its sync
                }
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> fixture.newDb.query(
                        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted").isEmpty());
                try (Connection newStore = fixture.newDb.dataSource().getConnection()) {
                    newStore.setAutoCommit(false);
                    try (Statement statement = newStore.createStatement()) {
                        statement.execute("SELECT pg_advisory_xact_lock(" + rowOne + ")");
                        fixture.onOld("UPDATE orders SET qty = 99 WHERE id = 1");
                        statement.executeUpdate("UPDATE orders_v2 SET quantity = 99 WHERE id = 1");
                    }
                    newStore.commit();
                }
                upsert.release();
                try {
                    caller.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException closedUnderIt) {
                    assertThat(how).as("only a caller whose connection was closed under it fails").isEqualTo("close");
                }
            } finally {
                upsert.release();
                threads.shutdownNow();
            }
            assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(fixture.records()).as("the sync whose lock went with its session is recorded").isNotEmpty();
            fixture.reconciler().runOnce();
            assertThat(fixture.records()).isEmpty();
            assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=99 2=2 3=3");
        }
    }

    // Failed before the fix: MariaDB, SYNC, the caller's session at SERIALIZABLE (by JDBC, or by SQL text) commits an
    // update of row 1, and its session is lent to the sync's read of the old store. Another transaction of the
    // application updated row 1 meanwhile, not yet committed (the read held until it had, by a test hook). The read
    // ran in a transaction at the session's level, where InnoDB makes every plain read a locking one: it waited for
    // the other transaction's row lock, and the caller's commit() with it, until the time limit (20 s; the key then
    // recorded as timed out). A read on a pooled session in auto-commit does not lock. The lent session is now read
    // in auto-commit too.
    @ParameterizedTest
    @CsvSource({"jdbc", "sql"})
    void aLentSessionAtSerializableReadsWithoutWaitingForAnotherTransactionsRowLock(String how) throws Exception {
        Hold read = Hold.onPrepare(sql -> {
            String text = sql.strip().toUpperCase(Locale.ROOT);
            return text.startsWith("SELECT") && text.contains("`ORDERS`") && !text.contains("INFORMATION_SCHEMA");
        });
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.H2)
                .wrapOld(real -> Intercepting.dataSource(real, read)).build(), Mirrored.PG)) {
            ExecutorService threads = Executors.newSingleThreadExecutor();
            try (Connection caller = fixture.dataSource.getConnection();
                 Connection other = fixture.dataSource.getConnection()) {
                try (Statement statement = caller.createStatement()) {
                    if (how.equals("jdbc")) {
                        caller.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                    } else {
                        statement.execute("SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE");
                    }
                    caller.setAutoCommit(false);
                    statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                }
                read.arm();
                long started = System.nanoTime();
                Future<?> committed = threads.submit(() -> {
                    caller.commit();
                    return null;
                });
                read.awaitReached();
                other.setAutoCommit(false);
                try (Statement statement = other.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                }
                read.release();
                try {
                    committed.get(30, TimeUnit.SECONDS);
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the caller's commit")
                            .isLessThan(Duration.ofSeconds(8));
                } finally {
                    other.commit();
                }
                caller.setAutoCommit(true);
            } finally {
                read.release();
                threads.shutdownNow();
            }
            assertThat(fixture.records()).isEmpty();
            assertThat(TxEdgesSupport.sameRows(fixture)).isEqualTo("1=50 2=2 3=3");
        }
    }
}
