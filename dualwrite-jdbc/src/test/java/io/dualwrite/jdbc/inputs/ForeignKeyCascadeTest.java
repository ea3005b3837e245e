package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rows of a mapped table that the database changes through a foreign key when another table is written (an
 * {@code ON DELETE CASCADE} child loses rows no statement named). Each test ends comparing both stores row by row
 * with plain JDBC after resolving the recorded scoped resync with the library's own resolver.
 */
class ForeignKeyCascadeTest {

    private static final String OLD_ROWS = "SELECT id, qty FROM orders";
    private static final String NEW_ROWS = "SELECT id, quantity AS qty FROM orders_v2";

    @Test
    void postgresDeleteOfAParentCascadingToOrdersIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE customers (id INT PRIMARY KEY)", "INSERT INTO customers VALUES (1), (2)",
                    "CREATE TABLE orders (id INT PRIMARY KEY, qty INT, customer INT REFERENCES customers ON DELETE CASCADE)",
                    "INSERT INTO orders VALUES (10, 1, 1), (20, 2, 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT, customer INT)",
                    "INSERT INTO orders_v2 VALUES (10, 1, 1), (20, 2, 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM customers WHERE id = ?", 1)).isEqualTo(1);
            assertThat(fixture.scopedResyncs()).as("the cascade is recorded").hasSize(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsExactly(Map.entry("20", "2"));
        }
    }

    @Test
    void h2DeleteOfAParentSettingOrdersColumnToNullThroughAnUnmappedTableIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            // customers -> accounts (cascade) -> orders (set null): two levels, the middle one unmapped
            fixture.onOld("CREATE TABLE customers (id INT PRIMARY KEY)", "INSERT INTO customers VALUES (1)",
                    "CREATE TABLE accounts (id INT PRIMARY KEY, customer INT REFERENCES customers ON DELETE CASCADE)",
                    "INSERT INTO accounts VALUES (5, 1)",
                    "CREATE TABLE orders (id INT PRIMARY KEY, qty INT, account INT REFERENCES accounts ON DELETE SET NULL)",
                    "INSERT INTO orders VALUES (10, 1, 5)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT, account INT)",
                    "INSERT INTO orders_v2 VALUES (10, 1, 5)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM customers WHERE id = 1")).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, "SELECT id, account AS qty FROM orders",
                    "SELECT id, account AS qty FROM orders_v2")).containsExactly(Map.entry("10", "null"));
        }
    }

    @Test
    void writesOnTablesWithoutCascadingKeysRecordNothing() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20))",
                    "INSERT INTO customers VALUES (1, 'a')",
                    "CREATE TABLE orders (id INT PRIMARY KEY, qty INT, customer INT, FOREIGN KEY (customer) REFERENCES customers (id))",
                    "INSERT INTO orders VALUES (10, 1, 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT, customer INT)",
                    "INSERT INTO orders_v2 VALUES (10, 1, 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE customers SET name = ? WHERE id = ?", "b", 1)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = ? WHERE id = ?", 3, 10)).isEqualTo(1);
            assertThat(fixture.records()).as("a foreign key without a cascading rule writes nothing").isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, NEW_ROWS)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, OLD_ROWS))
                    .containsExactly(Map.entry("10", "3"));
        }
    }

    @Test
    void mariadbBatchedDeletesOfParentsCascadingToOrdersAreNotLeftBehind() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE customers (id INT PRIMARY KEY)", "INSERT INTO customers VALUES (1), (2), (3)",
                    "CREATE TABLE orders (id INT PRIMARY KEY, qty INT, customer INT,"
                            + " FOREIGN KEY (customer) REFERENCES customers (id) ON DELETE CASCADE)",
                    "INSERT INTO orders VALUES (10, 1, 1), (20, 2, 2), (30, 3, 3)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT, customer INT)",
                    "INSERT INTO orders_v2 VALUES (10, 1, 1), (20, 2, 2), (30, 3, 3)");
            try (java.sql.Connection connection = fixture.dataSource.getConnection();
                 java.sql.PreparedStatement delete = connection.prepareStatement("DELETE FROM customers WHERE id = ?")) {
                for (int id : new int[] {1, 3}) {
                    delete.setInt(1, id);
                    delete.addBatch();
                }
                assertThat(delete.executeBatch()).containsExactly(1, 1);
            }
            assertThat(fixture.scopedResyncs()).as("the cascade of the batch is recorded").isNotEmpty();
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsExactly(Map.entry("20", "2"));
        }
    }
}
