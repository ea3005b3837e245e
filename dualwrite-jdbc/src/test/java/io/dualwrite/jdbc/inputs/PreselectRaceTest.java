package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * An UPDATE whose WHERE names no key, at READ COMMITTED, while another connection inserts a matching row
 * between the library's key pre-select and the update itself: either every changed row reaches the new store,
 * or a scoped resync is recorded (input 18).
 */
class PreselectRaceTest {

    // input 18
    @Test
    void h2RowInsertedBetweenPreselectAndUpdateIsMirroredOrResynced() throws SQLException {
        race(Kind.H2, "TIMESTAMP(6)");
    }

    // input 18, variant
    @Test
    void postgresRowInsertedBetweenPreselectAndUpdateIsMirroredOrResynced() throws SQLException {
        race(Kind.POSTGRES, "TIMESTAMP(6)");
    }

    // input 18, variant
    @Test
    void mariadbRowInsertedBetweenPreselectAndUpdateIsMirroredOrResynced() throws SQLException {
        race(Kind.MARIADB, "DATETIME(6)");
    }

    private static void race(Kind kind, String timestamp) throws SQLException {
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean inserted = new AtomicBoolean();
        DataSource[] raw = new DataSource[1];
        Intercepting.Hooks hooks = new Intercepting.Hooks() {
            @Override
            public void afterQuery(String sql) throws SQLException {
                if (sql.contains("FOR UPDATE") && armed.compareAndSet(true, false)) {
                    // another connection inserts a matching row and commits, after the pre-select, before the update
                    try (Connection other = raw[0].getConnection(); Statement statement = other.createStatement()) {
                        statement.executeUpdate("INSERT INTO orders (id, qty, status) VALUES (4, 4, 'open')");
                    }
                    inserted.set(true);
                }
            }
        };
        try (Fixture fixture = Fixture.builder(kind, kind).wrapOld(pool -> Intercepting.dataSource(pool, hooks)).build()) {
            raw[0] = fixture.oldDb.dataSource();
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, status VARCHAR(20), touched " + timestamp + ")",
                    "INSERT INTO orders (id, qty, status) VALUES (1, 1, 'open')", "INSERT INTO orders (id, qty, status) VALUES (2, 2, 'open')",
                    "INSERT INTO orders (id, qty, status) VALUES (3, 3, 'closed')");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, status VARCHAR(20), touched " + timestamp + ")",
                    "INSERT INTO orders_v2 (id, quantity, status) VALUES (1, 1, 'open')",
                    "INSERT INTO orders_v2 (id, quantity, status) VALUES (2, 2, 'open')",
                    "INSERT INTO orders_v2 (id, quantity, status) VALUES (3, 3, 'closed')");
            armed.set(true);
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET touched = CURRENT_TIMESTAMP WHERE status = ?")) {
                    update.setString(1, "open");
                    update.executeUpdate();
                }
            }
            assertThat(inserted).as("the other connection inserted between the pre-select and the update").isTrue();
            assertThat(fixture.oldDb.count("SELECT COUNT(*) FROM orders WHERE touched IS NOT NULL"))
                    .as("the update changed the row inserted meanwhile too").isEqualTo(3);

            List<Map<String, String>> oldRows = Rows.of(fixture.oldDb, "SELECT id, qty, status, touched FROM orders ORDER BY id");
            List<Map<String, String>> newRows = Rows.of(fixture.newDb,
                    "SELECT id, quantity AS qty, status, touched FROM orders_v2 ORDER BY id");
            List<ChangeRecord> resyncs = fixture.scopedResyncs();
            assertThat(newRows.equals(oldRows) || resyncs.stream().anyMatch(r -> r.table().equals("orders")))
                    .as("every changed row reached the new store (%s vs %s), or a scoped resync was recorded (%s)",
                            newRows, oldRows, resyncs)
                    .isTrue();
            // the rows whose keys the pre-select found were synced in any case
            assertThat(newRows.subList(0, 2)).isEqualTo(oldRows.subList(0, 2));
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, status, touched")).hasSize(4);
            assertThat(fixture.records()).isEmpty();
        }
    }
}
