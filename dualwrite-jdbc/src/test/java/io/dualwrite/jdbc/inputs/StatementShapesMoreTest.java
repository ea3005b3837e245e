package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * More members of the kinds of {@link UnusualStatementShapesTest}: writes that reach a mapped table through
 * another name (a view, a partition), statements the parser keeps unread, upserts whose update clause changes the
 * unique value a row was met on, text keys a number column converts, and truncations beyond the named table. Each
 * ends with {@link Mirrored#exactOrResynced}: equal row by row, or an entry whose resolution makes them equal.
 */
class StatementShapesMoreTest {

    @Test
    void mariadbUpdateAndDeleteThroughAViewOfAMappedTableAreMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders WHERE qty < 100");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders_view SET qty = 7 WHERE id = 3")).isEqualTo(1);
                assertThat(statement.executeUpdate("DELETE FROM orders_view WHERE id = 1")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "mariadb writes through a view");
        }
    }

    @Test
    void postgresInsertThroughAViewOfAViewIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders",
                    "CREATE VIEW orders_view2 AS SELECT id, code, qty FROM orders_view");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders_view2 (id, code, qty) VALUES (?, ?, ?)")) {
                insert.setLong(1, 8);
                insert.setString(2, "h");
                insert.setInt(3, 8);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "postgres insert through a view of a view");
        }
    }

    @Test
    void postgresDeleteFromAPartitionInsideATransactionIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT) PARTITION BY RANGE (id)",
                    "CREATE TABLE orders_low PARTITION OF orders FOR VALUES FROM (0) TO (2)",
                    "CREATE TABLE orders_high PARTITION OF orders FOR VALUES FROM (2) TO (100)",
                    "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                assertThat(statement.executeUpdate("DELETE FROM orders_high WHERE qty > 2")).isEqualTo(1);
                assertThat(statement.executeUpdate("UPDATE orders_low SET code = 'z'")).isEqualTo(1);
                connection.commit();
            }
            Mirrored.exactOrResynced(fixture, "postgres writes naming partitions in a transaction");
        }
    }

    @Test
    void mariadbReplaceLowPriorityWithSetAndSeveralRowsIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("REPLACE LOW_PRIORITY INTO orders (id, code, qty) VALUES (2, 'b', 22), (9, 'i', 9)");
                statement.executeUpdate("REPLACE LOW_PRIORITY orders SET id = 10, code = 'c', qty = 10");
            }
            Mirrored.exactOrResynced(fixture, "mariadb REPLACE LOW_PRIORITY, several rows and SET");
        }
    }

    @Test
    void postgresUpsertGivingTheMetRowAnotherUniqueValueIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement upsert = connection.prepareStatement("INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)"
                         + " ON CONFLICT (code) DO UPDATE SET code = orders.code || '-old', qty = orders.qty + 1")) {
                upsert.setLong(1, 9);
                upsert.setString(2, "b");
                upsert.setInt(3, 9);
                assertThat(upsert.executeUpdate()).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "postgres upsert renaming the met row's unique value");
        }
    }

    @Test
    void mariadbUpsertGivingTheMetRowAnotherUniqueValueIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (9, 'c', 9)"
                        + " ON DUPLICATE KEY UPDATE code = CONCAT(code, '-old'), qty = qty + 1");
            }
            Mirrored.exactOrResynced(fixture, "mariadb upsert renaming the met row's unique value");
        }
    }

    @Test
    void mariadbWritesByNumericKeysWrittenAsTextWithSpacesZerosAndFractionsReachTheNewStore() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 40 WHERE id = ' 2'")).isEqualTo(1);
                assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = '03'")).isEqualTo(1);
                try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = 50 WHERE id = ?")) {
                    update.setString(1, "1.0");
                    assertThat(update.executeUpdate()).isEqualTo(1);
                }
            }
            Mirrored.exactOrResynced(fixture, "mariadb numeric keys as lenient text");
        }
    }

    @Test
    void postgresTruncateOfTwoTablesOneOfThemMappedIsResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE TABLE audit (n INT)", "INSERT INTO audit VALUES (1)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE audit, orders");
            }
            Mirrored.exactOrResynced(fixture, "postgres TRUNCATE of two tables");
        }
    }

    @Test
    void postgresBatchedUpdatesThroughAViewAreMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders_view SET qty = ? WHERE id = ?")) {
                for (long id = 1; id <= 3; id++) {
                    update.setInt(1, (int) (100 + id));
                    update.setLong(2, id);
                    update.addBatch();
                }
                assertThat(update.executeBatch()).containsExactly(1, 1, 1);
            }
            Mirrored.exactOrResynced(fixture, "postgres batched updates through a view");
        }
    }

    @Test
    void postgresDeleteFromAnUnmappedTableWhoseTriggerDeletesMappedRowsIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE TABLE holds (order_id BIGINT PRIMARY KEY)", "INSERT INTO holds VALUES (2), (3)",
                    "CREATE FUNCTION release_hold() RETURNS trigger LANGUAGE plpgsql AS"
                            + " $$ BEGIN DELETE FROM orders WHERE id = OLD.order_id; RETURN OLD; END $$",
                    "CREATE TRIGGER holds_release AFTER DELETE ON holds FOR EACH ROW EXECUTE FUNCTION release_hold()");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM holds WHERE order_id = ?")) {
                delete.setLong(1, 3);
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "postgres trigger on an unmapped table deleting mapped rows");
        }
    }
}
