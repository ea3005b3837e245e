package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.TxEdgesSupport.oldRows;
import static io.dualwrite.jdbc.inputs.TxEdgesSupport.sameRows;
import static io.dualwrite.jdbc.inputs.TxEdgesSupport.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transaction edges, thirteenth break: driver calls and statements that commit without saying so. On H2,
 * {@code setTransactionIsolation} commits the open transaction first, whatever the level (the same one too), and
 * H2 commits before every {@code SET} it does not count as transactional ({@code SET REFERENTIAL_INTEGRITY},
 * {@code SET MODE}, {@code SET SESSION CHARACTERISTICS AS TRANSACTION …}). The library took both for calls that leave the
 * transaction open, so the application's later {@code rollback()} discarded the keys of rows H2 had already
 * committed: the old store kept them, the new store never got them, and nothing was recorded. Likewise, on
 * PostgreSQL and MariaDB, a procedure or an anonymous block that commits its work and then fails: a statement that
 * failed recorded nothing. Each test checks the old store's rows (what was committed), then the new store against
 * them row by row: equal with an empty change log, or (for the routines) equal once the recorded resync is resolved.
 */
class TxEdgesBreak13Test {

    private static Fixture h2() {
        return Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG);
    }

    // Failed before its fix: H2's setTransactionIsolation commits the open transaction (by JDBC, or opened by BEGIN
    // in auto-commit), the library kept its keys for the transaction's end, and the rollback (or the close) discarded
    // them: rows 1 and 5 changed in the old store only, nothing recorded. After BEGIN, the write after the change
    // auto-commits. The COMMIT case passed before and guards the transaction the driver goes on with after its commit.
    @ParameterizedTest(name = "{0} isolation {1}, then {2}")
    @CsvSource(delimiter = '|', value = {
        "JDBC | 1 | ROLLBACK | 1=10 2=2 3=3 5=5",
        "JDBC | 2 | ROLLBACK | 1=10 2=2 3=3 5=5",
        "JDBC | 4 | ROLLBACK | 1=10 2=2 3=3 5=5",
        "JDBC | 8 | ROLLBACK | 1=10 2=2 3=3 5=5",
        "JDBC | 8 | CLOSE    | 1=10 2=2 3=3 5=5",
        "JDBC | 2 | COMMIT   | 1=10 2=2 3=3 5=5 6=6",
        "TEXT | 8 | ROLLBACK | 1=10 2=2 3=3 5=5 6=6"})
    void h2IsolationChangeInsideATransactionCommitsItAndItsKeysAreSynced(String opened, int level, String end,
                                                                       String expectedOld) throws SQLException {
        try (Fixture fixture = h2()) {
            Connection connection = fixture.dataSource.getConnection();
            try (Statement statement = connection.createStatement()) {
                if (opened.equals("JDBC")) {
                    connection.setAutoCommit(false);
                } else {
                    statement.execute("BEGIN");
                }
                writes(statement);
                connection.setTransactionIsolation(level);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                switch (end) {
                    case "ROLLBACK" -> {
                        if (opened.equals("JDBC")) {
                            connection.rollback();
                        } else {
                            statement.execute("ROLLBACK");
                        }
                    }
                    case "COMMIT" -> connection.commit();
                    default -> { }
                }
            } finally {
                connection.close();
            }
            assertThat(oldRows(fixture)).as("what H2 committed").isEqualTo(expectedOld);
            assertThat(sameRows(fixture)).isEqualTo(expectedOld);
            assertThat(fixture.records()).isEmpty();
        }
    }

    // Failed before its fix (the first six): H2 commits the open transaction before these settings, and the library
    // read every SET as one that keeps it: rows 1 and 5 changed in the old store only, nothing recorded. Run as a
    // statement, prepared, or as an entry of a batch between the writes.
    // Passed before the fix, and must go on passing (the last three): settings H2 keeps in the transaction; the
    // rollback undoes the writes in both stores.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "STATEMENT | SET REFERENTIAL_INTEGRITY TRUE                                              | 1=10 2=2 3=3 5=5",
        "STATEMENT | SET DEFAULT_LOCK_TIMEOUT 2000                                               | 1=10 2=2 3=3 5=5",
        "STATEMENT | SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED  | 1=10 2=2 3=3 5=5",
        "STATEMENT | /* keep */ set   mode   regular                                             | 1=10 2=2 3=3 5=5",
        "PREPARED  | SET IGNORECASE FALSE                                                        | 1=10 2=2 3=3 5=5",
        "BATCH     | SET REFERENTIAL_INTEGRITY TRUE                                              | 1=10 2=2 3=3 5=5",
        "STATEMENT | SET @x = 1                                                                  | 1=1 2=2 3=3",
        "STATEMENT | SET LOCK_TIMEOUT 1000                                                       | 1=1 2=2 3=3",
        "PREPARED  | SET SCHEMA PUBLIC                                                           | 1=1 2=2 3=3"})
    void h2SettingsThatCommitTheTransactionHaveItsKeysSyncedThoughItRollsBack(String way, String setting,
                                                                            String expectedOld) throws SQLException {
        try (Fixture fixture = h2()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                switch (way) {
                    case "STATEMENT" -> {
                        writes(statement);
                        statement.execute(setting);
                    }
                    case "PREPARED" -> {
                        writes(statement);
                        try (PreparedStatement set = connection.prepareStatement(setting)) {
                            set.execute();
                        }
                    }
                    default -> {
                        statement.addBatch("UPDATE orders SET qty = 10 WHERE id = 1");
                        statement.addBatch("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                        statement.addBatch(setting);
                        statement.executeBatch();
                    }
                }
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.rollback();
            }
            assertThat(oldRows(fixture)).as("what H2 committed").isEqualTo(expectedOld);
            assertThat(sameRows(fixture)).isEqualTo(expectedOld);
            assertThat(fixture.records()).isEmpty();
        }
    }

    // Failed before its fix (all but the last): a procedure or an anonymous block commits its update and then fails.
    // The failure reached the caller as it should, but a statement that failed recorded nothing, so the committed
    // row stayed in the old store only, with nothing recorded: in auto-commit on PostgreSQL (COMMIT inside a
    // procedure or a DO block) and MariaDB (where each statement of a procedure or block commits in auto-commit; the
    // block names orders, and was resynced when it succeeded, not when it failed), and on MariaDB inside a JDBC
    // transaction the application then rolls back (the procedure's COMMIT committed it).
    // Passed before the fix, and must go on passing (the last two): PostgreSQL refuses a COMMIT inside a procedure
    // called in a transaction, so nothing is committed and the rollback leaves both stores as they were; a batch
    // entry that failed has its resync collected with the entries that ran.
    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | AUTO        | CALL bump_then_fail()                                                                     | 1=50 2=2 3=3",
        "POSTGRES | AUTO        | DO $$ BEGIN UPDATE orders SET qty = 60 WHERE id = 2; COMMIT; RAISE EXCEPTION 'boom'; END $$ | 1=1 2=60 3=3",
        "MARIADB  | AUTO        | CALL bump_then_fail()                                                                     | 1=50 2=2 3=3",
        "MARIADB  | AUTO        | {call bump_then_fail()}                                                                   | 1=50 2=2 3=3",
        "MARIADB  | TRANSACTION | CALL bump_then_fail()                                                                     | 1=50 2=2 3=3",
        "MARIADB  | AUTO        | BEGIN NOT ATOMIC UPDATE orders SET qty = 70 WHERE id = 3; SIGNAL SQLSTATE '45000'; END    | 1=1 2=2 3=70",
        "POSTGRES | TRANSACTION | CALL bump_then_fail()                                                                     | 1=1 2=2 3=3",
        "MARIADB  | BATCH       | CALL bump_then_fail()                                                                     | 1=50 2=2 3=3"})
    void routineThatCommitsThenFailsHasItsTablesResynced(Kind kind, String mode, String sql, String expectedOld)
            throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, Kind.H2), Mirrored.PG)) {
            fixture.onOld(kind == Kind.POSTGRES
                    ? "CREATE PROCEDURE bump_then_fail() LANGUAGE plpgsql AS $$ BEGIN UPDATE orders SET qty = 50 WHERE id = 1;"
                        + " COMMIT; RAISE EXCEPTION 'boom'; END $$"
                    : "CREATE PROCEDURE bump_then_fail() BEGIN UPDATE orders SET qty = 50 WHERE id = 1; COMMIT;"
                        + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END");
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(!mode.equals("TRANSACTION"));
                boolean prepared = !mode.equals("BATCH") && (sql.startsWith("CALL") || sql.startsWith("{call"));
                try (Statement statement = prepared ? connection.prepareCall(sql) : connection.createStatement()) {
                    assertThatThrownBy(() -> {
                        if (mode.equals("BATCH")) {
                            statement.addBatch(sql);
                            statement.executeBatch();
                        } else if (statement instanceof PreparedStatement call) {
                            call.execute();
                        } else {
                            statement.execute(sql);
                        }
                    }).isInstanceOf(SQLException.class);
                }
                if (mode.equals("TRANSACTION")) {
                    connection.rollback();
                }
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(oldRows(fixture)).as("what the old store committed").isEqualTo(expectedOld);
            Mirrored.exactOrResynced(fixture, kind + " " + sql);
        }
    }
}
