package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.TxEdgesSupport.oldRows;
import static io.dualwrite.jdbc.inputs.TxEdgesSupport.sameRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
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
        await().atMost(Duration.ofSeconds(20)).until(() ->
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
                assertThat(failureWithin(update, 15, sql)).isInstanceOf(SQLException.class);
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
                assertThat(failureWithin(run, 15, write)).isInstanceOf(SQLException.class);
            } finally {
                blocker.rollback();
            }
            connection.rollback();
            assertThat(oldRows(fixture)).isEqualTo("1=1 2=2 3=3");
            assertThat(sameRows(fixture)).isEqualTo("1=1 2=2 3=3");
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
                assertThat(failureWithin(update, 15, "the cancelled update")).isInstanceOf(SQLException.class);
            } finally {
                blocker.rollback();
            }
            connection.rollback();
            assertThat(oldRows(fixture)).isEqualTo("1=1 2=2 3=3");
            assertThat(sameRows(fixture)).isEqualTo("1=1 2=2 3=3");
        }
    }
}
