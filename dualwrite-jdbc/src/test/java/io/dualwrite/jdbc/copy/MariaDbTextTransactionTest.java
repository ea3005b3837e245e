package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On MariaDB a sync begins its transaction in the session statement it sends anyway ({@code autocommit = 0},
 * read committed), sends {@code COMMIT} or {@code ROLLBACK} as text, and puts the session back and releases its
 * named locks in one last statement. The pool sees none of it, so each test checks what the pool's next borrower
 * gets from the target pool's one connection, which a sync found in a session of its own (repeatable read, a
 * {@code latin1} client, a zone of +05:00, an empty {@code sql_mode}): the same session, outside any transaction,
 * holding no lock. Rows are compared with plain queries on the stores.
 */
class MariaDbTextTransactionTest {

    private static final TableMapping COUNTERS = TableMapping.builder("counters").newTable("counters_v2")
            .rename("n", "total").build();
    private static final TableMapping NOTES = TableMapping.identity("notes");
    /** What the session of the target's one connection is set to before each sync, and must be after it. */
    private static final String SESSION = "SET SESSION tx_isolation = 'REPEATABLE-READ', NAMES latin1,"
            + " time_zone = '+05:00', sql_mode = ''";

    private TestDatabase old;
    private TestDatabase fresh;
    private HikariDataSource target;

    @BeforeEach
    void stores() throws SQLException {
        old = TestDatabases.create(TestDatabases.Kind.MARIADB);
        fresh = TestDatabases.create(TestDatabases.Kind.MARIADB);
        old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40),"
                        + " seen TIMESTAMP(6) NULL)",
                "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)");
        fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL CHECK (total >= 0),"
                        + " note VARCHAR(40), seen TIMESTAMP(6) NULL)",
                "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT CHECK (body <> 'bad'))");
        target = onePooledConnection(fresh.pool().getJdbcUrl(), true, false);
        setSession(target);
    }

    @AfterEach
    void closeStores() {
        target.close();
        fresh.close();
        old.close();
    }

    @Test
    void aSyncCommitsItsUpsertsAndLeavesTheSessionAsItFoundIt() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', '2026-03-01 10:00:00.123456'), (2, 20, 'b', NULL)");

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

        assertThat(result.copied()).isEqualTo(2);
        assertThat(counters(fresh)).isEqualTo(oldCounters()); // read on another connection: committed
        assertClean(target);
    }

    @Test
    void aSyncThatOnlyDeletesCommitsItsDeletes() throws Exception {
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'gone', NULL), (2, 2, 'gone', NULL), (3, 3, 'kept', NULL)");

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

        assertThat(result.deleted()).isEqualTo(2);
        assertThat(counters(fresh)).containsExactly(List.of(3L, 3L, "kept", "NULL"));
        assertClean(target);
    }

    @Test
    void aSyncOverTwoTablesCommitsBoth() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)", "INSERT INTO notes VALUES (7, 'seven')");
        fresh.execute("INSERT INTO notes VALUES (8, 'stale')", "INSERT INTO counters_v2 VALUES (9, 9, 'stale', NULL)");
        RowCopier copier = copier(target);

        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1"), keys(NOTES, "8")));
        assertClean(target);
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "9"), keys(NOTES, "7")));

        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertThat(fresh.query("SELECT id, body FROM notes ORDER BY id"))
                .isEqualTo(old.query("SELECT id, body FROM notes ORDER BY id"));
        assertClean(target);
    }

    /** More keys than one lock query and one upsert statement take: every lock is released, every row committed. */
    @Test
    void aSyncOfMoreRowsThanOneStatementCommitsEveryRowAndReleasesEveryLock() throws Exception {
        StringBuilder insert = new StringBuilder("INSERT INTO counters VALUES ");
        for (int id = 1; id <= 1203; id++) {
            insert.append(id == 1 ? "" : ", ").append("(").append(id).append(", ").append(id).append(", 'row ")
                    .append(id).append("', NULL)");
        }
        old.execute(insert.toString());
        List<String> ids = IntStream.rangeClosed(1, 1203).mapToObj(String::valueOf).toList();

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, ids.toArray(String[]::new))));

        assertThat(result.copied()).isEqualTo(1203);
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target);
        assertLocksFree(COUNTERS, ids);
    }

    @Test
    void aSyncTheTargetRefusesWritesNothingAndItsConnectionServesTheNextSync() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'fine', NULL), (2, -5, 'breaks the check', NULL)");
        RowCopier copier = copier(target);

        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2"))))
                .isInstanceOf(SQLException.class).hasMessageContaining("counters_v2");
        assertThat(counters(fresh)).as("row 1 was upserted in the same statement: rolled back").isEmpty();
        assertClean(target);
        assertLocksFree(COUNTERS, List.of("1", "2"));

        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1")));
        assertThat(counters(fresh)).containsExactly(List.of(1L, 10L, "fine", "NULL"));
        assertClean(target);
    }

    @Test
    void aSyncFailingAfterItsDeletesRollsThemBack() throws Exception {
        old.execute("INSERT INTO counters VALUES (2, -5, 'breaks the check', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'to delete', NULL)");

        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2"))))
                .isInstanceOf(SQLException.class);

        assertThat(counters(fresh)).containsExactly(List.of(1L, 1L, "to delete", "NULL"));
        assertClean(target);
    }

    @Test
    void anErrorThrownInsideASyncStillEndsItsTransactionAndReleasesItsLocks() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL), (2, 20, 'b', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (3, 3, 'to delete', NULL)");
        TableMapping failing = TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                .transform("note", ValueTransformer.of(value -> {
                    throw new AssertionError("a transformer that fails with an Error");
                }, value -> value)).build();

        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "3"), keys(failing, "1"))))
                .isInstanceOf(AssertionError.class);

        assertThat(counters(fresh)).as("the delete of row 3 was rolled back")
                .containsExactly(List.of(3L, 3L, "to delete", "NULL"));
        assertClean(target);
        assertLocksFree(COUNTERS, List.of("1", "3"));
    }

    /** The named lock of a key is held for the whole sync: another session cannot take it meanwhile. */
    @Test
    void aKeysLockIsHeldUntilTheSyncHasCommitted() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        List<Boolean> freeDuringSync = new ArrayList<>();
        TableMapping probing = TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                .transform("note", ValueTransformer.of(value -> {
                    try {
                        freeDuringSync.add(lockFree(COUNTERS, "1"));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    return value;
                }, value -> value)).build();

        copier(target).sync(Store.OLD, List.of(keys(probing, "1")));

        assertThat(freeDuringSync).containsExactly(false);
        assertLocksFree(COUNTERS, List.of("1"));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target);
    }

    @Test
    void aConnectionHandedOutOutsideAutoCommitSyncsInItsJdbcTransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL), (2, 20, 'b', NULL)");
        try (HikariDataSource manual = onePooledConnection(fresh.pool().getJdbcUrl(), false, false)) {
            copier(manual).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

            assertThat(counters(fresh)).isEqualTo(oldCounters());
            try (Connection connection = manual.getConnection()) {
                assertThat(connection.getAutoCommit()).isFalse();
            }
        }
    }

    /**
     * A connection handed out read-only syncs in its JDBC transaction, as before: MariaDB's driver takes the flag
     * as a hint for routing and does not refuse writes, so the rows are written, and the connection keeps its flag.
     */
    @Test
    void aReadOnlyTargetConnectionSyncsInItsJdbcTransactionAndKeepsItsFlag() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        try (HikariDataSource readOnly = onePooledConnection(fresh.pool().getJdbcUrl(), true, true)) {
            copier(readOnly).sync(Store.OLD, List.of(keys(COUNTERS, "1")));

            assertThat(counters(fresh)).isEqualTo(oldCounters());
            try (Connection connection = readOnly.getConnection()) {
                assertThat(connection.isReadOnly()).isTrue();
                assertThat(connection.getAutoCommit()).isTrue();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private RowCopier copier(javax.sql.DataSource newStore) {
        return RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(newStore).build();
    }

    private static RowCopier.TableKeys keys(TableMapping mapping, String... keys) {
        return new RowCopier.TableKeys(mapping, List.of(keys), null);
    }

    private List<List<Object>> oldCounters() {
        return table(old, "SELECT id, n, note, CAST(seen AS CHAR) FROM counters ORDER BY id");
    }

    private static List<List<Object>> counters(TestDatabase db) {
        return table(db, "SELECT id, total, note, CAST(seen AS CHAR) FROM counters_v2 ORDER BY id");
    }

    /** The rows of {@code sql}, numbers as longs, nulls as {@code "NULL"}. */
    private static List<List<Object>> table(TestDatabase db, String sql) {
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<Object> values = new ArrayList<>();
            row.values().forEach(value -> values.add(value == null ? "NULL"
                    : value instanceof Number number ? number.longValue() : value));
            rows.add(values);
        }
        return rows;
    }

    private static void setSession(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(SESSION);
        }
    }

    /**
     * The pool's next borrower gets the session the sync found: auto-commit as the driver and the server see it,
     * no transaction open, the isolation level, character sets, zone and {@code sql_mode} it was left with.
     */
    private static void assertClean(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection()) {
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
                assertThat(result.getString(6)).as("sql_mode").isEmpty();
            }
        }
    }

    /** Every key's named lock can be taken at once by another session. */
    private void assertLocksFree(TableMapping mapping, List<String> keys) throws SQLException {
        for (String key : keys) {
            assertThat(lockFree(mapping, key)).as("lock of key %s is free", key).isTrue();
        }
    }

    /** Whether another session is free to take the key's named lock (asked with {@code IS_FREE_LOCK}). */
    private boolean lockFree(TableMapping mapping, String key) throws SQLException {
        try (Connection connection = fresh.pool().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT IS_FREE_LOCK('dualwrite:" + Long.toHexString(
                     CopyDialect.lockId(fresh.name(), Long.toString(KeyLocks.lockId(mapping.oldTable(), key,
                             mapping.primaryKey().size())))) + "')")) {
            assertThat(result.next()).isTrue();
            return result.getInt(1) == 1;
        }
    }

    private static HikariDataSource onePooledConnection(String url, boolean autoCommit, boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("root");
        config.setMaximumPoolSize(1);
        config.setAutoCommit(autoCommit);
        config.setReadOnly(readOnly);
        return new HikariDataSource(config);
    }
}
