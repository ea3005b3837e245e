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
 * A pooled PostgreSQL connection that an earlier borrower left on another {@code search_path}: the copier names the
 * mapped table in the schema it found it in, so it keeps copying into the mapped table instead of another schema's
 * table of the same name. Compared row by row with plain JDBC on both schemas.
 */
class CopierSearchPathTest {

    private static final String OLD_ROWS = "SELECT id, qty FROM orders";
    private static final String NEW_ROWS = "SELECT id, quantity AS qty FROM public.orders_v2";

    /** Hands out connections left on {@code setting} once {@code dirty} is set, as a pool does after such a borrower. */
    private static DataSource leftOn(DataSource real, AtomicBoolean dirty, String setting) {
        return (DataSource) Proxy.newProxyInstance(CopierSearchPathTest.class.getClassLoader(),
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
}
