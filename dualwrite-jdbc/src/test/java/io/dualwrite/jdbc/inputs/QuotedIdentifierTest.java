package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Columns named with reserved words (and mixed case): mirrored live, and repaired by the reconciler after the
 * new store failed (input 8).
 */
class QuotedIdentifierTest {

    private static final TableMapping PREFS = TableMapping.identity("prefs");

    // input 8
    @Test
    void mariadbColumnNamedKeyIsMirroredAndRepairedByTheReconciler() throws SQLException {
        run(Kind.MARIADB, Kind.MARIADB, "CREATE TABLE prefs (id BIGINT PRIMARY KEY, `key` VARCHAR(20), val VARCHAR(20))",
                "CREATE TABLE prefs (id BIGINT PRIMARY KEY, `key` VARCHAR(20), val VARCHAR(20))",
                "INSERT INTO prefs (id, `key`, val) VALUES (?,?,?)", "UPDATE prefs SET val = ? WHERE id = ?",
                "SELECT id, `key`, val FROM prefs ORDER BY id", "SELECT id, `key`, val FROM prefs ORDER BY id");
    }

    // input 8, variant: MariaDB to PostgreSQL
    @Test
    void mariadbColumnNamedKeyIsMirroredIntoPostgresAndRepairedByTheReconciler() throws SQLException {
        run(Kind.MARIADB, Kind.POSTGRES, "CREATE TABLE prefs (id BIGINT PRIMARY KEY, `key` VARCHAR(20), val VARCHAR(20))",
                "CREATE TABLE prefs (id BIGINT PRIMARY KEY, \"key\" VARCHAR(20), val VARCHAR(20))",
                "INSERT INTO prefs (id, `key`, val) VALUES (?,?,?)", "UPDATE prefs SET val = ? WHERE id = ?",
                "SELECT id, `key`, val FROM prefs ORDER BY id", "SELECT id, \"key\", val FROM prefs ORDER BY id");
    }

    // input 8, variant: PostgreSQL reserved word "order" and a mixed-case column
    @Test
    void postgresReservedAndMixedCaseColumnsAreMirroredAndRepairedByTheReconciler() throws SQLException {
        run(Kind.POSTGRES, Kind.POSTGRES, "CREATE TABLE prefs (id BIGINT PRIMARY KEY, \"order\" VARCHAR(20), \"Val\" VARCHAR(20))",
                "CREATE TABLE prefs (id BIGINT PRIMARY KEY, \"order\" VARCHAR(20), \"Val\" VARCHAR(20))",
                "INSERT INTO prefs (id, \"order\", \"Val\") VALUES (?,?,?)", "UPDATE prefs SET \"Val\" = ? WHERE id = ?",
                "SELECT id, \"order\" AS \"key\", \"Val\" AS val FROM prefs ORDER BY id",
                "SELECT id, \"order\" AS \"key\", \"Val\" AS val FROM prefs ORDER BY id");
    }

    private static void run(Kind oldKind, Kind newKind, String oldTable, String newTable, String insert, String update,
                            String oldSelect, String newSelect) throws SQLException {
        try (Fixture fixture = Fixture.builder(oldKind, newKind).mappings(PREFS).build()) {
            fixture.onOld(oldTable);
            fixture.onNew(newTable);
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(insert)) {
                bind(statement, 1, "theme", "dark");
                statement.executeUpdate();
            }
            assertThat(Rows.assertSame(fixture.oldDb, oldSelect, fixture.newDb, newSelect))
                    .containsExactly(expected("id", 1, "key", "theme", "val", "dark"));
            assertThat(fixture.records()).isEmpty();

            fixture.newStoreDown();
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (PreparedStatement statement = connection.prepareStatement(insert)) {
                    bind(statement, 2, "lang", "fr");
                    statement.executeUpdate();
                }
                try (PreparedStatement statement = connection.prepareStatement(update)) {
                    statement.setString(1, "light");
                    statement.setLong(2, 1);
                    statement.executeUpdate();
                }
            }
            assertThat(fixture.recordKeys()).containsExactlyInAnyOrder("prefs/2/INSERT", "prefs/1/UPDATE");
            fixture.newStoreBack();
            Reconciler.Result result = fixture.reconciler().runOnce();
            assertThat(result.repaired()).isEqualTo(2);
            assertThat(Rows.assertSame(fixture.oldDb, oldSelect, fixture.newDb, newSelect)).containsExactly(
                    expected("id", 1, "key", "theme", "val", "light"), expected("id", 2, "key", "lang", "val", "fr"));
            assertThat(fixture.records()).isEmpty();
        }
    }

    private static void bind(PreparedStatement statement, long id, String key, String val) throws SQLException {
        statement.setLong(1, id);
        statement.setString(2, key);
        statement.setString(3, val);
    }
}
