package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.backfill.BackfillException;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillRun;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.PhaseMoveRefusedException;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * Round 27b: the migration tools under traffic, second pass. Double writes run through two {@link DualWriteDataSource}s
 * (one {@link DualWriter} each, seeded writer threads, overlapping keys) while a tool runs; each member ends comparing
 * both stores row by row with plain JDBC (H2 → H2, MariaDB → PostgreSQL with {@code note} renamed {@code memo}).
 */
class ToolsBreak27bTest {

    private static final String OLD_ROWS = "SELECT id, merchant_id, note FROM orders ORDER BY id";
    private static final String NEW_ROWS = "SELECT id, merchant_id, memo AS note FROM orders ORDER BY id";

    private static final List<Kind[]> PAIRS = List.of(new Kind[] {Kind.H2, Kind.H2},
            new Kind[] {Kind.MARIADB, Kind.POSTGRES});

    private static TableMapping mapping() {
        return TableMapping.builder("orders").merchantIdColumn("merchant_id").rename("note", "memo").build();
    }

    private static TableMapping composite() {
        return TableMapping.builder("orders").primaryKey("merchant_id", "ref").merchantIdColumn("merchant_id")
                .rename("note", "memo").build();
    }

    /** The orders tables (old {@code note}, new {@code memo}); rows 1..{@code rows} of merchant m-(id % 3) in the old store, and in the new one when asked. */
    private static void tables(TestDatabase old, TestDatabase fresh, int rows, boolean inBoth) {
        old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(40))");
        fresh.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), memo VARCHAR(40))");
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= rows; i++) {
            values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-").append(i % 3).append("', 'n")
                    .append(i).append("')");
        }
        old.execute("INSERT INTO orders VALUES " + values);
        if (inBoth) {
            fresh.execute("INSERT INTO orders VALUES " + values);
        }
    }

    /** Two application instances on the stores: their own DualWriter each, one change log. */
    private record Instances(DualWriter firstWriter, DualWriter secondWriter, DualWriteDataSource first,
                             DualWriteDataSource second) implements AutoCloseable {

        static Instances of(TestDatabase old, TestDatabase fresh, Switchboard switchboard, JdbcChangeLog changeLog) {
            return of(old, fresh, switchboard, changeLog, mapping());
        }

        static Instances of(TestDatabase old, TestDatabase fresh, Switchboard switchboard, JdbcChangeLog changeLog,
                            TableMapping mapping) {
            DualWriter one = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
            DualWriter two = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
            return new Instances(one, two, dataSource(old, fresh, one, mapping), dataSource(old, fresh, two, mapping));
        }

        private static DualWriteDataSource dataSource(TestDatabase old, TestDatabase fresh, DualWriter writer,
                                                      TableMapping mapping) {
            return DualWriteDataSource.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .migration("orders").dualWriter(writer).mapping(mapping).build();
        }

        void drain() throws InterruptedException {
            assertThat(firstWriter.awaitMirrors(Duration.ofSeconds(60))).isTrue();
            assertThat(secondWriter.awaitMirrors(Duration.ofSeconds(60))).isTrue();
        }

        @Override
        public void close() {
            firstWriter.close();
            secondWriter.close();
        }
    }

    /**
     * Seeded writer threads, one per data source, on the ids {@code ids} accepts among 1..{@code rows}: updates,
     * deletes, re-inserts of deleted ids, inserts of new ids (when {@code inserts}), range updates and two-statement
     * transactions (some rolled back); at least {@code minimum} writes each, and on until {@code done}.
     */
    private static final class Traffic implements AutoCloseable {
        final AtomicBoolean done = new AtomicBoolean();
        /** While set, the writers start no write: a whole-table check can then find the rows at rest. */
        final AtomicBoolean paused = new AtomicBoolean();
        final AtomicLong operations = new AtomicLong();
        final List<CompletableFuture<Void>> threads = new ArrayList<>();

        Traffic(Instances instances, long seed, int rows, LongPredicate ids, boolean keysChange, int minimum) {
            int thread = 0;
            for (DualWriteDataSource dataSource : List.of(instances.first(), instances.second())) {
                Random random = new Random(seed * 31 + thread);
                long firstNewId = rows + 1_000_000L * ++thread;
                threads.add(CompletableFuture.runAsync(() -> {
                    try {
                        write(dataSource, random, rows, ids, keysChange, firstNewId, minimum);
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                }));
            }
        }

        private void write(DualWriteDataSource dataSource, Random random, int rows, LongPredicate ids,
                           boolean keysChange, long firstNewId, int minimum) throws SQLException {
            List<Long> deleted = new ArrayList<>();
            long nextId = firstNewId;
            int count = 0;
            while (count < minimum || !done.get()) {
                if (paused.get()) {
                    LockSupport.parkNanos(1_000_000); // throttled, not waiting for async work
                    continue;
                }
                long id = 1 + random.nextInt(rows);
                if (!ids.test(id)) {
                    continue;
                }
                count++;
                operations.incrementAndGet();
                int kind = keysChange ? random.nextInt(100) : random.nextInt(30);
                try (Connection connection = dataSource.getConnection()) {
                    if (kind < 30) {
                        update(connection, "UPDATE orders SET note = ? WHERE id = ?", "u-" + random.nextInt(1000), id);
                    } else if (kind < 50) {
                        if (update(connection, "DELETE FROM orders WHERE id = ?", id) > 0) {
                            deleted.add(id);
                        }
                    } else if (kind < 60 && !deleted.isEmpty()) {
                        long again = deleted.remove(random.nextInt(deleted.size()));
                        update(connection, "INSERT INTO orders VALUES (?, ?, ?)", again, "m-" + again % 3, "again");
                    } else if (kind < 75) {
                        long fresh = nextId++;
                        update(connection, "INSERT INTO orders VALUES (?, ?, ?)", fresh, "m-" + fresh % 3, "new");
                    } else if (kind < 88) {
                        update(connection, "UPDATE orders SET note = ? WHERE id BETWEEN ? AND ?",
                                "r-" + random.nextInt(100), id, id + 5);
                    } else {
                        connection.setAutoCommit(false);
                        update(connection, "UPDATE orders SET note = 'tx' WHERE id = ?", id);
                        long other = 1 + random.nextInt(rows);
                        if (update(connection, "DELETE FROM orders WHERE id = ?", other) > 0 && random.nextInt(4) > 0) {
                            connection.commit();
                            deleted.add(other);
                        } else {
                            connection.rollback();
                        }
                        connection.setAutoCommit(true);
                    }
                }
            }
        }

        @Override
        public void close() throws Exception {
            done.set(true);
            for (CompletableFuture<Void> thread : threads) {
                thread.get();
            }
        }
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    private static Switchboard dualWrite() {
        return Switchboard.builder().switchStore(SwitchStores.inMemory()).migration(MigrationSwitchConfig
                .builder("orders").defaultPhase(MigrationPhase.DUAL_WRITE).build()).build();
    }

    /** The keys (old ids) whose rows differ between the stores, read with plain JDBC. */
    private static TreeSet<Long> differing(TestDatabase old, TestDatabase fresh) {
        Map<Long, Map<String, Object>> olds = new java.util.HashMap<>();
        Map<Long, Map<String, Object>> news = new java.util.HashMap<>();
        old.query(OLD_ROWS).forEach(row -> olds.put(((Number) row.get("id")).longValue(), row));
        fresh.query(NEW_ROWS).forEach(row -> news.put(((Number) row.get("id")).longValue(), row));
        TreeSet<Long> keys = new TreeSet<>(olds.keySet());
        keys.addAll(news.keySet());
        keys.removeIf(key -> java.util.Objects.equals(olds.get(key), news.get(key)));
        return keys;
    }

    /** The keys of pending key entries (not scoped resyncs) of the change log, read with plain JDBC. */
    private static TreeSet<Long> pendingKeys(TestDatabase old) {
        TreeSet<Long> keys = new TreeSet<>();
        old.query("SELECT row_key FROM dualwrite_change_log WHERE operation <> 'RESYNC'")
                .forEach(row -> keys.add(Long.parseLong(String.valueOf(row.get("row_key")))));
        return keys;
    }

    // Input (left by round 27: "a backfill killed mid-chunk and resumed under writes"): a backfill (two workers, chunks
    //   of 5 to 20 keys, checkpointed by name) of 600 rows into an empty new store, through the first instance's
    //   copier, while both instances write in DUAL_WRITE by seed (updates, deletes, re-inserts of deleted ids, inserts,
    //   range updates, two-statement transactions); it is aborted hard (its workers interrupted inside their writes:
    //   the executor's shutdownNow) twice, after a seeded number of chunks, and resumed each time through the other
    //   instance's copier while the writes go on. Then the mirrors drain and the reconciler drains the key entries
    //   (no verification, no repair: what the backfill and the mirror leave is judged). Members: H2 -> H2, MariaDB ->
    //   PostgreSQL with a renamed column. A row lost, resurrected or older than its live sync would differ.
    @Test
    void aBackfillAbortedMidChunkTwiceAndResumedUnderWritesLeavesNoRowLostOrResurrected() throws Exception {
        for (Kind[] kinds : PAIRS) {
            String label = kinds[0] + " -> " + kinds[1];
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kinds[0]);
                 TestDatabase fresh = TestDatabases.create(kinds[1])) {
                int rows = 600;
                tables(old, fresh, rows, false);
                JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                Random random = new Random(2727);
                try (Instances instances = Instances.of(old, fresh, dualWrite(), changeLog)) {
                    BackfillJob.Builder job = BackfillJob.builder().migration("orders").name("kill-27b")
                            .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).mapping(mapping())
                            // chunks of 5 rows, and the progress polled every millisecond: with chunks of up to 20
                            // and Awaitility's 100 ms poll, a quiet machine copied all 600 rows before the abort,
                            // which then had nothing to stop
                            .changeLog(changeLog).workers(2).chunkRows(5, 5);
                    try (Traffic traffic = new Traffic(instances, 27, rows, id -> true, true, 60)) {
                        await().atMost(Duration.ofSeconds(30)).until(() -> traffic.operations.get() >= 10);
                        for (int kill = 0; kill < 2; kill++) {
                            BackfillRun run = job.rowCopier((kill == 0 ? instances.first() : instances.second())
                                    .rowCopier()).build().start();
                            long chunks = 2 + random.nextInt(6);
                            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                                    .until(() -> run.progress().chunksThisRun() >= chunks || run.isDone());
                            run.abort();
                            assertThatThrownBy(run::await).as(label).isInstanceOf(BackfillException.class);
                        }
                        BackfillRun last = job.rowCopier(instances.first().rowCopier()).build().start();
                        assertThat(last.await().complete()).as(label).isTrue();
                    }
                    instances.drain();
                    Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).mapping(mapping())
                            .rowCopier(instances.first().rowCopier()).build();
                    // until the change log holds no key entry, for up to two minutes: on a loaded machine the
                    // traffic's mirrors time out or meet an open breaker and record thousands of keys, more than
                    // 50 passes drained
                    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    while (!pendingKeys(old).isEmpty() && System.nanoTime() < deadline) {
                        reconciler.runOnce();
                    }
                }
                TreeSet<Long> differing = differing(old, fresh);
                assertThat(pendingKeys(old)).as(label + ": every differing key recorded")
                        .containsAll(differing);
                assertThat(differing).as(label + ": rows differing after the backfill, the mirrors and the reconciler")
                        .isEmpty();
                assertThat(old.count("SELECT COUNT(*) FROM dualwrite_change_log WHERE operation = 'RESYNC'"))
                        .as(label).isZero();
            }
        }
    }

    // Input (left by round 27: "a seeded sample across restarts"): 200 equal rows, one row of every chunk of 10 made
    //   different in the new store behind the library's back (odd ids), while both instances update the even ids. A
    //   sample of half the chunks with seed 2727 run straight through, and the same job under a checkpoint name stopped
    //   after three chunks and resumed: must both find the same rows, i.e. compare the same chunks. Then everything is
    //   repaired, one difference planted in a chunk the sample skips; a full run finds it; the sampled run after it
    //   is CLEAN and must not open the gate (the probe stays DIRTY). Members: H2 -> H2, MariaDB -> PostgreSQL.
    @Test
    void aSeededSampleComparesTheSameChunksAcrossAResumeAndItsCleanNeverCountsForTheGate() throws Exception {
        for (Kind[] kinds : PAIRS) {
            String label = kinds[0] + " -> " + kinds[1];
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kinds[0]);
                 TestDatabase fresh = TestDatabases.create(kinds[1])) {
                int rows = 200;
                tables(old, fresh, rows, true);
                for (int id = 1; id <= rows; id += 10) {
                    fresh.execute("UPDATE orders SET memo = 'planted' WHERE id = " + (id + 2 * ((id / 10) % 5)));
                }
                JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                JdbcVerificationProbe probe = JdbcVerificationProbe.create(old.dataSource(), List.of(mapping()));
                try (Instances instances = Instances.of(old, fresh, dualWrite(), changeLog)) {
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                            .settleTimeout(Duration.ofSeconds(5)).build();
                    java.util.function.Supplier<VerificationJob.Builder> sample = () -> VerificationJob
                            .builder("orders").table(mapping()).chunkRows(10).sample(0.5, 2727);
                    TreeSet<String> straight;
                    TreeSet<String> resumed;
                    try (Traffic traffic = new Traffic(instances, 28, rows, id -> id % 2 == 0, false, 40)) {
                        straight = keys(verifier.verify(sample.get().build()));
                        VerificationRun stopped = verifier.start(sample.get().checkpoint("sample-27b").maxRowsPerSecond(20)
                                .build());
                        await().atMost(Duration.ofSeconds(30)).until(() -> stopped.progress().chunksDone() >= 3);
                        stopped.stop();
                        assertThatThrownBy(stopped::await).as(label).isInstanceOf(VerificationStoppedException.class);
                        resumed = keys(verifier.verify(sample.get().checkpoint("sample-27b").build()));
                    }
                    instances.drain();
                    assertThat(straight).as(label).isNotEmpty().hasSizeLessThan(20);
                    // the planted rows (odd ids); an even row may differ for a moment while a mirror of the traffic is late
                    straight.removeIf(key -> Long.parseLong(key) % 2 == 0);
                    resumed.removeIf(key -> Long.parseLong(key) % 2 == 0);
                    assertThat(resumed).as(label + ": the same seed, resumed").isEqualTo(straight);

                    VerificationJob full = VerificationJob.builder("orders").table(mapping()).chunkRows(10).build();
                    VerificationResult all = verifier.verify(full);
                    assertThat(keys(all)).as(label).containsAll(straight);
                    assertThat(Repairer.of(instances.first().rowCopier(), verifier).repair(full, all).clean())
                            .as(label).isTrue();
                    TreeSet<String> skipped = keys(all);
                    skipped.removeIf(key -> Long.parseLong(key) % 2 == 0);
                    skipped.removeAll(straight);
                    String unsampled = skipped.first();
                    fresh.execute("UPDATE orders SET memo = 'again' WHERE id = " + unsampled);
                    assertThat(verifier.verify(full).clean()).as(label).isFalse();
                    VerificationResult sampled = verifier.verify(sample.get().build());
                    assertThat(sampled.clean()).as(label + ": the sample skips row " + unsampled).isTrue();
                    assertThat(probe.lastVerification("orders")).as(label + ": a clean sample proves nothing")
                            .isEqualTo(VerificationStatus.DIRTY);
                    assertThat(probe.lastVerification("orders", "m-" + Long.parseLong(unsampled) % 3)).as(label)
                            .isEqualTo(VerificationStatus.DIRTY);
                    VerificationResult found = verifier.verify(full);
                    assertThat(Repairer.of(instances.second().rowCopier(), verifier).repair(full, found).clean())
                            .as(label).isTrue();
                    assertThat(verifier.verify(full).clean()).as(label).isTrue();
                    assertThat(probe.lastVerification("orders")).as(label).isEqualTo(VerificationStatus.CLEAN);
                }
                assertThat(differing(old, fresh)).as(label).isEmpty();
                assertThat(fresh.query(NEW_ROWS)).as(label).isEqualTo(old.query(OLD_ROWS));
            }
        }
    }

    private static TreeSet<String> keys(VerificationResult result) {
        TreeSet<String> keys = new TreeSet<>();
        result.tables().forEach(table -> table.differences().forEach(difference -> keys.add(difference.key())));
        return keys;
    }

    /** Verifies once every instance has seen the last switch change (the verifier refuses before). */
    private static VerificationResult settledVerify(Verifier verifier, VerificationJob job) {
        VerificationResult[] result = new VerificationResult[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> (result[0] = verifier.verify(job)) != null);
        return result[0];
    }

    private static VerificationRun settledStart(Verifier verifier, VerificationJob job) {
        VerificationRun[] result = new VerificationRun[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> {
                    VerificationRun run = verifier.start(job);
                    try {
                        await().atMost(Duration.ofSeconds(20)).until(() -> run.progress().chunksDone() >= 1
                                || run.isDone());
                        if (run.isDone()) {
                            run.await(); // throws when refused
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    result[0] = run;
                    return true;
                });
        return result[0];
    }

    // Input (left by round 27: "a merchant verification while the merchant's switch moves"): merchant m-1 in
    //   DUAL_WRITE (switches in a JDBC switch store, the standard gate asking for a clean run since the scope's last
    //   switch change), verified clean; a slow verification B of m-1 starts and compares its first chunk; the
    //   operator moves m-1 to NEW_PRIMARY (allowed by the first run); then row 1 of m-1, already compared by B, is
    //   changed in the new store behind the library's back; B ends CLEAN. Can the gate take B for m-1's next move
    //   (NEW_PRIMARY -> NEW_ONLY)? It must not: B started under the authority before the move. Meanwhile both
    //   instances write m-2's rows. Members: H2 -> H2, MariaDB -> PostgreSQL.
    @Test
    void aMerchantRunDuringItsSwitchMoveNeverOpensTheGateForTheNextMove() throws Exception {
        for (Kind[] kinds : PAIRS) {
            String label = kinds[0] + " -> " + kinds[1];
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kinds[0]);
                 TestDatabase fresh = TestDatabases.create(kinds[1])) {
                int rows = 180;
                tables(old, fresh, rows, true);
                JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                Switchboard switchboard = Switchboard.builder().switchStore(JdbcSwitchStore.create(old.dataSource()))
                        .refreshInterval(Duration.ofMillis(100)).migration(MigrationSwitchConfig.of("orders")).build();
                SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.standard(changeLog::pendingCount,
                        JdbcVerificationProbe.create(old.dataSource(), List.of(mapping())), switchboard.switchStore()));
                admin.moveMerchant("orders", "m-1", MigrationPhase.DUAL_WRITE, false);
                admin.moveMerchant("orders", "m-2", MigrationPhase.DUAL_WRITE, false);
                try (Instances instances = Instances.of(old, fresh, switchboard, changeLog)) {
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog).resolver(switchboard)
                            .recheckDelay(Duration.ZERO).settleTimeout(Duration.ofSeconds(5)).build();
                    VerificationJob m1 = VerificationJob.builder("orders").table(mapping()).merchant("m-1").build();
                    try (Traffic traffic = new Traffic(instances, 29, rows, id -> id % 3 == 2, false, 40)) {
                        assertThat(settledVerify(verifier, m1).clean()).as(label).isTrue();
                        VerificationRun slow = settledStart(verifier, VerificationJob.builder("orders")
                                .table(mapping()).merchant("m-1").chunkRows(10).maxRowsPerSecond(30).build());
                        Reconciler drainer = Reconciler.builder().changeLog(changeLog)
                                .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).mapping(mapping())
                                .rowCopier(instances.first().rowCopier()).build();
                        // a mirror of m-2's traffic timed out on a loaded machine leaves an entry: drained first
                        await().atMost(Duration.ofSeconds(30)).until(() -> {
                            drainer.runOnce();
                            try {
                                return admin.moveMerchant("orders", "m-1", MigrationPhase.NEW_PRIMARY, false).allowed();
                            } catch (PhaseMoveRefusedException refused) {
                                assertThat(refused).as(label).hasMessageContaining("backlog");
                                return false;
                            }
                        });
                        fresh.execute("UPDATE orders SET memo = 'behind' WHERE id = 1");
                        VerificationResult during = slow.await();
                        assertThat(during.clean()).as(label + ": B passed row 1 before it changed").isTrue();
                        assertThatThrownBy(() -> admin.moveMerchant("orders", "m-1", MigrationPhase.NEW_ONLY, false))
                                .as(label + ": B started before the move").isInstanceOf(PhaseMoveRefusedException.class);
                        VerificationResult after = settledVerify(verifier, m1);
                        assertThat(keys(after)).as(label).containsExactly("1");
                        // m-1 is NEW_PRIMARY: its rows are repaired from the new store (the copier skips them old-wins)
                        assertThat(Repairer.of(instances.second().rowCopier(), verifier)
                                .repair(m1, after, io.dualwrite.Store.NEW).clean()).as(label).isTrue();
                        assertThat(settledVerify(verifier, m1).clean()).as(label).isTrue();
                    }
                    instances.drain();
                    Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).mapping(mapping())
                            .rowCopier(instances.first().rowCopier()).build();
                    for (int pass = 0; pass < 50 && !pendingKeys(old).isEmpty(); pass++) {
                        reconciler.runOnce();
                    }
                    assertThat(admin.moveMerchant("orders", "m-1", MigrationPhase.NEW_ONLY, false).allowed())
                            .as(label).isTrue();
                }
                assertThat(fresh.query(NEW_ROWS)).as(label).isEqualTo(old.query(OLD_ROWS));
            }
        }
    }

    // Input (left by round 27: "composite and string keys under writes where collations differ"): a key (merchant_id,
    //   ref) compared ignoring case, accents and trailing spaces in the old store (MariaDB utf8mb4_general_ci; H2
    //   VARCHAR_IGNORECASE) and exactly in the new one (PostgreSQL COLLATE "C"; H2 VARCHAR). 90 old rows 'ka<i>'; both
    //   instances respell keys by seed (delete and insert another spelling of the same old key: 'KA7', 'kA7 ', 'kä7',
    //   in one transaction or two), update, delete and insert, while a backfill with chunks of 3 to 8 keys walks the
    //   keys and a verification with chunks of 4 runs; then the mirrors drain, the reconciler drains the change log, a
    //   verification and a repair run. The stores are compared with the exact spellings.
    @Test
    void respelledCompositeTextKeysUnderWritesAcrossCollationsEndExactlyEqual() throws Exception {
        for (Kind[] kinds : PAIRS) {
            String label = kinds[0] + " -> " + kinds[1];
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kinds[0]);
                 TestDatabase fresh = TestDatabases.create(kinds[1])) {
                boolean h2 = kinds[0] == Kind.H2;
                String loose = h2 ? "VARCHAR_IGNORECASE(20)" : "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci";
                String exact = h2 ? "VARCHAR(20)" : "VARCHAR(20) COLLATE \"C\"";
                old.execute("CREATE TABLE orders (merchant_id " + loose + ", ref " + loose
                        + ", note VARCHAR(40), PRIMARY KEY (merchant_id, ref))");
                fresh.execute("CREATE TABLE orders (merchant_id " + exact + ", ref " + exact
                        + ", memo VARCHAR(40), PRIMARY KEY (merchant_id, ref))");
                int rows = 90;
                StringBuilder values = new StringBuilder();
                for (int i = 0; i < rows; i++) {
                    values.append(i == 0 ? "" : ", ").append("('m-").append(i % 3).append("', 'ka").append(i)
                            .append("', 'n").append(i).append("')");
                }
                old.execute("INSERT INTO orders VALUES " + values);
                JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                try (Instances instances = Instances.of(old, fresh, dualWrite(), changeLog, composite())) {
                    AtomicBoolean done = new AtomicBoolean();
                    AtomicLong operations = new AtomicLong();
                    List<CompletableFuture<Void>> threads = new ArrayList<>();
                    int thread = 0;
                    for (DualWriteDataSource dataSource : List.of(instances.first(), instances.second())) {
                        Random random = new Random(30L * 31 + thread++);
                        threads.add(CompletableFuture.runAsync(() -> respell(dataSource, random, rows, done,
                                operations)));
                    }
                    try {
                        await().atMost(Duration.ofSeconds(30)).until(() -> operations.get() >= 10);
                        BackfillRun backfill = BackfillJob.builder().migration("orders").oldDataSource(old.dataSource())
                                .newDataSource(fresh.dataSource()).mapping(composite()).changeLog(changeLog).workers(2)
                                .chunkRows(3, 8).rowCopier(instances.first().rowCopier()).build().start();
                        assertThat(backfill.await().complete()).as(label).isTrue();
                        Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                                .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                                .settleTimeout(Duration.ofSeconds(5)).build();
                        verifier.verify(VerificationJob.builder("orders").table(composite()).chunkRows(4).build());
                    } finally {
                        done.set(true);
                        for (CompletableFuture<Void> writer : threads) {
                            writer.get();
                        }
                    }
                    instances.drain();
                    Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).mapping(composite())
                            .rowCopier(instances.first().rowCopier()).build();
                    for (int pass = 0; pass < 50 && old.count("SELECT COUNT(*) FROM dualwrite_change_log"
                            + " WHERE operation <> 'RESYNC'") > 0; pass++) {
                        reconciler.runOnce();
                    }
                    // a write whose keys the old collation leaves unknown records a scoped resync: its resolver runs
                    Verifier resolving = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                            .settleTimeout(Duration.ZERO).build();
                    ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("orders")
                            .changeLog(changeLog).verifier(resolving).mapping(composite()).retryDelay(Duration.ZERO)
                            .repairer(Repairer.of(instances.first().rowCopier(), resolving)).build();
                    for (int pass = 0; pass < 10 && old.count("SELECT COUNT(*) FROM dualwrite_change_log") > 0; pass++) {
                        resolver.resolveOnce();
                    }
                    TreeSet<String> afterReconciler = exactDifferences(old, fresh);
                    List<Map<String, Object>> pending = old.query("SELECT row_key, operation FROM dualwrite_change_log");
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                            .settleTimeout(Duration.ZERO).build();
                    VerificationJob job = VerificationJob.builder("orders").table(composite()).chunkRows(4).build();
                    VerificationResult found = verifier.verify(job);
                    assertThat(found.clean()).as(label + ": verification after " + operations.get()
                            + " writes; exact differences " + afterReconciler + ", log " + pending)
                            .isEqualTo(afterReconciler.isEmpty());
                    assertThat(afterReconciler).as(label + ": after the backfill, the mirrors and the reconciler; log "
                            + pending).isEmpty();
                }
                assertThat(exactDifferences(old, fresh)).as(label).isEmpty();
            }
        }
    }

    /** One thread's writes of merchant and ref keys by seed: respellings, updates, deletes and inserts. */
    private static void respell(DualWriteDataSource dataSource, Random random, int rows, AtomicBoolean done,
                                AtomicLong operations) {
        String[] forms = {"ka%d", "KA%d", "kA%d ", "k\u00e4%d", "Ka%d"};
        int count = 0;
        while (count < 60 || !done.get()) {
            count++;
            operations.incrementAndGet();
            int i = random.nextInt(rows);
            String merchant = "m-" + i % 3;
            String spelling = String.format(forms[random.nextInt(forms.length)], i);
            int kind = random.nextInt(100);
            try (Connection connection = dataSource.getConnection()) {
                if (kind < 40) {
                    boolean oneTransaction = random.nextBoolean();
                    connection.setAutoCommit(!oneTransaction);
                    update(connection, "DELETE FROM orders WHERE merchant_id = ? AND ref = ?", merchant, spelling);
                    update(connection, "INSERT INTO orders VALUES (?, ?, ?)", merchant,
                            String.format(forms[random.nextInt(forms.length)], i), "re-" + count);
                    if (oneTransaction) {
                        connection.commit();
                    }
                } else if (kind < 70) {
                    update(connection, "UPDATE orders SET note = ? WHERE merchant_id = ? AND ref = ?", "u-" + count,
                            merchant, spelling);
                } else if (kind < 85) {
                    update(connection, "DELETE FROM orders WHERE merchant_id = ? AND ref = ?", merchant, spelling);
                } else {
                    update(connection, "INSERT INTO orders VALUES (?, ?, ?)", merchant, spelling, "in-" + count);
                }
            } catch (SQLException duplicate) {
                // another spelling of the key is there: the raw driver's refusal, the caller's to handle
            }
        }
    }

    /** (merchant, ref) spelt exactly, whose rows differ between the stores, read with plain JDBC. */
    private static TreeSet<String> exactDifferences(TestDatabase old, TestDatabase fresh) {
        Map<String, Object> olds = new java.util.HashMap<>();
        Map<String, Object> news = new java.util.HashMap<>();
        old.query("SELECT merchant_id, ref, note FROM orders").forEach(row -> olds.put("[" + row.get("merchant_id")
                + "|" + row.get("ref") + "]", row.get("note")));
        fresh.query("SELECT merchant_id, ref, memo FROM orders").forEach(row -> news.put("[" + row.get("merchant_id")
                + "|" + row.get("ref") + "]", row.get("memo")));
        TreeSet<String> keys = new TreeSet<>(olds.keySet());
        keys.addAll(news.keySet());
        keys.removeIf(key -> olds.containsKey(key) && news.containsKey(key)
                && java.util.Objects.equals(olds.get(key), news.get(key)));
        return keys;
    }

    // Input (left by round 27: "a scoped resync recorded by recordOutboxLater … is not recorded again"): the crash-safe
    //   outbox (ChangeLogMode.ALWAYS) with the change log in the authoritative old PostgreSQL store, DUAL_WRITE, and a
    //   write whose keys cannot be known (a function that updates) in a text that also ends the transaction
    //   (`SELECT bump(2); PREPARE TRANSACTION 'g27b'`): its text ran already, so its scoped resync is recorded at once,
    //   outside the prepared transaction and due after the outbox grace (zero here: a commit that comes later than the
    //   grace). A resolver pass runs while the transaction is prepared: it verifies the scope without the write, finds
    //   it equal and completes the entry; then COMMIT PREPARED on the same session; the mirrors drain and the resolver
    //   runs again. Members: PostgreSQL -> MariaDB (renamed column), PostgreSQL -> PostgreSQL; the other instance
    //   writes merchant m-2's rows meanwhile.
    @Test
    void aScopedResyncRecordedOutsideAPreparedTransactionIsRecordedAgainAtItsCommit() throws Exception {
        for (Kind newKind : List.of(Kind.MARIADB, Kind.POSTGRES)) {
            String label = "PostgreSQL -> " + newKind;
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
                 TestDatabase fresh = TestDatabases.create(newKind)) {
                tables(old, fresh, 30, true);
                old.execute("CREATE FUNCTION bump(i INT) RETURNS INT LANGUAGE plpgsql AS $$ BEGIN UPDATE orders"
                        + " SET note = 'changed' WHERE id = i; RETURN i; END $$");
                JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                Switchboard switchboard = dualWrite();
                try (DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
                     Instances others = Instances.of(old, fresh, switchboard, changeLog)) {
                    DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).migration("orders").dualWriter(writer)
                            .changeLogMode(io.dualwrite.changelog.ChangeLogMode.ALWAYS).outboxWriter(changeLog::record)
                            .changeLogStore(io.dualwrite.Store.OLD).outboxGrace(Duration.ZERO).mapping(mapping())
                            .build();
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog)
                            // rows the traffic's mirrors are still copying are read again after 200 ms and settle
                            // before they count: with no delay and no settle time, a loaded machine kept the resolver
                            // repairing in-flight rows and never completing bump(0)'s entry
                            .recheckDelay(Duration.ofMillis(200)).settleTimeout(Duration.ofSeconds(5)).build();
                    ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("orders")
                            .changeLog(changeLog).verifier(verifier).mapping(mapping()).retryDelay(Duration.ZERO)
                            .repairer(Repairer.of(dataSource.rowCopier(), verifier)).build();
                    try (Traffic traffic = new Traffic(others, 31, 30, id -> id % 3 == 2 && id != 2, false, 20);
                         Connection connection = dataSource.getConnection();
                         java.sql.Statement statement = connection.createStatement()) {
                        // the functions are read first in a JDBC transaction, as the member was written in round 27b
                        // (a first read inside the one-text BEGIN failed then; round 28's TxTextBreak28Test covers it)
                        connection.setAutoCommit(false);
                        statement.execute("SELECT bump(0)");
                        connection.commit();
                        connection.setAutoCommit(true);
                        String resyncs = "SELECT COUNT(*) FROM dualwrite_change_log WHERE operation = 'RESYNC'";
                        // Awaitility's own 100 ms cadence, as this member was written for: the first pass comes
                        // after bump(0)'s entries are all recorded (the module's default first check is at 10 ms)
                        // the writers pause while the resolver checks the whole table: nine rows updated without
                        // a break are always in flight somewhere, and a whole-table check of them was clean only by
                        // luck (on a loaded machine, never within a minute)
                        traffic.paused.set(true);
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                                .until(() -> resolver.resolveOnce() != null
                                && old.count(resyncs) == 0); // bump(0)'s own entries resolved first
                        traffic.paused.set(false);
                        statement.execute("BEGIN; SELECT bump(2); PREPARE TRANSACTION 'g27b'");
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                                .until(() -> old.count(resyncs) >= 1);
                        traffic.paused.set(true);
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                                .until(() -> resolver.resolveOnce() != null
                                && old.count(resyncs) == 0); // passes while the write is prepared, not committed
                        traffic.paused.set(false);
                        statement.execute("COMMIT PREPARED 'g27b'");
                    }
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(20))).as(label).isTrue();
                    others.drain();
                    assertThat(old.count("SELECT COUNT(*) FROM orders WHERE note = 'changed'")).as(label).isOne();
                    resolver.resolveOnce();
                    Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).mapping(mapping()).rowCopier(others.first().rowCopier())
                            .build().runOnce();
                    TreeSet<Long> differing = differing(old, fresh);
                    if (!differing.isEmpty()) {
                        assertThat(old.count("SELECT COUNT(*) FROM dualwrite_change_log")).as(label
                                + ": rows " + differing + " differ, the change log holds them").isPositive();
                    }
                    assertThat(differing).as(label).isEmpty();
                }
            }
        }
    }
}
