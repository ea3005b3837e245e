package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Break tests of the MariaDB text transaction: every way out of a sync must leave the target pool's one
 * connection as it was handed out (see {@link MariaDbTextTransactionTest}), and write all or nothing.
 */
class MariaDbTextTransactionBreakTest extends MariaDbTextTransactionStores {

    @Test
    void aKeyLockHeldByAnotherSessionTimesOutAndLeavesTheSessionClean() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL), (2, 20, 'b', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (3, 3, 'to delete', NULL)");
        RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(target)
                .lockTimeout(Duration.ofMillis(300)).build();
        try (Connection holder = fresh.pool().getConnection(); Statement statement = holder.createStatement()) {
            statement.execute("SELECT GET_LOCK('" + lockName(COUNTERS, "2") + "', 1)");
            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2", "3"))))
                    .isInstanceOf(SQLException.class);
            assertThat(counters(fresh)).containsExactly(List.of(3L, 3L, "to delete", "NULL"));
            assertClean(target, "");
            assertThat(lockFree(COUNTERS, "1")).isTrue();
            assertThat(lockFree(COUNTERS, "3")).isTrue();
            statement.execute("SELECT RELEASE_ALL_LOCKS()");
        }
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2", "3")));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target, "");
    }

    /** 1,200 keys: the lock of one in the third lock query is held elsewhere; the 1,000 taken before are freed. */
    @Test
    void aLockTimeoutInALaterLockQueryReleasesTheEarlierLocks() throws Exception {
        List<String> ids = IntStream.rangeClosed(1, 1200).mapToObj(String::valueOf).toList();
        RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(target)
                .lockTimeout(Duration.ofMillis(300)).build();
        try (Connection holder = fresh.pool().getConnection(); Statement statement = holder.createStatement()) {
            // the lock id with the greatest value is in the last query
            String last = ids.stream().max(java.util.Comparator.comparingLong(id ->
                    KeyLocks.lockId(COUNTERS.oldTable(), id, 1))).orElseThrow();
            statement.execute("SELECT GET_LOCK('" + lockName(COUNTERS, last) + "', 1)");
            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, ids.toArray(String[]::new)))))
                    .isInstanceOf(SQLException.class);
            assertClean(target, "");
            for (String id : ids) {
                if (!id.equals(last)) {
                    assertThat(lockFree(COUNTERS, id)).as("lock of %s", id).isTrue();
                }
            }
        }
    }

    @Test
    void aRowLockWaitTimeoutRollsBackTheDeletesAndLeavesTheSessionClean() throws Exception {
        setSession(target, SESSION + ", innodb_lock_wait_timeout = 1");
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'old', NULL), (3, 3, 'to delete', NULL)");
        try (Connection holder = fresh.pool().getConnection(); Statement statement = holder.createStatement()) {
            holder.setAutoCommit(false);
            statement.executeQuery("SELECT * FROM counters_v2 WHERE id = 1 FOR UPDATE").close();
            assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "3", "1"))))
                    .isInstanceOf(SQLException.class);
            holder.rollback();
        }
        assertThat(counters(fresh)).containsExactly(List.of(1L, 1L, "old", "NULL"), List.of(3L, 3L, "to delete", "NULL"));
        assertClean(target, "");
        assertThat(lockFree(COUNTERS, "1")).isTrue();
        assertThat(lockFree(COUNTERS, "3")).isTrue();
    }

    @Test
    void aFailingSourceReadLeavesTheSessionClean() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        RowCopier copier = copier(target);
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1")));
        old.execute("RENAME TABLE counters TO counters_gone");
        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "1"))))
                .isInstanceOf(SQLException.class);
        assertClean(target, "");
        assertThat(lockFree(COUNTERS, "1")).isTrue();
    }

    @Test
    void aSecondaryUniqueKeyViolationRollsBackAndLeavesTheSessionClean() throws Exception {
        old.execute("CREATE TABLE uq (id INT PRIMARY KEY, code VARCHAR(10))", "INSERT INTO uq VALUES (1, 'a'), (2, 'b')");
        fresh.execute("CREATE TABLE uq (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE)",
                "INSERT INTO uq VALUES (5, 'a'), (3, 'z')");
        TableMapping uq = TableMapping.identity("uq");
        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(uq, "1", "2", "3"))))
                .isInstanceOf(SQLException.class).hasMessageContaining("unique key other than the primary key");
        assertClean(target, "");
        assertThat(fresh.query("SELECT id, code FROM uq ORDER BY id")).as("nothing of the sync was kept")
                .extracting(row -> ((Number) row.get("id")).intValue()).containsExactly(3, 5);
        assertThat(lockFree(uq, "1")).isTrue();
    }

    @Test
    void aCheckFailureInALaterStatementOfALargeSyncRollsBackEverything() throws Exception {
        StringBuilder insert = new StringBuilder("INSERT INTO counters VALUES ");
        for (int id = 1; id <= 1203; id++) {
            insert.append(id == 1 ? "" : ", ").append("(").append(id).append(", ").append(id == 1150 ? -5 : id)
                    .append(", 'row ").append(id).append("', NULL)");
        }
        old.execute(insert.toString());
        fresh.execute("INSERT INTO counters_v2 VALUES (2000, 1, 'd', NULL), (2001, 1, 'd', NULL), (7, 99, 'stale', NULL)");
        List<String> ids = new ArrayList<>(IntStream.rangeClosed(1, 1203).mapToObj(String::valueOf).toList());
        ids.add("2000");
        ids.add("2001");
        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, ids.toArray(String[]::new)))))
                .isInstanceOf(SQLException.class);
        assertThat(counters(fresh)).containsExactly(List.of(7L, 99L, "stale", "NULL"),
                List.of(2000L, 1L, "d", "NULL"), List.of(2001L, 1L, "d", "NULL"));
        assertClean(target, "");
        for (String id : List.of("1", "500", "1150", "1203", "2001")) {
            assertThat(lockFree(COUNTERS, id)).as("lock %s", id).isTrue();
        }
    }

    @Test
    void aForeignKeyRefusingADeleteRollsBackAndLeavesTheSessionClean() throws Exception {
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'parent', NULL)",
                "CREATE TABLE child (id INT PRIMARY KEY, counter INT, FOREIGN KEY (counter) REFERENCES counters_v2 (id))",
                "INSERT INTO child VALUES (1, 1)");
        old.execute("INSERT INTO counters VALUES (2, 20, 'new', NULL)");
        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "2", "1"))))
                .isInstanceOf(SQLException.class);
        assertThat(counters(fresh)).containsExactly(List.of(1L, 1L, "parent", "NULL"));
        assertClean(target, "");
    }

    @Test
    void aSessionLeftReadOnlyOnTheServerStaysReadOnlyAndClean() throws Exception {
        setSession(target, "SET SESSION TRANSACTION READ ONLY");
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        try {
            copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1")));
        } catch (SQLException refused) {
            // the session refuses writes: fine, as long as it is left as it was
        }
        assertClean(target, "");
        try (Connection connection = target.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT @@session.tx_read_only")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt(1)).as("tx_read_only").isEqualTo(1);
        }
        assertThat(lockFree(COUNTERS, "1")).isTrue();
    }

    @Test
    void oddSqlModesAndALatin1ClientCopyNonAsciiTextExactly() throws Exception {
        String modes = "PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,NO_BACKSLASH_ESCAPES";
        setSession(target, "SET SESSION tx_isolation = 'REPEATABLE-READ', NAMES latin1, time_zone = '+05:00',"
                + " sql_mode = '" + modes + "'");
        old.execute("ALTER TABLE counters CONVERT TO CHARACTER SET utf8mb4");
        fresh.execute("ALTER TABLE counters_v2 CONVERT TO CHARACTER SET utf8mb4");
        try (Connection connection = old.dataSource().getConnection();
             java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO counters VALUES (?, ?, ?, ?)")) {
            String[] notes = {"Grüße ñ ✓ 😀", "back\\slash 'q' \"dq\"", "日本語テキスト"};
            for (int i = 0; i < notes.length; i++) {
                insert.setInt(1, i + 1);
                insert.setInt(2, i);
                insert.setString(3, notes[i]);
                insert.setString(4, "2026-03-01 10:00:00.5");
                insert.executeUpdate();
            }
        }
        copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2", "3")));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target, modes);
    }

    @Test
    void anOracleSqlModeSessionStillSyncs() throws Exception {
        setSession(target, "SET SESSION tx_isolation = 'REPEATABLE-READ', NAMES latin1, time_zone = '+05:00',"
                + " sql_mode = 'ORACLE'");
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', '2026-03-01 10:00:00')");
        copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1")));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
    }

    /** Kotlin (or a sneaky throw) can throw a checked exception from a transformer: neither catch block sees it. */
    @Test
    void aCheckedExceptionThrownSneakilyByATransformerRollsBackTheDeletes() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (3, 3, 'to delete', NULL)");
        TableMapping failing = TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                .transform("note", ValueTransformer.of(value -> {
                    throw MariaDbTextTransactionBreakTest.<RuntimeException>sneaky(
                            new java.io.IOException("checked, undeclared"));
                }, value -> value)).build();

        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "3"), keys(failing, "1"))))
                .isInstanceOf(java.io.IOException.class);

        assertClean(target, "");
        assertThat(counters(fresh)).as("the delete of row 3 must be rolled back, not committed")
                .containsExactly(List.of(3L, 3L, "to delete", "NULL"));
    }

    @Test
    void aConnectionKilledMidSyncWritesNothingAndThePoolsNextBorrowerIsFine() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (3, 3, 'to delete', NULL)");
        long id;
        try (Connection connection = target.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT CONNECTION_ID()")) {
            result.next();
            id = result.getLong(1);
        }
        TableMapping killing = TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                .transform("note", ValueTransformer.of(value -> {
                    fresh.execute("KILL CONNECTION " + id);
                    return value;
                }, value -> value)).build();
        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "3"), keys(killing, "1"))))
                .isInstanceOf(SQLException.class);
        assertThat(counters(fresh)).containsExactly(List.of(3L, 3L, "to delete", "NULL"));
        assertThat(lockFree(COUNTERS, "1")).isTrue();
        try (Connection connection = target.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT @@in_transaction, @@autocommit")) {
            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(result.next()).isTrue();
            assertThat(result.getInt(1)).isZero();
            assertThat(result.getInt(2)).isEqualTo(1);
        }
        copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "3")));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
    }

    @Test
    void anInterruptDuringASyncLeavesAllOrNothingAndACleanSession() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (3, 3, 'to delete', NULL)");
        TableMapping interrupting = TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                .transform("note", ValueTransformer.of(value -> {
                    Thread.currentThread().interrupt();
                    return value;
                }, value -> value)).build();
        boolean failed = false;
        try {
            copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "3"), keys(interrupting, "1")));
        } catch (SQLException e) {
            failed = true;
        } finally {
            Thread.interrupted();
        }
        if (failed) {
            assertThat(counters(fresh)).containsExactly(List.of(3L, 3L, "to delete", "NULL"));
        } else {
            assertThat(counters(fresh)).isEqualTo(oldCounters());
        }
        assertClean(target, "");
        assertThat(lockFree(COUNTERS, "1")).isTrue();
    }

    /** Threads of two copiers sync overlapping keys in random orders while the old rows change. */
    @Test
    void manyThreadsOfTwoCopiersEndWithEqualStoresAndCleanSessions() throws Exception {
        StringBuilder insert = new StringBuilder("INSERT INTO counters VALUES ");
        for (int id = 1; id <= 200; id++) {
            insert.append(id == 1 ? "" : ", ").append("(").append(id).append(", ").append(id).append(", 'r', NULL)");
        }
        old.execute(insert.toString());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(fresh.pool().getJdbcUrl());
        config.setUsername("root");
        config.setMaximumPoolSize(4);
        config.setConnectionInitSql(SESSION);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            RowCopier first = copier(pool);
            RowCopier second = copier(pool);
            ExecutorService threads = Executors.newFixedThreadPool(6);
            List<Future<?>> done = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 6; t++) {
                RowCopier copier = t % 2 == 0 ? first : second;
                boolean reverse = t % 3 == 0;
                done.add(threads.submit(() -> {
                    for (int round = 0; round < 30; round++) {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        int from = random.nextInt(1, 150);
                        List<String> ids = new ArrayList<>(IntStream.range(from, from + 50).mapToObj(String::valueOf).toList());
                        if (reverse) {
                            java.util.Collections.reverse(ids);
                        }
                        int changed = from + random.nextInt(50);
                        if (random.nextInt(5) == 0) {
                            old.execute("DELETE FROM counters WHERE id = " + changed);
                        } else {
                            old.execute("INSERT INTO counters VALUES (" + changed + ", " + random.nextInt(1000)
                                    + ", 'r" + round + "', NULL) ON DUPLICATE KEY UPDATE n = VALUES(n), note = VALUES(note)");
                        }
                        try {
                            copier.sync(Store.OLD, List.of(keys(COUNTERS, ids.toArray(String[]::new))));
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(120, TimeUnit.SECONDS);
            }
            threads.shutdown();
            assertThat(failures).as("sync failures").isEmpty();
            // every key synced once more after the last change
            first.sync(Store.OLD, List.of(keys(COUNTERS, IntStream.rangeClosed(1, 250).mapToObj(String::valueOf)
                    .toArray(String[]::new))));
            assertThat(counters(fresh)).isEqualTo(oldCounters());
            List<Connection> all = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    all.add(pool.getConnection());
                }
                for (Connection connection : all) {
                    assertSessionClean(connection, "");
                }
            } finally {
                for (Connection connection : all) {
                    connection.close();
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
