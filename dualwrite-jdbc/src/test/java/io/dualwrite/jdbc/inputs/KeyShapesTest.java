package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Keys of unusual shape: collation-equal strings, padded strings, unsigned beyond long, UUID, composite with | and \. */
class KeyShapesTest {

    // MariaDB's default collation is case-insensitive: WHERE id = 'ABC' updates row 'abc'
    @Test
    void mariadbUpdateByKeyInAnotherCaseUpdatesTheNewStoreRow() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('abc', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('abc', 1)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                update.setInt(1, 9);
                update.setString(2, "ABC");
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, qty")).containsExactly(expected("id", "abc", "qty", 9));
        }
    }

    // MariaDB PAD SPACE: WHERE id = 'k1 ' deletes row 'k1'; into PostgreSQL, whose comparison is exact
    @Test
    void mariadbDeleteByKeyWithATrailingSpaceDeletesTheRowFromPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('k1', 1)", "INSERT INTO orders VALUES ('k2', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1)", "INSERT INTO orders_v2 VALUES ('k2', 2)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = 'k1 '")).isEqualTo(1);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, qty")).containsExactly(expected("id", "k2", "qty", 2));
        }
    }

    // MariaDB → MariaDB, padded key in an update: the row must stay and be updated
    @Test
    void mariadbUpdateByKeyWithATrailingSpaceKeepsAndUpdatesTheNewStoreRow() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES ('k1', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)", "INSERT INTO orders_v2 VALUES ('k1', 1)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 5 WHERE id = 'k1 '")).isEqualTo(1);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, qty")).containsExactly(expected("id", "k1", "qty", 5));
        }
    }

    // BIGINT UNSIGNED primary key past Long.MAX_VALUE
    @Test
    void mariadbUnsignedBigintKeyAtItsMaximumIsMirroredAndUpdated() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT UNSIGNED PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (18446744073709551615, 1)");
                statement.executeUpdate("UPDATE orders SET qty = 2 WHERE id = 18446744073709551615");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, qty"))
                    .containsExactly(expected("id", new BigDecimal("18446744073709551615"), "qty", 2));
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void postgresUuidPrimaryKeyIsInsertedUpdatedAndDeletedByKey() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id UUID PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id UUID PRIMARY KEY, quantity INT)");
            UUID a = UUID.fromString("0190e5a1-0000-7000-8000-000000000001");
            UUID b = UUID.fromString("0190e5a1-0000-7000-8000-000000000002");
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                    insert.setObject(1, a);
                    insert.setInt(2, 1);
                    insert.executeUpdate();
                    insert.setObject(1, b);
                    insert.setInt(2, 2);
                    insert.executeUpdate();
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = 7 WHERE id = ?")) {
                    update.setObject(1, a);
                    update.executeUpdate();
                }
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("DELETE FROM orders WHERE id = '" + b + "'");
                }
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, qty")).containsExactly(expected("id", a, "qty", 7));
            assertThat(fixture.records()).isEmpty();
        }
    }

    private static final TableMapping COMPOSITE = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").primaryKey("tenant", "code").build();

    @Test
    void h2CompositeKeyWithPipeAndBackslashIsMirroredUpdatedAndDeleted() throws SQLException {
        composite(Kind.H2);
    }

    @Test
    void mariadbIntoPostgresCompositeKeyWithPipeAndBackslashIsMirroredUpdatedAndDeleted() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mappings(COMPOSITE).build()) {
            compositeRun(fixture);
        }
    }

    private static void composite(Kind kind) throws SQLException {
        try (Fixture fixture = Fixture.builder(kind, kind).mappings(COMPOSITE).build()) {
            compositeRun(fixture);
        }
    }

    private static void compositeRun(Fixture fixture) throws SQLException {
        fixture.onOld("CREATE TABLE orders (tenant VARCHAR(20), code VARCHAR(20), qty INT, PRIMARY KEY (tenant, code))");
        fixture.onNew("CREATE TABLE orders_v2 (tenant VARCHAR(20), code VARCHAR(20), quantity INT, PRIMARY KEY (tenant, code))");
        String[][] keys = {{"a|b", "c"}, {"a", "b|c"}, {"x\\", "|y"}, {"x", "\\|y"}};
        try (Connection connection = fixture.dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (tenant, code, qty) VALUES (?, ?, ?)")) {
                int qty = 1;
                for (String[] key : keys) {
                    insert.setString(1, key[0]);
                    insert.setString(2, key[1]);
                    insert.setInt(3, qty++);
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = qty + 10 WHERE tenant = ? AND code = ?")) {
                update.setString(1, "a|b");
                update.setString(2, "c");
                update.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE code = ? AND tenant = ?")) {
                delete.setString(1, "|y");
                delete.setString(2, "x\\");
                delete.executeUpdate();
            }
        }
        assertThat(Rows.assertSame(fixture.oldDb, "SELECT tenant, code, qty FROM orders ORDER BY tenant, code",
                fixture.newDb, "SELECT tenant, code, quantity AS qty FROM orders_v2 ORDER BY tenant, code")).hasSize(3);
        assertThat(fixture.records()).isEmpty();
    }
}
