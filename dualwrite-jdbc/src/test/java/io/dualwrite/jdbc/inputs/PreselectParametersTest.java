package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Calendar;
import java.util.TimeZone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Updates whose keys are selected first (a WHERE on other columns, or a string key on MariaDB), with the
 * parameters applications bind there: a timestamp with a calendar, a reader, an ASCII stream, a value with a
 * target type; alone, reused with {@code clearParameters}, and in a batch. Each ends row by row.
 */
class PreselectParametersTest {

    private static final String OLD = "CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT, at TIMESTAMP)";
    private static final String NEW = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT, at TIMESTAMP)";

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRES", "MARIADB"})
    void updatesWhoseKeysAreSelectedFirstMirrorEveryRowTheyTouch(Kind kind) throws SQLException {
        try (Fixture fixture = Fixture.of(kind, kind)) {
            fixture.onOld(OLD);
            fixture.onNew(NEW);
            StringBuilder values = new StringBuilder();
            for (int i = 1; i <= 12; i++) {
                values.append(i > 1 ? ", " : "").append("(").append(i).append(", '").append(i % 2 == 0 ? "even" : "odd")
                        .append("', ").append(i).append(", TIMESTAMP '2026-01-0").append(1 + i % 3).append(" 10:00:00')");
            }
            fixture.onOld("INSERT INTO orders VALUES " + values);
            fixture.onNew("INSERT INTO orders_v2 VALUES " + values);
            Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE orders SET qty = qty + ? WHERE code = ? AND at < ? AND qty < ?")) {
                update.setInt(1, 100);
                update.setCharacterStream(2, new StringReader("even"));
                update.setTimestamp(3, Timestamp.valueOf("2026-01-03 00:00:00"), utc);
                update.setObject(4, "10", Types.INTEGER);
                update.executeUpdate();

                update.clearParameters();
                update.setObject(1, 1000L, Types.INTEGER);
                update.setAsciiStream(2, new ByteArrayInputStream("odd".getBytes(StandardCharsets.US_ASCII)), 3);
                update.setObject(3, Timestamp.valueOf("2026-01-04 00:00:00"));
                update.setInt(4, 8);
                update.executeUpdate();

                for (String code : new String[] {"even", "odd"}) {
                    update.setInt(1, 10_000);
                    update.setCharacterStream(2, new StringReader(code), code.length());
                    update.setTimestamp(3, Timestamp.valueOf("2026-01-04 00:00:00"), utc);
                    update.setInt(4, 12);
                    update.addBatch();
                }
                update.executeBatch();
            }
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                update.setInt(1, -1);
                update.setObject(2, "7", Types.BIGINT);
                update.executeUpdate();
                update.setInt(1, -2);
                update.setObject(2, new java.math.BigDecimal("9.0"));
                update.executeUpdate();
            }
            Rows.assertSame(fixture.oldDb, "SELECT id, code, qty, at FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, code, quantity AS qty, at FROM orders_v2 ORDER BY id");
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders WHERE qty > 100")).isNotEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"MARIADB"})
    void mariaDbStringKeysBoundAsStreamsAreSelectedUnderTheCollation(Kind kind) throws SQLException {
        io.dualwrite.mapping.TableMapping codes = io.dualwrite.mapping.TableMapping.builder("codes").newTable("codes_v2")
                .rename("qty", "quantity").primaryKey("code").build();
        try (Fixture fixture = Fixture.builder(kind, kind).mappings(codes).build()) {
            fixture.onOld("CREATE TABLE codes (code VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('abc', 1), ('k1', 2), ('xyz', 3)");
            fixture.onNew("CREATE TABLE codes_v2 (code VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO codes_v2 VALUES ('abc', 1), ('k1', 2), ('xyz', 3)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (PreparedStatement update = connection.prepareStatement("UPDATE codes SET qty = ? WHERE code = ?")) {
                    update.setInt(1, 10);
                    update.setCharacterStream(2, new StringReader("ABC"));
                    update.executeUpdate();
                    update.setInt(1, 20);
                    update.setAsciiStream(2, new ByteArrayInputStream("K1 ".getBytes(StandardCharsets.US_ASCII)));
                    update.executeUpdate();
                }
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM codes WHERE code = ?")) {
                    delete.setNString(1, "XYZ");
                    delete.executeUpdate();
                }
            }
            Rows.assertSame(fixture.oldDb, "SELECT code, qty FROM codes ORDER BY code",
                    fixture.newDb, "SELECT code, quantity AS qty FROM codes_v2 ORDER BY code");
            assertThat(Rows.of(fixture.newDb, "SELECT code FROM codes_v2")).hasSize(2);
        }
    }
}
