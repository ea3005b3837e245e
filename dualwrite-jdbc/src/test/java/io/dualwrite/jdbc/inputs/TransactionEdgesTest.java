package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Transaction edges: a commit that throws (input 14), savepoints sent as SQL text (input 15), a driver that
 * commits on close (input 16), transaction control sent as SQL text in auto-commit (input 23).
 */
class TransactionEdgesTest {

    private static final String ORDERS = "CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)";
    private static final String ORDERS_V2 = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT)";

    private static Fixture seeded(Fixture fixture, String ordersTable) {
        fixture.onOld(ordersTable, "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1)",
                "INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)");
        fixture.onNew(ORDERS_V2, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1)",
                "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)");
        return fixture;
    }

    // input 14
    @Test
    void postgresInsertRolledBackByAFailingDeferredCommitNeverReachesTheNewStore() throws SQLException {
        try (Fixture fixture = seeded(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), ORDERS)) {
            fixture.onOld("CREATE TABLE ledger (entry VARCHAR(20) UNIQUE DEFERRABLE INITIALLY DEFERRED)",
                    "INSERT INTO ledger (entry) VALUES ('x')");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("INSERT INTO ledger (entry) VALUES ('x')");
                assertThatThrownBy(connection::commit).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
                connection.setAutoCommit(true);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)"); // the connection goes on
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(row -> row.get("id"))
                    .containsExactly("1", "2", "6");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // input 14, variant: the deferred constraint is on the mapped table itself, and the transaction updated a row
    @Test
    void postgresUpdateRolledBackByAFailingDeferredCommitLeavesTheNewStoreRowAsItWas() throws SQLException {
        try (Fixture fixture = seeded(Fixture.of(Kind.POSTGRES, Kind.POSTGRES),
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE DEFERRABLE INITIALLY DEFERRED, qty INT)")) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET code = 'b', qty = 99 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (3, 'c', 3)");
                assertThatThrownBy(connection::commit).isInstanceOf(SQLException.class);
                connection.setAutoCommit(true);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    expected("id", 1, "code", "a", "qty", 1), expected("id", 2, "code", "b", "qty", 2));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // input 15
    @Test
    void h2RollbackToASavepointSentAsSqlKeepsTheRolledBackInsertOutOfTheNewStore() throws SQLException {
        savepointsAsSql(Kind.H2);
    }

    // input 15, variant
    @Test
    void postgresRollbackToASavepointSentAsSqlKeepsTheRolledBackInsertOutOfTheNewStore() throws SQLException {
        savepointsAsSql(Kind.POSTGRES);
    }

    // input 15, variant
    @Test
    void mariadbRollbackToASavepointSentAsSqlKeepsTheRolledBackInsertOutOfTheNewStore() throws SQLException {
        savepointsAsSql(Kind.MARIADB);
    }

    private static void savepointsAsSql(Kind kind) throws SQLException {
        try (Fixture fixture = Fixture.of(kind, kind)) {
            fixture.onOld(ORDERS);
            fixture.onNew(ORDERS_V2);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1)");
                statement.execute("SAVEPOINT sp1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)");
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.execute("ROLLBACK TO SAVEPOINT sp1");
                connection.commit();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(expected("id", 1, "code", "a", "qty", 1));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // input 15, variant: the same through the JDBC savepoint API
    @Test
    void h2RollbackToAJdbcSavepointKeepsTheRolledBackInsertOutOfTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld(ORDERS);
            fixture.onNew(ORDERS_V2);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1)");
                Savepoint savepoint = connection.setSavepoint("sp1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)");
                connection.rollback(savepoint);
                connection.commit();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(expected("id", 1, "code", "a", "qty", 1));
            assertThat(fixture.records()).isEmpty();
        }
    }

    /** A driver that commits an open transaction when the connection is closed. */
    private static DataSource commitsOnClose(DataSource pool) {
        return Intercepting.dataSource(pool, new Intercepting.Hooks() {
            @Override
            public void beforeClose(Connection real) throws SQLException {
                if (!real.getAutoCommit()) {
                    real.commit();
                } else {
                    try (Statement commit = real.createStatement()) {
                        commit.execute("COMMIT"); // ends a transaction opened with BEGIN
                    }
                }
            }
        });
    }

    // input 16
    @Test
    void h2ConnectionClosedWithoutCommitOnADriverThatCommitsOnCloseLeavesBothStoresWithoutTheRow() throws SQLException {
        closedWithoutCommit(Kind.H2, false);
    }

    // input 16, variant
    @Test
    void postgresConnectionClosedWithoutCommitOnADriverThatCommitsOnCloseLeavesBothStoresWithoutTheRow() throws SQLException {
        closedWithoutCommit(Kind.POSTGRES, false);
    }

    // input 16, variant: the transaction was opened with BEGIN sent as SQL in auto-commit
    @Test
    void postgresSqlTransactionClosedWithoutCommitOnADriverThatCommitsOnCloseLeavesBothStoresWithoutTheRow() throws SQLException {
        closedWithoutCommit(Kind.POSTGRES, true);
    }

    private static void closedWithoutCommit(Kind kind, boolean sqlBegin) throws SQLException {
        try (Fixture fixture = Fixture.builder(kind, kind).wrapOld(TransactionEdgesTest::commitsOnClose).build()) {
            seeded(fixture, ORDERS);
            fixture.onOld("CREATE TABLE probe (id INT)");
            // the wrapper really is such a driver: without the library, closing commits
            try (Connection raw = fixture.oldStore.getConnection(); Statement statement = raw.createStatement()) {
                raw.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO probe (id) VALUES (1)");
            }
            assertThat(fixture.oldDb.count("SELECT COUNT(*) FROM probe")).isEqualTo(1);

            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                if (sqlBegin) {
                    statement.execute("BEGIN");
                } else {
                    connection.setAutoCommit(false);
                }
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (7, 'g', 7)");
                statement.executeUpdate("UPDATE orders SET qty = 70 WHERE id = 1");
            } // closed without commit
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    expected("id", 1, "code", "a", "qty", 1), expected("id", 2, "code", "b", "qty", 2));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // input 23
    @Test
    void postgresBeginAndRollbackSentAsSqlInAutoCommitLeaveTheNewStoreUnchanged() throws SQLException {
        sqlTransaction(Kind.POSTGRES, "BEGIN", "ROLLBACK");
    }

    // input 23
    @Test
    void postgresBeginAndCommitSentAsSqlInAutoCommitMirrorEveryWrite() throws SQLException {
        sqlTransaction(Kind.POSTGRES, "BEGIN", "COMMIT");
    }

    // input 23
    @Test
    void mariadbBeginAndRollbackSentAsSqlInAutoCommitLeaveTheNewStoreUnchanged() throws SQLException {
        sqlTransaction(Kind.MARIADB, "BEGIN", "ROLLBACK");
    }

    // input 23
    @Test
    void mariadbBeginAndCommitSentAsSqlInAutoCommitMirrorEveryWrite() throws SQLException {
        sqlTransaction(Kind.MARIADB, "BEGIN", "COMMIT");
    }

    // input 23, variant: START TRANSACTION
    @Test
    void mariadbStartTransactionAndCommitSentAsSqlInAutoCommitMirrorEveryWrite() throws SQLException {
        sqlTransaction(Kind.MARIADB, "START TRANSACTION", "COMMIT");
    }

    private static void sqlTransaction(Kind kind, String begin, String end) throws SQLException {
        String table = kind == Kind.POSTGRES
                ? "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, code VARCHAR(20), qty INT)"
                : "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20), qty INT)";
        try (Fixture fixture = seeded(Fixture.of(kind, kind), table)) {
            if (kind == Kind.POSTGRES) {
                fixture.onOld("SELECT setval(pg_get_serial_sequence('orders', 'id'), 2)");
            }
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(begin);
                statement.executeUpdate("INSERT INTO orders (code, qty) VALUES ('x', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 9 WHERE code = 'a'");
                statement.executeUpdate("DELETE FROM orders WHERE id = 2");
                // nothing reaches the new store before the transaction ends
                assertThat(Rows.of(fixture.newDb, "SELECT id, quantity FROM orders_v2 ORDER BY id")).containsExactly(
                        expected("id", 1, "quantity", 1), expected("id", 2, "quantity", 2));
                statement.execute(end);
                assertThat(connection.getAutoCommit()).isTrue();
            }
            var rows = Rows.assertOrdersSame(fixture, "id, code, qty");
            if (end.equals("ROLLBACK")) {
                assertThat(rows).containsExactly(expected("id", 1, "code", "a", "qty", 1), expected("id", 2, "code", "b", "qty", 2));
            } else {
                assertThat(rows).containsExactly(expected("id", 1, "code", "a", "qty", 9), expected("id", 3, "code", "x", "qty", 5));
            }
            assertThat(fixture.records()).isEmpty();
        }
    }
}
