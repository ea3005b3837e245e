package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Transaction edges, eleventh break: transaction control inside executable comments, which the server runs or not by
 * its product and version. MySQL and MariaDB skip {@code /*!NNNNN … *}{@code /} of a later version than theirs;
 * PostgreSQL and H2 take every such comment for a plain one. The analysis, shared by every server, read the text of
 * each as run: a skipped {@code ROLLBACK} discarded the keys of a transaction that then committed, a skipped
 * {@code COMMIT} handed them over before the commit, and a skipped {@code BEGIN} kept the keys of auto-committed
 * writes until the connection's close discarded them; skipped DDL was taken for an implicit commit and handed the
 * keys over before the commit; and a write followed in one text by a skipped {@code ROLLBACK} was taken for a write
 * and a rollback. Tried as single statements and as batch entries. Also MariaDB's {@code SET STATEMENT var = value FOR
 * statement}, which runs transaction control and DDL under a variable: it was taken for a plain {@code SET}, which
 * never ends a transaction. And control sent with {@code executeQuery}, which PostgreSQL's driver runs and then
 * refuses for want of rows: it was taken for control that did not run.
 */
class TxEdgesBreak11Test {

    private static Fixture maria() {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
    }

    private static Fixture pg() {
        return Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG);
    }

    private static Fixture h2() {
        return Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG);
    }

    /** Row 5 inserted and row 1 updated to 10 are committed on the old store: the new one holds the same, nothing recorded. */
    private static void assertCommittedAndMirrored(Fixture fixture) {
        assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(r -> r.get("id") + "=" + r.get("qty"))
                .containsExactly("1=10", "2=2", "3=3", "5=5");
        assertThat(fixture.records()).isEmpty();
    }

    private static void writeInTransaction(Fixture fixture, String control) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
            statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
            statement.execute(control);
            connection.commit();
        }
    }

    // MariaDB 11.4 skips a comment of version 99.99.99: the ROLLBACK never runs, commit() commits both writes
    @Test
    void mariadbRollbackInAVersionCommentTheServerSkipsLeavesTheCommittedWritesMirrored() throws SQLException {
        try (Fixture fixture = maria()) {
            writeInTransaction(fixture, "/*!999999 ROLLBACK */");
            assertCommittedAndMirrored(fixture);
        }
    }

    // the skipped COMMIT commits nothing: the writes are synced once commit() committed them, not before
    @Test
    void mariadbCommitInAVersionCommentTheServerSkipsHandsTheKeysOverAtTheRealCommit() throws SQLException {
        try (Fixture fixture = maria()) {
            writeInTransaction(fixture, "/*!999999 COMMIT */");
            assertCommittedAndMirrored(fixture);
        }
    }

    // MySQL's executable comment is a plain comment on PostgreSQL: the statement is empty
    @Test
    void postgresRollbackInAMysqlExecutableCommentIsNoRollback() throws SQLException {
        try (Fixture fixture = pg()) {
            writeInTransaction(fixture, "/*!40101 ROLLBACK */");
            assertCommittedAndMirrored(fixture);
        }
    }

    @Test
    void h2RollbackInAMysqlExecutableCommentIsNoRollback() throws SQLException {
        try (Fixture fixture = h2()) {
            writeInTransaction(fixture, "/*!40101 ROLLBACK */ SELECT 1");
            assertCommittedAndMirrored(fixture);
        }
    }

    // no transaction opens: each write is auto-committed, and the close rolls nothing back
    @Test
    void postgresBeginInAMysqlExecutableCommentLeavesTheWritesAutoCommittedAndMirrored() throws SQLException {
        try (Fixture fixture = pg()) {
            writeAfterInAutoCommit(fixture, "/*!40101 BEGIN */");
            assertCommittedAndMirrored(fixture);
        }
    }

    @Test
    void mariadbStartTransactionInAVersionCommentTheServerSkipsLeavesTheWritesAutoCommittedAndMirrored() throws SQLException {
        try (Fixture fixture = maria()) {
            writeAfterInAutoCommit(fixture, "/*!999999 START TRANSACTION */");
            assertCommittedAndMirrored(fixture);
        }
    }

    // a batch of texts: the entries' control is read as the server runs it too
    @Test
    void mariadbBatchEntryRollingBackInAVersionCommentTheServerSkipsLeavesTheCommittedWritesMirrored() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.addBatch("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.addBatch("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.addBatch("/*!999999 ROLLBACK */");
                statement.executeBatch();
                connection.commit();
            }
            assertCommittedAndMirrored(fixture);
        }
    }

    // DDL commits implicitly on MariaDB, but not when the server skips it: the writes wait for commit()
    @Test
    void mariadbDdlInAVersionCommentTheServerSkipsCommitsNothingAndTheWritesAreSyncedAtCommit() throws SQLException {
        try (Fixture fixture = maria()) {
            writeInTransaction(fixture, "/*!999999 CREATE TABLE audit_x (x INT) */");
            assertCommittedAndMirrored(fixture);
        }
    }

    // H2 commits before DDL, but the comment is a plain one there
    @Test
    void h2DdlInAMysqlExecutableCommentCommitsNothingAndTheWritesAreSyncedAtCommit() throws SQLException {
        try (Fixture fixture = h2()) {
            writeInTransaction(fixture, "/*!40101 CREATE TABLE audit_x (x INT) */ SELECT 1");
            assertCommittedAndMirrored(fixture);
        }
    }

    // one text of a write and a comment the server skips: the write is a write of the transaction, not followed by a
    // rollback (before, the rollback read in the text discarded the keys, those of the earlier insert too)
    @Test
    void postgresWriteFollowedByARollbackInAMysqlExecutableCommentIsMirroredAtCommit() throws SQLException {
        try (Fixture fixture = pg()) {
            updateFollowedBySkippedRollbackInOneText(fixture);
            assertCommittedAndMirrored(fixture);
        }
    }

    @Test
    void h2WriteFollowedByARollbackInAMysqlExecutableCommentIsMirroredAtCommit() throws SQLException {
        try (Fixture fixture = h2()) {
            updateFollowedBySkippedRollbackInOneText(fixture);
            assertCommittedAndMirrored(fixture);
        }
    }

    /** {@code control} in auto-commit, then row 5 inserted and row 1 updated to 10, and the connection closed. */
    private static void writeAfterInAutoCommit(Fixture fixture, String control) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(control);
            statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
            statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
        }
    }

    /** In a JDBC transaction: row 5 inserted, then one text updating row 1 and a ROLLBACK in a MySQL comment; commit(). */
    private static void updateFollowedBySkippedRollbackInOneText(Fixture fixture) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
            statement.execute("UPDATE orders SET qty = 10 WHERE id = 1; /*!40101 ROLLBACK */");
            connection.commit();
        }
    }

    /** Row 5 inserted and row 1 updated to 10, then {@code control}, then rollback(): {@code control} committed them. */
    private static void committedByControlThenRolledBack(Fixture fixture, String control) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
            statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
            statement.execute(control);
            statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
            connection.rollback();
        }
    }

    @Test
    void mariadbCommitUnderSetStatementIsACommit() throws SQLException {
        try (Fixture fixture = maria()) {
            committedByControlThenRolledBack(fixture, "SET STATEMENT max_statement_time = 10 FOR COMMIT");
            assertCommittedAndMirrored(fixture);
        }
    }

    // START TRANSACTION inside a transaction commits it on MariaDB, under SET STATEMENT too
    @Test
    void mariadbStartTransactionUnderSetStatementCommitsTheOpenTransaction() throws SQLException {
        try (Fixture fixture = maria()) {
            committedByControlThenRolledBack(fixture, "SET STATEMENT max_statement_time = 10 FOR START TRANSACTION");
            assertCommittedAndMirrored(fixture);
        }
    }

    @Test
    void mariadbDdlUnderSetStatementCommitsTheOpenTransaction() throws SQLException {
        try (Fixture fixture = maria()) {
            committedByControlThenRolledBack(fixture,
                    "SET STATEMENT lock_wait_timeout = 5, sql_mode = 'NO_ENGINE_SUBSTITUTION' FOR CREATE TABLE audit_y (x INT)");
            assertCommittedAndMirrored(fixture);
        }
    }

    // the driver sends BEGIN and then throws "No results were returned by the query": the transaction is open, and the
    // writes are synced at its COMMIT, not before it
    @Test
    void postgresBeginSentWithExecuteQueryOpensTheTransactionItsDriverThenRefuses() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeQuery("START TRANSACTION")).isInstanceOf(SQLException.class)
                        .hasMessageContaining("No results");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("COMMIT");
            }
            assertCommittedAndMirrored(fixture);
        }
    }
}
