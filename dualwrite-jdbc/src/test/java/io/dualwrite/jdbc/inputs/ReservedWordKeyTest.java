package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A primary key named with a reserved word (input 8's kind, on the key itself): the SQL the library adds to
 * the application's statements (the key pre-select of an update, the key select after an upsert) quotes it.
 */
class ReservedWordKeyTest {

    private static final TableMapping PREFS = TableMapping.builder("prefs").primaryKey("key").build();

    @Test
    void mariadbKeyNamedKeyIsFoundByThePreselectAndAfterAnUpsert() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB).mappings(PREFS).build()) {
            String table = "CREATE TABLE prefs (`key` VARCHAR(20) PRIMARY KEY, val VARCHAR(20))";
            fixture.onOld(table);
            fixture.onNew(table);
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (PreparedStatement upsert = connection.prepareStatement(
                        "INSERT INTO prefs (`key`, val) VALUES (?, ?) ON DUPLICATE KEY UPDATE val = VALUES(val)")) {
                    for (String[] row : new String[][] {{"theme", "dark"}, {"lang", "fr"}, {"theme", "light"}}) {
                        upsert.setString(1, row[0]);
                        upsert.setString(2, row[1]);
                        upsert.executeUpdate();
                    }
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE prefs SET val = ? WHERE val = ?")) {
                    update.setString(1, "de");
                    update.setString(2, "fr");
                    assertThat(update.executeUpdate()).isEqualTo(1);
                }
            }
            String select = "SELECT `key`, val FROM prefs ORDER BY `key`";
            assertThat(Rows.assertSame(fixture.oldDb, select, fixture.newDb, select)).hasSize(2);
            assertThat(fixture.records()).isEmpty();
        }
    }
}
