package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values the new store must hold exactly as the old one does: a value a database function generated during the
 * write (inputs 6), text with backslashes as the old dialect read them (input 7), a {@code TINYINT(1)} holding 5
 * (input 9).
 */
class ExactValuesTest {

    // input 6
    @Test
    void postgresUuidv7GeneratedByTheInsertReachesTheNewStoreUnchanged() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, token UUID)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, token UUID)");
            insertGeneratedToken(fixture, "INSERT INTO orders (id, token) VALUES (?, uuidv7())");
            assertSameToken(fixture, "SELECT id, qty, token FROM orders ORDER BY id",
                    "SELECT id, quantity AS qty, token FROM orders_v2 ORDER BY id");
        }
    }

    // input 6, variant: uuidv7() on PostgreSQL, mirrored into a MariaDB UUID column
    @Test
    void postgresUuidv7ReachesAMariadbUuidColumnUnchanged() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, token UUID)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, token UUID)");
            insertGeneratedToken(fixture, "INSERT INTO orders (id, token) VALUES (?, uuidv7())");
            assertSameToken(fixture, "SELECT id, qty, token FROM orders ORDER BY id",
                    "SELECT id, quantity AS qty, token FROM orders_v2 ORDER BY id");
        }
    }

    // input 6, variant: H2 RANDOM_UUID() and a generated timestamp
    @Test
    void h2RandomUuidAndCurrentTimestampReachTheNewStoreUnchanged() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, token UUID, created TIMESTAMP(6))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, token UUID, created TIMESTAMP(6))");
            insertGeneratedToken(fixture, "INSERT INTO orders (id, token, created) VALUES (?, RANDOM_UUID(), LOCALTIMESTAMP(6))");
            assertSameToken(fixture, "SELECT id, qty, token, created FROM orders ORDER BY id",
                    "SELECT id, quantity AS qty, token, created FROM orders_v2 ORDER BY id");
        }
    }

    private static void insertGeneratedToken(Fixture fixture, String sql) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setLong(1, 1);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    private static void assertSameToken(Fixture fixture, String oldSql, String newSql) {
        List<Map<String, String>> rows = Rows.assertSame(fixture.oldDb, oldSql, fixture.newDb, newSql);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("token")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(fixture.records()).isEmpty();
    }

    // input 7
    @Test
    void mariadbBackslashLiteralReachesPostgresAsMariadbStoredIt() throws SQLException {
        // the SQL text holds C:\\temp\\new, which MariaDB reads as C:\temp\new
        backslashes(Kind.MARIADB, Kind.POSTGRES, "INSERT INTO orders (id, note) VALUES (1, 'C:\\\\temp\\\\new')", "C:\\temp\\new");
    }

    // input 7, variant: a quote escaped with a backslash, which only MariaDB reads that way
    @Test
    void mariadbBackslashEscapedQuoteReachesPostgresAsMariadbStoredIt() throws SQLException {
        backslashes(Kind.MARIADB, Kind.POSTGRES, "INSERT INTO orders (id, note) VALUES (1, 'O\\'Brien \\\\ co')", "O'Brien \\ co");
    }

    // input 7, variant: MariaDB to MariaDB
    @Test
    void mariadbBackslashLiteralReachesMariadbAsStored() throws SQLException {
        backslashes(Kind.MARIADB, Kind.MARIADB, "INSERT INTO orders (id, note) VALUES (1, 'C:\\\\temp\\\\new')", "C:\\temp\\new");
    }

    // input 7, variant: PostgreSQL (standard strings: a backslash is just a character) to MariaDB (where it escapes)
    @Test
    void postgresStandardStringWithBackslashesReachesMariadbAsPostgresStoredIt() throws SQLException {
        backslashes(Kind.POSTGRES, Kind.MARIADB, "INSERT INTO orders (id, note) VALUES (1, 'C:\\temp\\new')", "C:\\temp\\new");
    }

    private static void backslashes(Kind oldKind, Kind newKind, String insert, String stored) throws SQLException {
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, note VARCHAR(50))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, note VARCHAR(50))");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate(insert)).isEqualTo(1);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT note FROM orders")).containsExactly(expected("note", stored));
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, note")).containsExactly(expected("id", 1, "qty", null, "note", stored));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // input 9
    @Test
    void reconcilerCopiesMariadbTinyint1HoldingFiveIntoPostgresSmallint() throws SQLException {
        tinyint(Kind.POSTGRES, "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, priority SMALLINT)",
                "SELECT id, quantity AS qty, priority FROM orders_v2 ORDER BY id");
    }

    // input 9, variant
    @Test
    void reconcilerCopiesMariadbTinyint1HoldingFiveIntoMariadbTinyint1() throws SQLException {
        tinyint(Kind.MARIADB, "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, priority TINYINT(1))",
                "SELECT id, quantity AS qty, CAST(priority AS SIGNED) AS priority FROM orders_v2 ORDER BY id");
    }

    // input 9, variant: TINYINT(1) extremes, an unsigned BIGINT past Long.MAX_VALUE and a DECIMAL scale, MariaDB to PostgreSQL
    @Test
    void reconcilerCopiesMariadbIntegerExtremesAndDecimalScaleIntoPostgresExactly() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, priority TINYINT(1), big BIGINT UNSIGNED,"
                    + " amount DECIMAL(12,4))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, priority SMALLINT, big NUMERIC(20),"
                    + " amount NUMERIC(12,4))");
            fixture.newStoreDown();
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (id, qty, priority, big, amount) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)")) {
                Object[] values = {1L, 1, -1, new java.math.BigDecimal("18446744073709551615"), new java.math.BigDecimal("1.5000"),
                    2L, 2, 127, new java.math.BigDecimal("9223372036854775808"), new java.math.BigDecimal("0.0001")};
                for (int i = 0; i < values.length; i++) {
                    insert.setObject(i + 1, values[i]);
                }
                insert.executeUpdate();
            }
            assertThat(fixture.recordKeys()).containsExactlyInAnyOrder("orders/1/INSERT", "orders/2/INSERT");
            fixture.newStoreBack();
            assertThat(fixture.reconciler().runOnce().repaired()).isEqualTo(2);
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, qty, CAST(priority AS SIGNED) AS priority, big,"
                    + " CAST(amount AS CHAR) AS amount FROM orders ORDER BY id", fixture.newDb,
                    "SELECT id, quantity AS qty, priority, big, CAST(amount AS VARCHAR) AS amount FROM orders_v2 ORDER BY id"))
                    .containsExactly(expected("id", 1, "qty", 1, "priority", -1, "big", new java.math.BigDecimal("18446744073709551615"),
                            "amount", "1.5000"), expected("id", 2, "qty", 2, "priority", 127,
                            "big", new java.math.BigDecimal("9223372036854775808"), "amount", "0.0001"));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // input 9, variant: an integer literal beyond the range of long in the statement (not in the key) must not
    // stop the library from knowing the key the statement names
    @Test
    void mariadbInsertWithAnUnsignedLiteralBeyondLongIsMirroredByItsKey() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, big BIGINT UNSIGNED)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, big NUMERIC(20))");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, qty, big) VALUES (1, 1, 18446744073709551615)");
            }
            assertThat(fixture.records()).as("no scoped resync: the key is the literal 1").isEmpty();
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, big"))
                    .containsExactly(expected("id", 1, "qty", 1, "big", new java.math.BigDecimal("18446744073709551615")));
        }
    }

    /** Row 1 written while the new store is down (recorded), row 2 mirrored live; the reconciler repairs row 1. */
    private static void tinyint(Kind newKind, String newTable, String newSql) throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, newKind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, priority TINYINT(1))");
            fixture.onNew(newTable);
            fixture.newStoreDown();
            insertPriority(fixture, 1);
            assertThat(fixture.recordKeys()).containsExactly("orders/1/INSERT");
            fixture.newStoreBack();
            insertPriority(fixture, 2); // input 9, variant: the live mirror
            Reconciler.Result result = fixture.reconciler().runOnce();
            assertThat(result.repaired()).isEqualTo(1);
            List<Map<String, String>> rows = Rows.assertSame(fixture.oldDb,
                    "SELECT id, qty, CAST(priority AS SIGNED) AS priority FROM orders ORDER BY id", fixture.newDb, newSql);
            assertThat(rows).containsExactly(expected("id", 1, "qty", 1, "priority", 5), expected("id", 2, "qty", 1, "priority", 5));
            assertThat(fixture.records()).isEmpty();
        }
    }

    private static void insertPriority(Fixture fixture, long id) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty, priority) VALUES (?, 1, 5)")) {
            insert.setLong(1, id);
            insert.executeUpdate();
        }
    }
}
