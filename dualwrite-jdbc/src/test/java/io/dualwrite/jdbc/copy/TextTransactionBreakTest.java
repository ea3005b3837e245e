package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs that try to break the PostgreSQL text transaction of a sync ({@link TextTransactionTest}): a failure at
 * each step, commit-time failures, the retry paths, both directions through one copier, other pools and driver
 * modes. After each sync the pool's one target connection must be outside any transaction, hold no advisory lock
 * and have the default lock timeout; rows are compared with plain queries.
 */
class TextTransactionBreakTest extends TextTransactionStores {

    // ---- failures at each step ----

    @Test
    void aLockTimeoutEndsTheTransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a'), (2, 20, 'b')");
        RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(target)
                .lockTimeout(Duration.ofMillis(100)).build();
        try (Connection holder = fresh.dataSource().getConnection(); Statement hold = holder.createStatement()) {
            hold.execute("SELECT pg_advisory_lock(" + KeyLocks.lockId("counters", "2", 1) + ")");

            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2"))))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("55P03");
            assertClean(target);
            hold.execute("SELECT pg_advisory_unlock_all()");
        }
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target);
    }

    @Test
    void aSourceReadFailingEndsTheTransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a')");
        fresh.execute("INSERT INTO counters_v2 VALUES (5, 5, 'kept')");
        RowCopier copier = copier(target);
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1"))); // tables known to the copier
        old.execute("ALTER TABLE counters RENAME TO counters_gone");

        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "5"))))
                .isInstanceOf(SQLException.class);

        assertThat(counters(fresh)).containsExactly(List.of(1L, 10L, "a"), List.of(5L, 5L, "kept"));
        assertClean(target);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 501, 1203}) // first, middle, last (committing) statement
    void aRowRefusedInAnyChunkOfAManyChunkSyncWritesNothing(int bad) throws Exception {
        old.execute("INSERT INTO counters SELECT g, CASE WHEN g = " + bad + " THEN -1 ELSE g END, 'row ' || g"
                + " FROM generate_series(1, 1203) g");
        fresh.execute("INSERT INTO counters_v2 VALUES (5000, 1, 'to delete')");
        RowCopier copier = copier(target);
        List<String> ids = new ArrayList<>(IntStream.rangeClosed(1, 1203).mapToObj(String::valueOf).toList());
        ids.add("5000");

        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, ids.toArray(String[]::new)))))
                .isInstanceOf(SQLException.class);

        assertThat(counters(fresh)).containsExactly(List.of(5000L, 1L, "to delete"));
        assertClean(target);
        old.execute("UPDATE counters SET n = 0 WHERE n < 0", "DELETE FROM counters WHERE id > 1200");
        copier.sync(Store.OLD, List.of(keys(COUNTERS, ids.toArray(String[]::new))));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5})
    void aRowRefusedInAnyChunkSplitByBytesWritesNothing(int bad) throws Exception {
        // each body is estimated at 600,000 bytes: one row a statement, five statements, the last one committing
        for (int id = 1; id <= 5; id++) {
            old.execute("INSERT INTO notes VALUES (" + id + ", " + (id == bad ? "'bad'" : "repeat('x', 200000)") + ")");
        }
        old.execute("UPDATE notes SET body = 'bad' || repeat('y', 200000) WHERE id = " + bad);
        fresh.execute("ALTER TABLE notes ADD CHECK (body NOT LIKE 'bad%')");
        RowCopier copier = copier(target);

        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "1", "2", "3", "4", "5"))))
                .isInstanceOf(SQLException.class);

        assertThat(fresh.count("SELECT COUNT(*) FROM notes")).isZero();
        assertClean(target);
        old.execute("UPDATE notes SET body = 'fine' WHERE id = " + bad);
        copier.sync(Store.OLD, List.of(keys(NOTES, "1", "2", "3", "4", "5")));
        assertThat(notes(fresh)).isEqualTo(notes(old));
        assertClean(target);
    }

    @Test
    void aDeleteTheTargetRefusesWritesNothing() throws Exception {
        old.execute("INSERT INTO counters VALUES (2, 20, 'b')", "INSERT INTO notes VALUES (1, 'one')");
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'referenced')",
                "CREATE TABLE child (id INT PRIMARY KEY, counter INT REFERENCES counters_v2(id))",
                "INSERT INTO child VALUES (1, 1)");

        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(NOTES, "1"), keys(COUNTERS, "1", "2"))))
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23503");

        assertThat(counters(fresh)).containsExactly(List.of(1L, 1L, "referenced"));
        assertThat(fresh.count("SELECT COUNT(*) FROM notes")).isZero();
        assertClean(target);
    }

    @Test
    void aCommitRefusedWithTheLastUpsertWritesNothing() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'same'), (2, 20, 'same')", "INSERT INTO notes VALUES (1, 'n')");
        fresh.execute("ALTER TABLE counters_v2 ADD CONSTRAINT one_note UNIQUE (note) DEFERRABLE INITIALLY DEFERRED",
                "INSERT INTO notes VALUES (9, 'to delete')");
        RowCopier copier = copier(target);

        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, "1", "9"), keys(COUNTERS, "1", "2"))))
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23505");

        assertThat(counters(fresh)).isEmpty();
        assertThat(notes(fresh)).containsExactly(List.of(9L, "to delete"));
        assertClean(target);
        old.execute("UPDATE counters SET note = 'other' WHERE id = 2");
        copier.sync(Store.OLD, List.of(keys(NOTES, "1", "9"), keys(COUNTERS, "1", "2")));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertThat(notes(fresh)).isEqualTo(notes(old));
        assertClean(target);
    }

    @Test
    void aCommitRefusedAfterOnlyDeletesWritesNothing() throws Exception {
        old.execute("INSERT INTO notes VALUES (1, 'n')");
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'referenced')",
                "CREATE TABLE child (id INT PRIMARY KEY, counter INT REFERENCES counters_v2(id)"
                        + " DEFERRABLE INITIALLY DEFERRED)", "INSERT INTO child VALUES (1, 1)");

        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(NOTES, "1"), keys(COUNTERS, "1"))))
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23503");

        assertThat(counters(fresh)).containsExactly(List.of(1L, 1L, "referenced"));
        assertThat(fresh.count("SELECT COUNT(*) FROM notes")).isZero();
        assertClean(target);
    }

    // ---- driver modes, pools ----

    @ParameterizedTest
    @ValueSource(strings = {"preferQueryMode=simple", "prepareThreshold=0", "prepareThreshold=-1",
            "autosave=always&cleanupSavepoints=true"})
    void everyOutcomeLeavesTheConnectionCleanInEveryDriverMode(String parameters) throws Exception {
        try (HikariDataSource pool = onePooledConnection(fresh.pool().getJdbcUrl() + "&" + parameters, true)) {
            everyOutcome(pool, 6); // past the driver's prepareThreshold of 5: server-prepared texts too
        }
    }

    @Test
    void everyOutcomeOnAPoollessDataSource() throws Exception {
        org.postgresql.ds.PGSimpleDataSource simple = new org.postgresql.ds.PGSimpleDataSource();
        simple.setUrl(fresh.pool().getJdbcUrl());
        simple.setUser("postgres");
        everyOutcome(simple, 2);
        assertThat(fresh.count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND state LIKE 'idle in transaction%'")).isZero();
    }

    /** Syncs that upsert, only delete, fail at a statement, fail at COMMIT, time out; {@code rounds} of each. */
    private void everyOutcome(javax.sql.DataSource pool, int rounds) throws Exception {
        HikariDataSource check = pool instanceof HikariDataSource hikari ? hikari : target;
        old.execute("INSERT INTO counters SELECT g, g, 'row ' || g FROM generate_series(1, 70) g",
                "INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 70) g");
        fresh.execute("ALTER TABLE counters_v2 ADD CONSTRAINT one_note UNIQUE (note) DEFERRABLE INITIALLY DEFERRED");
        RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(pool)
                .lockTimeout(Duration.ofMillis(50)).build();
        for (int round = 0; round < rounds; round++) {
            String a = String.valueOf(round * 10 + 1);
            String b = String.valueOf(round * 10 + 2);
            // upserts in both tables, the COMMIT with the last
            copier.sync(Store.OLD, List.of(keys(COUNTERS, a, b), keys(NOTES, a, b)));
            assertClean(check);
            // the last table only deletes
            old.execute("DELETE FROM notes WHERE id = " + a);
            copier.sync(Store.OLD, List.of(keys(COUNTERS, a), keys(NOTES, a)));
            assertClean(check);
            // a statement fails
            old.execute("UPDATE counters SET n = -1 WHERE id = " + b);
            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(NOTES, b), keys(COUNTERS, a, b))))
                    .isInstanceOf(SQLException.class);
            assertClean(check);
            old.execute("UPDATE counters SET n = " + b + " WHERE id = " + b);
            // COMMIT fails, riding with the upsert
            old.execute("UPDATE counters SET note = 'row " + a + "' WHERE id = " + b);
            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, a, b))))
                    .isInstanceOf(SQLException.class);
            assertClean(check);
            old.execute("UPDATE counters SET note = 'row " + b + "' WHERE id = " + b);
            // a lock is not granted in time
            try (Connection holder = fresh.dataSource().getConnection(); Statement hold = holder.createStatement()) {
                hold.execute("SELECT pg_advisory_lock(" + KeyLocks.lockId("counters", a, 1) + ")");
                assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, a, b))))
                        .isInstanceOf(SQLException.class);
                assertClean(check);
                hold.execute("SELECT pg_advisory_unlock_all()");
            }
        }
        List<String> all = IntStream.rangeClosed(1, 70).mapToObj(String::valueOf).toList();
        copier.sync(Store.OLD, List.of(keys(COUNTERS, all.toArray(String[]::new)), keys(NOTES, all.toArray(String[]::new))));
        assertClean(check);
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertThat(notes(fresh)).isEqualTo(notes(old));
    }

    @Test
    void anInterruptedThreadStillEndsItsTransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a'), (2, -1, 'b')");
        RowCopier copier = copier(target);
        Thread.currentThread().interrupt();
        try {
            copier.sync(Store.OLD, List.of(keys(COUNTERS, "1")));
            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2"))))
                    .isInstanceOf(SQLException.class);
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }
        assertClean(target);
        assertThat(counters(fresh)).containsExactly(List.of(1L, 10L, "a"));
    }

    // ---- directions, tables, retries ----

    @Test
    void oneCopierBothWaysOverTablesOfOneNameWithOtherColumns() throws Exception {
        old.execute("CREATE TABLE items (id INT PRIMARY KEY, label TEXT, qty INT)");
        fresh.execute("CREATE TABLE items (qty INT, id INT PRIMARY KEY, name TEXT)");
        TableMapping items = TableMapping.builder("items").rename("label", "name").build();
        HikariDataSource oldPool = onePooledConnection(old.pool().getJdbcUrl(), true);
        try (oldPool) {
            RowCopier copier = RowCopier.builder().oldDataSource(oldPool).newDataSource(target).build();
            for (int round = 0; round < 3; round++) {
                old.execute("INSERT INTO items VALUES (" + (round * 2 + 1) + ", 'old', 1) ON CONFLICT (id) DO UPDATE"
                        + " SET qty = items.qty + 1");
                copier.sync(Store.OLD, List.of(keys(items, "1", "3", "5"), keys(NOTES, "1")));
                assertClean(target);
                fresh.execute("INSERT INTO items (id, name, qty) VALUES (" + (round * 2 + 2) + ", 'new', 2)");
                copier.sync(Store.NEW, List.of(keys(items, "2", "4", "6"), keys(NOTES, "2")));
                assertClean(oldPool);
                assertThat(table(old, "SELECT id, label, qty FROM items ORDER BY id"))
                        .isEqualTo(table(fresh, "SELECT id, name, qty FROM items ORDER BY id"));
            }
        }
    }

    /**
     * Two source rows ('e', 'é') the target's accent-insensitive key calls one: whichever table goes first, the sync
     * fails whole (the target cannot hold both apart; merging them would lose a row silently), ends its text
     * transaction, and a sync of the other keys alone then commits.
     */
    @Test
    void twoSourceRowsOfOneTargetKeyFailTheWholeTextTransaction() throws Exception {
        old.execute("CREATE TABLE items (code VARCHAR(20) PRIMARY KEY, qty INT)",
                "INSERT INTO items VALUES ('e', 1), ('é', 2), ('k', 3)");
        fresh.execute("CREATE COLLATION ai_ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false)",
                "CREATE TABLE items (code VARCHAR(20) COLLATE ai_ci PRIMARY KEY, qty INT)",
                "INSERT INTO counters_v2 VALUES (9, 9, 'to delete')");
        TableMapping items = TableMapping.builder("items").primaryKey("code").build();
        RowCopier copier = copier(target);

        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(items, "e", "é", "k"), keys(COUNTERS, "9"))))
                .isInstanceOf(SQLException.class).hasMessageContaining("holds them apart");
        assertClean(target);
        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "9"), keys(items, "e", "é", "k"))))
                .isInstanceOf(SQLException.class).hasMessageContaining("holds them apart");
        assertClean(target);
        assertThat(table(fresh, "SELECT code, qty FROM items ORDER BY qty")).isEmpty();
        assertThat(counters(fresh)).containsExactly(List.of(9L, 9L, "to delete"));

        copier.sync(Store.OLD, List.of(keys(items, "k"), keys(COUNTERS, "9")));
        assertClean(target);
        assertThat(table(fresh, "SELECT code, qty FROM items ORDER BY qty")).containsExactly(List.of("k", 3L));
        assertThat(counters(fresh)).isEmpty();
    }

    @Test
    void aDeadlockVictimRunsAgainAndCommits() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'source')");
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'target')");
        // the sync detects the deadlock first: it waits first, and checks sooner than the other side
        try (HikariDataSource pool = onePooledConnection(fresh.pool().getJdbcUrl()
                + "&options=-c%20deadlock_timeout%3D300ms", true);
             Connection other = fresh.dataSource().getConnection(); Statement statement = other.createStatement()) {
            RowCopier copier = copier(pool);
            other.setAutoCommit(false);
            statement.execute("UPDATE counters_v2 SET note = 'other' WHERE id = 1");
            java.util.concurrent.CompletableFuture<RowCopier.SyncResult> sync = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return copier.sync(Store.OLD, List.of(keys(NOTES, "5"), keys(COUNTERS, "1")));
                        } catch (SQLException e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
            while (fresh.count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock'") == 0) {
                Thread.onSpinWait();
            }
            // the sync holds key 1's lock and waits for the row: asking for the lock closes the cycle
            statement.execute("SELECT pg_advisory_xact_lock(" + KeyLocks.lockId("counters", "1", 1) + ")");
            other.commit();

            assertThat(sync.get(60, java.util.concurrent.TimeUnit.SECONDS).copied()).isEqualTo(1);
            assertClean(pool);
        }
        assertThat(counters(fresh)).isEqualTo(oldCounters());
    }

    @Test
    void concurrentSyncsOfOverlappingKeysThroughTwoCopiersConverge() throws Exception {
        old.execute("INSERT INTO counters SELECT g, 0, 'c' FROM generate_series(1, 20) g",
                "INSERT INTO notes SELECT g, 'n0' FROM generate_series(1, 20) g");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(fresh.pool().getJdbcUrl());
        config.setMaximumPoolSize(3);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            List<RowCopier> copiers = List.of(copier(pool), copier(pool));
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    int thread = t;
                    done.add(threads.submit(() -> {
                        java.util.Random random = new java.util.Random(thread);
                        for (int i = 0; i < 25; i++) {
                            List<String> ids = new ArrayList<>();
                            for (int k = 0; k < 4; k++) {
                                ids.add(String.valueOf(1 + random.nextInt(20)));
                            }
                            String in = String.join(", ", ids);
                            switch (random.nextInt(3)) {
                                case 0 -> old.execute("UPDATE counters SET n = n + 1 WHERE id IN (" + in + ")",
                                        "UPDATE notes SET body = 'n' || " + i + " WHERE id IN (" + in + ")");
                                case 1 -> old.execute("DELETE FROM notes WHERE id IN (" + in + ")");
                                default -> old.execute("INSERT INTO notes SELECT g, 'back' FROM unnest(ARRAY[" + in
                                        + "]) g ON CONFLICT (id) DO NOTHING");
                            }
                            List<RowCopier.TableKeys> keys = random.nextBoolean()
                                    ? List.of(keys(COUNTERS, ids.toArray(String[]::new)), keys(NOTES, ids.toArray(String[]::new)))
                                    : List.of(keys(NOTES, ids.toArray(String[]::new)), keys(COUNTERS, ids.toArray(String[]::new)));
                            copiers.get(random.nextInt(2)).sync(Store.OLD, keys);
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> each : done) {
                    each.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(counters(fresh)).isEqualTo(oldCounters());
            assertThat(notes(fresh)).isEqualTo(notes(old));
            assertThat(fresh.count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND state LIKE 'idle in transaction%'")).isZero();
        }
    }

    @Test
    void anInterruptWhileWaitingForASourceConnectionEndsTheTransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a')");
        fresh.execute("INSERT INTO counters_v2 VALUES (2, 2, 'to delete')");
        try (HikariDataSource source = onePooledConnection(old.pool().getJdbcUrl(), true)) {
            RowCopier copier = RowCopier.builder().oldDataSource(source).newDataSource(target).build();
            copier.sync(Store.OLD, List.of(keys(COUNTERS, "1")));
            java.util.concurrent.CompletableFuture<Throwable> failure = new java.util.concurrent.CompletableFuture<>();
            Thread syncing;
            try (Connection held = source.getConnection()) {
                syncing = new Thread(() -> {
                    try {
                        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));
                        failure.complete(null);
                    } catch (Throwable e) {
                        failure.complete(e);
                    }
                });
                syncing.start();
                while (source.getHikariPoolMXBean().getThreadsAwaitingConnection() == 0) {
                    Thread.onSpinWait();
                }
                syncing.interrupt();
                assertThat(failure.get(60, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(SQLException.class);
            }
            syncing.join();
        }
        assertClean(target);
        assertThat(counters(fresh)).containsExactly(List.of(1L, 10L, "a"), List.of(2L, 2L, "to delete"));
    }
}
