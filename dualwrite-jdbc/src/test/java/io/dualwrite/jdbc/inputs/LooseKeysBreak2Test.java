package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Inputs whose key value, as the statement writes it, is not the key of the row the database wrote: the new store
 * must end holding exactly the old store's rows under exactly their spellings, or the difference must be recorded;
 * and the caller's own statement must do what it does without the library. Compared with plain JDBC.
 */
class LooseKeysBreak2Test {

    private static final String MARIADB_ORDERS =
            "CREATE TABLE orders (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)";
    private static final String POSTGRES_OLD_ORDERS = "CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)";
    private static final String POSTGRES_ORDERS = "CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)";

    // PostgreSQL reads 'o''k' as o'k: the key the statement names is the literal's value, not its SQL spelling
    @Test
    void postgresDeleteByALiteralWithADoubledQuoteDeletesTheRowFromTheTarget() throws SQLException {
        try (Fixture fixture = postgres("o'k", "z")) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = 'o''k'")).isEqualTo(1);
            }
            assertThat(sameOrRecorded(fixture)).containsOnlyKeys("z");
        }
    }

    // an escape string: E'k\062' is 'k2'
    @Test
    void postgresDeleteByAnEscapeStringLiteralDeletesTheRowFromTheTarget() throws SQLException {
        try (Fixture fixture = postgres("k2", "z")) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = E'k\\062'")).isEqualTo(1);
            }
            assertThat(sameOrRecorded(fixture)).containsOnlyKeys("z");
        }
    }

    // a number literal in exponent form assigned to a text key: MariaDB stores '10', not '1e1'
    @Test
    void mariadbUpdateAssigningAnExponentLiteralToATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = mariadb("x", "z")) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET id = 1e1 WHERE id = 'x'")).isEqualTo(1);
            }
            assertThat(sameOrRecorded(fixture)).containsOnlyKeys("10", "z");
        }
    }

    // the same on insert into PostgreSQL: numeric 1e1 is stored in the varchar key as '10'
    @Test
    void postgresInsertOfAnExponentLiteralIntoATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = postgres("z")) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (1e1, 5)")).isEqualTo(1);
            }
            assertThat(sameOrRecorded(fixture)).containsOnlyKeys("10", "z");
        }
    }

    // an ODBC date escape into a text key: MariaDB stores '2020-01-02'
    @Test
    void mariadbInsertOfAnOdbcDateEscapeIntoATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = mariadb("z")) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, qty) VALUES ({d '2020-01-02'}, 5)")).isEqualTo(1);
            }
            assertThat(sameOrRecorded(fixture)).containsOnlyKeys("2020-01-02", "z");
        }
    }

    // streamBufferLimit(0) is allowed: a key bound as a reader then cannot be buffered, and a pre-select must
    // not read the reader the caller's own statement is about to send
    @Test
    void mariadbDeleteByAKeyBoundAsAnUnbufferedReaderStillDeletesTheCallersRow() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES)
                .customize(builder -> builder.streamBufferLimit(0)).build()) {
            seed(fixture, "c0", "z");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                delete.setCharacterStream(1, new StringReader("c0"));
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            assertThat(sameOrRecorded(fixture)).containsOnlyKeys("z");
        }
    }

    // PostgreSQL uuid input accepts the form without hyphens and in upper case
    @Test
    void postgresUuidKeyDeletedByItsUnhyphenatedUpperCaseTextLeavesTheTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id UUID PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1), ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id UUID PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1), ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 2)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = 'A0EEBC999C0B4EF8BB6D6BB9BD380A11'")).isEqualTo(1);
            }
            assertThat(sameOrRecorded(fixture)).containsOnlyKeys("b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        }
    }

    // a mapping naming its table with a schema: the catalog must be read for that table, not for a namesake in
    // the current schema whose key is an integer
    @Test
    void h2SchemaQualifiedTextKeyDeletedByANumberLeavesPostgres() throws SQLException {
        TableMapping other = TableMapping.builder("other.orders").newTable("orders_v2").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.POSTGRES).mappings(other).build()) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)", "CREATE SCHEMA other",
                    "CREATE TABLE other.orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO other.orders VALUES ('007', 1), ('8', 2)");
            fixture.onNew(POSTGRES_ORDERS, "INSERT INTO orders_v2 VALUES ('007', 1), ('8', 2)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM other.orders WHERE id = ?")) {
                delete.setLong(1, 7);
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            Map<String, String> old = rows(fixture.oldDb, "SELECT id, qty FROM other.orders");
            Map<String, String> now = rows(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2");
            if (!now.equals(old)) {
                assertThat(fixture.records()).as("stores differ (old %s, new %s) and nothing is recorded", old, now)
                        .isNotEmpty();
            }
            assertThat(old).containsOnlyKeys("8");
        }
    }

    private static Fixture mariadb(String... ids) {
        Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES);
        seed(fixture, ids);
        return fixture;
    }

    private static Fixture postgres(String... ids) {
        Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES);
        fixture.onOld(POSTGRES_OLD_ORDERS);
        fixture.onNew(POSTGRES_ORDERS);
        insert(fixture, ids);
        return fixture;
    }

    private static void seed(Fixture fixture, String... ids) {
        fixture.onOld(MARIADB_ORDERS);
        fixture.onNew(POSTGRES_ORDERS);
        insert(fixture, ids);
    }

    private static void insert(Fixture fixture, String... ids) {
        for (int i = 0; i < ids.length; i++) {
            String id = ids[i].replace("'", "''");
            fixture.onOld("INSERT INTO orders VALUES ('" + id + "', " + (i + 1) + ")");
            fixture.onNew("INSERT INTO orders_v2 VALUES ('" + id + "', " + (i + 1) + ")");
        }
    }

    /**
     * Asserts that both stores hold the same keys spelt exactly alike with the same quantities, or, when they
     * differ, that the difference is recorded in the change log; returns the old store's rows.
     */
    static Map<String, String> sameOrRecorded(Fixture fixture) {
        Map<String, String> old = rows(fixture.oldDb, "SELECT id, qty FROM orders");
        Map<String, String> now = rows(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2");
        if (!now.equals(old)) {
            assertThat(fixture.records()).as("stores differ (old %s, new %s) and nothing is recorded", old, now)
                    .isNotEmpty();
        }
        return old;
    }

    static Map<String, String> rows(TestDatabase db, String sql) {
        Map<String, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            String id = String.valueOf(row.get("id")).stripTrailing();
            assertThat(rows.put(id, String.valueOf(row.get("qty")))).as("key %s twice in %s", id, db).isNull();
        }
        return rows;
    }
}
