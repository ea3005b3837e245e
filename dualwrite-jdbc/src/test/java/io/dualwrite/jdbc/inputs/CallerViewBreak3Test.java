package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.PlainJdbc.describe;
import static io.dualwrite.jdbc.inputs.PlainJdbc.plainAndProxy;
import static io.dualwrite.jdbc.inputs.PlainJdbc.run;
import static io.dualwrite.jdbc.inputs.PlainJdbc.warnings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A third review of the caller's view and of the two fixes before it (MariaDB warnings, PostgreSQL read-only
 * sessions, closeOnCompletion, LOCK TABLES; tables without transactions). Each input compares
 * plain JDBC with the data source on the same kind of database where the caller's view is at stake, and ends with
 * both stores compared row by row ({@link Mirrored#exactOrResynced} or {@link Rows#assertOrdersSame}).
 */
class CallerViewBreak3Test {

    private static final Consumer<Fixture> NOTHING = PlainJdbc.NOTHING;

    // ---------------------------------------------------------------- helpers

    private static Fixture seeded(Kind kind) {
        return Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG);
    }

    private static Fixture myisam() {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA + " ENGINE=MyISAM");
    }

    /**
     * MariaDB stores whose SYNC syncs have 20 s: a sync that waits for a table lock its own caller holds waits that
     * long and is recorded (what these tests catch); every other sync must end within it, which the 3 s these tests
     * had did not leave a busy two-core machine much room for.
     */
    private static Fixture locking() {
        return Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB).timeLimit(Duration.ofSeconds(20)).build(),
                Mirrored.MARIA);
    }


    private static final Consumer<Fixture> OTHER_TABLE = fixture -> fixture.onOld(
            "CREATE TABLE other_t (id INT PRIMARY KEY, code VARCHAR(3))", "INSERT INTO other_t VALUES (1, 'a')");

    /** Tables of the old store in use by a session (LOCK TABLES), read without waiting for them. */
    private static List<?> tablesInUse(Fixture fixture) {
        return fixture.oldDb.query("SHOW OPEN TABLES FROM " + fixture.oldDb.name() + " WHERE In_use > 0");
    }

    // ---------------------------------------------------------------- warnings (MariaDB)

    // Input (MariaDB, sql_mode ''): UPDATE of a table that is NOT mapped (other_t, code VARCHAR(3)) with a value too
    // long: warning 1265; statement.getWarnings(), connection.getWarnings().
    // Failed before: plain statement.getWarnings() after UPDATE other_t is [1265 Data truncated for column 'code' at row 1]; through the data source [] (null): the write is not a mapped one, so its warnings are never held, and the library's foreign-key/view catalog read for cascade() (information_schema, on the caller's session, after the write) resets them; the later INSERT's connection warnings agree only because the catalog answer is then cached
    @Test
    void mariadbWarningsOfAWriteOnAnUnmappedTable() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, OTHER_TABLE, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    out.add("count " + statement.executeUpdate("UPDATE other_t SET code = 'abcdef' WHERE id = 1"));
                    out.add("statement warnings " + warnings(statement.getWarnings()));
                    out.add("count " + statement.executeUpdate("INSERT INTO other_t (id, code) VALUES (2, 'ghijkl')"));
                    out.add("connection warnings " + warnings(connection.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("1265");
            Mirrored.exactOrResynced(fixture, "unmapped table warnings");
        }
    }

    // Input (MariaDB, sql_mode ''): a write through a VIEW over the mapped table with a value too long.
    // Failed before: plain statement.getWarnings() after UPDATE orders_view is [1265 Data truncated for column 'code' at row 1]; through the data source [] (null): a write through a view takes the !mayWriteMapped branch, which never holds warnings, and cascade()/viewOrPartitionOfMapped reads the catalog on the session after the write
    @Test
    void mariadbWarningsOfAWriteThroughAView() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            Consumer<Fixture> view = f -> f.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders");
            List<String> both = plainAndProxy(Kind.MARIADB, view, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    out.add("count " + statement.executeUpdate(
                            "UPDATE orders_view SET code = 'abcdefghijklmnopqrstuvwxyz' WHERE id = 1"));
                    out.add("statement warnings " + warnings(statement.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("1265");
            Mirrored.exactOrResynced(fixture, "view write warnings");
        }
    }

    // Input (MariaDB, OLD_ONLY: the write does not mirror): INSERT IGNORE of a duplicate; getWarnings().
    @Test
    void mariadbWarningsOfAWriteThatDoesNotMirror() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB).phase(MigrationPhase.OLD_ONLY)
                .build(), Mirrored.MARIA)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("INSERT IGNORE INTO orders (id, code, qty) VALUES (1, 'z', 9)"));
                    out.add("statement warnings " + warnings(statement.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("1062");
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Input (MariaDB): CallableStatement {call p()} where p runs INSERT IGNORE of a duplicate into the mapped table.
    @Test
    void mariadbWarningsOfACallableStatement() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            Consumer<Fixture> procedure = f -> f.onOld(
                    "CREATE PROCEDURE ins_dup() INSERT IGNORE INTO orders (id, code, qty) VALUES (1, 'z', 9)");
            List<String> both = plainAndProxy(Kind.MARIADB, procedure, (connection, out) -> {
                try (CallableStatement call = connection.prepareCall("{call ins_dup()}")) {
                    out.add("execute " + call.execute());
                    out.add("statement warnings " + warnings(call.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "callable warnings");
        }
    }

    // Input (MariaDB, sql_mode ''): a truncated insert; statement.clearWarnings(); connection.getWarnings().
    @Test
    void mariadbStatementClearWarningsThenConnectionWarnings() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    out.add("count " + statement.executeUpdate(
                            "INSERT INTO orders (id, code, qty) VALUES (5, 'abcdefghijklmnopqrstuvwxyz', 5)"));
                    statement.clearWarnings();
                    out.add("statement after clear " + warnings(statement.getWarnings()));
                    out.add("connection after statement clear " + warnings(connection.getWarnings()));
                    out.add("count " + statement.executeUpdate(
                            "INSERT INTO orders (id, code, qty) VALUES (6, 'zyxwvutsrqponmlkjihgfedcba', 6)"));
                    connection.clearWarnings();
                    out.add("statement after connection clear " + warnings(statement.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "clearWarnings");
        }
    }

    // Input (MariaDB, sql_mode ''): a truncated insert asking for generated keys; getGeneratedKeys() read; then
    // getWarnings() of the statement and the connection; executeLargeUpdate of a truncated update; getWarnings().
    @Test
    void mariadbWarningsAfterGetGeneratedKeysAndLargeUpdate() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    out.add("count " + statement.executeUpdate(
                            "INSERT INTO orders (id, code, qty) VALUES (5, 'abcdefghijklmnopqrstuvwxyz', 5)",
                            Statement.RETURN_GENERATED_KEYS));
                    try (ResultSet keys = statement.getGeneratedKeys()) {
                        out.add("key " + (keys.next() ? keys.getLong(1) : null));
                    }
                    out.add("statement warnings " + warnings(statement.getWarnings()));
                    out.add("large " + statement.executeLargeUpdate(
                            "UPDATE orders SET code = 'zyxwvutsrqponmlkjihgfedcba' WHERE qty = 3"));
                    out.add("connection warnings " + warnings(connection.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("1265");
            Mirrored.exactOrResynced(fixture, "warnings after keys");
        }
    }

    // Input (MariaDB, auto-commit): a pre-selected update failing on a unique key (the library's transaction is
    // rolled back); then getWarnings() of the statement and the connection.
    @Test
    void mariadbWarningsAfterAFailedPreselectedWrite() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    try {
                        statement.executeUpdate("UPDATE orders SET code = 'b' WHERE qty = 1");
                    } catch (SQLException e) {
                        out.add(describe(e));
                    }
                    out.add("statement warnings " + warnings(statement.getWarnings()));
                    out.add("connection warnings " + warnings(connection.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "warnings after failure");
        }
    }

    // Input (MariaDB, ALWAYS change-log mode, explicit transaction): truncated insert; getWarnings; commit();
    // getWarnings.
    @Test
    void mariadbWarningsWithTheOutboxInAnExplicitTransaction() throws SQLException {
        try (Fixture fixture = OutboxTransactionControlTextTest.always(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                    connection.setAutoCommit(false);
                    out.add("count " + statement.executeUpdate(
                            "INSERT INTO orders (id, code, qty) VALUES (5, 'abcdefghijklmnopqrstuvwxyz', 5)"));
                    out.add("before commit " + warnings(statement.getWarnings()));
                    connection.commit();
                    out.add("after commit " + warnings(connection.getWarnings()));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("1265");
            Mirrored.exactOrResynced(fixture, "outbox explicit transaction warnings");
        }
    }

    // ---------------------------------------------------------------- read-only (PostgreSQL)

    // Input (PostgreSQL): setReadOnly(true) as the very first call (before the proxy holds a session), then a
    // pre-selected update in auto-commit; isReadOnly(); an update in a transaction (must be refused).
    @Test
    void postgresReadOnlySetBeforeFirstUse() throws SQLException {
        try (Fixture fixture = seeded(Kind.POSTGRES)) {
            List<String> both = plainAndProxy(Kind.POSTGRES, NOTHING, (connection, out) -> {
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 7 WHERE code = 'a'"));
                }
                out.add("read-only " + connection.isReadOnly());
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 8 WHERE code = 'b'"));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("count 1").contains("25006");
            Mirrored.exactOrResynced(fixture, "read-only pending");
        }
    }

    // Input (PostgreSQL): read-only in auto-commit; a pre-selected update failing on a unique key (read-only was
    // lifted for the library's transaction); isReadOnly(); a write in a transaction afterwards is refused.
    @Test
    void postgresReadOnlyRestoredAfterAFailedWrite() throws SQLException {
        try (Fixture fixture = seeded(Kind.POSTGRES)) {
            List<String> both = plainAndProxy(Kind.POSTGRES, NOTHING, (connection, out) -> {
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    try {
                        statement.executeUpdate("UPDATE orders SET code = 'b' WHERE qty = 1");
                    } catch (SQLException e) {
                        out.add(describe(e));
                    }
                }
                out.add("read-only " + connection.isReadOnly());
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 8 WHERE id = 2"));
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("read-only true").contains("25006");
            Mirrored.exactOrResynced(fixture, "read-only after failure");
        }
    }

    // Input (PostgreSQL, ASYNC): read-only in auto-commit; pre-selected update and delete.
    @Test
    void postgresReadOnlyAsync() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mode(MirrorMode.ASYNC).build(),
                Mirrored.PG)) {
            List<String> both = plainAndProxy(Kind.POSTGRES, NOTHING, (connection, out) -> {
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 7 WHERE code = 'a'"));
                    out.add("count " + statement.executeUpdate("DELETE FROM orders WHERE code = 'c'"));
                }
                out.add("read-only " + connection.isReadOnly());
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Rows.assertOrdersSame(fixture, "id, code, qty"));
        }
    }

    // Input (PostgreSQL, auto-commit): a DEFERRABLE INITIALLY DEFERRED unique code; a pre-selected update violating
    // it (plain: the statement's own commit fails; library: the commit of the transaction it opened).
    @Test
    void postgresDeferredConstraintInAutoCommitPreselectedUpdate() throws SQLException {
        String ddl = "CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT,"
                + " CONSTRAINT orders_code UNIQUE (code) DEFERRABLE INITIALLY DEFERRED)";
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), ddl)) {
            PlainJdbc.Script script = (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    try {
                        out.add("count " + statement.executeUpdate("UPDATE orders SET code = 'b' WHERE qty = 1"));
                    } catch (SQLException e) {
                        out.add(describe(e));
                    }
                    out.add("autoCommit " + connection.getAutoCommit());
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 9 WHERE qty = 1"));
                }
            };
            List<String> plain = new ArrayList<>();
            try (Fixture other = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), ddl)) {
                run(other.oldDb.dataSource(), script, plain);
            }
            List<String> proxied = new ArrayList<>();
            run(fixture.dataSource, script, proxied);
            assertThat(proxied).isEqualTo(plain);
            Mirrored.exactOrResynced(fixture, "deferred constraint");
        }
    }

    // ---------------------------------------------------------------- closeOnCompletion

    // Input (H2, PostgreSQL, MariaDB): closeOnCompletion(); execute(SELECT); getResultSet() twice (the same result
    // set for the driver); close it once; isClosed().
    // Failed before: plain: after closing the (single) result set the statement is closed (isClosed true); through the data source false: every getResultSet() call wraps the result set anew and counts it (openResults 2), one close brings it to 1
    @Test
    void h2CloseOnCompletionWithGetResultSetCalledTwice() throws SQLException {
        getResultSetTwice(Kind.H2);
    }

    // Failed before: same as H2: plain statement closed true, proxy false (getResultSet() counted twice)
    @Test
    void postgresCloseOnCompletionWithGetResultSetCalledTwice() throws SQLException {
        getResultSetTwice(Kind.POSTGRES);
    }

    // Failed before: same as H2: plain statement closed true, proxy false (getResultSet() counted twice)
    @Test
    void mariadbCloseOnCompletionWithGetResultSetCalledTwice() throws SQLException {
        getResultSetTwice(Kind.MARIADB);
    }

    private static void getResultSetTwice(Kind kind) throws SQLException {
        try (Fixture fixture = seeded(kind)) {
            List<String> both = plainAndProxy(kind, NOTHING, (connection, out) -> {
                Statement query = connection.createStatement();
                query.closeOnCompletion();
                out.add("execute " + query.execute("SELECT id FROM orders ORDER BY id"));
                ResultSet first = query.getResultSet();
                ResultSet second = query.getResultSet();
                first.next();
                out.add("first " + first.getLong(1));
                first.close();
                out.add("second closed " + second.isClosed());
                out.add("statement closed " + query.isClosed());
                query.close();
            }, fixture);
            assertThat(both.get(1)).as(kind.name()).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "getResultSet twice " + kind);
        }
    }

    // Input (H2, PostgreSQL, MariaDB): closeOnCompletion(); executeQuery → rs1; executeQuery again → rs2 (the driver
    // closes rs1); rs1.close(); isClosed(); read rs2.
    // Failed before: plain: re-executing closes rs1, closing it again leaves the statement open and rs2 reads 1; through the data source closing rs1 closes the statement (resultsReplaced set openResults 0, rs2 made it 1, the stale rs1.close() made it 0) and rs2.next() throws 90007 'The object is already closed'
    @Test
    void h2CloseOnCompletionReexecutedWhileAResultSetIsOpen() throws SQLException {
        reexecuted(Kind.H2);
    }

    // Failed before: plain pgjdbc: the second executeQuery itself throws 55000 'This statement has been closed.' (the driver closes rs1, which completes the statement); through the data source the second executeQuery succeeds (closeOnCompletion is not passed to the driver), then closing rs1 closes the statement and rs2.next() throws 55000 'This ResultSet is closed.'
    @Test
    void postgresCloseOnCompletionReexecutedWhileAResultSetIsOpen() throws SQLException {
        reexecuted(Kind.POSTGRES);
    }

    @Test
    void mariadbCloseOnCompletionReexecutedWhileAResultSetIsOpen() throws SQLException {
        reexecuted(Kind.MARIADB);
    }

    private static void reexecuted(Kind kind) throws SQLException {
        try (Fixture fixture = seeded(kind)) {
            List<String> both = plainAndProxy(kind, NOTHING, (connection, out) -> {
                Statement query = connection.createStatement();
                query.closeOnCompletion();
                ResultSet first = query.executeQuery("SELECT id FROM orders ORDER BY id");
                ResultSet second = query.executeQuery("SELECT qty FROM orders ORDER BY id");
                out.add("first closed by the driver " + first.isClosed());
                first.close();
                out.add("statement closed after closing the first " + query.isClosed());
                try {
                    out.add("second row " + (second.next() ? second.getInt(1) : null));
                } catch (SQLException e) {
                    out.add("second " + describe(e));
                }
                second.close();
                out.add("statement closed after closing the second " + query.isClosed());
                query.close();
            }, fixture);
            assertThat(both.get(1)).as(kind.name()).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "re-executed " + kind);
        }
    }

    // Input (H2, PostgreSQL, MariaDB): closeOnCompletion(); execute(SELECT); getResultSet(); getMoreResults() (the
    // driver closes the current result set); isClosed().
    @Test
    void h2CloseOnCompletionThenGetMoreResults() throws SQLException {
        getMoreResults(Kind.H2);
    }

    @Test
    void postgresCloseOnCompletionThenGetMoreResults() throws SQLException {
        getMoreResults(Kind.POSTGRES);
    }

    // Failed before: plain MariaDB: getMoreResults() closes the current result set and completes the statement (isClosed true); through the data source false: the driver closed the raw result set, the proxy's close() never ran, openResults stays 1
    @Test
    void mariadbCloseOnCompletionThenGetMoreResults() throws SQLException {
        getMoreResults(Kind.MARIADB);
    }

    private static void getMoreResults(Kind kind) throws SQLException {
        try (Fixture fixture = seeded(kind)) {
            List<String> both = plainAndProxy(kind, NOTHING, (connection, out) -> {
                Statement query = connection.createStatement();
                query.closeOnCompletion();
                out.add("execute " + query.execute("SELECT id FROM orders ORDER BY id"));
                ResultSet rows = query.getResultSet();
                out.add("next " + rows.next());
                try {
                    out.add("more " + query.getMoreResults());
                } catch (SQLException e) {
                    out.add("more " + describe(e));
                }
                out.add("result set closed " + rows.isClosed());
                out.add("statement closed " + query.isClosed());
                query.close();
            }, fixture);
            assertThat(both.get(1)).as(kind.name()).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "getMoreResults " + kind);
        }
    }

    // Input (PostgreSQL): closeOnCompletion(); executeQuery of INSERT … RETURNING id and of UPDATE … RETURNING;
    // read and close; isClosed().
    @Test
    void postgresCloseOnCompletionWithReturningQueries() throws SQLException {
        try (Fixture fixture = seeded(Kind.POSTGRES)) {
            List<String> both = plainAndProxy(Kind.POSTGRES, NOTHING, (connection, out) -> {
                Statement insert = connection.createStatement();
                insert.closeOnCompletion();
                try (ResultSet rows = insert.executeQuery("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5) RETURNING id")) {
                    out.add("returned " + (rows.next() ? rows.getLong(1) : null));
                    out.add("open while reading " + !insert.isClosed());
                }
                out.add("closed " + insert.isClosed());
                PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = qty + 1 WHERE code = ? RETURNING qty");
                update.closeOnCompletion();
                update.setString(1, "b");
                try (ResultSet rows = update.executeQuery()) {
                    out.add("returned " + (rows.next() ? rows.getInt(1) : null));
                }
                out.add("closed " + update.isClosed());
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("closed true");
            Mirrored.exactOrResynced(fixture, "returning closeOnCompletion");
        }
    }

    // Input (PostgreSQL, H2): closeOnCompletion() on an updatable statement; executeQuery; updateRow(); close the
    // result set; isClosed(). The update made through the result set must reach the new store.
    @Test
    void closeOnCompletionWithAnUpdatableResultSet() throws SQLException {
        for (Kind kind : new Kind[] {Kind.POSTGRES, Kind.H2}) {
            try (Fixture fixture = seeded(kind)) {
                List<String> both = plainAndProxy(kind, NOTHING, (connection, out) -> {
                    Statement query = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                    query.closeOnCompletion();
                    try (ResultSet rows = query.executeQuery("SELECT id, code, qty FROM orders WHERE id = 2")) {
                        rows.next();
                        rows.updateInt("qty", 42);
                        rows.updateRow();
                        out.add("updated");
                    }
                    out.add("closed " + query.isClosed());
                }, fixture);
                assertThat(both.get(1)).as(kind.name()).isEqualTo(both.get(0));
                assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 2")).containsExactly(Rows.expected("qty", 42));
                Mirrored.exactOrResynced(fixture, "updatable closeOnCompletion " + kind);
            }
        }
    }

    // ---------------------------------------------------------------- LOCK TABLES (MariaDB)

    // Input (MariaDB, SYNC): LOCK TABLES orders WRITE; UPDATE id 1 (keys held for the lock); connection.abort().
    // Aborting closes the session: its locks go, the update was committed in auto-commit.
    // Failed before: keys written under LOCK TABLES are held in ConnectionHandler.held; abort() calls rollbackBuffer() and the driver's abort but never tablesUnlocked(); close() after it returns early: old qty 9 for id 1 and row 5, new unchanged (qty 1, no row 5), nothing recorded
    @Test
    void mariadbLockTablesThenAbort() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Fixture fixture = locking()) {
            Connection connection = fixture.dataSource.getConnection();
            try (Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
            }
            connection.abort(executor);
            connection.close();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> tablesInUse(fixture).isEmpty());
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 9));
            Mirrored.exactOrResynced(fixture, "LOCK TABLES then abort");
        } finally {
            executor.shutdownNow();
        }
    }

    // Input (MariaDB, SYNC): a Statement batch of "LOCK TABLES orders WRITE" and "UPDATE orders SET qty = 9 WHERE
    // id = 1"; then UNLOCK TABLES. The keys must wait for the UNLOCK, not be synced into the lock wait.
    // Failed before: LOCK TABLES as a Statement batch entry is not seen (BatchExecution never calls afterOtherStatement): the UPDATE's key is dispatched at once, the SYNC sync waits on the lock past its time limit (then 3 s) and records orders/1/UPDATE (records [orders/1/UPDATE] right after the batch); right after UNLOCK TABLES the new store still has qty 1 for id 1 (old 9)
    @Test
    void mariadbLockTablesInAStatementBatch() throws SQLException {
        try (Fixture fixture = locking()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.addBatch("LOCK TABLES orders WRITE");
                statement.addBatch("UPDATE orders SET qty = 9 WHERE id = 1");
                statement.executeBatch();
                statement.execute("UNLOCK TABLES");
                Rows.assertOrdersSame(fixture, "id, code, qty");
            }
            assertThat(fixture.records()).as("nothing waited out its time limit").isEmpty();
            Mirrored.exactOrResynced(fixture, "LOCK TABLES in a batch");
        }
    }

    // Input (MariaDB, SYNC): LOCK TABLES orders WRITE; UPDATE id 1 (held); a Statement batch of an UPDATE id 2 and
    // "UNLOCK TABLES". After the batch no lock is held: a SYNC caller's writes are in the new store.
    // Failed before: UNLOCK TABLES as a batch entry is not seen: tablesLocked stays true, so the keys of id 1, 2 and of the later auto-commit UPDATE id 3 (no lock held any more) stay held until close(): new store qty 1,2,3 while old has 9,10,11 (SHOW OPEN TABLES shows no lock)
    @Test
    void mariadbUnlockTablesInAStatementBatch() throws SQLException {
        try (Fixture fixture = locking()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 1");
                statement.addBatch("UPDATE orders SET qty = 10 WHERE id = 2");
                statement.addBatch("UNLOCK TABLES");
                statement.executeBatch();
                assertThat(tablesInUse(fixture)).as("the session holds no lock").isEmpty();
                statement.executeUpdate("UPDATE orders SET qty = 11 WHERE id = 3");
                Rows.assertOrdersSame(fixture, "id, code, qty");
            }
            Mirrored.exactOrResynced(fixture, "UNLOCK TABLES in a batch");
        }
    }

    // Input (MariaDB, SYNC): LOCK TABLES orders WRITE; UPDATE id 1 (held); a Statement batch "START TRANSACTION",
    // "UPDATE id 2", "COMMIT" (START TRANSACTION releases the table locks); then an UPDATE id 3 in auto-commit.
    // Failed before: START TRANSACTION inside a Statement batch goes through mixedControl, whose BEGIN case does not clear tablesLocked: all later keys held until close(): new store qty 1,2,3 while old has 9,10,11 and no table is locked
    @Test
    void mariadbStartTransactionInABatchReleasesTheLocks() throws SQLException {
        try (Fixture fixture = locking()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 1");
                statement.addBatch("START TRANSACTION");
                statement.addBatch("UPDATE orders SET qty = 10 WHERE id = 2");
                statement.addBatch("COMMIT");
                statement.executeBatch();
                assertThat(tablesInUse(fixture)).as("the session holds no lock").isEmpty();
                statement.executeUpdate("UPDATE orders SET qty = 11 WHERE id = 3");
                // id 2, written among transaction control in one batch, is a scoped resync (resolved below); the
                // keys held under the lock (id 1) and the later write (id 3) are synced at once
                assertThat(Rows.of(fixture.newDb, "SELECT id, quantity FROM orders_v2 WHERE id IN (1, 3) ORDER BY id"))
                        .containsExactly(Rows.expected("id", 1, "quantity", 9), Rows.expected("id", 3, "quantity", 11));
            }
            Mirrored.exactOrResynced(fixture, "START TRANSACTION in a batch");
        }
    }

    // Input (MariaDB, SYNC): LOCK TABLES orders WRITE; LOCK TABLES no_such WRITE fails (the server released the
    // session's locks before trying); UPDATE id 1 in auto-commit, no lock held.
    // Failed before: the failed LOCK TABLES released the session's locks on the server (SHOW OPEN TABLES: none in use), but afterOtherStatement runs only after success, so tablesLocked stays true: the auto-commit UPDATE id 1 is held until close(): new qty 1, old 9
    @Test
    void mariadbFailedLockTablesReleasesTheLocks() throws SQLException {
        try (Fixture fixture = locking()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLES orders WRITE");
                assertThatThrownBy(() -> statement.execute("LOCK TABLES no_such WRITE")).isInstanceOf(SQLException.class);
                assertThat(tablesInUse(fixture)).as("the session holds no lock").isEmpty();
                statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 1");
                Rows.assertOrdersSame(fixture, "id, code, qty");
            }
            Mirrored.exactOrResynced(fixture, "failed LOCK TABLES");
        }
    }

    // Input (MariaDB): LOCK TABLES orders AS o WRITE (the table locked under an alias only, as MySQL requires for
    // statements that alias it); UPDATE orders AS o SET o.qty = 7 WHERE o.code = 'a' (a pre-selected update);
    // UNLOCK TABLES.
    @Test
    void mariadbLockTablesUnderAnAliasThenAPreselectedUpdate() throws SQLException {
        try (Fixture fixture = locking()) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LOCK TABLES orders AS o WRITE");
                    try {
                        out.add("count " + statement.executeUpdate("UPDATE orders AS o SET o.qty = 7 WHERE o.code = 'a'"));
                        out.add("count " + statement.executeUpdate("DELETE o FROM orders AS o WHERE o.code = 'c'"));
                    } finally {
                        statement.execute("UNLOCK TABLES");
                    }
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0)).contains("count 1");
            Mirrored.exactOrResynced(fixture, "LOCK TABLES alias");
        }
    }

    // Input (MariaDB): setAutoCommit(false); LOCK TABLES orders WRITE; UPDATE id 1; UNLOCK TABLES (commits, as
    // LOCK TABLES was used); rollback(); then LOCK again, UPDATE id 2, rollback() under the lock, UPDATE id 3,
    // commit(), UNLOCK TABLES.
    @Test
    void mariadbLockTablesInsideATransactionThenRollback() throws SQLException {
        try (Fixture fixture = locking()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 1");
                statement.execute("UNLOCK TABLES");
                connection.rollback();
                statement.execute("LOCK TABLES orders WRITE");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 2");
                connection.rollback();
                statement.executeUpdate("UPDATE orders SET qty = 11 WHERE id = 3");
                connection.commit();
                statement.execute("UNLOCK TABLES");
                Rows.assertOrdersSame(fixture, "id, code, qty");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders ORDER BY id"))
                    .containsExactly(Rows.expected("qty", 9), Rows.expected("qty", 2), Rows.expected("qty", 11));
            assertThat(fixture.records()).isEmpty();
        }
    }

    // Input (MariaDB, ALWAYS change-log mode): LOCK TABLES orders WRITE (the outbox table is not locked); INSERT
    // id 5; UPDATE id 1; UNLOCK TABLES. Counts and errors as plain JDBC's; both stores equal.
    @Test
    void mariadbLockTablesWithTheOutbox() throws SQLException {
        try (Fixture fixture = OutboxTransactionControlTextTest.always(Kind.MARIADB)) {
            List<String> both = plainAndProxy(Kind.MARIADB, NOTHING, (connection, out) -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LOCK TABLES orders WRITE");
                    out.add("count " + statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)"));
                    out.add("count " + statement.executeUpdate("UPDATE orders SET qty = 7 WHERE code = 'a'"));
                    statement.execute("UNLOCK TABLES");
                }
            }, fixture);
            assertThat(both.get(1)).isEqualTo(both.get(0));
            Mirrored.exactOrResynced(fixture, "LOCK TABLES with the outbox");
        }
    }

    // ---------------------------------------------------------------- tables without transactions (MariaDB MyISAM)

    // Input (MariaDB): orders is InnoDB at the first write through the data source; another session then converts it
    // (ALTER TABLE orders ENGINE=MyISAM); setAutoCommit(false); UPDATE id 1; INSERT id 5; rollback().
    // Failed before: Metadata.transactional caches 'transactional' from the first write (InnoDB) forever: after another session's ALTER TABLE orders ENGINE=MyISAM, the rolled-back UPDATE id 1 / INSERT id 5 stay in the old store (qty 50, row 5) and their keys are discarded: new qty 1, no row 5, nothing recorded
    @Test
    void mariadbTableConvertedToMyIsamAfterTheFirstWrite() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 30 WHERE id = 3");
            }
            fixture.onOld("ALTER TABLE orders ENGINE=MyISAM");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                connection.rollback();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 50));
            Mirrored.exactOrResynced(fixture, "converted to MyISAM by another session");
        }
    }

    // Input (MariaDB): as above, but the application converts the table itself through the data source.
    @Test
    void mariadbTableConvertedToMyIsamThroughTheDataSource() throws SQLException {
        try (Fixture fixture = seeded(Kind.MARIADB)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 30 WHERE id = 3");
                statement.execute("ALTER TABLE orders ENGINE=MyISAM");
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                connection.rollback();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 50));
            Mirrored.exactOrResynced(fixture, "converted to MyISAM through the data source");
        }
    }

    // Input (MariaDB, MyISAM orders): setAutoCommit(false); UPDATE through a view over orders; rollback().
    // Failed before: a write through a view over a MyISAM table is resynced as a whole-table scope, but permanent()/writesStay only look at a mapped write: rollback() discards the scope; old qty 40 for id 1, new 1, nothing recorded
    @Test
    void mariadbMyIsamWriteThroughAViewThenRollback() throws SQLException {
        try (Fixture fixture = myisam()) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders_view SET qty = 40 WHERE id = 1");
                connection.rollback();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 40));
            Mirrored.exactOrResynced(fixture, "MyISAM through a view, rollback");
        }
    }

    // Input (MariaDB, MyISAM orders): an InnoDB table audit whose trigger updates orders; setAutoCommit(false);
    // INSERT INTO audit; rollback() (the audit row goes, the MyISAM update stays).
    // Failed before: the InnoDB audit row is rolled back but the trigger's MyISAM update of orders stays (old qty 102 for id 2); the table's resync scope is discarded by rollback() (mayHaveCommitted false): new qty 2, nothing recorded
    @Test
    void mariadbMyIsamWrittenByATriggerOfAnInnoDbTableThenRollback() throws SQLException {
        try (Fixture fixture = myisam()) {
            fixture.onOld("CREATE TABLE audit (id INT PRIMARY KEY) ENGINE=InnoDB",
                    "CREATE TRIGGER audit_ai AFTER INSERT ON audit FOR EACH ROW UPDATE orders SET qty = qty + 100 WHERE id = NEW.id");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO audit (id) VALUES (2)");
                connection.rollback();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 2")).containsExactly(Rows.expected("qty", 102));
            Mirrored.exactOrResynced(fixture, "MyISAM by trigger, rollback");
        }
    }

    // Input (MariaDB, MyISAM orders): a stored function bump() that updates orders; setAutoCommit(false);
    // SELECT bump(5); rollback().
    // Failed before: SELECT bump(5) updates the MyISAM orders (old qty 8 for id 3); the routine-table resync is buffered and discarded by rollback() (writesStay is never called for routine writes): new qty 3, nothing recorded
    @Test
    void mariadbMyIsamWrittenByAFunctionInASelectThenRollback() throws SQLException {
        try (Fixture fixture = myisam()) {
            fixture.onOld("CREATE FUNCTION bump(x INT) RETURNS INT MODIFIES SQL DATA BEGIN"
                    + " UPDATE orders SET qty = qty + x WHERE id = 3; RETURN x; END");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                try (ResultSet rows = statement.executeQuery("SELECT bump(5)")) {
                    rows.next();
                }
                connection.rollback();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 3")).containsExactly(Rows.expected("qty", 8));
            Mirrored.exactOrResynced(fixture, "MyISAM by function, rollback");
        }
    }

    // Input (MariaDB, MyISAM orders): setAutoCommit(false); a Statement batch "UPDATE orders SET qty = 50 WHERE
    // id = 1", "ROLLBACK"; commit().
    // Failed before: a Statement batch with a ROLLBACK entry goes through mixedControl, whose ROLLBACK case calls buffer.rollback() without looking at the engine: the MyISAM update and insert stay (old qty 50, row 5), new unchanged, nothing recorded
    @Test
    void mariadbMyIsamBatchWithARollbackEntry() throws SQLException {
        try (Fixture fixture = myisam()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.addBatch("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.addBatch("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.addBatch("ROLLBACK");
                statement.executeBatch();
                connection.commit();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 50));
            Mirrored.exactOrResynced(fixture, "MyISAM batch with ROLLBACK");
        }
    }

    // Input (MariaDB, MyISAM orders): setAutoCommit(false); a savepoint; INSERT id 5; DELETE id 2; rollback to the
    // savepoint; commit().
    @Test
    void mariadbMyIsamRollbackToSavepointThenCommit() throws SQLException {
        try (Fixture fixture = myisam()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                Savepoint savepoint = connection.setSavepoint();
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                statement.executeUpdate("DELETE FROM orders WHERE id = 2");
                connection.rollback(savepoint);
                statement.execute("SAVEPOINT s2");
                statement.executeUpdate("UPDATE orders SET qty = 60 WHERE code = 'c'");
                statement.execute("ROLLBACK TO SAVEPOINT s2");
                connection.commit();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders ORDER BY id")).hasSize(3);
            Mirrored.exactOrResynced(fixture, "MyISAM savepoint");
        }
    }

    // Input (MariaDB, MyISAM orders, auto-commit): INSERT … ON DUPLICATE KEY UPDATE whose second row's update
    // fails on the unique code after the first row was inserted; REPLACE failing midway (a trigger of orders refuses
    // id 8 after id 7 was written).
    @Test
    void mariadbMyIsamUpsertAndReplaceFailingMidway() throws SQLException {
        try (Fixture fixture = myisam()) {
            fixture.onOld("CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW BEGIN"
                    + " IF NEW.id = 8 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no 8'; END IF; END");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (6, 'f', 6),"
                        + " (1, 'a', 1) ON DUPLICATE KEY UPDATE code = 'b'")).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> statement.executeUpdate("REPLACE INTO orders (id, code, qty) VALUES (7, 'g', 7),"
                        + " (8, 'h', 8)")).isInstanceOf(SQLException.class);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders WHERE id IN (6, 7)")).hasSize(2);
            Mirrored.exactOrResynced(fixture, "MyISAM upsert/replace failing midway");
        }
    }

    // Input (MariaDB, MyISAM orders): SQL-text transaction: START TRANSACTION; UPDATE id 1; INSERT IGNORE id 5 and a
    // duplicate; ROLLBACK (as text).
    @Test
    void mariadbMyIsamTextTransactionRolledBack() throws SQLException {
        try (Fixture fixture = myisam()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("START TRANSACTION");
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.executeUpdate("INSERT IGNORE INTO orders (id, code, qty) VALUES (5, 'e', 5), (2, 'x', 2)");
                statement.execute("ROLLBACK");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders ORDER BY id")).hasSize(4);
            Mirrored.exactOrResynced(fixture, "MyISAM text transaction rollback");
        }
    }

    // Input (MariaDB, NEW_PRIMARY: the new store is authoritative, and its orders_v2 is MyISAM): setAutoCommit(false);
    // UPDATE id 1; INSERT id 5; rollback() (the new store keeps both).
    @Test
    void mariadbMyIsamAsTheNewStoreInNewPrimary() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB).phase(MigrationPhase.NEW_PRIMARY).build()) {
            fixture.onOld(Mirrored.MARIA, "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1)",
                    "INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)");
            fixture.onNew(Mirrored.NEW + " ENGINE=MyISAM", "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1)",
                    "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 50 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
                connection.rollback();
            }
            assertThat(Rows.of(fixture.newDb, "SELECT quantity FROM orders_v2 WHERE id = 1")).containsExactly(Rows.expected("quantity", 50));
            Mirrored.exactOrResynced(fixture, "MyISAM new store, NEW_PRIMARY");
        }
    }
}
