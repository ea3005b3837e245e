package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Writes whose keys cannot be known exactly (multi-table statements, TRUNCATE) record a scoped resync of the
 * table, with a WARN; never silence. Once the scope is verified and copied the stores are equal (inputs 4 and 24).
 */
class ScopedResyncTest {

    private static final String ORDERS = "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT, code VARCHAR(20), qty INT)";
    private static final String ORDERS_V2 = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, customer_id BIGINT, code VARCHAR(20), quantity INT)";
    private static final String[] OLD_ROWS = {
        "INSERT INTO orders (id, customer_id, code, qty) VALUES (1, 1, 'a', 1)",
        "INSERT INTO orders (id, customer_id, code, qty) VALUES (2, 2, 'b', 2)",
        "INSERT INTO orders (id, customer_id, code, qty) VALUES (3, 1, 'c', 3)"};
    private static final String[] NEW_ROWS = {
        "INSERT INTO orders_v2 (id, customer_id, code, quantity) VALUES (1, 1, 'a', 1)",
        "INSERT INTO orders_v2 (id, customer_id, code, quantity) VALUES (2, 2, 'b', 2)",
        "INSERT INTO orders_v2 (id, customer_id, code, quantity) VALUES (3, 1, 'c', 3)"};

    private static Fixture seeded(Kind kind, String customers) {
        Fixture fixture = Fixture.of(kind, kind);
        fixture.onOld(ORDERS, customers, "INSERT INTO customers (id, blocked) VALUES (1, 1), (2, 0)");
        fixture.onOld(OLD_ROWS);
        fixture.onNew(ORDERS_V2);
        fixture.onNew(NEW_ROWS);
        return fixture;
    }

    // input 4
    @Test
    void mariadbUpdateJoinOnAnUnmappedTableRecordsAScopedResyncOfOrders() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB, "CREATE TABLE customers (id BIGINT PRIMARY KEY, blocked TINYINT)");
             LogCapture log = LogCapture.of("io.dualwrite")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.qty = ? WHERE c.blocked = 1")) {
                update.setInt(1, 0);
                assertThat(update.executeUpdate()).isEqualTo(2);
            }
            assertWholeTableResync(fixture, log);
            assertRepairedScope(fixture);
        }
    }

    // input 4, variant: PostgreSQL UPDATE … FROM
    @Test
    void postgresUpdateFromAnUnmappedTableRecordsAScopedResyncOfOrders() throws SQLException {
        try (Fixture fixture = seeded(Kind.POSTGRES, "CREATE TABLE customers (id BIGINT PRIMARY KEY, blocked INT)");
             LogCapture log = LogCapture.of("io.dualwrite")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE orders o SET qty = ? FROM customers c WHERE c.id = o.customer_id AND c.blocked = 1")) {
                update.setInt(1, 0);
                assertThat(update.executeUpdate()).isEqualTo(2);
            }
            assertWholeTableResync(fixture, log);
            assertRepairedScope(fixture);
        }
    }

    // input 4, variant: MariaDB multi-table DELETE
    @Test
    void mariadbDeleteJoinOnAnUnmappedTableRecordsAScopedResyncOfOrders() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB, "CREATE TABLE customers (id BIGINT PRIMARY KEY, blocked TINYINT)");
             LogCapture log = LogCapture.of("io.dualwrite")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement delete = connection.createStatement()) {
                assertThat(delete.executeUpdate(
                        "DELETE o FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.blocked = 1")).isEqualTo(2);
            }
            assertWholeTableResync(fixture, log);
            assertRepairedScope(fixture);
        }
    }

    // input 24
    @Test
    void postgresTruncateRecordsAScopedResyncOfTheWholeTableAndWarns() throws SQLException {
        truncate(Kind.POSTGRES, "TRUNCATE TABLE orders");
    }

    // input 24, variant
    @Test
    void mariadbTruncateRecordsAScopedResyncOfTheWholeTableAndWarns() throws SQLException {
        truncate(Kind.MARIADB, "TRUNCATE TABLE orders");
    }

    // input 24, variant: H2, without the TABLE word
    @Test
    void h2TruncateRecordsAScopedResyncOfTheWholeTableAndWarns() throws SQLException {
        truncate(Kind.H2, "TRUNCATE TABLE orders");
    }

    // input 24, variant: PostgreSQL's TRUNCATE without TABLE, in a transaction
    @Test
    void postgresTruncateInATransactionRecordsAScopedResyncAtCommit() throws SQLException {
        try (Fixture fixture = seeded(Kind.POSTGRES, "CREATE TABLE customers (id BIGINT PRIMARY KEY, blocked INT)");
             LogCapture log = LogCapture.of("io.dualwrite")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.execute("TRUNCATE orders");
                statement.executeUpdate("INSERT INTO orders (id, customer_id, code, qty) VALUES (9, 1, 'z', 9)");
                connection.commit();
            }
            assertWholeTableResync(fixture, log);
            assertRepairedScope(fixture);
            assertThat(Rows.of(fixture.newDb, "SELECT id FROM orders_v2")).extracting(row -> row.get("id")).containsExactly("9");
        }
    }

    private static void truncate(Kind kind, String sql) throws SQLException {
        try (Fixture fixture = seeded(kind, "CREATE TABLE customers (id BIGINT PRIMARY KEY, blocked INT)");
             LogCapture log = LogCapture.of("io.dualwrite")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            assertWholeTableResync(fixture, log);
            assertRepairedScope(fixture);
            assertThat(Rows.of(fixture.newDb, "SELECT id FROM orders_v2")).isEmpty();
        }
    }

    /** One pending scoped resync of the whole orders table for the new store, and a WARN naming it. */
    private static void assertWholeTableResync(Fixture fixture, LogCapture log) {
        List<ChangeRecord> resyncs = fixture.scopedResyncs();
        assertThat(resyncs).hasSize(1);
        ChangeRecord resync = resyncs.get(0);
        assertThat(resync.table()).isEqualTo("orders");
        assertThat(resync.key()).isEqualTo(ChangeRecord.WHOLE_TABLE);
        assertThat(resync.operation()).isEqualTo(Operation.RESYNC);
        assertThat(resync.target()).isEqualTo(Store.NEW);
        assertThat(log.messages(Level.WARN)).anySatisfy(message ->
                assertThat(message).contains("orders").contains("scoped resync"));
        // the reconciler never claims a scoped resync: it stays for the verification tools
        assertThat(fixture.reconciler().runOnce().claimed()).isZero();
        assertThat(fixture.scopedResyncs()).hasSize(1);
    }

    /** The verification tools resolve the scope (old wins); then the stores are equal row by row. */
    private static void assertRepairedScope(Fixture fixture) throws SQLException {
        fixture.resolveScopedResyncs(Fixture.ORDERS);
        Rows.assertOrdersSame(fixture, "id, customer_id, code, qty");
        assertThat(fixture.records()).isEmpty();
    }
}
