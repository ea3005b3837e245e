package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The stores of the PostgreSQL text-transaction tests: two fresh databases with {@code counters} (renamed
 * {@code counters_v2}, column {@code n} as {@code total}, a CHECK refusing negative totals) and {@code notes} (a
 * CHECK refusing the body {@code 'bad'}), a target pool of one connection, and the checks every test ends with:
 * rows read with plain queries, and that connection's state as its pool's next borrower gets it.
 */
abstract class TextTransactionStores {

    static final TableMapping COUNTERS = TableMapping.builder("counters").newTable("counters_v2")
            .rename("n", "total").build();
    static final TableMapping NOTES = TableMapping.identity("notes");

    TestDatabase old;
    TestDatabase fresh;
    /** The new store's pool of one connection: whatever a sync leaves on it, the next borrower gets. */
    HikariDataSource target;

    @BeforeEach
    void stores() {
        old = TestDatabases.create(TestDatabases.Kind.POSTGRES);
        fresh = TestDatabases.create(TestDatabases.Kind.POSTGRES);
        old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))",
                "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)");
        fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL CHECK (total >= 0),"
                + " note VARCHAR(40))", "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT CHECK (body <> 'bad'))");
        target = onePooledConnection(fresh.pool().getJdbcUrl(), true);
    }

    @AfterEach
    void closeStores() {
        target.close();
        fresh.close();
        old.close();
    }

    RowCopier copier(DataSource newStore) {
        return RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(newStore).build();
    }

    static RowCopier.TableKeys keys(TableMapping mapping, String... keys) {
        return new RowCopier.TableKeys(mapping, List.of(keys), null);
    }

    List<List<Object>> oldCounters() {
        return table(old, "SELECT id, n, note FROM counters ORDER BY id");
    }

    static List<List<Object>> counters(TestDatabase db) {
        return table(db, "SELECT id, total, note FROM counters_v2 ORDER BY id");
    }

    static List<List<Object>> notes(TestDatabase db) {
        return table(db, "SELECT id, body FROM notes ORDER BY id");
    }

    /** The rows of {@code sql}, numbers as longs. */
    static List<List<Object>> table(TestDatabase db, String sql) {
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<Object> values = new ArrayList<>();
            row.values().forEach(value -> values.add(value instanceof Number number ? number.longValue() : value));
            rows.add(values);
        }
        return rows;
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

    static HikariDataSource onePooledConnection(String url, boolean autoCommit) {
        return onePooledConnection(url, autoCommit, false);
    }

    static HikariDataSource onePooledConnection(String url, boolean autoCommit, boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(1);
        config.setAutoCommit(autoCommit);
        config.setReadOnly(readOnly);
        return new HikariDataSource(config);
    }
}
