package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL simple (auto-updatable) view is pre-selected {@code FOR UPDATE}: PostgreSQL locks the rows of a
 * simple view as of its table. Unlocked, another transaction that commits between the pre-select and
 * the caller's update could swap which row matches the WHERE without changing the update count. Locked, the other
 * transaction waits (here past its lock timeout), and the new store ends as the old one.
 */
class ViewPreselectRaceTest {

    private static final AtomicBoolean BLOCKED = new AtomicBoolean();

    @Test
    void postgresSimpleViewUpdateWhoseMatchingRowIsSwappedAfterThePreselectReachesTheTarget() throws SQLException {
        AtomicBoolean swapped = new AtomicBoolean();
        Fixture[] holder = new Fixture[1];
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .wrapOld(db -> afterPreselect(db, () -> {
                    if (swapped.compareAndSet(false, true)) {
                        swap(holder[0]);
                    }
                })).build()) {
            holder[0] = fixture;
            fixture.onOld("CREATE TABLE orders_base (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "CREATE VIEW orders AS SELECT id, qty FROM orders_base",
                    "INSERT INTO orders_base VALUES ('a', 5), ('b', 1)");
            // the view is simple: PostgreSQL locks its rows FOR UPDATE
            assertThat(fixture.oldDb.query("SELECT id FROM orders WHERE qty = 5 FOR UPDATE")).hasSize(1);
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('a', 5), ('b', 1)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 0 WHERE qty = 5")).isEqualTo(1);
            }
            assertThat(swapped).as("the other transaction ran between the pre-select and the update").isTrue();
            assertThat(BLOCKED.get()).as("the pre-select locked the view's rows: the swap waited past its lock"
                    + " timeout instead of committing in between").isTrue();
            Map<String, String> old = LooseKeyStores.sameOrRecorded(fixture);
            assertThat(old).containsEntry("a", "0").containsEntry("b", "1");
            assertThat(fixture.records()).as("keys known exactly: nothing to record").isEmpty();
        }
    }

    /** Another writer, through the library, moves qty 5 from row 'a' to row 'b' and commits. */
    private static void swap(Fixture fixture) {
        try (Connection other = fixture.dataSource.getConnection(); Statement statement = other.createStatement()) {
            statement.execute("SET lock_timeout = '2s'");
            other.setAutoCommit(false);
            statement.executeUpdate("UPDATE orders SET qty = 6 WHERE id = 'a'");
            statement.executeUpdate("UPDATE orders SET qty = 5 WHERE id = 'b'");
            other.commit();
        } catch (SQLException e) {
            BLOCKED.set("55P03".equals(e.getSQLState())); // lock_not_available: the rows were locked
        }
    }

    /** A data source that runs {@code hook} right after a key pre-select of {@code orders} has read its rows. */
    private static DataSource afterPreselect(DataSource target, Runnable hook) {
        return (DataSource) Proxy.newProxyInstance(ViewPreselectRaceTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(method, target, args);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(ViewPreselectRaceTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (p, m, a) -> {
                                Object made = invoke(m, connection, a);
                                if (made instanceof PreparedStatement prepared && m.getName().equals("prepareStatement")
                                        && a[0] instanceof String sql && sql.startsWith("SELECT")
                                        && sql.contains("FROM orders WHERE")) {
                                    return Proxy.newProxyInstance(ViewPreselectRaceTest.class.getClassLoader(),
                                            new Class<?>[] {PreparedStatement.class}, (ps, sm, sa) -> {
                                                Object value = invoke(sm, prepared, sa);
                                                if (sm.getName().equals("executeQuery")) {
                                                    hook.run();
                                                }
                                                return value;
                                            });
                                }
                                return made;
                            });
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
