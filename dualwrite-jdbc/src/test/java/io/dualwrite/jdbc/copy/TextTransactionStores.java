package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The stores of the PostgreSQL text-transaction tests: {@code counters_v2} refuses negative totals and
 * {@code notes} the body {@code 'bad'} (CHECK constraints), and the check every test ends with: the target
 * connection's state as its pool's next borrower gets it.
 */
abstract class TextTransactionStores extends SyncStores {

    @Override
    TestDatabases.Kind kind() {
        return TestDatabases.Kind.POSTGRES;
    }

    @Override
    void createTables() {
        old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))",
                "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)");
        fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL CHECK (total >= 0),"
                + " note VARCHAR(40))", "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT CHECK (body <> 'bad'))");
    }

    List<List<Object>> oldCounters() {
        return table(old, "SELECT id, n, note FROM counters ORDER BY id");
    }

    static List<List<Object>> counters(TestDatabase db) {
        return table(db, "SELECT id, total, note FROM counters_v2 ORDER BY id");
    }

    /**
     * The pool's next borrower gets a connection in auto-commit mode, outside any transaction (as the driver and
     * the server see it: had the sync left one open, this query would run inside it, where the sync's writes
     * already assigned a transaction id, or be refused inside an aborted one), holding no advisory lock, with the
     * default lock timeout.
     */
    static void assertClean(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(connection.unwrap(BaseConnection.class).getTransactionState())
                    .as("the driver's view of the server's transaction state").isEqualTo(TransactionState.IDLE);
            try (Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT pg_current_xact_id_if_assigned(),"
                         + " current_setting('lock_timeout'), (SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"
                         + " AND pid = pg_backend_pid())")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getObject(1)).as("transaction id of the connection's current transaction").isNull();
                assertThat(result.getString(2)).as("lock_timeout").isEqualTo("0");
                assertThat(result.getLong(3)).as("advisory locks held").isZero();
            }
        }
    }
}
