package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.TxEdgesSupport.oldRows;
import static io.dualwrite.jdbc.inputs.TxEdgesSupport.sameRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.testing.FastPolls;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transaction edges, seventeenth break: what the caller bounds or stops its own statement with.
 *
 * <p>An update or delete that does not name its rows by key has them selected {@code FOR UPDATE} on the caller's
 * connection just before it runs. That select was the library's own statement: the caller's query timeout did not
 * bound it, and the caller's {@code Statement.cancel()} from another thread did not stop it. Behind a row lock
 * another transaction held, a statement the caller had bounded to one second waited as long as that transaction
 * did (on PostgreSQL, for ever), and a cancel was lost.
 *
 * <p>Each test ends by comparing the two stores row by row with plain JDBC.
 */
class TxEdgesBreak17Test {

    /** A plain transaction on the old store that holds the lock of row 1 until it is rolled back. */
    private static Connection lockRowOne(Fixture fixture) throws SQLException {
        Connection blocker = fixture.oldDb.dataSource().getConnection();
        blocker.setAutoCommit(false);
        try (Statement statement = blocker.createStatement()) {
            statement.executeUpdate("UPDATE orders SET qty = qty WHERE id = 1");
        }
        return blocker;
    }

    /** Waits until some session of the old store waits for a row lock (the caller's statement, or ours for it). */
    private static void awaitLockWait(Fixture fixture, Kind kind) {
        String sql = kind == Kind.POSTGRES
                ? "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND datname = current_database()"
                : "SELECT count(*) AS n FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'";
        await().atMost(Duration.ofSeconds(60)).pollDelay(FastPolls.INNODB_TRX_POLL).pollInterval(FastPolls.INNODB_TRX_POLL).until(() ->
                ((Number) fixture.oldDb.query(sql).get(0).get("n")).longValue() > 0);
    }

    /** What {@code future} ended with within {@code seconds}: its failure, or an error naming the hang. */
    private static Throwable failureWithin(CompletableFuture<?> future, int seconds, String what) throws Exception {
        try {
            Object result = future.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError(what + " returned " + result + " instead of failing");
        } catch (java.util.concurrent.TimeoutException hang) {
            throw new AssertionError(what + " was still waiting after " + seconds + " s", hang);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    // Failed before its fix (all): the key pre-select ran without the caller's query timeout, so the statement waited
    // for the lock holder's end (PostgreSQL: for ever) although the caller had bounded it to one second.
    @ParameterizedTest(name = "{0}: {1} with a query timeout of 1 s, behind a row lock")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | UPDATE orders SET qty = 10 WHERE code = 'a' | true",
        "POSTGRES | DELETE FROM orders WHERE code = 'a'          | true",
        "POSTGRES | UPDATE orders SET qty = 10 WHERE code = 'a' | false",
        "MARIADB  | UPDATE orders SET qty = 10 WHERE code = 'a' | true",
        "MARIADB  | DELETE FROM orders WHERE code = 'a'          | false"})
    void aQueryTimeoutBoundsTheLibrarysKeySelectAsItBoundsTheStatement(Kind kind, String sql, boolean autoCommit)
            throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).phase(MigrationPhase.DUAL_WRITE).build(),
                Mirrored.PG);
             Connection blocker = lockRowOne(fixture);
             Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(autoCommit);
            statement.setQueryTimeout(1);
            CompletableFuture<Integer> update = CompletableFuture.supplyAsync(() -> {
                try {
                    return statement.executeUpdate(sql);
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            try {
                assertThat(failureWithin(update, 60, sql)).isInstanceOf(SQLException.class);
            } finally {
                blocker.rollback();
            }
            if (!autoCommit) {
                connection.rollback();
            }
            assertThat(oldRows(fixture)).isEqualTo("1=1 2=2 3=3");
            assertThat(sameRows(fixture)).isEqualTo("1=1 2=2 3=3");
        }
    }

    // Failed before its fix (all): as above, for a batch whose entries are each selected first, and for a MariaDB
    // write bounded by its own SET STATEMENT prefix, which the key pre-select ran without (the session's 50 s lock wait).
    @ParameterizedTest(name = "{0}: {1}, behind a row lock")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | batch of UPDATE orders SET qty = ? WHERE code = ? with a query timeout of 1 s",
        "MARIADB  | batch of UPDATE orders SET qty = ? WHERE code = ? with a query timeout of 1 s",
        "MARIADB  | SET STATEMENT max_statement_time = 1 FOR UPDATE orders SET qty = 10 WHERE code = 'a'",
        "MARIADB  | SET STATEMENT innodb_lock_wait_timeout = 1 FOR DELETE FROM orders WHERE code = 'a'"})
    void aLimitTheStatementCarriesBoundsTheLibrarysKeySelectToo(Kind kind, String write) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).phase(MigrationPhase.DUAL_WRITE).build(),
                Mirrored.PG);
             Connection blocker = lockRowOne(fixture);
             Connection connection = fixture.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> {
                try {
                    if (write.startsWith("batch")) {
                        try (java.sql.PreparedStatement batch = connection.prepareStatement(
                                "UPDATE orders SET qty = ? WHERE code = ?")) {
                            batch.setQueryTimeout(1);
                            batch.setInt(1, 20);
                            batch.setString(2, "b");
                            batch.addBatch();
                            batch.setInt(1, 10);
                            batch.setString(2, "a");
                            batch.addBatch();
                            return batch.executeBatch();
                        }
                    }
                    try (Statement statement = connection.createStatement()) {
                        return statement.executeUpdate(write);
                    }
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            try {
                assertThat(failureWithin(run, 60, write)).isInstanceOf(SQLException.class);
            } finally {
                blocker.rollback();
            }
            connection.rollback();
            assertThat(oldRows(fixture)).isEqualTo("1=1 2=2 3=3");
            assertThat(sameRows(fixture)).isEqualTo("1=1 2=2 3=3");
        }
    }

    /**
     * The old store's pool with a connection that the pool (an eviction, its shutdown) or the network closes right
     * after the server answered an update whose text starts with {@code prefix}: the update ran, and in auto-commit
     * committed, but the session is gone before the next call on it. With {@code COMMIT}, {@code commit()} commits
     * and then loses its answer with the session.
     */
    private static javax.sql.DataSource closedAfter(javax.sql.DataSource real, String prefix) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(TxEdgesBreak17Test.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return result instanceof Connection connection ? closing(connection, prefix) : result;
                });
    }

    private static Connection closing(Connection real, String prefix) {
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(TxEdgesBreak17Test.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("commit") && prefix.equals("COMMIT")) {
                        real.commit(); // committed; the answer is lost with the session
                        real.close();
                        throw new SQLException("An I/O error occurred while sending to the backend", "08006");
                    }
                    Object result = invoke(real, method, args);
                    if (!(result instanceof Statement statement)) {
                        return result;
                    }
                    String prepared = method.getName().equals("prepareStatement") ? (String) args[0] : null;
                    Class<?> type = statement instanceof java.sql.PreparedStatement
                            ? java.sql.PreparedStatement.class : Statement.class;
                    return java.lang.reflect.Proxy.newProxyInstance(TxEdgesBreak17Test.class.getClassLoader(),
                            new Class<?>[] {type}, (statementProxy, call, callArgs) -> {
                                Object ran = invoke(statement, call, callArgs);
                                String sql = callArgs != null && callArgs.length > 0 && callArgs[0] instanceof String text
                                        ? text : prepared;
                                if (call.getName().startsWith("execute") && sql != null && sql.startsWith(prefix)) {
                                    real.close();
                                }
                                return ran;
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    // Failed before its fix: an update in auto-commit that the old store committed, whose session was closed right
    // after the answer, threw "closed" at the caller (the library asked the dead session whether it was in
    // auto-commit), and its key was never synced nor recorded: the new store kept the old row.
    @ParameterizedTest(name = "{0}: {1}, the session closed right after the answer")
    @CsvSource(delimiter = '|', value = {
        "H2       | UPDATE orders SET qty = 10 WHERE id = 1",
        "H2       | INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)",
        "POSTGRES | UPDATE orders SET qty = 10 WHERE id = 1",
        "MARIADB  | UPDATE orders SET qty = 10 WHERE id = 1"})
    void anAutoCommittedWriteWhoseSessionDiesAfterItsAnswerIsSyncedAndReturnsItsCount(Kind kind, String sql)
            throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).phase(MigrationPhase.DUAL_WRITE)
                .wrapOld(real -> closedAfter(real, sql.substring(0, 6))).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate(sql)).isEqualTo(1);
            }
            fixture.awaitMirroredRows(1);
            String expected = sql.startsWith("UPDATE") ? "1=10 2=2 3=3" : "1=1 2=2 3=3 5=5";
            assertThat(oldRows(fixture)).isEqualTo(expected);
            Mirrored.exactOrResynced(fixture, sql);
            assertThat(sameRows(fixture)).isEqualTo(expected);
        }
    }

    // Failed before its fix: an update in auto-commit that the library ran in a transaction of its own (to hold its
    // key pre-select's locks) whose commit committed but lost its answer with the session: restoring auto-commit on
    // the dead session threw before the keys were handed over, so the committed row never reached the new store and
    // nothing was recorded. The caller gets the commit's failure, as a statement whose own commit lost its answer.
    @ParameterizedTest(name = "{0}: the library's commit of an auto-commit write loses its answer with the session")
    @CsvSource({"H2", "POSTGRES", "MARIADB"})
    void aCommitOfTheLibrarysThatLosesItsAnswerWithTheSessionStillSyncsTheCommittedRow(Kind kind) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).phase(MigrationPhase.DUAL_WRITE)
                .wrapOld(real -> closedAfter(real, "COMMIT")).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> statement.executeUpdate("UPDATE orders SET qty = 10 WHERE code = 'a'"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("I/O error");
            }
            fixture.awaitMirroredRows(1);
            assertThat(oldRows(fixture)).isEqualTo("1=10 2=2 3=3");
            Mirrored.exactOrResynced(fixture, "lost commit answer");
            assertThat(sameRows(fixture)).isEqualTo("1=10 2=2 3=3");
        }
    }

    // Failed before its fix: the caller's cancel() reached its own statement, which had not started yet, while the
    // library's key pre-select waited for the lock; the cancel was lost and the statement ran once the lock was free.
    @ParameterizedTest(name = "{0}: cancel() while the key select waits for a row lock")
    @CsvSource({"POSTGRES", "MARIADB"})
    void aCancelFromAnotherThreadStopsTheLibrarysKeySelectAsItStopsTheStatement(Kind kind) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, Kind.H2).phase(MigrationPhase.DUAL_WRITE).build(),
                Mirrored.PG);
             Connection blocker = lockRowOne(fixture);
             Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            CompletableFuture<Integer> update = CompletableFuture.supplyAsync(() -> {
                try {
                    return statement.executeUpdate("UPDATE orders SET qty = 10 WHERE code = 'a'");
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            try {
                awaitLockWait(fixture, kind);
                statement.cancel();
                assertThat(failureWithin(update, 60, "the cancelled update")).isInstanceOf(SQLException.class);
            } finally {
                blocker.rollback();
            }
            connection.rollback();
            assertThat(oldRows(fixture)).isEqualTo("1=1 2=2 3=3");
            assertThat(sameRows(fixture)).isEqualTo("1=1 2=2 3=3");
        }
    }
}
