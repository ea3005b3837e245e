package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Transaction edges, eighth break: commits that fail without ending the transaction, savepoints re-used by name and
 * lost to an implicit commit, and syncs of later transactions overtaken by earlier ones.
 */
class TxEdgesBreak8Test {

    private static Fixture maria() {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
    }

    private static Fixture pg() {
        return Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG);
    }

    // MariaDB refuses COMMIT while an XA transaction is active (XAER_RMFAIL): the transaction goes on and XA COMMIT
    // commits every write of it, those before the refused COMMIT included
    @Test
    void mariadbSqlCommitRefusedInsideAnActiveXaTransactionKeepsItsKeysForTheXaCommit() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b8a'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                assertThatThrownBy(() -> statement.execute("COMMIT")).isInstanceOf(SQLException.class);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                statement.execute("XA END 'b8a'");
                statement.execute("XA COMMIT 'b8a' ONE PHASE");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    expected("id", 1, "code", "a", "qty", 10), expected("id", 2, "code", "b", "qty", 2),
                    expected("id", 3, "code", "c", "qty", 3), expected("id", 5, "code", "e", "qty", 5),
                    expected("id", 6, "code", "f", "qty", 6));
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void mariadbJdbcCommitRefusedInsideAnActiveXaTransactionKeepsItsKeysForTheXaCommit() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b8b'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                assertThatThrownBy(connection::commit).isInstanceOf(SQLException.class);
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                statement.execute("XA END 'b8b'");
                statement.execute("XA PREPARE 'b8b'");
                statement.execute("XA COMMIT 'b8b'");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).containsExactly(
                    expected("id", 1, "code", "a", "qty", 10), expected("id", 2, "code", "b", "qty", 2));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // setAutoCommit(true) is refused the same way inside an XA transaction
    @Test
    void mariadbSetAutoCommitTrueRefusedInsideAnActiveXaTransactionKeepsItsKeysForTheXaCommit() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET autocommit = 0");
                statement.execute("XA START 'b8c'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                assertThatThrownBy(() -> connection.setAutoCommit(true)).isInstanceOf(SQLException.class);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("XA END 'b8c'");
                statement.execute("XA COMMIT 'b8c' ONE PHASE");
                statement.execute("SET autocommit = 1");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("qty"))
                    .containsExactly("10", "2", "3", "5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // PostgreSQL ends the transaction a failed COMMIT was sent in: the writes that follow are auto-committed
    @Test
    void postgresSqlCommitFailingOnADeferredConstraintEndsTheSqlTransactionAndLaterWritesAreMirrored() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE TABLE ledger (entry VARCHAR(20) UNIQUE DEFERRABLE INITIALLY DEFERRED)",
                    "INSERT INTO ledger (entry) VALUES ('x')");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("INSERT INTO ledger (entry) VALUES ('x')");
                assertThatThrownBy(() -> statement.execute("COMMIT")).isInstanceOf(SQLException.class);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                assertThat(Rows.of(fixture.newDb, "SELECT id, quantity FROM orders_v2 WHERE id IN (2, 6) ORDER BY id"))
                        .containsExactly(expected("id", 2, "quantity", 20), expected("id", 6, "quantity", 6));
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/1", "2/20", "3/3", "6/6");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // PostgreSQL keeps an older savepoint of a re-used name: RELEASE takes the newer, ROLLBACK TO then the older
    @Test
    void postgresSavepointReusedByNameReleasedThenRolledBackToKeepsOnlyCommittedRows() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 11 WHERE id = 1");
                statement.execute("SAVEPOINT sp");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("SAVEPOINT sp");
                statement.executeUpdate("UPDATE orders SET qty = 22 WHERE id = 2");
                statement.execute("RELEASE SAVEPOINT sp");
                statement.execute("ROLLBACK TO SAVEPOINT sp");
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                connection.commit();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/11", "2/2");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // MariaDB: DDL commits the transaction and drops its savepoints; ROLLBACK TO then fails, and the rollback that
    // follows undoes only what came after the DDL
    @Test
    void mariadbSavepointLostToAnImplicitCommitKeepsTheWritesBeforeIt() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("SAVEPOINT a");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("CREATE TABLE audit_b8 (x INT)");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (7, 'g', 7)");
                assertThatThrownBy(() -> statement.execute("ROLLBACK TO SAVEPOINT a")).isInstanceOf(SQLException.class);
                connection.rollback();
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "/" + r.get("qty"))
                    .containsExactly("1/10", "2/2", "3/3", "5/5");
            assertThat(fixture.records()).isEmpty();
        }
    }
}
