package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import org.junit.jupiter.api.Test;

/** An INSERT without a column list: its key is found from the table's column order, and the row is mirrored (input 25). */
class InsertWithoutColumnListTest {

    private static final String OLD = "CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT, note VARCHAR(50))";
    private static final String NEW = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT, note VARCHAR(50))";

    // input 25
    @Test
    void h2InsertWithoutColumnListIsMirrored() throws SQLException {
        plainInsert(Kind.H2);
    }

    // input 25, variant
    @Test
    void postgresInsertWithoutColumnListIsMirrored() throws SQLException {
        plainInsert(Kind.POSTGRES);
    }

    // input 25, variant
    @Test
    void mariadbInsertWithoutColumnListIsMirrored() throws SQLException {
        plainInsert(Kind.MARIADB);
    }

    private static void plainInsert(Kind kind) throws SQLException {
        try (Fixture fixture = Fixture.of(kind, kind)) {
            fixture.onOld(OLD);
            fixture.onNew(NEW);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders VALUES (3, 'c', 3, NULL)")).isEqualTo(1);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty, note"))
                    .containsExactly(expected("id", 3, "code", "c", "qty", 3, "note", null));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // input 25, variant: prepared, in a table whose key is not its first column
    @Test
    void preparedInsertWithoutColumnListFindsAKeyThatIsNotTheFirstColumn() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (code VARCHAR(20), id BIGINT PRIMARY KEY, qty INT, note VARCHAR(50))");
            fixture.onNew(NEW);
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?)")) {
                insert.setString(1, "c");
                insert.setLong(2, 3);
                insert.setInt(3, 3);
                insert.setNull(4, Types.VARCHAR);
                insert.executeUpdate();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty, note"))
                    .containsExactly(expected("id", 3, "code", "c", "qty", 3, "note", null));
            assertThat(fixture.records()).isEmpty();
        }
    }
}
