package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The copier at its edges: InnoDB row-lock deadlocks and lock wait timeouts between syncs, the text
 * transactions across PostgreSQL and MariaDB, the MySQL/MariaDB secondary-unique-key guard on keys of every
 * shape, and unusual MariaDB sessions. Every test ends by comparing the stores with plain SQL: the right outcome
 * is the old rows in the new store, or a failed sync that wrote nothing; never a different new store reported as
 * success.
 */
class CopierEdgesTest extends MariaDbTextTransactionStores {

    // ------------------------------------------------------------------------------------------------------------
    // 1. Deadlocks and lock wait timeouts on InnoDB row locks (not named locks)
    // ------------------------------------------------------------------------------------------------------------

    private void createParentsAndKids() {
        old.execute("CREATE TABLE parents (id INT PRIMARY KEY, name VARCHAR(20))",
                "CREATE TABLE kids (id INT PRIMARY KEY, parent_id INT, note VARCHAR(20))",
                "INSERT INTO parents VALUES (1, 'one v2'), (2, 'two v2')",
                "INSERT INTO kids VALUES (10, 2, 'ten'), (20, 1, 'twenty')");
        fresh.execute("CREATE TABLE parents (id INT PRIMARY KEY, name VARCHAR(20))",
                "CREATE TABLE kids (id INT PRIMARY KEY, parent_id INT, note VARCHAR(20),"
                        + " FOREIGN KEY (parent_id) REFERENCES parents (id))",
                "INSERT INTO parents VALUES (1, 'one'), (2, 'two')");
    }

    private static List<List<Object>> parentsAndKids(TestDatabase db) {
        List<List<Object>> rows = new ArrayList<>(table(db, "SELECT id, name FROM parents ORDER BY id"));
        rows.addAll(table(db, "SELECT id, parent_id, note FROM kids ORDER BY id"));
        return rows;
    }

    private static long innodbDeadlocks(TestDatabase db) {
        return Long.parseLong(String.valueOf(db.query("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'").get(0).get("value")));
    }

    private HikariDataSource sessionPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(fresh.pool().getJdbcUrl());
        config.setUsername("root");
        config.setMaximumPoolSize(1);
        config.setConnectionInitSql(SESSION);
        return new HikariDataSource(config);
    }

    /**
     * Sync A writes parent 1 then kid 10 (of parent 2); sync B writes parent 2 then kid 20 (of parent 1). Their keys
     * are disjoint, so their named locks never meet; each kid's foreign-key check waits for the row lock the other
     * sync's parent upsert holds: InnoDB picks a victim (1213), which must roll back whole, run again and commit.
     */
    @Test
    void aDeadlockVictimSyncWritesNothingAndTheRetryConverges() throws Exception {
        createParentsAndKids();
        TableMapping parents = TableMapping.identity("parents");
        CountDownLatch bothParentsWritten = new CountDownLatch(2);
        TableMapping kids = TableMapping.builder("kids").transform("note", ValueTransformer.of(value -> {
            bothParentsWritten.countDown();
            try {
                bothParentsWritten.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return value;
        }, value -> value)).build();
        long deadlocksBefore = innodbDeadlocks(fresh);
        try (HikariDataSource poolA = sessionPool(); HikariDataSource poolB = sessionPool()) {
            RowCopier a = copier(poolA);
            RowCopier b = copier(poolB);
            CompletableFuture<RowCopier.SyncResult> syncA = CompletableFuture.supplyAsync(() ->
                    sync(a, List.of(keys(parents, "1"), keys(kids, "10"))));
            CompletableFuture<RowCopier.SyncResult> syncB = CompletableFuture.supplyAsync(() ->
                    sync(b, List.of(keys(parents, "2"), keys(kids, "20"))));
            RowCopier.SyncResult resultA = syncA.get(60, TimeUnit.SECONDS);
            RowCopier.SyncResult resultB = syncB.get(60, TimeUnit.SECONDS);
            assertThat(innodbDeadlocks(fresh)).as("InnoDB detected the deadlock").isGreaterThan(deadlocksBefore);
            assertThat(resultA.copied()).isEqualTo(2);
            assertThat(resultB.copied()).isEqualTo(2);
            assertClean(poolA, "");
            assertClean(poolB, "");
        }
        assertLocksFree(parents, List.of("1", "2"));
        assertLocksFree(kids, List.of("10", "20"));
        assertThat(parentsAndKids(fresh)).isEqualTo(parentsAndKids(old));
    }

    /**
     * The lock wait timeout (1 s) expires in the second table's upsert, after the first table's upsert succeeded:
     * InnoDB (innodb_rollback_on_timeout off) rolls back only that statement, so the sync must roll back the parent
     * it already wrote; once the other session lets go, one more sync converges.
     */
    @Test
    void aRowLockWaitTimeoutInTheSecondTablesUpsertRollsBackTheFirstTablesUpsert() throws Exception {
        createParentsAndKids();
        setSession(target, SESSION + ", innodb_lock_wait_timeout = 1");
        TableMapping parents = TableMapping.identity("parents");
        TableMapping kids = TableMapping.identity("kids");
        List<List<Object>> before = parentsAndKids(fresh);
        try (Connection holder = fresh.pool().getConnection(); Statement statement = holder.createStatement()) {
            holder.setAutoCommit(false);
            statement.executeQuery("SELECT * FROM parents WHERE id = 2 FOR UPDATE").close();
            assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(parents, "1"), keys(kids, "10"))))
                    .isInstanceOf(SQLException.class);
            assertThat(parentsAndKids(fresh)).as("parent 1's upsert rolled back").isEqualTo(before);
            holder.rollback();
        }
        assertClean(target, "");
        assertLocksFree(parents, List.of("1"));
        assertLocksFree(kids, List.of("10"));
        copier(target).sync(Store.OLD, List.of(keys(parents, "1", "2"), keys(kids, "10", "20")));
        assertThat(parentsAndKids(fresh)).isEqualTo(parentsAndKids(old));
        assertClean(target, "");
    }

    private static RowCopier.SyncResult sync(RowCopier copier, List<RowCopier.TableKeys> keys) {
        try {
            return copier.sync(Store.OLD, keys);
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 3. The secondary-unique-key guard on MariaDB
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The old store keeps 'a' and 'A' apart (utf8mb4_bin); the new store's key is case-insensitive, so it cannot
     * hold both. The sync must fail and write nothing: never end with one of them reported as success.
     */
    @ParameterizedTest
    @ValueSource(strings = {"utf8mb4_bin", "utf8mb4_nopad_bin"})
    void keysTheOldStoreHoldsApartButTheNewStoreCallsOneAreNeverMergedSilently(String oldCollation) throws Exception {
        String other = oldCollation.contains("nopad") ? "a " : "A";
        old.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE " + oldCollation + " PRIMARY KEY, qty INT)");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4");
        try (Connection connection = old.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO codes VALUES (?, ?)")) {
            insert.setString(1, "a");
            insert.setInt(2, 1);
            insert.executeUpdate();
            insert.setString(1, other);
            insert.setInt(2, 2);
            insert.executeUpdate();
        }
        TableMapping codes = TableMapping.builder("codes").primaryKey("code").build();
        List<List<Object>> oldRows = table(old, "SELECT CONCAT('[', code, ']'), qty FROM codes ORDER BY qty");
        assertThat(oldRows).hasSize(2);
        Throwable failure = null;
        try {
            copier(target).sync(Store.OLD, List.of(keys(codes, "a", other)));
        } catch (SQLException e) {
            failure = e;
        }
        List<List<Object>> newRows = table(fresh, "SELECT CONCAT('[', code, ']'), qty FROM codes ORDER BY qty");
        if (failure == null) {
            assertThat(newRows).as("a sync reported as success copied the old rows").isEqualTo(oldRows);
        } else {
            assertThat(newRows).as("a failed sync wrote nothing").isEmpty();
        }
        assertClean(target, "");
    }

    /**
     * The new store already holds the copy of old row 'a'; the old store also holds 'A' (binary collation) and a
     * write to 'A' is synced alone. The new store's 'a' is the copy of a row the old store still holds: it must not
     * be deleted or overwritten by 'A' with the sync reported as success.
     */
    @Test
    void aBinaryCollatedOldRowNeverReplacesTheNewStoresCopyOfAnotherOldRow() throws Exception {
        old.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, qty INT)",
                "INSERT INTO codes VALUES ('a', 1)");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4");
        TableMapping codes = TableMapping.builder("codes").primaryKey("code").build();
        RowCopier copier = copier(target);
        copier.sync(Store.OLD, List.of(keys(codes, "a")));
        assertThat(table(fresh, "SELECT code, qty FROM codes")).containsExactly(List.of("a", 1L));

        old.execute("INSERT INTO codes VALUES ('A', 2)");
        Throwable failure = null;
        try {
            copier.sync(Store.OLD, List.of(keys(codes, "A")));
        } catch (SQLException e) {
            failure = e;
        }
        assertThat(table(fresh, "SELECT code, qty FROM codes ORDER BY qty"))
                .as("the copy of old row 'a' is still there (sync %s)", failure == null ? "reported success" : "failed")
                .contains(List.of("a", 1L));
        assertClean(target, "");
    }

    /** Old key 'a' (case-insensitive old store); the new store holds it as 'A' or 'a ': it must end as 'a'. */
    @ParameterizedTest
    @ValueSource(strings = {"A", "a "})
    void aNewStoreHoldingAnotherSpellingOfTheKeyEndsWithTheOldSpelling(String held) throws Exception {
        old.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT, tag VARCHAR(10) UNIQUE)",
                "INSERT INTO codes VALUES ('a', 1, 't1'), ('b', 2, 't2')");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT, tag VARCHAR(10) UNIQUE)");
        try (Connection connection = fresh.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO codes VALUES (?, 9, 't1')")) {
            insert.setString(1, held);
            insert.executeUpdate();
        }
        TableMapping codes = TableMapping.builder("codes").primaryKey("code").build();
        copier(target).sync(Store.OLD, List.of(keys(codes, "a", "b")));
        String sql = "SELECT CONCAT('[', code, ']'), qty, tag FROM codes ORDER BY code";
        assertThat(table(fresh, sql)).isEqualTo(table(old, sql));
        assertClean(target, "");
    }

    /** The primary key column is renamed by the mapping (id → order_id); the guard must still name it. */
    @Test
    void aRenamedPrimaryKeyColumnStillFailsARowMeetingAnotherOnASecondaryUniqueKey() throws Exception {
        old.execute("CREATE TABLE orders (id INT PRIMARY KEY, code VARCHAR(10), qty INT)",
                "INSERT INTO orders VALUES (1, 'a', 10), (2, 'b', 20)");
        fresh.execute("CREATE TABLE orders_v2 (order_id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, qty INT)",
                "INSERT INTO orders_v2 VALUES (5, 'a', 50), (2, 'x', 0)");
        TableMapping orders = TableMapping.builder("orders").newTable("orders_v2").rename("id", "order_id").build();
        List<List<Object>> before = table(fresh, "SELECT order_id, code, qty FROM orders_v2 ORDER BY order_id");
        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(orders, "2", "1"))))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("23"));
        assertThat(table(fresh, "SELECT order_id, code, qty FROM orders_v2 ORDER BY order_id")).isEqualTo(before);
        assertClean(target, "");
        // once the conflicting row is gone, the same sync converges
        fresh.execute("DELETE FROM orders_v2 WHERE order_id = 5");
        copier(target).sync(Store.OLD, List.of(keys(orders, "2", "1")));
        assertThat(table(fresh, "SELECT order_id, code, qty FROM orders_v2 ORDER BY order_id"))
                .isEqualTo(table(old, "SELECT id, code, qty FROM orders ORDER BY id"));
    }

    /** Composite key (a, b): the row met on the unique key shares the first key column, not the second. */
    @Test
    void aCompositeKeyedRowMeetingARowThatSharesOnlyItsFirstKeyColumnFails() throws Exception {
        TableMapping lines = TableMapping.builder("olines").primaryKey("a", "b").build();
        old.execute("CREATE TABLE olines (a INT NOT NULL, b INT NOT NULL, sku VARCHAR(10), PRIMARY KEY (a, b))",
                "INSERT INTO olines VALUES (1, 1, 'x')");
        fresh.execute("CREATE TABLE olines (a INT NOT NULL, b INT NOT NULL, sku VARCHAR(10) UNIQUE, PRIMARY KEY (a, b))",
                "INSERT INTO olines VALUES (1, 2, 'x')");
        assertThatThrownBy(() -> copier(target).sync(Store.OLD,
                List.of(keys(lines, KeyCodec.encode(List.of(1, 1))))))
                .isInstanceOf(SQLException.class);
        assertThat(table(fresh, "SELECT a, b, sku FROM olines ORDER BY a, b")).containsExactly(List.of(1L, 2L, "x"));
        assertClean(target, "");
    }

    /** A link table: every column is a key column, the only unique key is the primary key. */
    @Test
    void aTableWhoseOnlyColumnsAreItsCompositePrimaryKeyConverges() throws Exception {
        TableMapping links = TableMapping.builder("links").primaryKey("a", "b").build();
        old.execute("CREATE TABLE links (a INT NOT NULL, b VARCHAR(10) NOT NULL, PRIMARY KEY (a, b))",
                "INSERT INTO links VALUES (1, 'x'), (1, 'y')");
        fresh.execute("CREATE TABLE links (a INT NOT NULL, b VARCHAR(10) NOT NULL, PRIMARY KEY (a, b))",
                "INSERT INTO links VALUES (1, 'X'), (2, 'z')");
        copier(target).sync(Store.OLD, List.of(keys(links, KeyCodec.encode(List.of(1, "x")),
                KeyCodec.encode(List.of(1, "y")), KeyCodec.encode(List.of(2, "z")))));
        String sql = "SELECT a, CONCAT('[', b, ']') FROM links ORDER BY a, b";
        assertThat(table(fresh, sql)).isEqualTo(table(old, sql));
        assertClean(target, "");
    }

    /** Two rows swap their unique codes in one sync: the documented outcome is a failure that writes nothing. */
    @Test
    void rowsSwappingTheirSecondaryUniqueValuesInOneSyncFailWholeOrConverge() throws Exception {
        old.execute("CREATE TABLE uq (id INT PRIMARY KEY, code VARCHAR(10), qty INT)",
                "INSERT INTO uq VALUES (1, 'y', 11), (2, 'x', 22)");
        fresh.execute("CREATE TABLE uq (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, qty INT)",
                "INSERT INTO uq VALUES (1, 'x', 1), (2, 'y', 2)");
        List<List<Object>> before = table(fresh, "SELECT id, code, qty FROM uq ORDER BY id");
        Throwable failure = null;
        try {
            copier(target).sync(Store.OLD, List.of(keys(TableMapping.identity("uq"), "1", "2")));
        } catch (SQLException e) {
            failure = e;
        }
        List<List<Object>> after = table(fresh, "SELECT id, code, qty FROM uq ORDER BY id");
        if (failure == null) {
            assertThat(after).isEqualTo(table(old, "SELECT id, code, qty FROM uq ORDER BY id"));
        } else {
            assertThat(after).isEqualTo(before);
        }
        assertClean(target, "");
    }

    /** NULLs in a secondary unique column: several rows may hold one, and a row may move to and from NULL. */
    @Test
    void nullsInASecondaryUniqueColumnAreCopiedAsTheyAre() throws Exception {
        old.execute("CREATE TABLE uq (id INT PRIMARY KEY, code VARCHAR(10), qty INT)",
                "INSERT INTO uq VALUES (1, NULL, 1), (2, NULL, 2), (3, 'c', 3), (4, NULL, 4)");
        fresh.execute("CREATE TABLE uq (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, qty INT)",
                "INSERT INTO uq VALUES (1, 'c', 0), (4, NULL, 0), (5, NULL, 5)");
        copier(target).sync(Store.OLD, List.of(keys(TableMapping.identity("uq"), "1", "2", "3", "4", "5")));
        String sql = "SELECT id, code, qty FROM uq ORDER BY id";
        assertThat(table(fresh, sql)).isEqualTo(table(old, sql));
        assertClean(target, "");
    }

    /**
     * A common new schema: a surrogate AUTO_INCREMENT primary key, the old id kept as a nullable unique {@code
     * legacy_id} (rows created in the new store have none), which the mapping names as the key. Old row 1 meets the
     * new store's row of legacy id 5 on {@code code}: the guard sets {@code legacy_id} to NULL, which the column
     * accepts.
     */
    @Test
    void aNullableUniqueMappedKeyBesideASurrogatePrimaryKeyNeverHasAnotherRowOverwritten() throws Exception {
        old.execute("CREATE TABLE orders (id INT PRIMARY KEY, code VARCHAR(10), qty INT)",
                "INSERT INTO orders VALUES (1, 'a', 10)");
        fresh.execute("CREATE TABLE orders_v2 (pk BIGINT AUTO_INCREMENT PRIMARY KEY, legacy_id INT UNIQUE,"
                        + " code VARCHAR(10) UNIQUE, qty INT)",
                "INSERT INTO orders_v2 (legacy_id, code, qty) VALUES (5, 'a', 50)");
        TableMapping orders = TableMapping.builder("orders").newTable("orders_v2").rename("id", "legacy_id").build();
        List<List<Object>> before = table(fresh, "SELECT legacy_id, code, qty FROM orders_v2 ORDER BY pk");
        Throwable failure = null;
        try {
            copier(target).sync(Store.OLD, List.of(keys(orders, "1")));
        } catch (SQLException e) {
            failure = e;
        }
        List<List<Object>> after = table(fresh, "SELECT legacy_id, code, qty FROM orders_v2 ORDER BY pk");
        assertThat(failure).as("expected the sync to fail, but it reported success and the new store now holds %s", after).isNotNull();
        assertThat(after).as("a failed sync wrote nothing").isEqualTo(before);
        assertClean(target, "");
    }

    /** The guard's NULL in an AUTO_INCREMENT first key column of an INSERT … ON DUPLICATE KEY UPDATE. */
    @Test
    void anAutoIncrementKeyRowMeetingAnotherOnASecondaryUniqueKeyFailsAndWritesNothing() throws Exception {
        old.execute("CREATE TABLE ai (id INT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(10), qty INT)",
                "INSERT INTO ai VALUES (1, 'a', 10)");
        fresh.execute("CREATE TABLE ai (id INT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(10) UNIQUE, qty INT)",
                "INSERT INTO ai VALUES (5, 'a', 50)");
        Throwable failure = null;
        try {
            copier(target).sync(Store.OLD, List.of(keys(TableMapping.identity("ai"), "1")));
        } catch (SQLException e) {
            failure = e;
        }
        List<List<Object>> after = table(fresh, "SELECT id, code, qty FROM ai ORDER BY id");
        assertThat(failure).as("expected the sync to fail, but it reported success and the new store now holds %s", after).isNotNull();
        assertThat(after).containsExactly(List.of(5L, "a", 50L));
        assertClean(target, "");
    }

    /**
     * A TIMESTAMP first key column: assigning NULL to a NOT NULL TIMESTAMP may store the current time instead of
     * failing (explicit_defaults_for_timestamp off, as an application's session may have it).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTimestampFirstKeyColumnRowMeetingAnotherOnASecondaryUniqueKeyFailsAndWritesNothing(boolean explicitDefaults)
            throws Exception {
        String create = "CREATE TABLE ev (at TIMESTAMP NOT NULL, seq INT NOT NULL, code VARCHAR(10)%s, qty INT,"
                + " PRIMARY KEY (at, seq))";
        old.execute(String.format(create, ""), "INSERT INTO ev VALUES ('2026-01-01 10:00:00', 1, 'a', 10)");
        fresh.execute(String.format(create, " UNIQUE"), "INSERT INTO ev VALUES ('2026-01-01 09:00:00', 9, 'a', 90)");
        setSession(target, SESSION + ", explicit_defaults_for_timestamp = " + (explicitDefaults ? 1 : 0));
        TableMapping ev = TableMapping.builder("ev").primaryKey("at", "seq").build();
        String key = KeyCodec.encode(List.of(java.time.LocalDateTime.of(2026, 1, 1, 10, 0), 1));
        String sql = "SELECT CAST(at AS CHAR), seq, code, qty FROM ev ORDER BY at, seq";
        List<List<Object>> before = table(fresh, sql);
        Throwable failure = null;
        try {
            copier(target).sync(Store.OLD, List.of(keys(ev, key)));
        } catch (SQLException e) {
            failure = e;
        }
        List<List<Object>> after = table(fresh, sql);
        assertThat(failure).as("expected the sync to fail, but it reported success and the new store now holds %s", after).isNotNull();
        assertThat(after).isEqualTo(before);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 4. Unusual MariaDB sessions
    // ------------------------------------------------------------------------------------------------------------

    /** A data source whose every connection is {@code connection} itself (its close ignored). */
    private static DataSource single(Connection connection) {
        Connection kept = (Connection) Proxy.newProxyInstance(CopierEdgesTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(CopierEdgesTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return kept;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private Connection rawTargetConnection() throws SQLException {
        return DriverManager.getConnection(fresh.pool().getJdbcUrl(), "root", "");
    }

    private static List<Object> sessionOf(Connection connection, String... expressions) throws SQLException {
        List<Object> values = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT " + String.join(", ", expressions))) {
            assertThat(result.next()).isTrue();
            for (int i = 1; i <= expressions.length; i++) {
                values.add(result.getString(i));
            }
        }
        return values;
    }

    private static final String[] SESSION_STATE = {"@@in_transaction", "@@autocommit", "@@session.tx_isolation",
        "@@session.character_set_client", "@@session.time_zone", "@@session.sql_mode"};

    /**
     * The application turned auto-commit off with SQL text ({@code SET autocommit = 0}) and left the isolation at
     * SERIALIZABLE with text too: the copier finds a session not in auto-commit and must leave it so, with the
     * isolation level the text set, and no transaction open.
     */
    @Test
    void aSessionWithAutocommitAndIsolationSetAsTextIsLeftAsFound() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', '2026-03-01 10:00:00'), (2, 20, 'b', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (3, 3, 'to delete', NULL)");
        try (Connection connection = rawTargetConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION tx_isolation = 'READ-UNCOMMITTED'");
                connection.getTransactionIsolation(); // the driver may remember what it read here
                statement.execute("SET SESSION tx_isolation = 'SERIALIZABLE', NAMES latin1, time_zone = '+05:00',"
                        + " sql_mode = '', autocommit = 0");
            }
            List<Object> found = sessionOf(connection, SESSION_STATE);
            assertThat(found.subList(0, 3)).containsExactly("0", "0", "SERIALIZABLE");
            boolean driverAutoCommit = connection.getAutoCommit();

            copier(single(connection)).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2", "3")));

            assertThat(sessionOf(connection, SESSION_STATE)).as("the session as the copier found it").isEqualTo(found);
            assertThat(connection.getAutoCommit()).as("the driver's auto-commit").isEqualTo(driverAutoCommit);
            connection.rollback(); // whatever the session still held open is not what the stores hold below
        }
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertLocksFree(COUNTERS, List.of("1", "2", "3"));
    }

    /**
     * Both stores' sessions in ANSI mode with NO_BACKSLASH_ESCAPES; keys with backslashes, quotes and double
     * quotes. The rows must arrive byte for byte, each session keeps its modes.
     */
    @Test
    void ansiAndNoBackslashEscapesSessionsCopyKeysWithBackslashesAndQuotesExactly() throws Exception {
        String modes = "ANSI,NO_BACKSLASH_ESCAPES";
        setSession(target, "SET SESSION tx_isolation = 'REPEATABLE-READ', NAMES latin1, time_zone = '+05:00',"
                + " sql_mode = '" + modes + "'");
        String expectedModes;
        try (Connection connection = target.getConnection()) {
            expectedModes = (String) sessionOf(connection, "@@session.sql_mode").get(0);
        }
        old.execute("CREATE TABLE paths (p VARCHAR(40) COLLATE utf8mb4_bin PRIMARY KEY, body VARCHAR(40))"
                + " DEFAULT CHARSET utf8mb4");
        fresh.execute("CREATE TABLE paths (p VARCHAR(40) COLLATE utf8mb4_bin PRIMARY KEY, body VARCHAR(40))"
                + " DEFAULT CHARSET utf8mb4");
        List<String> keys = List.of("a\\b", "a\\\\'b", "it's", "\"quoted\"", "back\\", "\\'; DROP TABLE paths; --",
                "%_\\%");
        try (Connection connection = old.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO paths VALUES (?, ?)")) {
            for (String key : keys) {
                insert.setString(1, key);
                insert.setString(2, "body of " + key);
                insert.executeUpdate();
            }
        }
        fresh.execute("INSERT INTO paths VALUES ('a\\\\b', 'stale'), ('a\\\\\\\\''b', 'stale')");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(old.pool().getJdbcUrl());
        config.setUsername("root");
        config.setMaximumPoolSize(1);
        config.setConnectionInitSql("SET SESSION sql_mode = '" + modes + "'");
        try (HikariDataSource source = new HikariDataSource(config)) {
            RowCopier copier = RowCopier.builder().oldDataSource(source).newDataSource(target).build();
            copier.sync(Store.OLD, List.of(keys(TableMapping.builder("paths").primaryKey("p").build(),
                    keys.toArray(String[]::new))));
            try (Connection connection = source.getConnection()) {
                assertThat(sessionOf(connection, "@@session.sql_mode")).containsExactly(expectedModes);
            }
        }
        String sql = "SELECT HEX(p), body FROM paths ORDER BY p";
        assertThat(table(fresh, sql)).isEqualTo(table(old, sql));
        assertClean(target, expectedModes);
    }

    /** A session in a named zone (loaded into the server's zone tables if it has none): restored by name, TIMESTAMPs exact. */
    @Test
    void aNamedTimeZoneSessionIsRestoredAndTimestampsAreExact() throws Exception {
        try {
            setSession(target, "SET SESSION time_zone = 'Europe/Berlin'");
        } catch (SQLException noZoneTables) {
            // the embedded server has no zone tables: Europe/Berlin for 2026 (CET, CEST from 29 March to 25 October)
            try (Connection connection = fresh.pool().getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO mysql.time_zone (Use_leap_seconds) VALUES ('N')");
                statement.execute("SET @berlin = LAST_INSERT_ID()");
                statement.execute("INSERT INTO mysql.time_zone_name (Name, Time_zone_id) VALUES ('Europe/Berlin', @berlin)");
                statement.execute("INSERT INTO mysql.time_zone_transition_type (Time_zone_id, Transition_type_id, `Offset`,"
                        + " Is_DST, Abbreviation) VALUES (@berlin, 0, 3600, 0, 'CET'), (@berlin, 1, 7200, 1, 'CEST')");
                statement.execute("INSERT INTO mysql.time_zone_transition (Time_zone_id, Transition_time,"
                        + " Transition_type_id) VALUES (@berlin, 1774746000, 1), (@berlin, 1792890000, 0)");
                setSession(target, "SET SESSION time_zone = 'Europe/Berlin'");
            }
        }
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', '2026-03-29 01:30:00.25'),"
                + " (2, 20, 'b', '2026-10-25 02:30:00')");
        copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        try (Connection connection = target.getConnection()) {
            assertThat(sessionOf(connection, "@@session.time_zone")).containsExactly("Europe/Berlin");
        }
    }

    /**
     * The application keeps user variables that happen to be named like the copier's ({@code @dualwrite_isolation},
     * {@code @dualwrite_sql_mode}): the sync still restores the session's own settings, and leaves the
     * application's variables as they were.
     */
    @Test
    void theApplicationsUserVariablesNamedLikeTheCopiersSurviveASync() throws Exception {
        setSession(target, SESSION + ", @dualwrite_isolation = 'SERIALIZABLE', @dualwrite_sql_mode = 'ANSI',"
                + " @dualwrite_time_zone = 'mine', @dualwrite_released = 42");
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1")));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target, "");
        try (Connection connection = target.getConnection()) {
            assertThat(sessionOf(connection, "@dualwrite_isolation", "@dualwrite_sql_mode", "@dualwrite_time_zone",
                    "@dualwrite_released"))
                    .as("the application's user variables").containsExactly("SERIALIZABLE", "ANSI", "mine", "42");
            assertThat(sessionOf(connection, "@__dualwrite_client", "@__dualwrite_results", "@__dualwrite_collation",
                    "@__dualwrite_time_zone", "@__dualwrite_sql_mode", "@__dualwrite_isolation", "@__dualwrite_released"))
                    .as("the copier's own user variables, cleared").containsOnlyNulls();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 2. Cross-product directions: old PostgreSQL → new MariaDB, old MariaDB → new PostgreSQL
    // ------------------------------------------------------------------------------------------------------------

    private static TestDatabase pgWithCounters(boolean asOld) {
        TestDatabase pg = TestDatabases.create(TestDatabases.Kind.POSTGRES);
        if (asOld) {
            pg.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))",
                    "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)");
        } else {
            pg.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL CHECK (total >= 0),"
                    + " note VARCHAR(40))", "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT CHECK (body <> 'bad'))");
        }
        return pg;
    }

    private static List<List<Object>> pgOldCounters(TestDatabase pg) {
        return table(pg, "SELECT id, n, note FROM counters ORDER BY id");
    }

    private static List<List<Object>> mariaNewCounters(TestDatabase db) {
        return table(db, "SELECT id, total, note FROM counters_v2 ORDER BY id");
    }

    private static TableMapping throwingCounters(boolean checked) {
        return TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                .transform("note", ValueTransformer.of(value -> {
                    if (checked) {
                        throw MariaDbTextTransactionBreakTest.<RuntimeException>sneaky(
                                new java.io.IOException("checked, undeclared"));
                    }
                    throw new IllegalStateException("transformer failed");
                }, value -> value)).build();
    }

    /** Old PostgreSQL → new MariaDB: every failing step leaves the new store as it was and the session clean. */
    @Test
    void postgresToMariaDbEveryFailingStepWritesNothingAndLeavesTheSessionClean() throws Exception {
        try (TestDatabase pg = pgWithCounters(true)) {
            pg.execute("INSERT INTO counters VALUES (1, 10, 'one'), (2, -2, 'refused'), (4, 40, 'four')",
                    "INSERT INTO notes VALUES (1, 'fine'), (2, 'bad')");
            fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'stale', NULL), (3, 3, 'to delete', NULL)",
                    "INSERT INTO notes VALUES (1, 'stale'), (5, 'to delete')");
            List<List<Object>> before = mariaNewCounters(fresh);
            List<List<Object>> notesBefore = notes(fresh);
            RowCopier copier = RowCopier.builder().oldDataSource(pg.dataSource()).newDataSource(target)
                    .lockTimeout(Duration.ofMillis(300)).build();

            // a row the target refuses (CHECK), in the last table, after the first table's upserts and deletes
            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "1", "5"), keys(COUNTERS, "3", "1", "2"))))
                    .isInstanceOf(SQLException.class);
            assertThat(mariaNewCounters(fresh)).isEqualTo(before);
            assertThat(notes(fresh)).isEqualTo(notesBefore);
            assertClean(target, "");

            // a row the target refuses in the first table, the second table fine
            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "2", "5"), keys(COUNTERS, "3", "1"))))
                    .isInstanceOf(SQLException.class);
            assertThat(mariaNewCounters(fresh)).isEqualTo(before);
            assertThat(notes(fresh)).isEqualTo(notesBefore);
            assertClean(target, "");

            // a transformer throwing, unchecked and checked
            for (boolean checked : new boolean[] {false, true}) {
                assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "5"), keys(COUNTERS, "3"),
                        keys(throwingCounters(checked), "1"))))
                        .isInstanceOfAny(IllegalStateException.class, java.io.IOException.class);
                assertThat(mariaNewCounters(fresh)).isEqualTo(before);
                assertThat(notes(fresh)).isEqualTo(notesBefore);
                assertClean(target, "");
            }

            // a key lock held elsewhere
            try (Connection holder = fresh.pool().getConnection(); Statement statement = holder.createStatement()) {
                statement.execute("SELECT GET_LOCK('" + lockName(COUNTERS, "4") + "', 1)");
                assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "5"), keys(COUNTERS, "3", "4"))))
                        .isInstanceOf(SQLException.class);
                statement.execute("SELECT RELEASE_ALL_LOCKS()");
            }
            assertThat(mariaNewCounters(fresh)).isEqualTo(before);
            assertThat(notes(fresh)).isEqualTo(notesBefore);
            assertClean(target, "");

            // the source read failing
            pg.execute("ALTER TABLE counters RENAME TO counters_gone");
            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "5"), keys(COUNTERS, "3"))))
                    .isInstanceOf(SQLException.class);
            assertThat(mariaNewCounters(fresh)).isEqualTo(before);
            assertThat(notes(fresh)).isEqualTo(notesBefore);
            assertClean(target, "");
            pg.execute("ALTER TABLE counters_gone RENAME TO counters", "UPDATE counters SET n = 2 WHERE id = 2",
                    "UPDATE notes SET body = 'good' WHERE id = 2");

            copier.sync(Store.OLD, List.of(keys(NOTES, "1", "2", "5"), keys(COUNTERS, "1", "2", "3", "4")));
            assertThat(mariaNewCounters(fresh)).isEqualTo(pgOldCounters(pg));
            assertThat(notes(fresh)).isEqualTo(notes(pg));
            assertClean(target, "");
            assertLocksFree(COUNTERS, List.of("1", "2", "3", "4"));
        }
    }

    /** Old MariaDB → new PostgreSQL: every failing step leaves the new store as it was and both sessions clean. */
    @Test
    void mariaDbToPostgresEveryFailingStepWritesNothingAndLeavesBothSessionsClean() throws Exception {
        try (TestDatabase pg = pgWithCounters(false)) {
            old.execute("INSERT INTO counters VALUES (1, 10, 'one', NULL), (2, -2, 'refused', NULL),"
                            + " (4, 40, 'four', '2026-03-01 10:00:00')",
                    "INSERT INTO notes VALUES (1, 'fine'), (2, 'bad')");
            pg.execute("ALTER TABLE counters_v2 ADD COLUMN seen TIMESTAMPTZ",
                    "INSERT INTO counters_v2 VALUES (1, 1, 'stale'), (3, 3, 'to delete')",
                    "INSERT INTO notes VALUES (1, 'stale'), (5, 'to delete')");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(old.pool().getJdbcUrl());
            config.setUsername("root");
            config.setMaximumPoolSize(1);
            config.setConnectionInitSql(SESSION);
            String pgCounters = "SELECT id, total, note, CAST(EXTRACT(EPOCH FROM seen) AS BIGINT) FROM counters_v2 ORDER BY id";
            try (HikariDataSource source = new HikariDataSource(config);
                 HikariDataSource pgTarget = onePooledConnectionAs(pg.pool().getJdbcUrl(), "postgres")) {
                List<List<Object>> before = table(pg, pgCounters);
                List<List<Object>> notesBefore = notes(pg);
                RowCopier copier = RowCopier.builder().oldDataSource(source).newDataSource(pgTarget)
                        .lockTimeout(Duration.ofMillis(300)).build();

                assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "1", "5"),
                        keys(COUNTERS, "3", "1", "2")))).isInstanceOf(SQLException.class);
                assertThat(table(pg, pgCounters)).isEqualTo(before);
                assertThat(notes(pg)).isEqualTo(notesBefore);
                TextTransactionStores.assertClean(pgTarget);
                assertClean(source, "");

                assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "2", "5"), keys(COUNTERS, "3", "1"))))
                        .isInstanceOf(SQLException.class);
                assertThat(table(pg, pgCounters)).isEqualTo(before);
                assertThat(notes(pg)).isEqualTo(notesBefore);
                TextTransactionStores.assertClean(pgTarget);

                for (boolean checked : new boolean[] {false, true}) {
                    assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "5"), keys(COUNTERS, "3"),
                            keys(throwingCounters(checked), "1"))))
                            .isInstanceOfAny(IllegalStateException.class, java.io.IOException.class);
                    assertThat(table(pg, pgCounters)).isEqualTo(before);
                    assertThat(notes(pg)).isEqualTo(notesBefore);
                    TextTransactionStores.assertClean(pgTarget);
                    assertClean(source, "");
                }

                try (Connection holder = pg.dataSource().getConnection(); Statement statement = holder.createStatement()) {
                    statement.execute("SELECT pg_advisory_lock(" + KeyLocks.lockId("counters", "4", 1) + ")");
                    assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "5"), keys(COUNTERS, "3", "4"))))
                            .isInstanceOf(SQLException.class);
                    statement.execute("SELECT pg_advisory_unlock_all()");
                }
                assertThat(table(pg, pgCounters)).isEqualTo(before);
                assertThat(notes(pg)).isEqualTo(notesBefore);
                TextTransactionStores.assertClean(pgTarget);

                old.execute("RENAME TABLE counters TO counters_gone");
                assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "5"), keys(COUNTERS, "3"))))
                        .isInstanceOf(SQLException.class);
                assertThat(table(pg, pgCounters)).isEqualTo(before);
                assertThat(notes(pg)).isEqualTo(notesBefore);
                TextTransactionStores.assertClean(pgTarget);
                assertClean(source, "");
                old.execute("RENAME TABLE counters_gone TO counters", "UPDATE counters SET n = 2 WHERE id = 2",
                        "UPDATE notes SET body = 'good' WHERE id = 2");

                copier.sync(Store.OLD, List.of(keys(NOTES, "1", "2", "5"), keys(COUNTERS, "1", "2", "3", "4")));
                TextTransactionStores.assertClean(pgTarget);
                assertClean(source, "");
            }
            assertThat(table(pg, pgCounters)).isEqualTo(table(old,
                    "SELECT id, n, note, CAST(UNIX_TIMESTAMP(seen) AS INT) FROM counters ORDER BY id"));
            assertThat(notes(pg)).isEqualTo(notes(old));
        }
    }

    /**
     * Old PostgreSQL keys 'a', 'A' and 'a ' are three rows; the new MariaDB key (case-insensitive, PAD SPACE) calls
     * them one. Synced together or one at a time onto a copy of another, the new store never silently holds a
     * different set of rows after a sync reported as success.
     */
    @Test
    void postgresKeysAMariaDbKeyCallsOneAreNeverMergedSilently() throws Exception {
        try (TestDatabase pg = TestDatabases.create(TestDatabases.Kind.POSTGRES)) {
            pg.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('a', 1), ('A', 2), ('a ', 3)");
            fresh.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT)");
            TableMapping codes = TableMapping.builder("codes").primaryKey("code").build();
            RowCopier copier = RowCopier.builder().oldDataSource(pg.dataSource()).newDataSource(target).build();
            String newSql = "SELECT CONCAT('[', code, ']'), qty FROM codes ORDER BY qty";
            String oldSql = "SELECT '[' || code || ']', qty FROM codes ORDER BY qty";

            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(codes, "a", "A", "a "))))
                    .isInstanceOf(SQLException.class);
            assertThat(table(fresh, newSql)).isEmpty();
            assertClean(target, "");

            copier.sync(Store.OLD, List.of(keys(codes, "a")));
            assertThat(table(fresh, newSql)).containsExactly(List.of("[a]", 1L));
            for (String other : List.of("A", "a ")) {
                Throwable failure = null;
                try {
                    copier.sync(Store.OLD, List.of(keys(codes, other)));
                } catch (SQLException e) {
                    failure = e;
                }
                assertThat(table(fresh, newSql)).as("after the sync of '%s' (%s)", other,
                        failure == null ? "reported success" : "failed").containsExactly(List.of("[a]", 1L));
                assertClean(target, "");
            }
            assertThat(table(pg, oldSql)).hasSize(3);
        }
    }

    HikariDataSource onePooledConnectionAs(String url, String user) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setMaximumPoolSize(1);
        return new HikariDataSource(config);
    }
}
