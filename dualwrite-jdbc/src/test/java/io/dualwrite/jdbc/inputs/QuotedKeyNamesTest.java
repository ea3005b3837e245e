package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import io.dualwrite.MigrationPhase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Key columns and tables named with reserved words or in mixed case on PostgreSQL and H2: the SQL the library adds
 * to the application's statements (the key pre-select of an update or delete, the key select of an upsert) names
 * them as the catalog spells them, quoted, so the write's keys are known and no scoped resync is recorded.
 */
class QuotedKeyNamesTest {

    @Test
    void postgresKeyNamedUserIsFoundByThePreselectOfAnUpdateAndADelete() throws SQLException {
        keyedByReservedWord(Kind.POSTGRES, Kind.POSTGRES, "\"user\"", "user");
    }

    @Test
    void h2KeyNamedValueIsFoundByThePreselectOfAnUpdateAndADelete() throws SQLException {
        keyedByReservedWord(Kind.H2, Kind.H2, "\"VALUE\"", "value");
    }

    @Test
    void mariadbToPostgresKeyNamedOrderIsFoundOnBothStores() throws SQLException {
        keyedByReservedWord(Kind.MARIADB, Kind.POSTGRES, "`order`", "order");
    }

    @Test
    void postgresMixedCaseKeyIsFoundByThePreselect() throws SQLException {
        keyedByReservedWord(Kind.POSTGRES, Kind.POSTGRES, "\"OrderNo\"", "OrderNo");
    }

    @Test
    void h2MixedCaseKeyIsFoundByThePreselect() throws SQLException {
        keyedByReservedWord(Kind.H2, Kind.H2, "\"OrderNo\"", "OrderNo");
    }

    @Test
    void postgresKeyOfAReservedWordIsFoundAfterAnUpsert() throws SQLException {
        TableMapping prefs = TableMapping.builder("prefs").primaryKey("user").build();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mappings(prefs).build()) {
            String table = "CREATE TABLE prefs (\"user\" VARCHAR(20) PRIMARY KEY, val VARCHAR(20))";
            fixture.onOld(table);
            fixture.onNew(table);
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement upsert = connection.prepareStatement("INSERT INTO prefs (\"user\", val) VALUES (?, ?)"
                         + " ON CONFLICT (\"user\") DO UPDATE SET val = EXCLUDED.val")) {
                for (String[] row : new String[][] {{"ann", "dark"}, {"bob", "fr"}, {"ann", "light"}}) {
                    upsert.setString(1, row[0]);
                    upsert.setString(2, row[1]);
                    upsert.executeUpdate();
                }
            }
            String select = "SELECT \"user\", val FROM prefs ORDER BY \"user\"";
            assertThat(Rows.assertSame(fixture.oldDb, select, fixture.newDb, select)).hasSize(2);
            assertThat(fixture.scopedResyncs()).isEmpty();
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void postgresNewTableOfAReservedWordIsFoundByThePreselect() throws SQLException {
        TableMapping orders = TableMapping.builder("orders").newTable("Order").build();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mappings(orders).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(20))");
            fixture.onNew("CREATE TABLE \"Order\" (id BIGINT PRIMARY KEY, status VARCHAR(20))");
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, status) VALUES (?, ?)")) {
                    for (int id = 1; id <= 3; id++) {
                        insert.setLong(1, id);
                        insert.setString(2, id == 2 ? "NEW" : "PAID");
                        insert.executeUpdate();
                    }
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE status = ?")) {
                    update.setString(1, "SHIPPED");
                    update.setString(2, "PAID");
                    assertThat(update.executeUpdate()).isEqualTo(2);
                }
            }
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, status FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, status FROM \"Order\" ORDER BY id")).hasSize(3);
            assertThat(fixture.scopedResyncs()).isEmpty();
            assertThat(fixture.records()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"POSTGRES", "H2"})
    void newPrimaryWritesReachANewTableAndColumnsOfReservedWordsAndMixedCase(Kind kind) throws SQLException {
        // the application's statements are rewritten for the new store, whose table is "Order" (mixed case) and
        // whose renamed columns are "user" (a reserved word, also the key) and "Status" (mixed case)
        TableMapping orders = TableMapping.builder("orders").newTable("Order").rename("id", "user")
                .rename("status", "Status").build();
        try (Fixture fixture = Fixture.builder(kind, kind).mappings(orders).phase(MigrationPhase.NEW_PRIMARY).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(20), qty INT)");
            fixture.onNew("CREATE TABLE \"Order\" (\"user\" BIGINT PRIMARY KEY, \"Status\" VARCHAR(20), qty INT)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (id, status, qty) VALUES (?, ?, ?)")) {
                    for (int id = 1; id <= 4; id++) {
                        insert.setLong(1, id);
                        insert.setString(2, id % 2 == 0 ? "NEW" : "PAID");
                        insert.setInt(3, id);
                        insert.executeUpdate();
                    }
                }
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET status = ?, qty = qty + 1 WHERE status = ?")) {
                    update.setString(1, "SHIPPED");
                    update.setString(2, "PAID");
                    assertThat(update.executeUpdate()).isEqualTo(2);
                }
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE status = 'NEW' AND qty = ?")) {
                    delete.setInt(1, 4);
                    assertThat(delete.executeUpdate()).isEqualTo(1);
                }
                try (PreparedStatement read = connection.prepareStatement("SELECT status FROM orders WHERE id = ?")) {
                    read.setLong(1, 1);
                    try (ResultSet rows = read.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getString(1)).isEqualTo("SHIPPED");
                    }
                }
            }
            assertThat(Rows.assertSame(fixture.newDb, "SELECT \"user\" AS id, \"Status\" AS status, qty FROM \"Order\" ORDER BY 1",
                    fixture.oldDb, "SELECT id, status, qty FROM orders ORDER BY id")).hasSize(3);
            assertThat(fixture.scopedResyncs()).isEmpty();
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void postgresTriggerOfAMixedCaseTableThatMovesTheKeyIsSeen() throws SQLException {
        // the trigger stores another key than the statement wrote: seen only if the catalog read finds "Codes"
        TableMapping codes = TableMapping.builder("Codes").primaryKey("code").build();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mappings(codes).build()) {
            fixture.onOld("CREATE TABLE \"Codes\" (code VARCHAR(20) PRIMARY KEY, label VARCHAR(20))",
                    "CREATE FUNCTION upper_code() RETURNS trigger LANGUAGE plpgsql AS"
                            + " $$ BEGIN NEW.code := upper(NEW.code); RETURN NEW; END $$",
                    "CREATE TRIGGER codes_upper BEFORE INSERT ON \"Codes\" FOR EACH ROW EXECUTE FUNCTION upper_code()");
            fixture.onNew("CREATE TABLE \"Codes\" (code VARCHAR(20) PRIMARY KEY, label VARCHAR(20))");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO \"Codes\" (code, label) VALUES (?, ?)")) {
                for (String code : new String[] {"abc", "xyz"}) {
                    insert.setString(1, code);
                    insert.setString(2, "label " + code);
                    insert.executeUpdate();
                }
            }
            String select = "SELECT code, label FROM \"Codes\" ORDER BY code";
            assertThat(Rows.assertSame(fixture.oldDb, select, fixture.newDb, select)).hasSize(2);
            assertThat(fixture.scopedResyncs()).isEmpty();
            assertThat(fixture.records()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"POSTGRES", "MARIADB"})
    void upsertWithoutAColumnListOnATableOfAReservedWordKeepsTheCallersTransaction(Kind kind) throws SQLException {
        // an upsert without a column list makes the library read the table's column order: on PostgreSQL a failed
        // read aborted the caller's transaction, on MariaDB it left the upsert's rows unknown
        TableMapping group = TableMapping.builder("group").build();
        String quoted = kind == Kind.MARIADB ? "`group`" : "\"group\"";
        try (Fixture fixture = Fixture.builder(kind, kind).mappings(group).build()) {
            String table = "CREATE TABLE " + quoted + " (id BIGINT PRIMARY KEY, val VARCHAR(20))";
            fixture.onOld(table);
            fixture.onNew(table);
            String upsert = kind == Kind.MARIADB
                    ? "INSERT INTO `group` VALUES (?, ?) ON DUPLICATE KEY UPDATE val = VALUES(val)"
                    : "INSERT INTO \"group\" VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val";
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement statement = connection.prepareStatement(upsert)) {
                    for (Object[] row : new Object[][] {{1L, "a"}, {2L, "b"}, {1L, "c"}}) {
                        statement.setLong(1, (Long) row[0]);
                        statement.setString(2, (String) row[1]);
                        statement.executeUpdate();
                    }
                }
                connection.commit();
            }
            String select = "SELECT id, val FROM " + quoted + " ORDER BY id";
            assertThat(Rows.assertSame(fixture.oldDb, select, fixture.newDb, select))
                    .containsExactly(Rows.expected("id", 1, "val", "c"), Rows.expected("id", 2, "val", "b"));
            assertThat(fixture.scopedResyncs()).isEmpty();
            assertThat(fixture.records()).isEmpty();
        }
    }

    /** {@code quoted}: the key column as each store's DDL spells it; {@code configured}: as the mapping names it. */
    private static void keyedByReservedWord(Kind oldKind, Kind newKind, String quoted, String configured)
            throws SQLException {
        TableMapping prefs = TableMapping.builder("prefs").primaryKey(configured).build();
        try (Fixture fixture = Fixture.builder(oldKind, newKind).mappings(prefs).build()) {
            fixture.onOld("CREATE TABLE prefs (" + quoted + " VARCHAR(20) PRIMARY KEY, val VARCHAR(20))");
            String newQuoted = newKind == Kind.POSTGRES ? '"' + quoted.substring(1, quoted.length() - 1) + '"' : quoted;
            fixture.onNew("CREATE TABLE prefs (" + newQuoted + " VARCHAR(20) PRIMARY KEY, val VARCHAR(20))");
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO prefs (" + quoted + ", val) VALUES (?, ?)")) {
                    for (String[] row : new String[][] {{"ann", "dark"}, {"bob", "fr"}, {"cy", "fr"}, {"di", "en"}}) {
                        insert.setString(1, row[0]);
                        insert.setString(2, row[1]);
                        insert.executeUpdate();
                    }
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE prefs SET val = ? WHERE val = ?")) {
                    update.setString(1, "de");
                    update.setString(2, "fr");
                    assertThat(update.executeUpdate()).isEqualTo(2);
                }
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM prefs WHERE val = ?")) {
                    delete.setString(1, "en");
                    assertThat(delete.executeUpdate()).isEqualTo(1);
                }
            }
            String oldSelect = "SELECT " + quoted + " AS k, val FROM prefs ORDER BY 1";
            String newSelect = "SELECT " + newQuoted + " AS k, val FROM prefs ORDER BY 1";
            assertThat(Rows.assertSame(fixture.oldDb, oldSelect, fixture.newDb, newSelect)).hasSize(3);
            assertThat(fixture.scopedResyncs()).isEmpty();
            assertThat(fixture.records()).isEmpty();
        }
    }
}
