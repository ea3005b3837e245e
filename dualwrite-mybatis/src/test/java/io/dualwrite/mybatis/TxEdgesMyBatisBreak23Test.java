package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.ibatis.session.Configuration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Round 23 of breaking the transaction edges of the write path, on the {@link MapperCopier}: the stores are compared
 * row by row with plain JDBC.
 */
class TxEdgesMyBatisBreak23Test {

    private static final String MAPPER = Break22CodeMapper.class.getName() + ".";
    private static final TableMapping CODES = TableMapping.identity("codes");

    // Failed before the fix: a MapperCopier's sync into the old store takes the key's lock in the new store and reads
    // the new store's row on that session. With the new store's sessions at REPEATABLE READ (PostgreSQL's
    // default_transaction_isolation of the database), the snapshot was taken by the statement that waited for the
    // lock, held by another transaction (the test's, standing for another sync) that then committed qty 99 and released
    // it: the sync read 3 in that snapshot and wrote it into the old store (old 3, new 99), nothing recorded. The guard
    // now reads at read committed on every database.
    @Test
    void aGuardAtRepeatableReadReadsTheRowCommittedWhileItWaitedForTheKeysLock() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(TestDatabases.Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(TestDatabases.Kind.POSTGRES)) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 2)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 3)");
            String database = newDb.query("SELECT current_database() AS d").get(0).get("d").toString();
            newDb.execute("ALTER DATABASE \"" + database + "\" SET default_transaction_isolation = 'repeatable read'");
            ((com.zaxxer.hikari.HikariDataSource) newDb.dataSource()).getHikariPoolMXBean().softEvictConnections();
            Configuration configuration = new Configuration();
            configuration.addMapper(Break22CodeMapper.class);
            MapperCopier copier = MapperCopier.builder(configuration, CODES)
                    .dataSource(Store.OLD, oldDb.dataSource()).dataSource(Store.NEW, newDb.dataSource())
                    .read(Store.OLD, MAPPER + "selectById").read(Store.NEW, MAPPER + "selectById")
                    .upsert(Store.NEW, MAPPER + "deleteRow", MAPPER + "insertRow")
                    .upsert(Store.OLD, MAPPER + "deleteRow", MAPPER + "insertRow")
                    .delete(Store.NEW, MAPPER + "deleteById").delete(Store.OLD, MAPPER + "deleteById")
                    .build();
            java.lang.reflect.Method lockId = Class.forName("io.dualwrite.jdbc.copy.KeyLocks")
                    .getDeclaredMethod("lockId", String.class, String.class, int.class);
            lockId.setAccessible(true);
            long a = (Long) lockId.invoke(null, "codes", "a", 1);
            ExecutorService syncs = Executors.newSingleThreadExecutor();
            try (Connection holder = newDb.dataSource().getConnection()) {
                holder.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                holder.setAutoCommit(false);
                try (Statement statement = holder.createStatement()) {
                    statement.execute("SELECT pg_advisory_xact_lock(" + a + ")");
                }
                Future<RowCopier.SyncResult> synced = syncs.submit(() -> copier.sync(Store.NEW,
                        List.of(new RowCopier.TableKeys(CODES, List.of("a"), null))));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !newDb.query(
                        "SELECT pid FROM pg_stat_activity WHERE wait_event = 'advisory'").isEmpty());
                try (Statement statement = holder.createStatement()) {
                    statement.executeUpdate("UPDATE codes SET qty = 99 WHERE id = 'a'");
                }
                holder.commit();
                synced.get(30, TimeUnit.SECONDS);
            } finally {
                syncs.shutdownNow();
            }
            assertThat(codes(newDb)).isEqualTo(Map.of("a", "99"));
            assertThat(codes(oldDb)).isEqualTo(codes(newDb));
        }
    }

    // Failed before the fix: a MapperCopier's sync into the old store had read 3 in the new store under the key's lock
    // and was about to write the old store when the server ended its guard's session (pg_terminate_backend), releasing
    // the lock; another sync of the key (the test's) wrote 99 into both stores, and this one then wrote its 3 into the
    // old store and returned success (the guard's failed end was dropped): old 3, new 99, nothing to record it. The
    // sync now fails, so that its caller records the key; synced again (as the reconciler does), the stores converge.
    @Test
    void aSyncWhoseGuardSessionEndsBeforeItWritesFails() throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(TestDatabases.Kind.POSTGRES);
             TestDatabase newDb = TestDatabases.create(TestDatabases.Kind.POSTGRES)) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 2)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 3)");
            // the old store's first write (the upsert's delete) is held until released
            java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
            javax.sql.DataSource old = oldDb.dataSource();
            javax.sql.DataSource heldOld = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                        Object result = invoke(old, method, args);
                        if (!(result instanceof Connection connection)) {
                            return result;
                        }
                        return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {Connection.class}, (p, m, a) -> {
                                    if (m.getName().equals("prepareStatement")
                                            && ((String) a[0]).strip().toUpperCase(java.util.Locale.ROOT)
                                            .startsWith("DELETE") && armed.compareAndSet(true, false)) {
                                        reached.countDown();
                                        release.await(30, TimeUnit.SECONDS);
                                    }
                                    return invoke(connection, m, a);
                                });
                    });
            Configuration configuration = new Configuration();
            configuration.addMapper(Break22CodeMapper.class);
            MapperCopier copier = MapperCopier.builder(configuration, CODES)
                    .dataSource(Store.OLD, heldOld).dataSource(Store.NEW, newDb.dataSource())
                    .read(Store.OLD, MAPPER + "selectById").read(Store.NEW, MAPPER + "selectById")
                    .upsert(Store.NEW, MAPPER + "deleteRow", MAPPER + "insertRow")
                    .upsert(Store.OLD, MAPPER + "deleteRow", MAPPER + "insertRow")
                    .delete(Store.NEW, MAPPER + "deleteById").delete(Store.OLD, MAPPER + "deleteById")
                    .build();
            java.lang.reflect.Method lockId = Class.forName("io.dualwrite.jdbc.copy.KeyLocks")
                    .getDeclaredMethod("lockId", String.class, String.class, int.class);
            lockId.setAccessible(true);
            long a = (Long) lockId.invoke(null, "codes", "a", 1);
            List<RowCopier.TableKeys> keyA = List.of(new RowCopier.TableKeys(CODES, List.of("a"), null));
            ExecutorService syncs = Executors.newSingleThreadExecutor();
            try {
                Future<RowCopier.SyncResult> synced = syncs.submit(() -> copier.sync(Store.NEW, keyA));
                assertThat(reached.await(20, TimeUnit.SECONDS)).isTrue();
                // the new store's guard only: both stores are databases of one server, and the old store's target
                // transaction holds its own lock of the key
                assertThat(newDb.query("SELECT pg_terminate_backend(pid) AS t FROM pg_locks WHERE locktype = 'advisory'"
                        + " AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"))
                        .isNotEmpty();
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> newDb.query("SELECT pid FROM pg_locks"
                        + " WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database"
                        + " WHERE datname = current_database())").isEmpty());
                try (Connection other = newDb.dataSource().getConnection()) {
                    other.setAutoCommit(false);
                    try (Statement statement = other.createStatement()) {
                        statement.execute("SELECT pg_advisory_xact_lock(" + a + ")");
                        oldDb.execute("UPDATE codes SET qty = 99 WHERE id = 'a'");
                        statement.executeUpdate("UPDATE codes SET qty = 99 WHERE id = 'a'");
                    }
                    other.commit();
                }
                release.countDown();
                assertThatThrownBy(() -> synced.get(30, TimeUnit.SECONDS))
                        .as("the sync whose lock went with its session fails, so that its key is recorded")
                        .hasCauseInstanceOf(java.sql.SQLException.class);
            } finally {
                release.countDown();
                syncs.shutdownNow();
            }
            copier.sync(Store.NEW, keyA); // what the reconciler does with the recorded key
            assertThat(codes(newDb)).isEqualTo(Map.of("a", "99"));
            assertThat(codes(oldDb)).isEqualTo(codes(newDb));
        }
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Map<String, String> codes(TestDatabase db) throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection connection = db.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet all = statement.executeQuery("SELECT id, qty FROM codes ORDER BY id")) {
            while (all.next()) {
                rows.put(all.getString(1), all.getString(2));
            }
        }
        return rows;
    }
}
