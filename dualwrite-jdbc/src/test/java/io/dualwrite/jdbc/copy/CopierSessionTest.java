package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What the copier leaves on a MariaDB session that a pool hands to the next user as it is (no reset), and which
 * failures it runs again.
 */
class CopierSessionTest {

    private static final TableMapping COUNTERS = TableMapping.builder("counters").newTable("counters_v2")
            .rename("n", "total").build();

    @Test
    void aRowLockTimeoutIsNotRunAgainAndTheSessionKeepsItsIsolationOnMariaDb() throws Exception {
        try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(TestDatabases.Kind.MARIADB);
             Connection physical = fresh.dataSource().getConnection();
             Connection blocker = fresh.dataSource().getConnection()) {
            old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))",
                    "INSERT INTO counters VALUES (1, 10, 'old'), (2, 20, 'old')");
            fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL, note VARCHAR(40))",
                    "INSERT INTO counters_v2 VALUES (1, 0, 'stale')");
            try (Statement statement = physical.createStatement()) {
                statement.execute("SET SESSION innodb_lock_wait_timeout = 1");
            }
            physical.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            AtomicInteger attempts = new AtomicInteger();
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource())
                    .newDataSource(unresetPool(physical, attempts)).build();
            List<RowCopier.TableKeys> keys = List.of(new RowCopier.TableKeys(COUNTERS, List.of("1", "2"), null));

            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.executeQuery("SELECT * FROM counters_v2 WHERE id = 1 FOR UPDATE").close();
                assertThatThrownBy(() -> copier.sync(Store.OLD, keys)).isInstanceOf(SQLException.class);
                assertThat(attempts).as("a lock wait timeout is not a deadlock: one attempt").hasValue(1);
                assertThat(isolation(physical)).isEqualTo("REPEATABLE-READ");
                assertThat(physical.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
                assertThat(physical.getAutoCommit()).isTrue();
                blocker.rollback();
            }

            assertThat(copier.sync(Store.OLD, keys)).isEqualTo(new RowCopier.SyncResult(2, 0, 0));
            assertThat(isolation(physical)).as("after a sync that committed").isEqualTo("REPEATABLE-READ");
            assertThat(physical.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
            assertThat(fresh.query("SELECT id, total AS n, note FROM counters_v2 ORDER BY id"))
                    .isEqualTo(old.query("SELECT id, n, note FROM counters ORDER BY id"));
        }
    }

    /**
     * MySQL Connector/J reports InnoDB's lock wait timeout (1205) under SQLState 40001, as a deadlock (1213) is; the
     * build has no MySQL driver, so the classification is shown on the exceptions that driver raises.
     */
    @Test
    void aLockWaitTimeoutReportedUnderTheDeadlockStateIsNotRunAgain() {
        SQLException timeout = new SQLException("Lock wait timeout exceeded; try restarting transaction", "40001", 1205);
        SQLException deadlock = new SQLException("Deadlock found when trying to get lock; try restarting transaction",
                "40001", 1213);

        assertThat(JdbcRowCopier.isDeadlock(timeout)).isFalse();
        assertThat(JdbcRowCopier.isDeadlock(new java.sql.BatchUpdateException("batch", null, 0, (int[]) null, timeout))).isFalse();
        assertThat(JdbcRowCopier.isDeadlock(deadlock)).isTrue();
        assertThat(JdbcRowCopier.isDeadlock(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(JdbcRowCopier.isDeadlock(new SQLException("canceling statement due to lock timeout", "55P03"))).isFalse();
    }

    @Test
    void mariaDbTimesBeyondADayAndNegativeOnesAreCopied() throws Exception {
        TableMapping spans = TableMapping.builder("spans").newTable("spans").build();
        try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(TestDatabases.Kind.MARIADB)) {
            old.execute("CREATE TABLE spans (id INT PRIMARY KEY, took TIME(6))",
                    "INSERT INTO spans VALUES (1, '25:00:00'), (2, '-01:30:00.25'), (3, '08:00:00.5'), (4, '838:59:59')");
            fresh.execute("CREATE TABLE spans (id INT PRIMARY KEY, took TIME(6))");
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();

            assertThat(copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(spans, List.of("1", "2", "3", "4"), null))))
                    .isEqualTo(new RowCopier.SyncResult(4, 0, 0));

            assertThat(fresh.query("SELECT id, CAST(took AS CHAR) AS took FROM spans ORDER BY id"))
                    .isEqualTo(old.query("SELECT id, CAST(took AS CHAR) AS took FROM spans ORDER BY id"));
        }
    }

    private static String isolation(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT @@SESSION.transaction_isolation")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** Hands out one physical connection again and again, as a pool that does not reset sessions would. */
    private static DataSource unresetPool(Connection physical, AtomicInteger handedOut) {
        Connection kept = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        handedOut.incrementAndGet();
                        return kept;
                    }
                    if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                        return method.getName().equals("isWrapperFor") ? false : null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
