package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.PlainJdbc.NOTHING;
import static io.dualwrite.jdbc.inputs.PlainJdbc.describe;
import static io.dualwrite.jdbc.inputs.PlainJdbc.plainAndProxy;
import static io.dualwrite.jdbc.inputs.PlainJdbc.run;
import static io.dualwrite.jdbc.inputs.PlainJdbc.warnings;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The caller's view against plain JDBC on the same kind of database, and transaction edges
 * the earlier inputs do not cover (implicit commits the library misses or imagines, commits inside procedures
 * followed by close/abort, autocommit spelled otherwise, warnings, read-only sessions, closeOnCompletion).
 * Each store comparison ends in {@link Mirrored#exactOrResynced}: equal, or something recorded that resolves it.
 */
class CallerViewBreakTest {


    // ---------------------------------------------------------------- helpers

    private static Fixture seeded(Kind kind) {
        return Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG);
    }

    // ---------------------------------------------------------------- commits the library does not see

    // Input (MariaDB): setAutoCommit(false); UPDATE orders SET qty = 50 WHERE id = 1; INSERT id 5;
    // CALL commit_now() (a procedure whose body is COMMIT); close() without commit.
    // Plain JDBC: the procedure committed the update and the insert; close() rolls back nothing.
    // The existing test covers rollback() after such a CALL; close() uses buffer.rollback(), not rollbackBuffer().
    // Failed before: old store keeps qty 50 for id 1 and row 5 (committed by the procedure); close() discards the buffered keys and the procedure-call resync (buffer.rollback(), not rollbackBuffer()): new store unchanged, nothing recorded
    @Test
    void mariadbProcedureThatCommitsThenCloseWithoutCommit() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            fixture.onOld("CREATE PROCEDURE commit_now() COMMIT");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute("CALL commit_now()");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 50));
            Mirrored.exactOrResynced(fixture, "procedure commits, then close");
        }
    }

    // Input (MariaDB): as above, but connection.abort(executor) instead of close().
    // Failed before: abort() discards the keys although the procedure committed the update: old qty 50, new qty 1, nothing recorded
    @Test
    void mariadbProcedureThatCommitsThenAbort() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            fixture.onOld("CREATE PROCEDURE commit_now() COMMIT");
            Connection connection = fixture.dataSource.getConnection();
            try (Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.execute("CALL commit_now()");
            }
            connection.abort(executor);
            connection.close();
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 50));
            Mirrored.exactOrResynced(fixture, "procedure commits, then abort");
        } finally {
            executor.shutdownNow();
        }
    }

    // Input (MariaDB): setAutoCommit(false); UPDATE id 1; INSERT id 5; <autocommit spelled otherwise>; close().
    // Plain JDBC: SET ... autocommit to 1 commits the open transaction (MariaDB accepts LOCAL, :=, DEFAULT, 'ON').
    // Failed before: "SET LOCAL autocommit = 1" is not taken for AUTOCOMMIT_ON; the server commits, the keys stay buffered and close() discards them: new store lacks the update and row 5, nothing recorded
    @Test
    void mariadbSetLocalAutocommitOneThenClose() throws SQLException {
        autocommitSpelledOtherwise("SET LOCAL autocommit = 1");
    }

    // Failed before: "SET autocommit := 1" commits on the server, not seen as control: new store lacks the update and row 5, nothing recorded
    @Test
    void mariadbSetAutocommitColonEqualsOneThenClose() throws SQLException {
        autocommitSpelledOtherwise("SET autocommit := 1");
    }

    // Failed before: "SET @@local.autocommit = 1" commits on the server, not seen as control: drift, nothing recorded
    @Test
    void mariadbSetAtAtLocalAutocommitOneThenClose() throws SQLException {
        autocommitSpelledOtherwise("SET @@local.autocommit = 1");
    }

    // Failed before: "SET autocommit = DEFAULT" (default 1) commits on the server, not seen as control: drift, nothing recorded
    @Test
    void mariadbSetAutocommitDefaultThenClose() throws SQLException {
        autocommitSpelledOtherwise("SET autocommit = DEFAULT");
    }

    // Failed before: "SET autocommit = 'ON'" commits on the server, not seen as control: drift, nothing recorded
    @Test
    void mariadbSetAutocommitQuotedOnThenClose() throws SQLException {
        autocommitSpelledOtherwise("SET autocommit = 'ON'");
    }

    private static void autocommitSpelledOtherwise(String sql) throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute(sql);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 50));
            Mirrored.exactOrResynced(fixture, sql);
        }
    }

    // Input (MariaDB): setAutoCommit(false); UPDATE id 1; CHECK TABLE orders (an implicit commit on MariaDB); rollback().
    // Failed before: CHECK TABLE commits implicitly on MariaDB but is not in IMPLICIT_COMMIT; rollback() discards the keys: old has qty 50 and row 5, new unchanged, nothing recorded
    @Test
    void mariadbCheckTableMidTransactionThenRollback() throws SQLException {
        implicitCommitThenRollback(Kind.MARIADB, "CHECK TABLE orders");
    }

    // Input (H2): setAutoCommit(false); UPDATE id 1; CREATE TABLE other_t (x INT) (H2 commits before DDL); rollback().
    // Failed before: H2 commits the open transaction before DDL; implicit commits are handled only for MySQL/MariaDB: old has qty 50 and row 5 after rollback(), new unchanged, nothing recorded
    @Test
    void h2CreateTableMidTransactionThenRollback() throws SQLException {
        implicitCommitThenRollback(Kind.H2, "CREATE TABLE other_t (x INT)");
    }

    // Input (H2): setAutoCommit(false); UPDATE id 1; CREATE INDEX on orders (H2 commits before DDL); rollback().
    // Failed before: same as CREATE TABLE: H2 DDL commits, rollback() discards the keys, drift with nothing recorded
    @Test
    void h2CreateIndexMidTransactionThenRollback() throws SQLException {
        implicitCommitThenRollback(Kind.H2, "CREATE INDEX orders_qty ON orders (qty)");
    }

    private static void implicitCommitThenRollback(Kind kind, String sql) throws SQLException {
        try (Fixture fixture = seeded(kind)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.execute(sql);
                connection.rollback();
            }
            Mirrored.exactOrResynced(fixture, kind + " " + sql);
        }
    }

    // Input (MariaDB and H2): setAutoCommit(false); a Statement batch of "UPDATE orders SET qty = 50 WHERE id = 1"
    // and "CREATE TABLE other_t (x INT)"; rollback(). The DDL commits the update on both databases.
    // Failed before: a DDL entry of a Statement batch commits the UPDATE entry; BatchExecution never calls beforeOtherStatement: old qty 50, new qty 1 after rollback(), nothing recorded
    @Test
    void mariadbBatchWithDdlThenRollback() throws SQLException {
        batchWithDdl(Kind.MARIADB);
    }

    // Failed before: same on H2: the batch's DDL commits the UPDATE, rollback() discards its key; drift, nothing recorded
    @Test
    void h2BatchWithDdlThenRollback() throws SQLException {
        batchWithDdl(Kind.H2);
    }

    private static void batchWithDdl(Kind kind) throws SQLException {
        try (Fixture fixture = seeded(kind)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.addBatch("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.addBatch("CREATE TABLE other_t (x INT)");
                statement.executeBatch();
                connection.rollback();
            }
            Mirrored.exactOrResynced(fixture, kind + " batch with DDL");
        }
    }

    // ---------------------------------------------------------------- commits the library imagines

    // Input (MariaDB): setAutoCommit(false); UPDATE id 1 (qty 50); DELETE id 3; <a statement that does NOT commit>;
    // commit(). Plain JDBC: the transaction commits at commit(). The library takes these texts for implicit commits
    // and hands the keys over early (the sync sees the rows unchanged), so nothing is left for commit().
    // Failed before: UNLOCK TABLES with no table locked does not commit, but the library hands the keys over there (sync sees the uncommitted rows unchanged) and commit() has nothing left: new keeps qty 1 and row 3, nothing recorded
    @Test
    void mariadbUnlockTablesWithoutLocksMidTransaction() throws SQLException {
        imaginedImplicitCommit("UNLOCK TABLES");
    }

    // Failed before: CREATE OR REPLACE TEMPORARY TABLE does not commit, but "create\\s+(?!temporary)" takes it for an implicit commit: keys handed over early, commit() syncs nothing; drift (qty 50 / row 3 deleted), nothing recorded
    @Test
    void mariadbCreateOrReplaceTemporaryTableMidTransaction() throws SQLException {
        imaginedImplicitCommit("CREATE OR REPLACE TEMPORARY TABLE tmp_t (x INT)");
    }

    // Failed before: MariaDB's ANALYZE SELECT (EXPLAIN ANALYZE) does not commit, but "analyze\\s" takes it for ANALYZE TABLE: keys handed over early; drift, nothing recorded
    @Test
    void mariadbAnalyzeSelectMidTransaction() throws SQLException {
        imaginedImplicitCommit("ANALYZE SELECT * FROM other_t");
    }

    private static void imaginedImplicitCommit(String sql) throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE other_t (x INT)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                statement.execute(sql);
                // still in the transaction: another session sees the old row
                assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 1));
                connection.commit();
            }
            Mirrored.exactOrResynced(fixture, sql);
        }
    }

    // Input (MariaDB, auto-commit): ANALYZE UPDATE orders SET qty = 70 WHERE id = 2 (MariaDB runs the update and
    // reports how it ran).
    @Test
    void mariadbAnalyzeUpdateInAutoCommit() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE UPDATE orders SET qty = 70 WHERE id = 2");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 2")).containsExactly(Rows.expected("qty", 70));
            Mirrored.exactOrResynced(fixture, "ANALYZE UPDATE");
        }
    }

    // ---------------------------------------------------------------- the caller's view

    // Input (MariaDB, sql_mode ''): INSERT with a code too long for VARCHAR(20); statement.getWarnings().
    // Failed before: plain statement.getWarnings() is 1265 "Data truncated for column 'code'"; through the data source it is null (the library's own statements after the write reset the session's warnings)
    @Test
    void mariadbNonStrictInsertWarningsAreThoseOfPlainJdbc() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    out.add("count " + statement.executeUpdate(
                            "INSERT INTO orders (id, code, qty) VALUES (5, 'abcdefghijklmnopqrstuvwxyz', 5)"));
                    out.add("statement warnings " + warnings(statement.getWarnings()));
                    out.add("connection warnings " + warnings(connection.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "non-strict insert");
        }
    }

    // Input (MariaDB, sql_mode '', auto-commit): UPDATE orders SET code = <too long> WHERE qty = 2 (a pre-selected
    // update); statement.getWarnings().
    // Failed before: plain getWarnings() 1265 "Data truncated ... at row 2"; through the data source null (the wrapped transaction's commit/setAutoCommit(true) run after the update)
    @Test
    void mariadbNonStrictPreselectedUpdateWarningsAreThoseOfPlainJdbc() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    out.add("count " + statement.executeUpdate(
                            "UPDATE orders SET code = 'abcdefghijklmnopqrstuvwxyz' WHERE qty = 2"));
                    out.add("statement warnings " + warnings(statement.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "non-strict update");
        }
    }

    // Input (MariaDB): INSERT IGNORE of a duplicate key; statement.getWarnings().
    // Failed before: plain getWarnings() 1062 "Duplicate entry '1' for key 'PRIMARY'"; through the data source null
    @Test
    void mariadbInsertIgnoreDuplicateWarningsAreThoseOfPlainJdbc() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("INSERT IGNORE INTO orders (id, code, qty) VALUES (1, 'z', 9)"));
                    out.add("statement warnings " + warnings(statement.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "insert ignore");
        }
    }

    // Input (PostgreSQL): setReadOnly(true) in auto-commit (pgjdbc's default readOnlyMode=transaction makes only
    // transactions read-only); UPDATE orders SET qty = 7 WHERE code = 'a' (a WHERE that needs a pre-select).
    // Failed before: plain JDBC updates 1 row (pgjdbc readOnlyMode=transaction leaves auto-commit statements writable); the library wraps the pre-selected update in a transaction, which pgjdbc begins READ ONLY: PSQLException 25006 "cannot execute UPDATE in a read-only transaction"
    @Test
    void postgresReadOnlyAutoCommitUpdateNeedingAPreselect() throws SQLException {
        try (Fixture fixture = seeded(Kind.POSTGRES)) {
            List<String> both = plainAndProxy(Kind.POSTGRES, NOTHING, (connection, out) -> {
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 7 WHERE code = 'a'"));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "read-only auto-commit update");
        }
    }

    // Input (all): createStatement(); closeOnCompletion(); executeUpdate of an insert whose key is generated
    // (the library asks the driver for keys itself); then a second executeUpdate on the same statement.
    // Failed before: plain: the statement stays open after executeUpdate (no result set was opened); through the data source the library reads and closes the generated keys it asked for, pgjdbc then closes the statement: isClosed() true and the next executeUpdate throws 55000 "This statement has been closed."
    @Test
    void postgresCloseOnCompletionStatementSurvivesAGeneratedKeyInsert() throws SQLException {
        closeOnCompletion(Kind.POSTGRES, "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 10)"
                + " PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)");
    }

    // Failed before: same on H2: isClosed() true after the first insert, the second throws 90007 "The object is already closed"
    @Test
    void h2CloseOnCompletionStatementSurvivesAGeneratedKeyInsert() throws SQLException {
        closeOnCompletion(Kind.H2, "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 10)"
                + " PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)");
    }

    @Test
    void mariadbCloseOnCompletionStatementSurvivesAGeneratedKeyInsert() throws SQLException {
        closeOnCompletion(Kind.MARIADB, "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20)"
                + " UNIQUE, qty INT) AUTO_INCREMENT = 10");
    }

    private static void closeOnCompletion(Kind kind, String ddl) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), ddl)) {
            PlainJdbc.Script script = (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.closeOnCompletion();
                    out.add("count " + statement.executeUpdate("INSERT INTO orders (code, qty) VALUES ('x', 1)"));
                    out.add("closed " + statement.isClosed());
                    out.add("count " + statement.executeUpdate("INSERT INTO orders (code, qty) VALUES ('y', 2)"));
                    out.add("closed " + statement.isClosed());
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (code, qty) VALUES (?, ?)")) {
                    insert.closeOnCompletion();
                    insert.setString(1, "p");
                    insert.setInt(2, 3);
                    out.add("count " + insert.executeUpdate());
                    out.add("closed " + insert.isClosed());
                    insert.setString(1, "q");
                    out.add("count " + insert.executeUpdate());
                }
            };
            List<String> plain = new ArrayList<>();
            try (Fixture other = Mirrored.seed(Fixture.of(kind, kind), ddl)) {
                run(other.oldDb.dataSource(), script, plain);
            }
            List<String> proxied = new ArrayList<>();
            run(fixture.dataSource, script, proxied);
            assertThat(proxied).isEqualTo(plain);
            Mirrored.exactOrResynced(fixture, "closeOnCompletion " + kind);
        }
    }

    // Input (all): Statement.execute of a generated-key insert without a key request, then the result sequence:
    // execute's answer, getUpdateCount, getResultSet, getMoreResults, getUpdateCount, getGeneratedKeys' rows.
    // Failed before: with setMaxRows(1), a two-row insert: plain getUpdateCount()/getLargeUpdateCount() are 2; through the data source -1 (the library's key request turns the insert into a RETURNING query limited by maxRows); also a silent drift, see postgresUpdateCountOfATwoRowGeneratedKeyInsertWithAndWithoutMaxRows
    @Test
    void postgresExecuteResultSequenceOfAGeneratedKeyInsert() throws SQLException {
        resultSequence(Kind.POSTGRES, "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 10)"
                + " PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)");
    }

    @Test
    void h2ExecuteResultSequenceOfAGeneratedKeyInsert() throws SQLException {
        resultSequence(Kind.H2, "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 10)"
                + " PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)");
    }

    @Test
    void mariadbExecuteResultSequenceOfAGeneratedKeyInsert() throws SQLException {
        resultSequence(Kind.MARIADB, "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20)"
                + " UNIQUE, qty INT) AUTO_INCREMENT = 10");
    }

    private static void resultSequence(Kind kind, String ddl) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), ddl)) {
            PlainJdbc.Script script = (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.setMaxRows(1);
                    out.add("execute " + statement.execute("INSERT INTO orders (code, qty) VALUES ('x', 1), ('y', 2)"));
                    out.add("updateCount " + statement.getUpdateCount());
                    out.add("largeUpdateCount " + statement.getLargeUpdateCount());
                    out.add("resultSet " + (statement.getResultSet() == null ? "null" : "a result set"));
                    out.add("moreResults " + statement.getMoreResults());
                    out.add("updateCount " + statement.getUpdateCount());
                    try (ResultSet keys = statement.getGeneratedKeys()) {
                        List<Object> rows = new ArrayList<>();
                        while (keys != null && keys.next()) {
                            rows.add(keys.getObject(1));
                        }
                        out.add("keys " + rows);
                    } catch (SQLException e) {
                        out.add("keys " + describe(e));
                    }
                    out.add("warnings " + warnings(statement.getWarnings()));
                }
            };
            List<String> plain = new ArrayList<>();
            try (Fixture other = Mirrored.seed(Fixture.of(kind, kind), ddl)) {
                run(other.oldDb.dataSource(), script, plain);
            }
            List<String> proxied = new ArrayList<>();
            run(fixture.dataSource, script, proxied);
            assertThat(proxied).isEqualTo(plain);
            Mirrored.exactOrResynced(fixture, "result sequence " + kind);
        }
    }

    // Input (all): exceptions of failing writes in auto-commit: a duplicate key by key, a unique violation through a
    // pre-selected update, executeLargeUpdate of the same. Class, SQLState, vendor code and message as plain JDBC.
    @Test
    void postgresExceptionsAreThoseOfPlainJdbc() throws SQLException {
        exceptions(Kind.POSTGRES);
    }

    @Test
    void mariadbExceptionsAreThoseOfPlainJdbc() throws SQLException {
        exceptions(Kind.MARIADB);
    }

    @Test
    void h2ExceptionsAreThoseOfPlainJdbc() throws SQLException {
        exceptions(Kind.H2);
    }

    private static void exceptions(Kind kind) throws SQLException {
        try (Fixture fixture = seeded(kind)) {
            List<String> both = plainAndProxy(kind, NOTHING, (connection, out) -> {
                String[] writes = {"INSERT INTO orders (id, code, qty) VALUES (1, 'zz', 1)",
                        "UPDATE orders SET code = 'b' WHERE qty = 1",
                        "DELETE FROM orders WHERE qty / (qty - 2) > 0"};
                for (String sql : writes) {
                    try (Statement statement = connection.createStatement()) {
                        out.add("count " + statement.executeLargeUpdate(sql));
                    } catch (SQLException e) {
                        out.add(describe(e));
                    }
                }
                connection.setAutoCommit(false);
                for (String sql : writes) {
                    try (Statement statement = connection.createStatement()) {
                        out.add("count " + statement.executeLargeUpdate(sql));
                    } catch (SQLException e) {
                        out.add(describe(e));
                        connection.rollback();
                    }
                }
                connection.commit();
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "exceptions " + kind);
        }
    }

    // Input (PostgreSQL): execute() of a generated-key insert, then getUpdateCount(): without setMaxRows, one row,
    // through a PreparedStatement (as MyBatis runs every insert: ps.execute(); ps.getUpdateCount()).
    @Test
    void postgresPreparedExecuteThenGetUpdateCountOfAGeneratedKeyInsert() throws SQLException {
        String ddl = "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 10)"
                + " PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), ddl)) {
            PlainJdbc.Script script = (connection, out) -> {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (code, qty) VALUES (?, ?)")) {
                    insert.setString(1, "x");
                    insert.setInt(2, 1);
                    out.add("execute " + insert.execute());
                    out.add("updateCount " + insert.getUpdateCount());
                    out.add("resultSet " + (insert.getResultSet() == null ? "null" : "a result set"));
                }
                try (Statement statement = connection.createStatement()) {
                    out.add("execute " + statement.execute("INSERT INTO orders (code, qty) VALUES ('y', 2)"));
                    out.add("updateCount " + statement.getUpdateCount());
                    out.add("moreResults " + statement.getMoreResults());
                    out.add("updateCount " + statement.getUpdateCount());
                }
            };
            List<String> plain = new ArrayList<>();
            try (Fixture other = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), ddl)) {
                run(other.oldDb.dataSource(), script, plain);
            }
            List<String> proxied = new ArrayList<>();
            run(fixture.dataSource, script, proxied);
            assertThat(proxied).isEqualTo(plain);
            Mirrored.exactOrResynced(fixture, "pg execute");
        }
    }

    // Input (MariaDB, auto-commit, SYNC): LOCK TABLES orders WRITE; UPDATE orders SET qty = 9 WHERE id = 1; UNLOCK TABLES.
    // Failed before: the UPDATE waited the whole mirror time limit (the sync read orders on another session, which
    // waits for this session's table lock), then recorded orders/1. Now the keys are held until UNLOCK TABLES: the
    // new store is unchanged while the locks are held, equal right after UNLOCK, and nothing is recorded (a sync
    // that had waited out its time limit would have been).
    @Test
    void mariadbWriteUnderLockTablesIsSyncedAtUnlock() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .timeLimit(java.time.Duration.ofSeconds(20)).build(), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 1");
                assertThat(Rows.of(fixture.newDb, "SELECT quantity FROM orders_v2 WHERE id = 1"))
                        .as("not synced while the session holds the table lock").containsExactly(Rows.expected("quantity", 1));
                statement.execute("UNLOCK TABLES");
                Rows.assertOrdersSame(fixture, "id, code, qty");
            }
            assertThat(fixture.records()).as("nothing waited out its time limit").isEmpty();
        }
    }

    // Input (MariaDB): setReadOnly(true) in auto-commit; UPDATE orders SET qty = 7 WHERE code = 'a'.
    @Test
    void mariadbReadOnlyAutoCommitUpdateNeedingAPreselect() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 7 WHERE code = 'a'"));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "maria read-only auto-commit update");
        }
    }

    // Input (PostgreSQL): isolating the result-sequence failure: a two-row generated-key insert through execute()
    // with and without setMaxRows(1), Statement and PreparedStatement; getUpdateCount() after each.
    // Failed before: with setMaxRows(1): executeUpdate/getUpdateCount answer -1 instead of 2, and only the first generated key reaches the buffer (maxRows limits the RETURNING the library added); the count check cannot see it (-1): rows 17, 19, 21 never reach the new store and NOTHING is recorded. Without maxRows all is exact
    @Test
    void postgresUpdateCountOfATwoRowGeneratedKeyInsertWithAndWithoutMaxRows() throws SQLException {
        String ddl = "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 10)"
                + " PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), ddl)) {
            PlainJdbc.Script script = (connection, out) -> {
                int n = 0;
                for (int maxRows : new int[] {0, 1}) {
                    try (Statement statement = connection.createStatement()) {
                        statement.setMaxRows(maxRows);
                        out.add("stmt maxRows " + maxRows + " execute " + statement.execute(
                                "INSERT INTO orders (code, qty) VALUES ('s" + maxRows + "a', 1), ('s" + maxRows + "b', 2)")
                                + " updateCount " + statement.getUpdateCount());
                        out.add("stmt maxRows " + maxRows + " executeUpdate " + statement.executeUpdate(
                                "INSERT INTO orders (code, qty) VALUES ('u" + maxRows + "a', 1), ('u" + maxRows + "b', 2)"));
                    }
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO orders (code, qty) VALUES (?, 1), (?, 2)")) {
                        insert.setMaxRows(maxRows);
                        insert.setString(1, "p" + maxRows + "a");
                        insert.setString(2, "p" + maxRows + "b");
                        out.add("prepared maxRows " + maxRows + " execute " + insert.execute()
                                + " updateCount " + insert.getUpdateCount());
                    }
                    n++;
                }
            };
            List<String> plain = new ArrayList<>();
            try (Fixture other = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), ddl)) {
                run(other.oldDb.dataSource(), script, plain);
            }
            List<String> proxied = new ArrayList<>();
            run(fixture.dataSource, script, proxied);
            Mirrored.exactOrResynced(fixture, "pg two-row insert");
            assertThat(proxied).isEqualTo(plain);
        }
    }

    // ---------------------------------------------------------------- more members of the kinds above

    // Kind: the library's own statements after a write reset the session's warnings (MariaDB). A batch.
    @Test
    void mariadbBatchWarningsAreThoseOfPlainJdbc() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT IGNORE INTO orders (id, code, qty) VALUES (?, ?, ?)")) {
                    for (int id : new int[] {2, 7}) {
                        insert.setInt(1, id);
                        insert.setString(2, "k" + id);
                        insert.setInt(3, id);
                        insert.addBatch();
                    }
                    out.add("counts " + java.util.Arrays.toString(insert.executeBatch()));
                    out.add("statement warnings " + warnings(insert.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("1062");
            Mirrored.exactOrResynced(fixture, "batch warnings");
        }
    }

    // Kind: warnings (MariaDB). In a transaction: read before the commit, then after it (a commit leaves none).
    @Test
    void mariadbWarningsInATransactionAreThoseOfPlainJdbcBeforeAndAfterCommit() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    connection.setAutoCommit(false);
                    out.add("count " + statement.executeUpdate(
                            "UPDATE orders SET code = 'abcdefghijklmnopqrstuvwxyz' WHERE qty >= 2 AND qty < 3"));
                    out.add("before commit " + warnings(connection.getWarnings()));
                    statement.executeUpdate("UPDATE orders SET code = 'zbcdefghijklmnopqrstuvwxyz' WHERE id = 1");
                    connection.commit();
                    out.add("after commit " + warnings(statement.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("1265");
            Mirrored.exactOrResynced(fixture, "warnings in a transaction");
        }
    }

    // Kind: warnings (MariaDB). A statement after the write has warnings of its own (none): held ones are not shown.
    @Test
    void mariadbWarningsOfALaterStatementAreItsOwn() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'abcdefghijklmnopqrstuvwxyz', 6)");
                    try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM orders")) {
                        rows.next();
                        out.add("rows " + rows.getInt(1));
                    }
                    out.add("after the select " + warnings(statement.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "later statement warnings");
        }
    }

    // Kind: warnings (MariaDB), with the crash-safe outbox: the write, then the outbox insert and the commit of the
    // transaction the library opened for them, all before the application asks.
    @Test
    void mariadbWarningsWithTheOutboxAreThoseOfPlainJdbc() throws SQLException {
        try (Fixture fixture = OutboxTransactionControlTextTest.always(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    out.add("count " + statement.executeUpdate(
                            "INSERT INTO orders (id, code, qty) VALUES (5, 'abcdefghijklmnopqrstuvwxyz', 5)"));
                    out.add("warnings " + warnings(statement.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("1265");
            Mirrored.exactOrResynced(fixture, "warnings with the outbox");
        }
    }

    // Kind: a read-only PostgreSQL session writes in auto-commit (pgjdbc's readOnlyMode=transaction): the
    // transaction the outbox needs is not read-only either, and the session is read-only again afterwards.
    @Test
    void postgresReadOnlyAutoCommitInsertWithTheOutbox() throws SQLException {
        try (Fixture fixture = OutboxTransactionControlTextTest.always(Kind.POSTGRES)) {
            List<String> both = plainAndProxy(Kind.POSTGRES, NOTHING, (connection, out) -> {
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)"));
                }
                out.add("read-only after " + connection.isReadOnly());
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 8 WHERE id = 2"));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("read-only after true").contains("25006");
            Mirrored.exactOrResynced(fixture, "read-only insert with the outbox");
        }
    }

    // Kind: read-only (PostgreSQL). In a read-only transaction an update that needs a pre-select fails as plain
    // JDBC's does (its own error, not one of the library's pre-select).
    @Test
    void postgresReadOnlyTransactionRefusesAPreselectedUpdateAsPlainJdbcDoes() throws SQLException {
        try (Fixture fixture = seeded(Kind.POSTGRES)) {
            List<String> both = plainAndProxy(Kind.POSTGRES, NOTHING, (connection, out) -> {
                connection.setReadOnly(true);
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 8 WHERE code = 'b'"));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("25006");
            Mirrored.exactOrResynced(fixture, "read-only transaction");
        }
    }

    // Kind: read-only (PostgreSQL). A batch whose entries need a pre-select, in auto-commit.
    @Test
    void postgresReadOnlyAutoCommitBatchNeedingAPreselect() throws SQLException {
        try (Fixture fixture = seeded(Kind.POSTGRES)) {
            List<String> both = plainAndProxy(Kind.POSTGRES, NOTHING, (connection, out) -> {
                connection.setReadOnly(true);
                try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE code = ?")) {
                    update.setInt(1, 40);
                    update.setString(2, "a");
                    update.addBatch();
                    update.setInt(1, 50);
                    update.setString(2, "c");
                    update.addBatch();
                    out.add("counts " + java.util.Arrays.toString(update.executeBatch()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("counts [1, 1]");
            Mirrored.exactOrResynced(fixture, "read-only batch");
        }
    }

    // Kind: read-only (PostgreSQL). With readOnlyMode=always every statement of a read-only session is read-only:
    // plain JDBC refuses the update, and so must the data source (read-only is lifted only where plain JDBC writes).
    @Test
    void postgresReadOnlyModeAlwaysRefusesTheWriteAsPlainJdbcDoes() throws SQLException {
        java.util.function.UnaryOperator<javax.sql.DataSource> always = CallerViewBreakTest::readOnlyModeAlways;
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).wrapOld(always).build(),
                Mirrored.PG)) {
            PlainJdbc.Script script = (connection, out) -> {
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)"));
                }
            };
            List<String> plain = new ArrayList<>();
            try (Fixture other = seeded(Kind.POSTGRES)) {
                run(readOnlyModeAlways(other.oldDb.dataSource()), script, plain);
            }
            List<String> proxied = new ArrayList<>();
            run(fixture.dataSource, script, proxied);
            assertThat(plain).singleElement().asString().contains("state=25006");
            assertThat(proxied).isEqualTo(plain);
            Mirrored.exactOrResynced(fixture, "readOnlyMode=always");
        }
    }

    private static javax.sql.DataSource readOnlyModeAlways(javax.sql.DataSource pooled) {
        try {
            org.postgresql.ds.PGSimpleDataSource plain = new org.postgresql.ds.PGSimpleDataSource();
            plain.setURL(pooled.unwrap(com.zaxxer.hikari.HikariDataSource.class).getJdbcUrl());
            plain.setUser("postgres");
            plain.setReadOnlyMode("always");
            return plain;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // Kind: closeOnCompletion is the driver's rule for the application's result sets: a query's statement closes
    // when the application closes its result set, and one asking for keys itself closes as plain JDBC's does.
    @Test
    void closeOnCompletionClosesAfterTheApplicationsResultSetsAsPlainJdbcDoes() throws SQLException {
        for (Kind kind : new Kind[] {Kind.H2, Kind.POSTGRES, Kind.MARIADB}) {
            try (Fixture fixture = seeded(kind)) {
                List<String> both = plainAndProxy(kind, NOTHING, (connection, out) -> {
                    out.add(kind.name());
                    Statement query = connection.createStatement();
                    query.closeOnCompletion();
                    out.add("isCloseOnCompletion " + query.isCloseOnCompletion());
                    try (ResultSet rows = query.executeQuery("SELECT id FROM orders ORDER BY id")) {
                        out.add("open while reading " + !query.isClosed());
                    }
                    out.add("closed after its result set " + query.isClosed());
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)", new String[] {"id"})) {
                        insert.closeOnCompletion();
                        insert.setInt(1, 8);
                        insert.setString(2, "h");
                        insert.setInt(3, 8);
                        out.add("count " + insert.executeUpdate());
                        try (ResultSet keys = insert.getGeneratedKeys()) {
                            out.add("key " + (keys.next() ? keys.getLong(1) : null));
                        }
                        out.add("closed after its keys " + insert.isClosed());
                    }
                    try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE code = ?")) {
                        update.closeOnCompletion();
                        update.setInt(1, 30);
                        update.setString(2, "c");
                        out.add("count " + update.executeUpdate());
                        out.add("closed after an update " + update.isClosed());
                    }
                }, fixture);
                assertThat(both.get(1)).as(kind.name()).isEqualTo(both.get(0)).contains("closed after its result set true");
                Mirrored.exactOrResynced(fixture, "closeOnCompletion " + kind);
            }
        }
    }

    // Kind: table locks (MariaDB). ASYNC: the keys are handed over at UNLOCK TABLES, not queued behind the lock.
    @Test
    void mariadbAsyncWritesUnderLockTablesConvergeAfterUnlock() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .mode(io.dualwrite.mirror.MirrorMode.ASYNC).build(), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("DELETE FROM orders WHERE id = 2");
                assertThat(fixture.events).as("nothing handed over while the locks are held").isEmpty();
                statement.execute("UNLOCK TABLES");
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .untilAsserted(() -> Rows.assertOrdersSame(fixture, "id, code, qty"));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // Kind: table locks (MariaDB). START TRANSACTION releases them (and commits); closing the session does too; a
    // transaction's commit under the locks waits for UNLOCK TABLES (MySQL's documented LOCK TABLES pattern).
    @Test
    void mariadbTableLocksReleasedByStartTransactionCloseOrUnlockAfterCommit() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .timeLimit(java.time.Duration.ofSeconds(20)).build(), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("UPDATE orders SET qty = 11 WHERE id = 1");
                statement.execute("START TRANSACTION");
                Rows.assertOrdersSame(fixture, "id, code, qty");
                statement.executeUpdate("UPDATE orders SET qty = 12 WHERE id = 2");
                statement.execute("COMMIT");
                Rows.assertOrdersSame(fixture, "id, code, qty");
            }
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("UPDATE orders SET qty = 13 WHERE id = 3");
            } // closed without UNLOCK TABLES
            Rows.assertOrdersSame(fixture, "id, code, qty");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6)");
                connection.commit();
                statement.execute("UNLOCK TABLES");
                Rows.assertOrdersSame(fixture, "id, code, qty");
            }
            assertThat(fixture.records()).as("nothing waited out its time limit").isEmpty();
        }
    }
}
