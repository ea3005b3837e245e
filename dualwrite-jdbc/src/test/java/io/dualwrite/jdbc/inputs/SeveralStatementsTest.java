package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Several statements in one {@code execute} string: every one of them reaches the new store (input 5). */
class SeveralStatementsTest {

    private static final String ORDERS = "CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)";
    private static final String ORDERS_V2 = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT)";

    private static void seed(Fixture fixture) {
        fixture.onOld(ORDERS, "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1)",
                "INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)", "INSERT INTO orders (id, code, qty) VALUES (3, 'c', 3)");
        fixture.onNew(ORDERS_V2, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1)",
                "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)",
                "INSERT INTO orders_v2 (id, code, quantity) VALUES (3, 'c', 3)");
    }

    // input 5
    @Test
    void postgresUpdateAndDeleteInOneExecuteBothReachTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            updateAndDelete(fixture);
        }
    }

    // input 5, variant: H2 runs several statements in one execute too
    @Test
    void h2UpdateAndDeleteInOneExecuteBothReachTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            updateAndDelete(fixture);
        }
    }

    // input 5, variant: MariaDB with allowMultiQueries
    @Test
    void mariadbUpdateAndDeleteInOneExecuteBothReachTheNewStore() throws SQLException {
        AtomicReference<HikariDataSource> multi = new AtomicReference<>();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB).wrapOld(Fixture.multiQueries(multi)).build()) {
            updateAndDelete(fixture);
        } finally {
            multi.get().close();
        }
    }

    private static void updateAndDelete(Fixture fixture) throws SQLException {
        seed(fixture);
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("UPDATE orders SET qty = 7 WHERE id = 1; DELETE FROM orders WHERE id = 2");
        }
        assertThat(Rows.assertOrdersSame(fixture, "id, code, qty"))
                .containsExactly(expected("id", 1, "code", "a", "qty", 7), expected("id", 3, "code", "c", "qty", 3));
        assertThat(fixture.records()).isEmpty();
    }

    // input 5, variant: one part names no key: its rows are synced or its table is resynced, never silently lost
    @Test
    void postgresSeveralStatementsWithAWhereWithoutKeyAreMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            seed(fixture);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE orders SET qty = 7 WHERE code = 'a'; DELETE FROM orders WHERE id = 2;"
                        + " INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)");
            }
            List<Map<String, String>> oldRows = Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id");
            List<Map<String, String>> newRows = Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id");
            List<ChangeRecord> resyncs = fixture.scopedResyncs();
            assertThat(newRows.equals(oldRows) || resyncs.stream().anyMatch(r -> r.table().equals("orders")))
                    .as("new equals old (%s vs %s), or a scoped resync of orders is recorded (%s)", newRows, oldRows, resyncs)
                    .isTrue();
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(row -> row.get("id"))
                    .containsExactly("1", "3", "4");
            assertThat(fixture.records()).isEmpty();
        }
    }
}
