package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Pooled PostgreSQL connections that an earlier borrower left in another session state: another {@code
 * search_path} (the copier names the mapped table in the schema it found it in, so it keeps copying into the
 * mapped table instead of another schema's table of the same name), {@code extra_float_digits = 0} (the copier
 * reads floats by their bytes, not as rounded text). Compared row by row with plain JDBC on clean sessions.
 */
class PooledSessionStateTest {

    private static final String OLD_ROWS = "SELECT id, qty FROM orders";
    private static final String NEW_ROWS = "SELECT id, quantity AS qty FROM public.orders_v2";

    /** Hands out connections left on {@code setting} once {@code dirty} is set, as a pool does after such a borrower. */
    static DataSource leftOn(DataSource real, AtomicBoolean dirty, String setting) {
        return (DataSource) Proxy.newProxyInstance(PooledSessionStateTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(real, args);
                        if (method.getName().equals("getConnection") && dirty.get()) {
                            try (Statement statement = ((Connection) result).createStatement()) {
                                statement.execute(setting);
                            }
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    // Failed before its fix: the copier wrote 'b' and the update of 'a' into shadow.orders_v2, and public.orders_v2
    // kept ('a', 1) without 'b', nothing recorded
    @Test
    void postgresCopierKeepsToTheMappedTableWhenAPooledSessionWasLeftOnAnotherSearchPath() throws Exception {
        AtomicBoolean dirty = new AtomicBoolean();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .wrapNew(real -> leftOn(real, dirty, "SET search_path TO shadow, public")).build()) {
            fixture.onOld(LooseKeyStores.POSTGRES_OLD_ORDERS);
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS, "CREATE SCHEMA shadow",
                    "CREATE TABLE shadow.orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "a", 1)).isEqualTo(1);

            dirty.set(true);
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 2)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = ? WHERE id = ?", 5, "a")).isEqualTo(1);

            assertThat(fixture.newDb.query("SELECT id FROM shadow.orders_v2")).as("the other schema's table").isEmpty();
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b", "2"));
        }
    }

    // Failed before its fix: with extra_float_digits = 0 on the old store's sessions, the copier read
    // 0.30000000000000004 as 0.3 and 1.2345679 (float4) as 1.23457 and wrote those into the new store, nothing
    // recorded (the driver reads a statement's results as text until it has run five times on the connection)
    @Test
    void postgresCopierCopiesFloatsExactlyFromASessionLeftWithoutExtraFloatDigits() throws Exception {
        AtomicBoolean dirty = new AtomicBoolean(true);
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .wrapOld(real -> leftOn(real, dirty, "SET extra_float_digits = 0")).build()) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT, v FLOAT8, w FLOAT4)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT, v FLOAT8, w FLOAT4)");
            double[] doubles = {0.1 + 0.2, Math.PI, -1.0E-300, Double.MAX_VALUE, Double.MIN_VALUE, 2.0 / 3};
            float[] floats = {1.2345679f, 16777217f, Float.MIN_VALUE, -0.1f, 3.4028235E38f, 1f / 3};
            for (int i = 0; i < doubles.length; i++) {
                assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty, v, w) VALUES (?, ?, ?, ?)",
                        i, i, doubles[i], floats[i])).isEqualTo(1);
            }
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET v = ? WHERE id = ?", 0.7 + 0.1, 1)).isEqualTo(1);

            // the stored bytes of each float (their text depends on the session, which the pool left dirty)
            String bytes = "encode(float8send(v), 'hex') AS v, encode(float4send(w), 'hex') AS w";
            assertThat(fixture.newDb.query("SELECT id, quantity AS qty, " + bytes + " FROM orders_v2 ORDER BY id"))
                    .as("new store rows, floats by their stored bytes").hasSize(doubles.length)
                    .isEqualTo(fixture.oldDb.query("SELECT id, qty, " + bytes + " FROM orders ORDER BY id"));
            assertThat(fixture.records()).isEmpty();
        }
    }
}
