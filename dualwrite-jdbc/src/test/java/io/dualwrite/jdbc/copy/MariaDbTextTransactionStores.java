package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The stores of the MariaDB text-transaction tests: {@code counters} with a {@code TIMESTAMP(6)} column (written
 * in the session's zone), {@code counters_v2} refusing negative totals and {@code notes} the body {@code 'bad'};
 * the target's one connection starts each test in a session of its own ({@link #SESSION}), and the checks every
 * test ends with: that session as the pool's next borrower gets it, and the keys' named locks free.
 */
abstract class MariaDbTextTransactionStores extends SyncStores {

    /** What the session of the target's one connection is set to before each sync, and must be after it. */
    static final String SESSION = "SET SESSION tx_isolation = 'REPEATABLE-READ', NAMES latin1,"
            + " time_zone = '+05:00', sql_mode = ''";

    @Override
    TestDatabases.Kind kind() {
        return TestDatabases.Kind.MARIADB;
    }

    @Override
    void createTables() throws SQLException {
        old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40),"
                        + " seen TIMESTAMP(6) NULL)",
                "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)");
        fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL CHECK (total >= 0),"
                        + " note VARCHAR(40), seen TIMESTAMP(6) NULL)",
                "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT CHECK (body <> 'bad'))");
        setSession(target, SESSION);
    }

    List<List<Object>> oldCounters() {
        return table(old, "SELECT id, n, note, CAST(seen AS CHAR) FROM counters ORDER BY id");
    }

    static List<List<Object>> counters(TestDatabase db) {
        return table(db, "SELECT id, total, note, CAST(seen AS CHAR) FROM counters_v2 ORDER BY id");
    }

    static void setSession(HikariDataSource pool, String sql) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** {@link #assertSessionClean} on the connection the pool hands out next, whose {@code sql_mode} was empty. */
    static void assertClean(HikariDataSource pool) throws SQLException {
        assertClean(pool, "");
    }

    static void assertClean(HikariDataSource pool, String sqlMode) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            assertSessionClean(connection, sqlMode);
        }
    }

    /**
     * The connection is in the session the sync found: auto-commit as the driver and the server see it, no
     * transaction open, and the isolation level, character set, zone and {@code sql_mode} of {@link #SESSION}
     * ({@code sqlMode} for the last).
     */
    static void assertSessionClean(Connection connection, String sqlMode) throws SQLException {
        assertThat(connection.getAutoCommit()).isTrue();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT @@in_transaction, @@autocommit,"
                     + " @@session.tx_isolation, @@session.character_set_client, @@session.time_zone,"
                     + " @@session.sql_mode")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt(1)).as("in a transaction").isZero();
            assertThat(result.getInt(2)).as("autocommit").isEqualTo(1);
            assertThat(result.getString(3)).as("isolation").isEqualTo("REPEATABLE-READ");
            assertThat(result.getString(4)).as("character_set_client").isEqualTo("latin1");
            assertThat(result.getString(5)).as("time_zone").isEqualTo("+05:00");
            assertThat(result.getString(6)).as("sql_mode").isEqualTo(sqlMode);
        }
    }

    /** The name of the key's lock on the new store, as the copier takes it. */
    String lockName(TableMapping mapping, String key) {
        return "dualwrite:" + Long.toHexString(CopyDialect.lockId(fresh.name(),
                Long.toString(KeyLocks.lockId(mapping.oldTable(), key, mapping.primaryKey().size()))));
    }

    /** Whether another session is free to take the key's named lock (asked with {@code IS_FREE_LOCK}). */
    boolean lockFree(TableMapping mapping, String key) throws SQLException {
        try (Connection connection = fresh.pool().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT IS_FREE_LOCK('" + lockName(mapping, key) + "')")) {
            assertThat(result.next()).isTrue();
            return result.getInt(1) == 1;
        }
    }

    /** Every key's named lock can be taken at once by another session. */
    void assertLocksFree(TableMapping mapping, List<String> keys) throws SQLException {
        for (String key : keys) {
            assertThat(lockFree(mapping, key)).as("lock of key %s is free", key).isTrue();
        }
    }
}
