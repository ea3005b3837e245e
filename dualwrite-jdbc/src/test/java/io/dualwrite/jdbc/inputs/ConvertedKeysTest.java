package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys bound with a conversion the driver performs: {@code setObject(i, 1.9, Types.BIGINT)} writes the row
 * the driver turns 1.9 into (PostgreSQL truncates, H2 rounds), not a row "1.9". The row really written must
 * be mirrored, or a scoped resync recorded; never a silent difference.
 */
class ConvertedKeysTest {

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES"})
    void updatesAndDeletesByConvertedKeysMirrorTheRowsReallyWritten(Kind kind) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                    update.setInt(1, 40);
                    update.setObject(2, 1.9d, Types.BIGINT);
                    update.executeUpdate();
                    update.setInt(1, 50);
                    update.setObject(2, new BigDecimal("2.6"), Types.BIGINT);
                    update.executeUpdate();
                }
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                    delete.setObject(1, 3.2f, Types.INTEGER);
                    delete.executeUpdate();
                }
            }
            Rows.assertOrdersSame(fixture, "id, code, qty");
            assertThat(fixture.records()).as("selected exactly: nothing to record").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES"})
    void anInsertWithAConvertedKeyIsMirroredOrResynced(Kind kind) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)")) {
                insert.setObject(1, 7.4d, Types.BIGINT);
                insert.setString(2, "g");
                insert.setInt(3, 70);
                insert.executeUpdate();
            }
            Mirrored.exactOrResynced(fixture, "converted insert key " + kind);
        }
    }
}
