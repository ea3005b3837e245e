package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.jdbc.testing.FastPolls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The copier's invariant, tested directly: when every commit of a key is followed by a sync of it that starts
 * after the commit, concurrent syncs of overlapping keys (several threads, two copier instances standing for
 * two application instances or a reconciler) leave the target equal to the source, compared row by row.
 */
class RowCopierTest {

    private static final TableMapping COUNTERS = TableMapping.builder("counters").newTable("counters_v2")
            .rename("n", "total").build();

    @org.junit.jupiter.api.Test
    void aSyncChosenAsADeadlockVictimRunsAgainAndConvergesOnMariaDb() throws Exception {
        try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(TestDatabases.Kind.MARIADB)) {
            old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))",
                    "INSERT INTO counters VALUES (1, 10, 'old'), (2, 20, 'old')");
            fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL, note VARCHAR(40))",
                    "INSERT INTO counters_v2 VALUES (1, 0, 'stale'), (2, 0, 'stale')",
                    "CREATE TABLE ballast (id INT PRIMARY KEY, n INT NOT NULL)",
                    "INSERT INTO ballast SELECT seq, 0 FROM seq_1_to_200");
            RowCopier copier = copier(old, fresh);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try (Connection blocker = fresh.dataSource().getConnection();
                 java.sql.Statement statement = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                // 200 rows changed: InnoDB rolls back the smaller transaction of a deadlock, the sync's
                statement.executeUpdate("UPDATE ballast SET n = n + 1");
                statement.executeQuery("SELECT * FROM counters_v2 WHERE id = 1 FOR UPDATE").close();
                Future<RowCopier.SyncResult> sync = executor.submit(() -> copier.sync(Store.OLD,
                        List.of(new RowCopier.TableKeys(COUNTERS, List.of("2", "1"), null))));
                // the sync has written row 2 and waits for row 1
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                        .pollDelay(FastPolls.INNODB_TRX_POLL).pollInterval(FastPolls.INNODB_TRX_POLL).until(() ->
                        fresh.count("SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'") > 0);
                statement.executeUpdate("UPDATE counters_v2 SET note = 'blocker' WHERE id = 2"); // closes the cycle
                blocker.commit();

                assertThat(sync.get(30, TimeUnit.SECONDS)).isEqualTo(new RowCopier.SyncResult(2, 0, 0));
            } finally {
                executor.shutdownNow();
            }
            assertThat(rows(fresh, "SELECT id, total AS n, note FROM counters_v2 ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, n, note FROM counters ORDER BY id"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void concurrentSyncsOfOverlappingKeysConverge(TestDatabases.Kind kind) throws Exception {
        for (long seed : new long[] {1, 2, 3}) {
            try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
                old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))");
                fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL, note VARCHAR(40))");
                List<RowCopier> copiers = List.of(copier(old, fresh), copier(old, fresh));
                ExecutorService syncs = Executors.newFixedThreadPool(4);
                ExecutorService writers = Executors.newFixedThreadPool(3);
                List<Future<?>> pending = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Future<?>> writing = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    Random random = new Random(seed * 31 + w);
                    writing.add(writers.submit(() -> {
                        for (int i = 0; i < 60; i++) {
                            int id = random.nextInt(6);
                            write(old, id, random);
                            RowCopier copier = copiers.get(random.nextInt(copiers.size()));
                            List<String> keys = List.of(Integer.toString(id), Integer.toString(random.nextInt(6)));
                            // the sync starts after the commit, as the write path hands it over
                            pending.add(syncs.submit(() -> copier.sync(Store.OLD,
                                    List.of(new RowCopier.TableKeys(COUNTERS, keys, null)))));
                        }
                        return null;
                    }));
                }
                for (Future<?> future : writing) {
                    future.get(60, TimeUnit.SECONDS);
                }
                for (Future<?> future : List.copyOf(pending)) {
                    future.get(60, TimeUnit.SECONDS);
                }
                syncs.shutdown();
                writers.shutdown();
                assertThat(rows(fresh, "SELECT id, total AS n, note FROM counters_v2 ORDER BY id"))
                        .as("seed %d on %s", seed, kind)
                        .isEqualTo(rows(old, "SELECT id, n, note FROM counters ORDER BY id"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aKeyGoneFromTheSourceIsDeletedFromTheTargetAndAMissingOneIsANoOp(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))");
            fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL, note VARCHAR(40))",
                    "INSERT INTO counters_v2 VALUES (9, 1, 'stale')");
            RowCopier copier = copier(old, fresh);
            List<RowCopier.TableKeys> keys = List.of(new RowCopier.TableKeys(COUNTERS, List.of("9", "10"), null));
            assertThat(copier.sync(Store.OLD, keys)).isEqualTo(new RowCopier.SyncResult(0, 2, 0));
            assertThat(copier.sync(Store.OLD, keys)).isEqualTo(new RowCopier.SyncResult(0, 2, 0));
            assertThat(rows(fresh, "SELECT * FROM counters_v2")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aSyncWhoseKeyLockIsHeldFailsAfterTheLockTimeoutAndWritesNothing(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))",
                    "INSERT INTO counters VALUES (1, 5, 'old'), (2, 6, 'old')");
            fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL, note VARCHAR(40))");
            RowCopier holder = copier(old, fresh);
            RowCopier waiter = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .lockTimeout(java.time.Duration.ofMillis(300)).build();
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            // the holder's sync of key 1 is held inside its target transaction (after its locks) by a transformer
            TableMapping held = TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                    .transform("note", io.dualwrite.mapping.ValueTransformer.of(value -> {
                        holding.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return value;
                    }, value -> value)).build();
            ExecutorService threads = Executors.newSingleThreadExecutor();
            try {
                Future<?> first = threads.submit(() -> holder.sync(Store.OLD,
                        List.of(new RowCopier.TableKeys(held, List.of("1"), null))));
                assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();

                long start = System.nanoTime();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> waiter.sync(Store.OLD,
                                List.of(new RowCopier.TableKeys(COUNTERS, List.of("2", "1"), null))))
                        .isInstanceOf(java.sql.SQLException.class);
                assertThat(System.nanoTime() - start).as("waited for the lock timeout, not forever")
                        .isLessThan(TimeUnit.SECONDS.toNanos(15));
                assertThat(rows(fresh, "SELECT id FROM counters_v2")).as("the failed sync wrote nothing").isEmpty();

                release.countDown();
                first.get(60, TimeUnit.SECONDS);
            } finally {
                release.countDown();
                threads.shutdownNow();
            }
            assertThat(rows(fresh, "SELECT id, total AS n, note FROM counters_v2 ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, n, note FROM counters WHERE id = 1"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void syncsOfEveryKeyCountCopyExactlyTheirRows(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))");
            fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL, note VARCHAR(40))");
            try (Connection connection = old.dataSource().getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO counters VALUES (?, ?, 'n')")) {
                for (int id = 1; id <= 1_700; id++) {
                    insert.setInt(1, id);
                    insert.setInt(2, id * 7);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            RowCopier copier = copier(old, fresh);
            // key counts on, just under and just over the read sizes, and across the 500-key chunks
            int next = 1;
            List<Integer> expected = new ArrayList<>();
            for (int count : new int[] {1, 2, 4, 5, 15, 17, 63, 65, 255, 257, 499, 501}) {
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    keys.add(Integer.toString(next));
                    expected.add(next++);
                }
                assertThat(copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(COUNTERS, keys, null))))
                        .as("%d keys", count).isEqualTo(new RowCopier.SyncResult(count, 0, 0));
                assertThat(rows(fresh, "SELECT COUNT(*) AS c FROM counters_v2")).singleElement()
                        .isEqualTo(Map.of("c", (long) expected.size()));
            }
            assertThat(rows(fresh, "SELECT id, total AS n, note FROM counters_v2 ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, n, note FROM counters WHERE id < " + next + " ORDER BY id"));
        }
    }

    /**
     * A sync's rows go in multi-row upserts, split where the values reach about a megabyte: 24 rows of 300,000
     * characters (7 MB, upserted three by three), half of them already in the target with other values, all land
     * as in the source.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aSyncOfWideRowsBeyondOneStatementsSizeUpsertsEveryRow(TestDatabases.Kind kind) throws Exception {
        String text = switch (kind) {
            case H2 -> "VARCHAR(1000000)";
            case POSTGRES -> "TEXT";
            case MARIADB -> "MEDIUMTEXT";
        };
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note " + text + ")");
            fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL, note " + text + ")");
            Random random = new Random(7);
            List<String> keys = new ArrayList<>();
            for (int id = 1; id <= 24; id++) {
                char[] note = new char[300_000];
                java.util.Arrays.fill(note, (char) ('a' + random.nextInt(26)));
                note[random.nextInt(note.length)] = 'Z';
                try (Connection connection = old.dataSource().getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO counters VALUES (?, ?, ?)")) {
                    insert.setInt(1, id);
                    insert.setInt(2, id * 3);
                    insert.setString(3, new String(note));
                    insert.executeUpdate();
                }
                if (id % 2 == 0) {
                    fresh.execute("INSERT INTO counters_v2 VALUES (" + id + ", 0, 'stale')");
                }
                keys.add(Integer.toString(id));
            }

            assertThat(copier(old, fresh).sync(Store.OLD, List.of(new RowCopier.TableKeys(COUNTERS, keys, null))))
                    .isEqualTo(new RowCopier.SyncResult(24, 0, 0));

            assertThat(rows(fresh, "SELECT id, total AS n, note FROM counters_v2 ORDER BY id"))
                    .isEqualTo(rows(old, "SELECT id, n, note FROM counters ORDER BY id"));
        }
    }

    private static RowCopier copier(TestDatabase old, TestDatabase fresh) {
        return RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
    }

    /** A relative update, a delete or an insert of one row, committed before it returns. */
    private static void write(TestDatabase db, int id, Random random) throws Exception {
        int choice = random.nextInt(10);
        try (Connection connection = db.dataSource().getConnection()) {
            connection.setAutoCommit(true);
            if (choice < 6) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE counters SET n = n + 1, note = ? WHERE id = ?")) {
                    update.setString(1, "w" + random.nextInt(1000));
                    update.setInt(2, id);
                    update.executeUpdate();
                }
            } else if (choice < 8) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM counters WHERE id = ?")) {
                    delete.setInt(1, id);
                    delete.executeUpdate();
                }
            } else {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO counters (id, n, note) VALUES (?, 0, 'new')")) {
                    insert.setInt(1, id);
                    insert.executeUpdate();
                } catch (java.sql.SQLException alreadyThere) {
                    // another writer inserted it first
                }
            }
        }
    }

    private static List<Map<String, Object>> rows(TestDatabase db, String sql) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            Map<String, Object> normalised = new java.util.TreeMap<>();
            row.forEach((column, value) -> normalised.put(column.toLowerCase(java.util.Locale.ROOT),
                    value instanceof Number number ? number.longValue() : value));
            rows.add(normalised);
        }
        return rows;
    }
}
