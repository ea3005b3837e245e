package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever goes wrong on the new store, the caller gets what the old store alone gives, and each lost row is recorded. */
class BrokenNewStoreTest {

    private static final String ORDERS = "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount INT)";

    private static DualWriteFixture postgres() {
        DualWriteFixture fixture = new DualWriteFixture(Kind.POSTGRES, Kind.POSTGRES, MigrationPhase.DUAL_WRITE,
                List.of(TableMapping.identity("orders")), builder -> builder.lockTimeout(Duration.ofSeconds(1)));
        fixture.bothStores(ORDERS);
        return fixture;
    }

    /** Runs the same writes and returns the update counts the caller saw. */
    private static List<Integer> writes(DualWriteFixture fixture) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection()) {
            int inserted;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO orders (id, merchant_id, amount) VALUES (?, ?, ?), (?, ?, ?)")) {
                Object[] values = {1L, "m-1", 10, 2L, "m-1", 20};
                for (int i = 0; i < values.length; i++) {
                    insert.setObject(i + 1, values[i]);
                }
                inserted = insert.executeUpdate();
            }
            connection.setAutoCommit(false);
            int updated;
            try (Statement statement = connection.createStatement()) {
                updated = statement.executeUpdate("UPDATE orders SET amount = amount + 1 WHERE merchant_id = 'm-1'");
            }
            connection.commit();
            return List.of(inserted, updated);
        }
    }

    @Test
    void newStoreServerDown() throws SQLException {
        try (DualWriteFixture fixture = postgres()) {
            fixture.newDb.pool().close();
            assertThat(writes(fixture)).containsExactly(2, 2);
            assertThat(fixture.records()).extracting(r -> r.key() + "/" + r.operation())
                    .containsExactly("1/INSERT", "2/INSERT", "1/UPDATE", "2/UPDATE");
            assertThat(fixture.oldDb.query("SELECT amount FROM orders ORDER BY id")).extracting(r -> r.get("amount"))
                    .containsExactly(11, 21);
        }
    }

    @Test
    void newStoreTableMissing() throws SQLException {
        try (DualWriteFixture fixture = postgres()) {
            fixture.newDb.execute("DROP TABLE orders");
            assertThat(writes(fixture)).containsExactly(2, 2);
            assertThat(fixture.records()).hasSize(4);
        }
    }

    @Test
    void newStoreConstraintViolation() throws SQLException {
        try (DualWriteFixture fixture = postgres()) {
            fixture.newDb.execute("ALTER TABLE orders ADD CONSTRAINT small CHECK (amount < 15)");
            assertThat(writes(fixture)).containsExactly(2, 2);
            // row 2 violates the check: each sync (of the insert, then of the update) copies both rows and
            // fails as a whole in the new store's transaction, so every touched key is recorded each time
            assertThat(fixture.records()).extracting(r -> r.key() + "/" + r.operation())
                    .containsExactly("1/INSERT", "2/INSERT", "1/UPDATE", "2/UPDATE");
            assertThat(fixture.newDb.count("SELECT COUNT(*) FROM orders")).isZero();
        }
    }

    @Test
    void newStoreStatementTimeoutOnALockedRow() throws SQLException {
        try (DualWriteFixture fixture = postgres()) {
            fixture.newDb.execute("INSERT INTO orders (id, merchant_id, amount) VALUES (3, 'm-3', 0)");
            fixture.oldDb.execute("INSERT INTO orders (id, merchant_id, amount) VALUES (3, 'm-3', 0)");
            try (Connection locker = fixture.newDb.dataSource().getConnection()) {
                locker.setAutoCommit(false);
                try (Statement lock = locker.createStatement()) {
                    lock.executeQuery("SELECT * FROM orders WHERE id = 3 FOR UPDATE").close();
                }
                try (Connection connection = fixture.dataSource.getConnection();
                     PreparedStatement update = connection.prepareStatement("UPDATE orders SET amount = ? WHERE id = ?")) {
                    update.setInt(1, 5);
                    update.setLong(2, 3);
                    assertThat(update.executeUpdate()).isEqualTo(1);
                }
                locker.rollback();
            }
            assertThat(fixture.records()).extracting(r -> r.key() + "/" + r.operation()).containsExactly("3/UPDATE");
            assertThat(fixture.toNewEvents).singleElement()
                    .satisfies(event -> assertThat(String.valueOf(event.error())).contains("cancel"));
        }
    }
}
