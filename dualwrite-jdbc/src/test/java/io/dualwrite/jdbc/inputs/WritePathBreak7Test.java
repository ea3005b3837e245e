package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seventh review of the write path: DDL that removes or replaces a mapped table's rows, statements the new store
 * cannot take by key while it is authoritative, and DDL that commits a transaction implicitly.
 */
class WritePathBreak7Test {

    /** Rows the old store's replacement table holds, which the library never saw written. */
    private static final String NEXT = "CREATE TABLE orders_next (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";

    // DDL that empties or replaces orders: each records a whole-table scoped resync, then the scope repairs the new store
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "H2       | DROP TABLE orders",
        "H2       | DROP TABLE IF EXISTS orders_next, orders",
        "POSTGRES | DROP TABLE orders CASCADE",
        "MARIADB  | DROP TABLE `orders`",
        "H2       | TRUNCATE TABLE orders RESTART IDENTITY",
        "POSTGRES | TRUNCATE ONLY orders RESTART IDENTITY",
        "MARIADB  | TRUNCATE orders"})
    void ddlThatEmptiesOrDropsAMappedTableRecordsAScopedResync(Kind kind, String ddl) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG);
             LogCapture log = LogCapture.of("io.dualwrite")) {
            fixture.onOld(NEXT);
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute(ddl);
                statement.execute("CREATE TABLE IF NOT EXISTS orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (7, 'g', 7)");
            }
            assertWholeTableResync(fixture, log);
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    Rows.expected("id", 7, "code", "g", "qty", 7));
        }
    }

    // the same DDL as an entry of a Statement batch, or among transaction control in one text
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "H2       | batch | DROP TABLE orders",
        "POSTGRES | batch | DROP TABLE orders",
        "MARIADB  | batch | DROP TABLE orders",
        "POSTGRES | text  | BEGIN; DROP TABLE orders; COMMIT",
        "POSTGRES | text  | BEGIN; ALTER TABLE orders RENAME TO orders_old; COMMIT"})
    void ddlInABatchOrBesideTransactionControlRecordsAScopedResync(Kind kind, String how, String ddl) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG);
             LogCapture log = LogCapture.of("io.dualwrite")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                if (how.equals("batch")) {
                    statement.addBatch(ddl);
                    statement.addBatch("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)");
                    statement.executeBatch();
                } else {
                    statement.execute(ddl);
                    statement.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)");
                }
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (7, 'g', 7)");
            }
            assertWholeTableResync(fixture, log);
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    Rows.expected("id", 7, "code", "g", "qty", 7));
        }
    }

    // another table renamed onto the mapped name (the swap of an online schema change): its rows replace orders'
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | RENAME TABLE orders TO orders_old, orders_next TO orders",
        "MARIADB  | ALTER TABLE orders_next RENAME TO orders",
        "POSTGRES | ALTER TABLE orders_next RENAME TO orders",
        "POSTGRES | ALTER TABLE IF EXISTS orders_next RENAME TO \"orders\"",
        "H2       | ALTER TABLE orders_next RENAME TO orders"})
    void anotherTableRenamedOntoAMappedNameRecordsAScopedResync(Kind kind, String rename) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG);
             LogCapture log = LogCapture.of("io.dualwrite")) {
            fixture.onOld(NEXT, "INSERT INTO orders_next (id, code, qty) VALUES (1, 'a', 10), (5, 'e', 5)");
            if (!rename.startsWith("RENAME")) {
                fixture.onOld("ALTER TABLE orders RENAME TO orders_old"); // done earlier, outside the application
            }
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute(rename);
            }
            assertWholeTableResync(fixture, log);
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    Rows.expected("id", 1, "code", "a", "qty", 10), Rows.expected("id", 5, "code", "e", "qty", 5));
        }
    }

    // NEW_PRIMARY: statements that cannot be rewritten by key for orders_v2 are refused, and nothing is written
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | TRUNCATE orders | TRUNCATE",
        "POSTGRES | TRUNCATE TABLE orders RESTART IDENTITY | TRUNCATE TABLE",
        "POSTGRES | MERGE INTO orders o USING (SELECT 1 AS id) s ON o.id = s.id WHEN MATCHED THEN UPDATE SET qty = 0 | MERGE INTO",
        "POSTGRES | DROP TABLE orders | DROP TABLE",
        "POSTGRES | ALTER TABLE orders RENAME TO orders_gone | ALTER TABLE",
        "POSTGRES | WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING id) SELECT count(*) FROM d | data-modifying WITH",
        "POSTGRES | UPDATE orders SET qty = 7 WHERE id = 1; TRUNCATE orders | TRUNCATE",
        "POSTGRES | /* nightly */ UPDATE orders SET qty = 7 WHERE id = 1; DROP TABLE orders | DROP TABLE",
        "H2       | TRUNCATE TABLE orders | TRUNCATE TABLE",
        "H2       | MERGE INTO orders KEY (id) VALUES (1, 'a', 0) | MERGE INTO",
        "MARIADB  | RENAME TABLE orders TO orders_gone | RENAME TABLE",
        "MARIADB  | TRUNCATE orders | TRUNCATE"})
    void newPrimaryRefusesStatementsItCannotRewriteForTheNewTable(Kind kind, String sql, String named) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, kind).phase(MigrationPhase.NEW_PRIMARY).build(),
                Mirrored.PG)) {
            // a stale table under the old name on the new store: the statement must not reach it either
            fixture.onNew(Mirrored.PG, "INSERT INTO orders (id, code, qty) VALUES (1, 'stale', 1)");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.execute(sql)).isInstanceOf(SQLException.class)
                        .hasMessageContaining(named).hasMessageContaining("orders_v2")
                        .hasMessageContaining("mapped table orders").hasMessageContaining("Run it on the new store's");
            }
            try (Connection connection = fixture.dataSource.getConnection()) {
                assertThatThrownBy(() -> connection.prepareStatement(sql).execute()).isInstanceOf(SQLException.class)
                        .hasMessageContaining("orders_v2");
            }
            assertThat(Rows.of(fixture.newDb, "SELECT id, code, qty FROM orders")).containsExactly(
                    Rows.expected("id", 1, "code", "stale", "qty", 1));
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(3);
        }
    }

    // NEW_PRIMARY: several rewritable statements in one string each run on orders_v2, never on a same-named table
    @ParameterizedTest
    @ValueSource(strings = {"POSTGRES", "H2"})
    void newPrimaryRewritesEachStatementOfAMultiStatementString(Kind kind) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, kind).phase(MigrationPhase.NEW_PRIMARY).build(),
                Mirrored.PG)) {
            fixture.onNew(Mirrored.PG, "INSERT INTO orders (id, code, qty) VALUES (1, 'stale', 1)");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("UPDATE orders SET qty = 7 WHERE id = 1; DELETE FROM orders WHERE id = 2");
            }
            assertThat(Rows.of(fixture.newDb, "SELECT id, code, qty FROM orders")).containsExactly(
                    Rows.expected("id", 1, "code", "stale", "qty", 1));
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    Rows.expected("id", 1, "code", "a", "qty", 7), Rows.expected("id", 3, "code", "c", "qty", 3));
        }
    }

    // DDL on a mapped table commits the open transaction on MariaDB and H2: the keys before it are synced although
    // the application rolls back afterwards, and the DDL's own resync is kept
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MARIADB | TRUNCATE TABLE orders",
        "MARIADB | ALTER TABLE orders COMMENT = 'moved'",
        "MARIADB | DROP TABLE IF EXISTS orders_next, orders",
        "H2      | TRUNCATE TABLE orders",
        "H2      | ALTER TABLE orders ADD CONSTRAINT qty_positive CHECK (qty >= 0)"})
    void ddlOnAMappedTableInATransactionHandsOverTheKeysItCommitted(Kind kind, String ddl) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 3");
                statement.execute(ddl);
                statement.execute("CREATE TABLE IF NOT EXISTS orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)");
                connection.rollback();
            }
            if (ddl.startsWith("ALTER")) {
                // the update before the DDL was committed by it: synced by its key, before any resync is resolved
                assertThat(Rows.of(fixture.newDb, "SELECT quantity FROM orders_v2 WHERE id = 3"))
                        .containsExactly(Rows.expected("quantity", 9));
            }
            assertThat(fixture.scopedResyncs()).isNotEmpty().extracting(ChangeRecord::table).containsOnly("orders");
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            if (!fixture.records().isEmpty()) { // a key synced while its table was dropped failed and was recorded
                fixture.reconciler().runOnce();
            }
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // PostgreSQL's UPDATE ONLY / DELETE FROM ONLY (no inheriting children): synced by key, not a whole-table resync
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "DUAL_WRITE  | UPDATE ONLY orders SET qty = 5 WHERE id = 1",
        "DUAL_WRITE  | update only orders SET qty = qty + 5 WHERE code = 'a'",
        "DUAL_WRITE  | DELETE FROM ONLY orders WHERE qty < 2",
        "NEW_PRIMARY | UPDATE ONLY orders SET qty = 5 WHERE id = 1",
        "NEW_PRIMARY | DELETE FROM ONLY orders WHERE code = 'a'"})
    void postgresUpdateAndDeleteOnlyAreSyncedByKey(MigrationPhase phase, String sql) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).phase(phase).build(),
                Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate(sql)).isEqualTo(1);
            }
            try (Connection connection = fixture.dataSource.getConnection();
                 java.sql.PreparedStatement statement = connection.prepareStatement(
                         sql.replace("id = 1", "id = ?").replace("'a'", "?").replace("< 2", "< ?"))) {
                if (sql.contains("'a'")) {
                    statement.setString(1, "a");
                } else {
                    statement.setInt(1, sql.contains("< 2") ? 2 : 1);
                }
                statement.executeUpdate();
            }
            assertThat(fixture.records()).isEmpty();
            List<java.util.Map<String, String>> rows = Rows.assertOrdersSame(fixture, "id, code, qty");
            assertThat(rows).hasSize(sql.contains("DELETE") ? 2 : 3);
        }
    }

    // MariaDB's upsert idiom id = LAST_INSERT_ID(id) keeps the row's key: synced by key, not a whole-table resync
    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO orders (code, qty) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), qty = VALUES(qty)",
        "INSERT INTO orders (code, qty) VALUES (?, ?) ON DUPLICATE KEY UPDATE qty = qty + VALUES(qty), id = last_insert_id(`id`)",
        "INSERT INTO orders (code, qty) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = id, qty = VALUES(qty)"})
    void mariadbUpsertWithLastInsertIdOfItsOwnKeyIsSyncedByKey(String sql) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB),
                "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 java.sql.PreparedStatement upsert = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                upsert.setString(1, "a");
                upsert.setInt(2, 9);
                upsert.executeUpdate();
                try (java.sql.ResultSet keys = upsert.getGeneratedKeys()) {
                    if (sql.contains("LAST_INSERT_ID") || sql.contains("last_insert_id")) {
                        assertThat(keys.next()).isTrue();
                        assertThat(keys.getLong(1)).isEqualTo(1); // the caller sees the row it met, as without the library
                    }
                }
                upsert.setString(1, "z");
                upsert.setInt(2, 4);
                upsert.executeUpdate();
            }
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(4);
        }
    }

    /** One pending scoped resync of the whole orders table for the new store, and a WARN naming it. */
    private static void assertWholeTableResync(Fixture fixture, LogCapture log) {
        List<ChangeRecord> resyncs = fixture.scopedResyncs();
        assertThat(resyncs).extracting(ChangeRecord::table, ChangeRecord::key, ChangeRecord::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", ChangeRecord.WHOLE_TABLE, Store.NEW));
        assertThat(log.messages(Level.WARN)).anySatisfy(message ->
                assertThat(message).contains("orders").contains("scoped resync"));
    }
}
