package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL aborts a transaction at its first failed statement: dualwrite's own statements must not. */
class PostgresTransactionTest {

    private static final String TABLE = "CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(20), created_day INT)";

    @Test
    void aFailingUpdateInATransactionReportsItsOwnErrorNotAnAbortedTransaction() throws SQLException {
        try (DualWriteFixture fixture = new DualWriteFixture(Kind.POSTGRES, Kind.POSTGRES, MigrationPhase.DUAL_WRITE,
                List.of(TableMapping.identity("orders")))) {
            fixture.bothStores(TABLE);
            String update = "UPDATE orders SET status = ? WHERE no_such_column = ?"; // no key in WHERE: keys pre-selected

            SQLException direct = updateInTransaction(fixture.oldDb.dataSource(), update);
            SQLException throughDualWrite = updateInTransaction(fixture.dataSource, update);

            assertThat(direct.getSQLState()).isEqualTo("42703");
            assertThat(throughDualWrite.getSQLState()).isEqualTo(direct.getSQLState());
            assertThat(throughDualWrite.getMessage()).isEqualTo(direct.getMessage());
        }
    }

    @Test
    void keysPreSelectedInsideATransactionAreMirroredAfterCommit() throws SQLException {
        try (DualWriteFixture fixture = new DualWriteFixture(Kind.POSTGRES, Kind.POSTGRES, MigrationPhase.DUAL_WRITE,
                List.of(TableMapping.identity("orders")))) {
            fixture.bothStores(TABLE, "INSERT INTO orders VALUES (1, 'NEW', 10), (2, 'NEW', 11), (3, 'NEW', 12)");

            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement statement = connection.prepareStatement(
                        "UPDATE orders SET status = 'OLD' WHERE created_day < ?")) {
                    statement.setInt(1, 12);
                    assertThat(statement.executeUpdate()).isEqualTo(2);
                }
                connection.commit();
            }

            assertThat(fixture.newDb.query("SELECT id, status FROM orders ORDER BY id"))
                    .isEqualTo(fixture.oldDb.query("SELECT id, status FROM orders ORDER BY id"))
                    .extracting(row -> row.get("status")).containsExactly("OLD", "OLD", "NEW");
            assertThat(fixture.changeLog.size()).isZero();
        }
    }

    private static SQLException updateInTransaction(javax.sql.DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, "PAID");
                statement.setInt(2, 1);
                SQLException failure = catchThrowableOfType(SQLException.class, statement::executeUpdate);
                connection.rollback();
                return failure;
            }
        }
    }
}
