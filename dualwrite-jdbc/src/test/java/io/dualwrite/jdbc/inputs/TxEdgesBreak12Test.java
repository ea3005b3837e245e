package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transaction edges, twelfth break, on MariaDB. Transaction control run as dynamic SQL ({@code EXECUTE IMMEDIATE
 * 'COMMIT'}, {@code PREPARE s FROM 'ROLLBACK'} then {@code EXECUTE s}) was read as an ordinary statement that may
 * commit: a commit's keys waited for the transaction's later end instead of being handed over at once, a rollback's
 * were synced all the same, a transaction opened so in auto-commit was not seen (its writes were synced before their
 * commit, and never again), and one ended so kept the auto-committed writes after it waiting. Dynamic SQL whose text
 * is not known here ({@code PREPARE s FROM @sql}) may do any of that: its keys are synced at once and again at the
 * transaction's end, and the session's transaction is read from the server. And MariaDB's {@code SET STATEMENT
 * var = value FOR write}: a write under variables that only limit time, locks or memory was recorded as a scoped
 * resync of its table instead of being synced by its keys; one under variables that may change which rows it
 * writes or their values stays a scoped resync. Convergence is checked row by row.
 */
class TxEdgesBreak12Test {

    private static Fixture maria() {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
    }

    /** The rows of both stores, compared row by row, as {@code id=qty}. */
    private static List<String> sameRows(Fixture fixture) {
        return Rows.assertOrdersSame(fixture, "id, code, qty").stream().map(r -> r.get("id") + "=" + r.get("qty"))
                .toList();
    }

    /** The keys the mirrors synced so far. */
    private static List<String> syncedKeys(Fixture fixture) {
        return fixture.events.stream().flatMap(event -> event.task().rows().stream()).map(RowRef::key).toList();
    }

    private static void run(Statement statement, String sql) throws SQLException {
        if (!sql.isEmpty()) {
            statement.execute(sql);
        }
    }

    /** Row 5 inserted and row 1 updated to 10. */
    private static void insertAndUpdate(Statement statement) throws SQLException {
        statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
        statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
    }

    // ------------------------------------------------------------------ dynamic control, text known

    // before | the commit run as dynamic SQL
    private static final String COMMITS = """
            |EXECUTE IMMEDIATE 'COMMIT'
            |execute   immediate 'commit work'
            |EXECUTE IMMEDIATE "COMMIT"
            |EXECUTE IMMEDIATE /* c */ 'COMMIT' -- done
            PREPARE c FROM 'COMMIT'|EXECUTE c
            PREPARE `Cm` FROM 'COMMIT WORK'|execute cm
            PREPARE c FROM 'ROLLBACK'; PREPARE c FROM 'COMMIT'|EXECUTE c
            """;

    private static final String ROLLBACKS = """
            |EXECUTE IMMEDIATE 'ROLLBACK'
            |execute immediate 'rollback work'
            |EXECUTE IMMEDIATE "ROLLBACK"
            PREPARE r FROM 'ROLLBACK'|EXECUTE r
            PREPARE r FROM 'COMMIT'; DEALLOCATE PREPARE r; PREPARE r FROM 'ROLLBACK'|EXECUTE r
            PREPARE r FROM 'COMMIT'; PREPARE r FROM 'ROLLBACK'|EXECUTE r
            """;

    /** Steps of a test on one connection of the library's data source and one statement of it. */
    @FunctionalInterface
    private interface Steps {
        void run(Connection connection, Statement statement) throws SQLException;
    }

    private static void onOneStatement(Fixture fixture, Steps steps) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            steps.run(connection, statement);
        }
    }

    private static void runEach(Statement statement, String statements) throws SQLException {
        if (statements != null) {
            for (String sql : statements.split(";")) {
                run(statement, sql.strip());
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = COMMITS)
    void dynamicCommitInAJdbcTransactionHandsTheKeysOverAtOnceAndALaterRollbackKeepsThem(String before, String commit)
            throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                connection.setAutoCommit(false);
                runEach(statement, before);
                insertAndUpdate(statement);
                statement.execute(commit);
                assertThat(sameRows(fixture)).as("synced at the commit").containsExactly("1=10", "2=2", "3=3", "5=5");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.rollback();
            });
            assertThat(sameRows(fixture)).containsExactly("1=10", "2=2", "3=3", "5=5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = ROLLBACKS)
    void dynamicRollbackInAJdbcTransactionMirrorsNothingOfTheWritesItRolledBack(String before, String rollback)
            throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                connection.setAutoCommit(false);
                runEach(statement, before);
                insertAndUpdate(statement);
                statement.execute(rollback);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.commit();
            });
            assertThat(sameRows(fixture)).containsExactly("1=1", "2=2", "3=3", "6=6");
            assertThat(syncedKeys(fixture)).as("only the write after the rollback is synced").containsExactly("6");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // auto-commit on, a transaction opened by text: the dynamic commit ends it, and the next write auto-commits
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = COMMITS)
    void dynamicCommitInAutoCommitEndsTheTransactionAndTheNextWriteIsSyncedAtOnce(String before, String commit)
            throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                runEach(statement, before);
                statement.execute("START TRANSACTION");
                insertAndUpdate(statement);
                statement.execute(commit);
                assertThat(sameRows(fixture)).as("synced at the commit").containsExactly("1=10", "2=2", "3=3", "5=5");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                assertThat(sameRows(fixture)).as("auto-committed and synced at once")
                        .containsExactly("1=10", "2=2", "3=3", "5=5", "6=6");
            });
            assertThat(fixture.records()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = ROLLBACKS)
    void dynamicRollbackInAutoCommitEndsTheTransactionAndTheNextWriteIsSyncedAtOnce(String before, String rollback)
            throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                runEach(statement, before);
                statement.execute("BEGIN");
                insertAndUpdate(statement);
                statement.execute(rollback);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                assertThat(sameRows(fixture)).as("auto-committed and synced at once")
                        .containsExactly("1=1", "2=2", "3=3", "6=6");
            });
            assertThat(syncedKeys(fixture)).containsExactly("6");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // a transaction opened by dynamic SQL in auto-commit: the writes wait for its commit (synced before it, a sync
    // reads the rows as they were, and nothing syncs them again)
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EXECUTE IMMEDIATE 'START TRANSACTION'", "EXECUTE IMMEDIATE 'BEGIN'",
            "PREPARE b FROM 'START TRANSACTION'; EXECUTE b"})
    void transactionOpenedByDynamicSqlInAutoCommitIsSyncedAtItsCommit(String begin) throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                runEach(statement, begin);
                insertAndUpdate(statement);
                statement.execute("COMMIT");
            });
            assertThat(sameRows(fixture)).containsExactly("1=10", "2=2", "3=3", "5=5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // a prepared text replaced by one that is no control: EXECUTE runs the later one
    @Test
    void statementPreparedAgainUnderTheNameOfARollbackIsNoRollback() throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                connection.setAutoCommit(false);
                runEach(statement, "PREPARE r FROM 'ROLLBACK'; PREPARE r FROM 'SELECT 1'");
                insertAndUpdate(statement);
                statement.execute("EXECUTE r");
                connection.commit();
            });
            assertThat(sameRows(fixture)).containsExactly("1=10", "2=2", "3=3", "5=5");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ dynamic SQL whose text is not known

    // the text is in a variable: it may have committed or rolled back. The keys are synced at once and again at the
    // transaction's end, whatever it did
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"COMMIT", "ROLLBACK", "SELECT 1"})
    void dynamicSqlFromAVariableInAJdbcTransactionIsSyncedAtOnceAndAgainAtTheEnd(String text) throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                connection.setAutoCommit(false);
                runEach(statement, "SET @text = '" + text + "'; PREPARE x FROM @text");
                insertAndUpdate(statement);
                statement.execute("EXECUTE x");
                Mirrored.exactOrResynced(fixture, "after EXECUTE of " + text);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.commit();
            });
            assertThat(sameRows(fixture)).contains("6=6");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"START TRANSACTION", "BEGIN"})
    void dynamicSqlFromAVariableOpeningATransactionInAutoCommitIsSyncedAtItsCommit(String text) throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                runEach(statement, "SET @text = '" + text + "'");
                statement.execute("EXECUTE IMMEDIATE @text");
                insertAndUpdate(statement);
                statement.execute("COMMIT");
            });
            assertThat(Mirrored.exactOrResynced(fixture, "EXECUTE IMMEDIATE @text").stream()
                    .map(r -> r.get("id") + "=" + r.get("qty"))).containsExactly("1=10", "2=2", "3=3", "5=5");
        }
    }

    // a deallocated name is forgotten: not the rollback it once named, but unknown (a procedure may prepare it
    // again out of sight), so recorded rather than guessed; DEALLOCATE itself commits nothing
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"DEALLOCATE PREPARE r", "DROP PREPARE r", "deallocate prepare `R`"})
    void deallocatedRollbackIsNoRollbackAndDeallocatingCommitsNothing(String deallocate) throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                connection.setAutoCommit(false);
                runEach(statement, "PREPARE r FROM 'ROLLBACK'");
                insertAndUpdate(statement);
                statement.execute(deallocate);
                assertThat(syncedKeys(fixture)).as("DEALLOCATE commits nothing").isEmpty();
                assertThatThrownBy(() -> statement.execute("EXECUTE r")).isInstanceOf(SQLException.class);
                connection.commit();
            });
            assertThat(Mirrored.exactOrResynced(fixture, deallocate).stream()
                    .map(r -> r.get("id") + "=" + r.get("qty"))).containsExactly("1=10", "2=2", "3=3", "5=5");
        }
    }

    // ------------------------------------------------------------------ SET STATEMENT … FOR a write

    // variables that limit time, locks or memory cannot change which rows the write writes: synced by its keys
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "SET STATEMENT max_statement_time = 10 FOR ",
            "SET STATEMENT lock_wait_timeout = 5 FOR ",
            "set statement innodb_lock_wait_timeout=7 for ",
            "SET STATEMENT max_heap_table_size = 16777216, tmp_table_size = 16777216 FOR ",
            "SET STATEMENT /* limit */ max_statement_time = 10, lock_wait_timeout = 5 FOR "})
    void writesUnderHarmlessStatementVariablesAreSyncedByTheirKeys(String prefix) throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                statement.executeUpdate(prefix + "INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate(prefix + "UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate(prefix + "DELETE FROM orders WHERE id = 2");
            });
            assertThat(sameRows(fixture)).containsExactly("1=10", "3=3", "5=5");
            assertThat(fixture.records()).as("synced by key, no scoped resync").isEmpty();
            assertThat(syncedKeys(fixture)).contains("5", "1", "2");
        }
    }

    @Test
    void preparedWriteUnderAHarmlessStatementVariableIsSyncedByItsKeysInATransaction() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement(
                         "SET STATEMENT max_statement_time = 10 FOR UPDATE orders SET qty = ? WHERE id = ?")) {
                connection.setAutoCommit(false);
                update.setInt(1, 10);
                update.setLong(2, 1);
                update.executeUpdate();
                update.setInt(1, 30);
                update.setLong(2, 3);
                update.executeUpdate();
                assertThat(syncedKeys(fixture)).as("nothing before the commit").isEmpty();
                connection.commit();
            }
            assertThat(sameRows(fixture)).containsExactly("1=10", "2=2", "3=30");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // these may change which rows the write reaches or what it stores: still a recorded scoped resync
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "SET STATEMENT sql_mode = 'NO_BACKSLASH_ESCAPES' FOR ",
            "SET STATEMENT time_zone = '+05:00' FOR ",
            "SET STATEMENT auto_increment_increment = 5 FOR ",
            "SET STATEMENT max_statement_time = 10, sql_mode = '' FOR "})
    void writesUnderOtherStatementVariablesStayARecordedScopedResync(String prefix) throws SQLException {
        try (Fixture fixture = maria()) {
            onOneStatement(fixture, (connection, statement) -> {
                statement.executeUpdate(prefix + "UPDATE orders SET qty = 10 WHERE id = 1");
            });
            assertThat(fixture.scopedResyncs()).as("recorded, not guessed").isNotEmpty();
            assertThat(Mirrored.exactOrResynced(fixture, prefix)).hasSize(3);
            assertThat(sameRows(fixture)).containsExactly("1=10", "2=2", "3=3");
        }
    }
}
