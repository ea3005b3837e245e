package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keys the old store keeps in another form than the statement wrote, with nothing in the statement to say so:
 * MariaDB outside strict mode cuts or clamps a value and only warns; a MariaDB {@code TIMESTAMP} names an instant
 * by the session's time zone, which the caller may have changed. Each test ends comparing both stores row by row
 * with plain JDBC (after resolving what the write path recorded as a scoped resync, as the verification tools
 * would), and says whether a resync was needed at all.
 */
class StoredFormsTest {

    private static final String OLD_KEYS = "SELECT CAST(id AS CHAR) AS id, qty FROM orders";
    private static final String NEW_KEYS = "SELECT CAST(id AS CHAR) AS id, quantity AS qty FROM orders_v2";
    private static final String OLD_INSTANTS = "SELECT UNIX_TIMESTAMP(id) AS id, qty FROM orders";
    private static final String NEW_INSTANTS = "SELECT UNIX_TIMESTAMP(id) AS id, quantity AS qty FROM orders_v2";

    @Test
    void nonStrictTruncatedTextKeyInsertReachesTheNewStore() throws SQLException {
        try (Fixture fixture = nonStrict("id VARCHAR(3) PRIMARY KEY")) {
            runNonStrict(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "abcdef", 1);
            assertThat(LooseKeyStores.converged(fixture, OLD_KEYS, NEW_KEYS)).containsExactly(Map.entry("abc", "1"));
        }
    }

    @Test
    void nonStrictClampedIntegerKeyInsertReachesTheNewStore() throws SQLException {
        try (Fixture fixture = nonStrict("id TINYINT PRIMARY KEY")) {
            runNonStrict(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", 300, 1);
            assertThat(LooseKeyStores.converged(fixture, OLD_KEYS, NEW_KEYS)).containsExactly(Map.entry("127", "1"));
        }
    }

    @Test
    void nonStrictTruncatedKeyAssignedByAnUpdateMovesTheNewStoresRow() throws SQLException {
        try (Fixture fixture = nonStrict("id VARCHAR(3) PRIMARY KEY")) {
            fixture.onOld("INSERT INTO orders VALUES ('x', 1)");
            fixture.onNew("INSERT INTO orders_v2 VALUES ('x', 1)");
            runNonStrict(fixture, "UPDATE orders SET id = ? WHERE id = ?", "abcdef", "x");
            assertThat(LooseKeyStores.converged(fixture, OLD_KEYS, NEW_KEYS)).containsExactly(Map.entry("abc", "1"));
        }
    }

    @Test
    void nonStrictTruncatedKeyOfAnUpsertReachesTheNewStore() throws SQLException {
        try (Fixture fixture = nonStrict("id VARCHAR(3) PRIMARY KEY")) {
            fixture.onOld("INSERT INTO orders VALUES ('abc', 1)");
            fixture.onNew("INSERT INTO orders_v2 VALUES ('abc', 1)");
            runNonStrict(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?) ON DUPLICATE KEY UPDATE qty = VALUES(qty)",
                    "abcdef", 9);
            assertThat(LooseKeyStores.converged(fixture, OLD_KEYS, NEW_KEYS)).containsExactly(Map.entry("abc", "9"));
        }
    }

    @Test
    void nonStrictTruncatedKeyInABatchReachesTheNewStore() throws SQLException {
        try (Fixture fixture = nonStrict("id VARCHAR(3) PRIMARY KEY")) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                LooseKeyStores.session(connection, "SET SESSION sql_mode = ''");
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                    for (Object[] row : new Object[][] {{"ok", 1}, {"xyzzy", 2}}) {
                        insert.setObject(1, row[0]);
                        insert.setObject(2, row[1]);
                        insert.addBatch();
                    }
                    assertThat(insert.executeBatch()).containsExactly(1, 1);
                }
                LooseKeyStores.session(connection, "SET SESSION sql_mode = DEFAULT");
            }
            assertThat(LooseKeyStores.converged(fixture, OLD_KEYS, NEW_KEYS)).containsOnly(Map.entry("ok", "1"), Map.entry("xyz", "2"));
        }
    }

    @Test
    void nonStrictWarningOnAnotherColumnKeepsTheKeyAndRecordsNothing() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(10) PRIMARY KEY, qty TINYINT)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(10) PRIMARY KEY, quantity INT)");
            runNonStrict(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "k1", 300);
            assertThat(fixture.records()).as("the key was read back, nothing needs a resync").isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, NEW_KEYS)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, OLD_KEYS))
                    .containsExactly(Map.entry("k1", "127"));
        }
    }

    @Test
    void timestampKeyInsertedAsTextInAnotherSessionZoneReachesTheNewStore() throws SQLException {
        try (Fixture fixture = timestamps()) {
            runZoned(fixture, "INSERT INTO orders (id, qty) VALUES ('2024-01-01 10:00:00', 1)");
            assertThat(exact(fixture)).hasSize(1).containsValue("1");
        }
    }

    @Test
    void timestampKeyBoundInAnotherSessionZoneReachesTheNewStore() throws SQLException {
        try (Fixture fixture = timestamps()) {
            runZoned(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", Timestamp.valueOf("2024-06-01 23:30:00"), 2);
            assertThat(exact(fixture)).hasSize(1).containsValue("2");
        }
    }

    @Test
    void timestampKeyUpdatedAndDeletedInAnotherSessionZoneReachTheNewStore() throws SQLException {
        try (Fixture fixture = timestamps()) {
            // the rows are written in the server's zone; the caller then names them by its own zone's clock
            fixture.onOld("INSERT INTO orders VALUES (CONVERT_TZ('2024-01-01 10:00:00', '+05:00', @@global.time_zone), 1),"
                    + " (CONVERT_TZ('2024-01-01 11:00:00', '+05:00', @@global.time_zone), 2)");
            fixture.onNew("INSERT INTO orders_v2 VALUES (CONVERT_TZ('2024-01-01 10:00:00', '+05:00', @@global.time_zone), 1),"
                    + " (CONVERT_TZ('2024-01-01 11:00:00', '+05:00', @@global.time_zone), 2)");
            runZoned(fixture, "UPDATE orders SET qty = 7 WHERE id = '2024-01-01 10:00:00'");
            runZoned(fixture, "DELETE FROM orders WHERE id = ?", "2024-01-01 11:00:00");
            Map<String, String> rows = exact(fixture);
            assertThat(rows).hasSize(1).containsValue("7");
        }
    }

    @Test
    void compositeKeyWithATimestampWrittenInAnotherSessionZoneReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .mappings(TableMapping.builder("orders").newTable("orders_v2").primaryKey("shop", "at")
                        .rename("qty", "quantity").build())
                .build()) {
            fixture.onOld("CREATE TABLE orders (shop VARCHAR(10), at TIMESTAMP NOT NULL, qty INT, PRIMARY KEY (shop, at))");
            fixture.onNew("CREATE TABLE orders_v2 (shop VARCHAR(10), at TIMESTAMP NOT NULL, quantity INT, PRIMARY KEY (shop, at))");
            runZoned(fixture, "INSERT INTO orders (shop, at, qty) VALUES ('s1', '2024-03-01 08:15:00', 3)");
            runZoned(fixture, "UPDATE orders SET qty = 4 WHERE shop = 's1' AND at = '2024-03-01 08:15:00'");
            assertThat(fixture.records()).isEmpty();
            String old = "SELECT CONCAT(shop, '@', UNIX_TIMESTAMP(at)) AS id, qty FROM orders";
            String now = "SELECT CONCAT(shop, '@', UNIX_TIMESTAMP(at)) AS id, quantity AS qty FROM orders_v2";
            assertThat(LooseKeyStores.rows(fixture.newDb, now)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, old))
                    .hasSize(1).containsValue("4");
        }
    }

    @Test
    void datetimeKeyUpdatedByAShorterTextIsSyncedUnderItsStoredKey() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id DATETIME PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES ('2024-01-01 10:00:00', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id DATETIME PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('2024-01-01 10:00:00', 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "2024-01-01 10:00")).isEqualTo(1);
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, NEW_KEYS)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, OLD_KEYS))
                    .containsExactly(Map.entry("2024-01-01 10:00:00", "5"));
        }
    }

    @Test
    void mariadbFloatColumnIsCopiedWithAllItsDigits() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT, rate FLOAT)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT, rate REAL)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty, rate) VALUES (?, ?, ?)", 1, 1, 16777216f))
                    .isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty, rate) VALUES (?, ?, ?)", 2, 2, 0.1234567f))
                    .isEqualTo(1);
            // each store's float as the double it is (MariaDB's text of a FLOAT has six digits)
            assertThat(LooseKeyStores.rows(fixture.newDb, "SELECT id, CAST(rate AS DOUBLE PRECISION) AS qty FROM orders_v2"))
                    .isEqualTo(LooseKeyStores.rows(fixture.oldDb, "SELECT id, CAST(rate AS DOUBLE) AS qty FROM orders"))
                    .containsEntry("1", "1.6777216E7");
        }
    }

    /** MariaDB into MariaDB, {@code orders(<key>, qty INT)} and {@code orders_v2(<key>, quantity INT)}. */
    private static Fixture nonStrict(String key) {
        Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB);
        fixture.onOld("CREATE TABLE orders (" + key + ", qty INT)");
        fixture.onNew("CREATE TABLE orders_v2 (" + key.replace("VARCHAR(3)", "VARCHAR(20)").replace("TINYINT", "INT")
                + ", quantity INT)");
        return fixture;
    }

    private static Fixture timestamps() {
        Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB);
        fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT)");
        fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP NOT NULL PRIMARY KEY, quantity INT)");
        return fixture;
    }

    /** Runs {@code sql} through the data source in a session outside strict mode (restored after). */
    private static void runNonStrict(Fixture fixture, String sql, Object... parameters) throws SQLException {
        LooseKeyStores.executeIn(fixture, List.of("SET SESSION sql_mode = ''"), List.of("SET SESSION sql_mode = DEFAULT"), sql,
                parameters);
    }

    /** Runs {@code sql} through the data source in a session at {@code +05:00} (restored after). */
    private static void runZoned(Fixture fixture, String sql, Object... parameters) throws SQLException {
        LooseKeyStores.executeIn(fixture, List.of("SET time_zone = '+05:00'"), List.of("SET time_zone = DEFAULT"), sql,
                parameters);
    }

    /** Both stores' rows by instant, equal without any resync. */
    private static Map<String, String> exact(Fixture fixture) {
        assertThat(fixture.records()).as("keys read back in the caller's zone need no resync").isEmpty();
        Map<String, String> old = LooseKeyStores.rows(fixture.oldDb, OLD_INSTANTS);
        assertThat(LooseKeyStores.rows(fixture.newDb, NEW_INSTANTS)).as("new store rows by instant").isEqualTo(old);
        return old;
    }
}
