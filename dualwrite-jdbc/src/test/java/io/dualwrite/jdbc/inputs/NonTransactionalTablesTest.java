package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kind: writes on a table whose storage engine has no transactions (MariaDB's MyISAM, Aria, MEMORY) stay written
 * when the statement fails midway or the transaction rolls back. Before, the library forgot their keys on a
 * rollback and recorded nothing for a failed statement: rows of the old store that the new one never got, with
 * nothing recorded. Each case ends with both stores compared row by row ({@link Mirrored#exactOrResynced}).
 */
class NonTransactionalTablesTest {

    private static Fixture seeded(String engine) {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA + " ENGINE=" + engine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"MyISAM", "Aria", "MEMORY"})
    void writesOfARolledBackTransactionStayAndAreSynced(String engine) throws SQLException {
        try (Fixture fixture = seeded(engine)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 40 WHERE code = 'a'");
                statement.executeUpdate("DELETE FROM orders WHERE id = 2");
                connection.rollback();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders ORDER BY id"))
                    .as("the engine kept the writes").hasSize(3);
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MyISAM", "Aria"})
    void aMultiRowInsertFailingMidwayInAutoCommitIsResynced(String engine) throws SQLException {
        try (Fixture fixture = seeded(engine)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeUpdate(
                        "INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6), (7, 'g', 7), (1, 'dup', 1)"))
                        .isInstanceOf(SQLException.class);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders WHERE id IN (6, 7)")).hasSize(2);
            Mirrored.exactOrResynced(fixture, engine + " failed multi-row insert");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MyISAM", "MEMORY"})
    void aPreselectedUpdateFailingMidwayIsResynced(String engine) throws SQLException {
        try (Fixture fixture = seeded(engine)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                // qty 1 first: 'a' takes code 'same', then row 2 collides with it
                assertThatThrownBy(() -> statement.executeUpdate("UPDATE orders SET code = 'same', qty = qty + 10"
                        + " WHERE qty >= 1 ORDER BY id")).isInstanceOf(SQLException.class);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 11));
            Mirrored.exactOrResynced(fixture, engine + " failed update");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MyISAM"})
    void aFailedStatementInATransactionThenRollbackIsResynced(String engine) throws SQLException {
        try (Fixture fixture = seeded(engine)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 30 WHERE id = 3");
                assertThatThrownBy(() -> statement.executeUpdate(
                        "INSERT INTO orders (id, code, qty) VALUES (8, 'h', 8), (2, 'dup', 2)")).isInstanceOf(SQLException.class);
                connection.rollback();
            }
            Mirrored.exactOrResynced(fixture, engine + " failed insert, rollback");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MyISAM"})
    void aBatchFailingMidwayIsResynced(String engine) throws SQLException {
        try (Fixture fixture = seeded(engine)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)")) {
                connection.setAutoCommit(false);
                for (int id : new int[] {9, 10, 1, 11}) {
                    insert.setInt(1, id);
                    insert.setString(2, "b" + id);
                    insert.setInt(3, id);
                    insert.addBatch();
                }
                assertThatThrownBy(insert::executeBatch).isInstanceOf(SQLException.class);
                connection.rollback();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders WHERE id IN (9, 10)")).hasSize(2);
            Mirrored.exactOrResynced(fixture, engine + " failed batch, rollback");
        }
    }
}
