package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Transaction control the library misreads (kind 1, transaction edges). */
class TransactionControlTextTest {

    // Input (MariaDB): setAutoCommit(false); INSERT id 5; START TRANSACTION sent as SQL; INSERT id 6; rollback().
    // Plain JDBC: MariaDB's START TRANSACTION inside an open transaction commits it implicitly, so id 5 stays on
    // the old store and only id 6 is rolled back.
    // Library: rollback() discards the keys of id 5 too: the new store never gets id 5, nothing is recorded.
    // Failed before its fix: BEGIN/START TRANSACTION inside an open MariaDB transaction is not treated as the commit it is.
    // Kind: transaction edges (transaction control as SQL text inside a JDBC transaction).
    @Test
    void mariadbStartTransactionInsideAJdbcTransactionCommitsTheEarlierWritesAndTheyAreMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("START TRANSACTION");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.rollback();
            }
            assertThat(Mirrored.exactOrResynced(fixture, "start transaction inside a transaction"))
                    .extracting(r -> r.get("id")).containsExactly("1", "2", "3", "5");
        }
    }

    // Input (MariaDB): setAutoCommit(false); INSERT id 5; CREATE TABLE of an unmapped table; INSERT id 6; rollback().
    // Plain JDBC: DDL commits the open transaction implicitly on MariaDB/MySQL: id 5 stays, id 6 is rolled back.
    // Library: rollback() discards the keys of id 5 and of the update: new store lacks id 5 and has qty 1 for id 1,
    // nothing recorded.
    // Failed before its fix: a statement that commits implicitly (DDL, LOCK TABLES, ...) does not hand the keys over.
    // Kind: transaction edges (a statement that commits although no COMMIT was sent).
    @Test
    void mariadbDdlInsideAJdbcTransactionCommitsTheEarlierWritesAndTheyAreMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("CREATE TABLE audit_note (x INT)");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.rollback();
            }
            assertThat(Mirrored.exactOrResynced(fixture, "ddl inside a transaction"))
                    .extracting(r -> r.get("id")).containsExactly("1", "2", "3", "5");
        }
    }

    // Input (PostgreSQL): setAutoCommit(false); INSERT id 5; SAVEPOINT s1; INSERT id 6;
    // "ROLLBACK /* undo */ TO SAVEPOINT s1"; commit().
    // Plain JDBC: only id 6 is rolled back; id 5 is committed.
    // Library: TxControl reads it as a full ROLLBACK and discards id 5's key: new store lacks id 5, nothing recorded.
    // Failed before its fix: "ROLLBACK /*c*/ TO SAVEPOINT s" is taken for a full ROLLBACK.
    // Kind: transaction edges (ROLLBACK TO in an odd spelling: a comment between its words).
    @Test
    void postgresRollbackToSavepointWithACommentBetweenItsWordsKeepsTheEarlierWrites() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("SAVEPOINT s1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                statement.execute("ROLLBACK /* undo the line */ TO SAVEPOINT s1");
                connection.commit();
            }
            assertThat(Mirrored.exactOrResynced(fixture, "rollback /**/ to savepoint"))
                    .extracting(r -> r.get("id")).containsExactly("1", "2", "3", "5");
        }
    }

    // Input (PostgreSQL, setAutoCommit(false)): INSERT id 5; "COMMIT/*done*/" (comment right after the word); close().
    // Plain JDBC: the transaction is committed by the SQL text.
    // Library: "COMMIT/*done*/" is not recognised as COMMIT (the pattern wants white space after the word), the keys
    // stay in the buffer and close() discards them: new store lacks id 5, nothing recorded.
    // Failed before its fix: COMMIT directly followed by a comment is not transaction control for the library.
    // Kind: transaction edges (COMMIT in an odd spelling).
    @Test
    void postgresCommitFollowedDirectlyByACommentMirrorsTheTransaction() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("COMMIT/*done*/");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "commit/**/"))
                    .extracting(r -> r.get("id")).containsExactly("1", "2", "3", "5");
        }
    }

    // Input (PostgreSQL, auto-commit): BEGIN; INSERT id 5; "COMMIT /* c */ AND CHAIN"; UPDATE id 1 qty 10; COMMIT.
    // Plain JDBC: both transactions commit; the update lands after the second COMMIT.
    // Library: read as a plain COMMIT, so the chained transaction is taken for auto-commit: the UPDATE's key is
    // synced at once, before its commit, reading qty 1; the final COMMIT has nothing to hand over: new qty 1, old 10.
    // Failed before its fix: "COMMIT /*c*/ AND CHAIN" is taken for COMMIT without chain.
    // Kind: transaction edges (COMMIT AND CHAIN with a comment between its words).
    @Test
    void postgresCommitAndChainWithACommentBetweenItsWordsMirrorsTheChainedTransaction() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("COMMIT /* first part */ AND CHAIN");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("COMMIT");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "commit /**/ and chain"))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5");
        }
    }

    // Input (MariaDB, auto-commit): an anonymous compound statement "BEGIN NOT ATOMIC UPDATE orders ...; END", then
    // an auto-committed INSERT id 5; close().
    // Plain JDBC: the block runs and commits its update; the insert commits on its own.
    // Library: the block is taken for BEGIN: its update is neither synced nor recorded, and the connection is then
    // believed to be in an SQL transaction, so the later auto-committed INSERT is buffered and discarded at close:
    // new store lacks both.
    // Failed before its fix: "BEGIN NOT ATOMIC ... END" is read as transaction control BEGIN.
    // Kind: transaction edges (a statement starting with BEGIN that is not transaction control).
    @Test
    void mariadbAnonymousBlockIsNotTakenForBegin() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN NOT ATOMIC UPDATE orders SET qty = 10 WHERE id = 1; END");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "begin not atomic"))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5");
        }
    }

    // Input (PostgreSQL): BEGIN as SQL in auto-commit; INSERT id 5; setAutoCommit(false); commit(); setAutoCommit(true);
    // INSERT id 6 (auto-committed); close().
    // Plain JDBC: id 5 commits with commit(), id 6 commits on its own.
    // Library: the SQL-transaction flag is never cleared by the JDBC commit(), so the later auto-committed INSERT of
    // id 6 is buffered as if in a transaction and discarded at close: new store lacks id 6, nothing recorded.
    // Failed before its fix: commit()/rollback() with auto-commit off leave the BEGIN-as-SQL flag set.
    // Kind: transaction edges (a transaction opened by SQL text ended through the JDBC methods).
    @Test
    void postgresSqlBegunTransactionCommittedThroughJdbcLeavesLaterAutoCommitWritesMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                connection.setAutoCommit(false);
                connection.commit();
                connection.setAutoCommit(true);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "sql begin, jdbc commit"))
                    .extracting(r -> r.get("id")).containsExactly("1", "2", "3", "5", "6");
        }
    }

    // Input (H2): setAutoCommit(false); INSERT id 5; UPDATE id 1; "SET AUTOCOMMIT TRUE" (H2's own spelling, no '=');
    // close().
    // Plain JDBC: switching auto-commit on commits the open transaction: id 5 and the update stay.
    // Library: the pattern wants "autocommit =", so H2's "SET AUTOCOMMIT TRUE" is not seen; the keys stay buffered
    // and close() discards them: new store lacks id 5 and the update, nothing recorded.
    // Failed before its fix: H2's SET AUTOCOMMIT TRUE/ON (no '=') commits without a hand-over.
    // Kind: transaction edges (auto-commit switched on by SQL text mid-transaction).
    @Test
    void h2SetAutocommitTrueAsSqlMidTransactionMirrorsTheTransaction() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("SET AUTOCOMMIT TRUE");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "h2 set autocommit true"))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5");
        }
    }

    // Input (MariaDB): setAutoCommit(false); INSERT id 5; UPDATE id 1; "SET autocommit = 1, sql_mode = 'STRICT_ALL_TABLES'"
    // (several session variables in one SET, as connection initialisers send them); close().
    // Plain JDBC: autocommit = 1 commits the open transaction.
    // Library: the pattern wants the value to end the statement or be followed by white space, so ", sql_mode" makes
    // it no control; the keys are discarded at close: new store lacks id 5 and the update, nothing recorded.
    // Failed before its fix: SET autocommit = 1 followed by ", other = ..." commits without a hand-over.
    // Kind: transaction edges (auto-commit switched on by SQL text mid-transaction).
    @Test
    void mariadbSetAutocommitOneAmongOtherVariablesMirrorsTheTransaction() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("SET autocommit = 1, sql_mode = 'STRICT_ALL_TABLES'");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "set autocommit = 1, ..."))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5");
        }
    }

    // Input (PostgreSQL): setAutoCommit(false); Statement.addBatch(INSERT id 5), addBatch("COMMIT"),
    // addBatch(INSERT id 6); executeBatch(); rollback().
    // Plain JDBC (pgjdbc): the COMMIT in the batch commits id 5, and id 6 then runs outside the transaction pgjdbc
    // opened before the batch, so the rollback undoes nothing: the old store holds ids 5 and 6.
    // Library: neither id reaches the new store and nothing is recorded (the batch's COMMIT is not seen as one, and
    // the rollback() discards the keys).
    // Failed before its fix: transaction control inside Statement.addBatch is not treated as transaction control.
    // Kind: transaction edges (transaction control sent as SQL text inside a batch).
    @Test
    void postgresCommitInsideAStatementBatchKeepsTheEarlierWritesMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.addBatch("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.addBatch("COMMIT");
                statement.addBatch("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                statement.executeBatch();
                connection.rollback();
            }
            assertThat(Mirrored.exactOrResynced(fixture, "commit inside a batch"))
                    .extracting(r -> r.get("id")).containsExactly("1", "2", "3", "5", "6");
        }
    }

    // Input (PostgreSQL, auto-commit): one Statement.execute of
    // "BEGIN; UPDATE orders SET qty = 10 WHERE id = 1; INSERT ... id 5; COMMIT"; then an auto-committed INSERT id 6;
    // close().
    // Plain JDBC: everything commits.
    // Library: the whole string is taken for BEGIN (the pattern accepts anything after "BEGIN;"): its writes are
    // never analysed, and the connection is then believed to be in an SQL transaction, so the later INSERT of id 6 is
    // buffered and discarded at close: the new store lacks the update, id 5 and id 6; nothing recorded.
    // Failed before its fix: a string that starts with transaction control is treated as that control alone.
    // Kind: transaction edges (transaction control and writes in one string).
    @Test
    void postgresBeginWritesAndCommitSentAsOneStringAreMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN; UPDATE orders SET qty = 10 WHERE id = 1;"
                        + " INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5); COMMIT");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "begin; writes; commit in one string"))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5", "6");
        }
    }

    // Input (PostgreSQL, setAutoCommit(false)): one Statement.execute of
    // "INSERT ... id 5; UPDATE orders SET qty = 10 WHERE id = 1; COMMIT"; close().
    // Plain JDBC: the COMMIT at the end of the string commits both writes.
    // Library: the COMMIT inside the string is not seen; the keys wait in the buffer and close() discards them: the
    // new store lacks id 5 and the update; nothing recorded.
    // Failed before its fix: a COMMIT that ends a string of several statements does not hand the keys over.
    // Kind: transaction edges (transaction control and writes in one string).
    @Test
    void postgresWritesAndCommitSentAsOneStringAreMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.execute("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5);"
                        + " UPDATE orders SET qty = 10 WHERE id = 1; COMMIT");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "writes; commit in one string"))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5");
        }
    }

    // Input (PostgreSQL, setAutoCommit(false)): INSERT id 5; then one Statement.execute of
    // "COMMIT; INSERT ... id 6"; commit().
    // Plain JDBC: both commit (id 5 by the text COMMIT, id 6 by commit()).
    // Library: the string is taken for COMMIT alone: id 5 is handed over, but the INSERT of id 6 after it is never
    // analysed, so id 6 never reaches the new store; nothing recorded.
    // Failed before its fix: writes after transaction control in the same string are not collected.
    // Kind: transaction edges (transaction control and writes in one string).
    @Test
    void postgresWriteAfterACommitInTheSameStringIsMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("COMMIT; INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.commit();
            }
            assertThat(Mirrored.exactOrResynced(fixture, "commit; write in one string"))
                    .extracting(r -> r.get("id")).containsExactly("1", "2", "3", "5", "6");
        }
    }

    // Input (MariaDB, auto-commit): START TRANSACTION as SQL; INSERT id 5; Connection.rollback() (MariaDB's driver
    // rolls an open transaction back whatever the auto-commit mode); then an auto-committed INSERT id 6; close().
    // Plain JDBC: id 5 is rolled back; id 6 commits on its own.
    // Library: rollback() discards the buffer but leaves the "transaction opened by SQL" flag set, so the INSERT of
    // id 6 is buffered as if in a transaction and discarded at close: new store lacks id 6; nothing recorded.
    // Failed before its fix: a JDBC rollback() of a transaction opened by SQL text leaves the connection in SQL-transaction mode.
    // Kind: transaction edges (a transaction opened by SQL text ended through the JDBC methods).
    @Test
    void mariadbSqlBegunTransactionRolledBackThroughJdbcLeavesLaterAutoCommitWritesMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("START TRANSACTION");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                connection.rollback();
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "sql start transaction, jdbc rollback"))
                    .extracting(r -> r.get("id")).containsExactly("1", "2", "3", "6");
        }
    }

    // Input (MariaDB): a stored procedure that only does COMMIT (CREATE PROCEDURE checkpoint_work() COMMIT);
    // setAutoCommit(false); INSERT id 5; UPDATE id 1; CALL checkpoint_work(); INSERT id 6; rollback().
    // Plain JDBC: the procedure's COMMIT commits id 5 and the update; the rollback undoes only id 6.
    // Library: the CALL records a procedure-call resync in the transaction's buffer, and rollback() discards it with
    // the keys of id 5 and the update: new store lacks id 5 and has qty 1 for id 1; nothing recorded.
    // Failed before its fix: a commit inside a procedure called in a transaction is lost with a later rollback().
    // Kind: transaction edges (a commit the SQL text does not show).
    @Test
    void mariadbProcedureThatCommitsKeepsTheEarlierWritesMirroredAfterARollback() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            fixture.onOld("CREATE PROCEDURE checkpoint_work() COMMIT");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("CALL checkpoint_work()");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.rollback();
            }
            assertThat(Mirrored.exactOrResynced(fixture, "procedure that commits"))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5");
        }
    }

    // Input (PostgreSQL, setAutoCommit(false)): INSERT id 5; "/* outer /* nested */ still a comment */ COMMIT"
    // (PostgreSQL nests block comments); close().
    // Plain JDBC: the text is a COMMIT.
    // Library: the leading comment is taken to end at the first "*/", so the text is no control; the keys are
    // discarded at close: new store lacks id 5; nothing recorded.
    // Failed before its fix: a COMMIT after a nested block comment is not transaction control for the library.
    // Kind: transaction edges (COMMIT in an odd spelling: a nested comment before it).
    @Test
    void postgresCommitAfterANestedBlockCommentMirrorsTheTransaction() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("/* outer /* nested */ still a comment */ COMMIT");
            }
            assertThat(Mirrored.exactOrResynced(fixture, "nested comment, commit"))
                    .extracting(r -> r.get("id")).containsExactly("1", "2", "3", "5");
        }
    }

    /** BEGIN as SQL in auto-commit, an UPDATE that fails, the failure, then ROLLBACK as SQL. */
    private static SQLException failingUpdateInSqlTransaction(javax.sql.DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("BEGIN");
            SQLException failure = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class,
                    () -> statement.executeUpdate("UPDATE orders SET qty = 9 WHERE no_such_column = 1"));
            statement.execute("ROLLBACK");
            return failure;
        }
    }

    // Input (PostgreSQL, auto-commit): BEGIN as SQL; UPDATE orders SET qty = 9 WHERE no_such_column = 1 (no key in the
    // WHERE: the library pre-selects keys on the caller's connection); ROLLBACK.
    // Plain JDBC: the UPDATE fails with its own error, SQLState 42703 (undefined column).
    // Library: its key pre-select fails first and, with no savepoint guard (JDBC auto-commit is on), aborts the SQL
    // transaction: the caller gets SQLState 25P02 "current transaction is aborted" instead of its own error (the
    // same input inside a JDBC transaction gives 42703: PostgresTransactionTest).
    // Failed before its fix: the library's statements on the caller's connection are unguarded inside an SQL-text transaction.
    // Kind: transaction edges (a transaction opened by SQL text: the library's own statements on the caller's
    // connection are guarded by a savepoint only when JDBC auto-commit is off).
    @Test
    void postgresFailingUpdateInASqlBegunTransactionReportsItsOwnError() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            SQLException direct = failingUpdateInSqlTransaction(fixture.oldDb.dataSource());
            SQLException throughDualWrite = failingUpdateInSqlTransaction(fixture.dataSource);
            assertThat(direct.getSQLState()).isEqualTo("42703");
            assertThat(throughDualWrite.getSQLState()).isEqualTo(direct.getSQLState());
            assertThat(throughDualWrite.getMessage()).isEqualTo(direct.getMessage());
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    /** A trailing comment as sqlcommenter / OpenTelemetry append it to statements: longer than 200 characters. */
    private static final String TRACE_COMMENT = " /*application='checkout-service',controller='OrderController',action='placeOrder',"
            + "db_driver='org.postgresql',framework='spring-boot%3A3.2.0',route='%2Fapi%2Forders%2F%7Bid%7D',"
            + "traceparent='00-5bd66ef5095369c7b0d1f8f4bd33716a-c532cb4098ac3dd2-01'*/";

    // Input (PostgreSQL, setAutoCommit(false)): INSERT id 5; UPDATE id 1; then COMMIT as SQL followed by a trace
    // comment of about 300 characters; close().
    // Plain JDBC: the COMMIT commits both writes.
    // Library: TxControl gives up on any text longer than 200 characters once leading comments are skipped, so this
    // COMMIT is no control; the keys stay buffered and close() discards them: new store lacks id 5 and the update;
    // nothing recorded.
    // Failed before its fix: a COMMIT with a trailing comment making it longer than 200 characters is not seen.
    // Kind: transaction edges (COMMIT with a long trailing comment).
    @Test
    void postgresCommitWithALongTrailingTraceCommentInAJdbcTransactionMirrorsIt() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("COMMIT" + TRACE_COMMENT);
            }
            assertThat(Mirrored.exactOrResynced(fixture, "commit with a long trace comment"))
                    .extracting(r -> r.get("qty")).containsExactly("10", "2", "3", "5");
        }
    }
}
