package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.ibatis.session.Configuration;
import org.junit.jupiter.api.Test;

/**
 * A {@link MapperCopier} sync that PostgreSQL picks as a deadlock victim runs again, as the built-in copier's
 * does, instead of failing (and leaving its keys to the reconciler). The deadlock is made on purpose: another
 * transaction holds the target row, the sync takes its key lock and waits for that row, and the other
 * transaction then asks for the sync's key lock. The sync's session detects the cycle first (deadlock_timeout
 * 5 s against 60 s) and is rolled back.
 */
class MapperCopierDeadlockTest {

    private static final String MAPPER = "io.dualwrite.mybatis.TextKeyMapper.";
    private static final TableMapping CODES = TableMapping.identity("codes");

    @Test
    void aSyncChosenAsADeadlockVictimRunsAgainAndCopiesTheRow() throws Exception {
        try (TestDatabase oldDb = TestDatabases.postgres(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 5)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1)");
            Configuration configuration = new Configuration();
            configuration.addMapper(TextKeyMapper.class);
            MapperCopier copier = MapperCopier.builder(configuration, CODES)
                    .dataSource(Store.OLD, oldDb.dataSource())
                    .dataSource(Store.NEW, withDeadlockTimeout(newDb.dataSource(), "5s"))
                    .read(Store.OLD, MAPPER + "selectById").read(Store.NEW, MAPPER + "selectById")
                    .upsert(Store.NEW, MAPPER + "deleteRow", MAPPER + "insertRow")
                    .delete(Store.NEW, MAPPER + "deleteById")
                    .build();
            try (Connection holder = newDb.dataSource().getConnection(); Statement statement = holder.createStatement()) {
                holder.setAutoCommit(false);
                statement.execute("SET deadlock_timeout = '60s'");
                statement.execute("UPDATE codes SET qty = 0 WHERE id = 'a'"); // holds the target row

                CompletableFuture<RowCopier.SyncResult> sync = CompletableFuture.supplyAsync(() -> {
                    try {
                        return copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(CODES, List.of("a"), null)));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                // the sync holds its key lock (an advisory lock) and waits for the row
                await().atMost(Duration.ofSeconds(60)).until(() -> count(statement,
                        "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'") == 1);
                long keyLock = count(statement, "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks"
                        + " WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()");
                statement.execute("SELECT pg_advisory_xact_lock(" + keyLock + ")"); // the cycle: returns once the sync is rolled back
                holder.commit();

                assertThat(sync.get(30, TimeUnit.SECONDS).copied()).isEqualTo(1);
            }
            assertThat(newDb.query("SELECT id, qty FROM codes")).isEqualTo(oldDb.query("SELECT id, qty FROM codes"));
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : -1;
        }
    }

    /** A data source whose connections detect deadlocks after {@code timeout}. */
    private static DataSource withDeadlockTimeout(DataSource real, String timeout) {
        return (DataSource) Proxy.newProxyInstance(MapperCopierDeadlockTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(real, args);
                        if (result instanceof Connection connection) {
                            try (Statement statement = connection.createStatement()) {
                                statement.execute("SET deadlock_timeout = '" + timeout + "'");
                            }
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
