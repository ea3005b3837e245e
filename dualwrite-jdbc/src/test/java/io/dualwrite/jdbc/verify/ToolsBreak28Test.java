package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillRun;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Round 28: the migration tools under traffic, third pass. Two {@link DualWriteDataSource}s (one {@link DualWriter}
 * each, one change log) write while a tool runs; each member ends comparing both stores row by row with plain JDBC
 * (H2 → H2, MariaDB → PostgreSQL with {@code note} renamed {@code memo}).
 */
class ToolsBreak28Test {

    private static final String OLD_ROWS = "SELECT id, merchant_id, note FROM orders ORDER BY id";
    private static final String NEW_ROWS = "SELECT id, merchant_id, memo AS note FROM orders ORDER BY id";

    /** The pairs each member runs on, old store first: H2 -> H2, and MariaDB -> PostgreSQL with a renamed column. */
    static List<Arguments> pairs() {
        return List.of(Arguments.of(Kind.H2, Kind.H2), Arguments.of(Kind.MARIADB, Kind.POSTGRES));
    }

    private static TableMapping mapping() {
        return TableMapping.builder("orders").merchantIdColumn("merchant_id").rename("note", "memo").build();
    }

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
            DualWriter one = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
            DualWriter two = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
            return new Instances(one, two, dataSource(old, fresh, one), dataSource(old, fresh, two));
        }

        private static DualWriteDataSource dataSource(TestDatabase old, TestDatabase fresh, DualWriter writer) {
            return DualWriteDataSource.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .migration("orders").dualWriter(writer).mapping(mapping()).build();
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

    private static Switchboard dualWrite() {
        return Switchboard.builder().switchStore(SwitchStores.inMemory()).migration(MigrationSwitchConfig
                .builder("orders").defaultPhase(MigrationPhase.DUAL_WRITE).build()).build();
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
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

    /**
     * Waits for both instances' mirrors, then lets the reconciler copy what they recorded (a mirror that timed out on
     * a loaded machine), and asserts that every row that still differs is recorded.
     */
    private static void settle(Instances instances, TestDatabase old, TestDatabase fresh, JdbcChangeLog changeLog)
            throws Exception {
        instances.drain();
        Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                .newDataSource(fresh.dataSource()).mapping(mapping()).rowCopier(instances.first().rowCopier()).build();
        for (int pass = 0; pass < 50 && !pendingKeys(old).isEmpty(); pass++) {
            reconciler.runOnce();
        }
        assertThat(pendingKeys(old)).as("every differing key recorded").containsAll(differing(old, fresh));
    }

    /** Every event logged under {@code io.dualwrite} while it is open. */
    private static final class Logged implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("io.dualwrite");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        Logged() {
            appender.start();
            logger.addAppender(appender);
        }

        List<ILoggingEvent> events() {
            synchronized (appender.list) {
                return List.copyOf(appender.list);
            }
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }

    /**
     * Inserts rows of new ids (ten per statement, from one sequence, through both instances) above every id the table
     * holds,
     * as fast as the stores take them, until closed: the table's end moves faster than a rate-limited tool walks.
     */
    private static final class Inserts implements AutoCloseable {
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong rows = new AtomicLong();
        final List<CompletableFuture<Void>> threads = new ArrayList<>();

        Inserts(Instances instances, long firstId) {
            AtomicLong nextId = new AtomicLong(firstId);
            for (DualWriteDataSource dataSource : List.of(instances.first(), instances.second())) {
                threads.add(CompletableFuture.runAsync(() -> {
                    try {
                        while (!done.get()) {
                            long id = nextId.getAndAdd(10);
                            StringBuilder values = new StringBuilder();
                            for (int i = 0; i < 10; i++) {
                                values.append(i == 0 ? "" : ", ").append('(').append(id).append(", 'm-")
                                        .append(id % 3).append("', 'i')");
                                id++;
                            }
                            try (Connection connection = dataSource.getConnection()) {
                                update(connection, "INSERT INTO orders VALUES " + values);
                            }
                            rows.addAndGet(10);
                        }
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                }));
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

    // Input (seen, not traced: a backfill at 150 rows/s under two instances' writes ran for minutes and logged a
    //   gigabyte): two instances of one rate-limited backfill job (40 rows/s each, two workers, chunks of 5 to 20)
    //   of a 60-row table while both application instances insert rows of new ids above the table's end faster than
    //   the limit lets the backfill walk. The runs must end (the rows inserted after they started are double-written
    //   by the live path, which the backfill's start check waits for) and log a bounded number of lines: one progress
    //   line per interval and their start and end, not a line per chunk, row or retry.
    @ParameterizedTest
    @MethodSource("pairs")
    void aRateLimitedBackfillEndsWhileInsertsOutrunItAndLogsOneProgressLinePerInterval(Kind oldKind, Kind newKind)
            throws Exception {
        String label = oldKind + " -> " + newKind;
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            int rows = 60;
            tables(old, fresh, rows, false);
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            try (Instances instances = Instances.of(old, fresh, dualWrite(), changeLog)) {
                BackfillJob.Builder job = BackfillJob.builder().migration("orders").name("paced-28")
                        .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).mapping(mapping())
                        .changeLog(changeLog).workers(2).chunkRows(5, 20).rateLimit(40)
                        .progressInterval(Duration.ofMillis(500));
                long started;
                List<ILoggingEvent> events;
                try (Inserts inserts = new Inserts(instances, rows + 1);
                     Logged logged = new Logged()) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> inserts.rows.get() >= 20);
                    started = System.nanoTime();
                    BackfillRun one = job.rowCopier(instances.first().rowCopier()).build().start();
                    BackfillRun two = job.rowCopier(instances.second().rowCopier()).build().start();
                    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
                            .until(() -> one.isDone() && two.isDone());
                    assertThat(one.await().complete()).as(label).isTrue();
                    assertThat(two.await().complete()).as(label).isTrue();
                    events = logged.events();
                }
                long seconds = 1 + (System.nanoTime() - started) / 1_000_000_000L;
                long backfillLines = events.stream().filter(e -> e.getLoggerName().contains("backfill")).count();
                // two runs: a progress line every 500 ms each, their start and end, and a few more (a retry, a resume)
                assertThat(backfillLines).as(label + ": the backfill's lines")
                        .isLessThanOrEqualTo(2 * (2 * seconds + 6));
                settle(instances, old, fresh, changeLog);
            }
            TreeSet<Long> differing = differing(old, fresh);
            assertThat(differing).as(label + ": rows differing after the backfill, the mirrors and the reconciler")
                    .isEmpty();
        }
    }

    // Input: a sampled (half the chunks, seed 2828), rate-limited (20 rows/s), checkpointed verification in chunks of
    //   10 of 100 rows, one odd row of each chunk made different in the new store behind the library's back, while both
    //   instances update the even rows. It runs on a thread of the caller's that is interrupted while the run waits
    //   for the rate limit (a job runner's timeout, an executor shut down with shutdownNow). The run must end, failing
    //   with the interrupt kept as a JDBC call on an interrupted thread does, record no result, and its checkpoint
    //   must then resume: the resumed run finds the planted rows the same sample finds straight through.
    @ParameterizedTest
    @MethodSource("pairs")
    void aRateLimitedSampleInterruptedWhileItWaitsEndsAndResumesToTheSameRows(Kind oldKind, Kind newKind)
            throws Exception {
        String label = oldKind + " -> " + newKind;
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            int rows = 100;
            tables(old, fresh, rows, true);
            for (int id = 1; id <= rows; id += 10) {
                fresh.execute("UPDATE orders SET memo = 'planted' WHERE id = " + (id + 2 * ((id / 10) % 5)));
            }
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor(
                    runnable -> {
                        Thread thread = new Thread(runnable, "verification-caller-28");
                        thread.setDaemon(true);
                        return thread;
                    });
            try (Instances instances = Instances.of(old, fresh, dualWrite(), changeLog);
                 Updates updates = new Updates(instances, rows)) {
                Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                        .settleTimeout(Duration.ofSeconds(5)).build();
                java.util.function.Supplier<VerificationJob.Builder> sample = () -> VerificationJob.builder("orders")
                        .table(mapping()).chunkRows(10).sample(0.5, 2828);
                TreeSet<String> straight = plantedKeys(verifier.verify(sample.get().build()));
                VerificationJob paced = sample.get().checkpoint("paced-28").maxRowsPerSecond(20).build();
                Thread[] thread = new Thread[1];
                java.util.concurrent.Future<VerificationResult> run = caller.submit(() -> {
                    thread[0] = Thread.currentThread();
                    return verifier.verify(paced);
                });
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() ->
                        thread[0] != null && java.util.Arrays.stream(thread[0].getStackTrace())
                                .anyMatch(frame -> frame.getMethodName().equals("acquire")));
                long runsBefore = old.count("SELECT COUNT(*) FROM dualwrite_verification");
                caller.shutdownNow(); // interrupts the run's thread
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).alias(label)
                        .until(run::isDone);
                assertThat(caller.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).as(label).isTrue();
                assertThatThrownBy(run::get).as(label).isInstanceOf(java.util.concurrent.ExecutionException.class);
                assertThat(old.count("SELECT COUNT(*) FROM dualwrite_verification")).as(label).isEqualTo(runsBefore);
                VerificationResult resumed = verifier.verify(sample.get().checkpoint("paced-28").build());
                assertThat(plantedKeys(resumed)).as(label + ": the same seed, resumed after the interrupt")
                        .isNotEmpty().isEqualTo(straight);
                updates.close();
                instances.drain();
                // the writes have stopped and the mirrors drained: a key entry still pending is one only settle()'s
                // reconciler completes, after this repair, so the repair's verifier does not wait for entries
                Verifier drained = Verifier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                        .settleTimeout(Duration.ZERO).build();
                VerificationJob full = VerificationJob.builder("orders").table(mapping()).chunkRows(10).build();
                Repairer.of(instances.first().rowCopier(), drained).repair(full, drained.verify(full));
                settle(instances, old, fresh, changeLog);
            } finally {
                caller.shutdownNow();
            }
            assertThat(differing(old, fresh)).as(label).isEmpty();
        }
    }

    // Input (left by round 27b: "the reconciler and the resolver racing a repair on one key with the change log checked
    //   entry by entry"): 30 equal rows; rows 7 and 10 of merchant m-1 made different in the new store behind the
    //   library's back, a scoped resync of m-1 recorded (as a write whose keys were unknown records it), a verification
    //   of m-1 reporting 7 and 10. Then, released together: the resolver's pass (verify m-1, repair, verify, complete),
    //   the repair of that verification's result through the other instance's copier, and the instances writing rows
    //   7 and 10, one each (updates, deletes, a delete and a re-insert). Checked entry by entry after the mirrors
    //   drain and before anything else runs: every row that differs has a pending entry of its key or a pending
    //   resync of m-1 (the resync entry is gone only if m-1's rows are equal or recorded by key). Three rounds by
    //   seed.
    @ParameterizedTest
    @MethodSource("pairs")
    void aResolverPassRacingARepairAndWritesOnOneKeyLeavesEveryDifferenceRecorded(Kind oldKind, Kind newKind)
            throws Exception {
        String label = oldKind + " -> " + newKind;
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            tables(old, fresh, 30, true);
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            try (Instances instances = Instances.of(old, fresh, dualWrite(), changeLog)) {
                Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                        .settleTimeout(Duration.ofSeconds(5)).build();
                ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("orders")
                        .changeLog(changeLog).verifier(verifier)
                        .repairer(Repairer.of(instances.first().rowCopier(), verifier)).mapping(mapping()).build();
                // The same resolver for the passes after the mirrors drained, its verifier without the settle wait:
                // nothing is in flight then, and a key entry still pending is one that only settle()'s reconciler
                // completes, after the pass, so each wait for it ran its full 5 s (three re-reads and the repair's
                // re-verification per pass). The race's pass keeps the wait.
                Verifier drainedVerifier = Verifier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                        .settleTimeout(Duration.ZERO).build();
                ScopedResyncResolver drainedResolver = ScopedResyncResolver.builder().migration("orders")
                        .changeLog(changeLog).verifier(drainedVerifier)
                        .repairer(Repairer.of(instances.first().rowCopier(), drainedVerifier)).mapping(mapping())
                        .build();
                VerificationJob m1 = VerificationJob.builder("orders").table(mapping()).merchant("m-1").chunkRows(4)
                        .build();
                for (int round = 0; round < 3; round++) {
                    java.util.Random random = new java.util.Random(2800 + round);
                    fresh.execute("UPDATE orders SET memo = 'planted' WHERE id IN (7, 10)");
                    changeLog.record(io.dualwrite.changelog.ChangeRecord.scopedResync("orders", "orders", "m-1",
                            "rows-not-known", io.dualwrite.Store.NEW, null));
                    VerificationResult found = verifier.verify(m1);
                    assertThat(found.clean()).as(label).isFalse();
                    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                    List<CompletableFuture<?>> racers = new ArrayList<>();
                    racers.add(CompletableFuture.runAsync(() -> {
                        awaitLatch(go);
                        resolver.resolveOnce();
                    }));
                    racers.add(CompletableFuture.runAsync(() -> {
                        awaitLatch(go);
                        try {
                            Repairer.of(instances.second().rowCopier(), verifier).repair(m1, found);
                        } catch (SQLException e) {
                            throw new CompletionException(e);
                        }
                    }));
                    int writesSeed = random.nextInt();
                    long[] ids = {7, 10}; // one row per instance: two instances never insert one key at once
                    for (int instance = 0; instance < 2; instance++) {
                        DualWriteDataSource dataSource = instance == 0 ? instances.first() : instances.second();
                        long id = ids[instance];
                        java.util.Random writes = new java.util.Random(writesSeed + instance);
                        racers.add(CompletableFuture.runAsync(() -> {
                            awaitLatch(go);
                            try (Connection connection = dataSource.getConnection()) {
                                for (int i = 0; i < 6; i++) {
                                    int kind = writes.nextInt(3);
                                    if (kind == 0) {
                                        update(connection, "UPDATE orders SET note = ? WHERE id = ?",
                                                "w-" + writes.nextInt(100), id);
                                    } else if (kind == 1) {
                                        update(connection, "DELETE FROM orders WHERE id = ?", id);
                                    } else {
                                        update(connection, "DELETE FROM orders WHERE id = ?", id);
                                        update(connection, "INSERT INTO orders VALUES (?, 'm-1', ?)", id,
                                                "again-" + writes.nextInt(100));
                                    }
                                }
                            } catch (SQLException e) {
                                throw new CompletionException(e);
                            }
                        }));
                    }
                    go.countDown();
                    CompletableFuture.allOf(racers.toArray(CompletableFuture[]::new)).get();
                    instances.drain();
                    TreeSet<Long> differing = differing(old, fresh);
                    boolean resyncPending = old.count("SELECT COUNT(*) FROM dualwrite_change_log WHERE operation"
                            + " = 'RESYNC'") > 0;
                    TreeSet<Long> unrecorded = new TreeSet<>(differing);
                    unrecorded.removeAll(pendingKeys(old));
                    if (resyncPending) {
                        unrecorded.removeIf(id -> id % 3 == 1);
                    }
                    assertThat(unrecorded).as(label + ", round " + round + ": rows differing, recorded nowhere")
                            .isEmpty();
                    // then the tools drain what is recorded, and the next round starts from equal stores
                    for (int pass = 0; pass < 5 && old.count("SELECT COUNT(*) FROM dualwrite_change_log") > 0;
                         pass++) {
                        drainedResolver.resolveOnce();
                        settle(instances, old, fresh, changeLog);
                    }
                    assertThat(differing(old, fresh)).as(label + ", round " + round).isEmpty();
                }
            }
        }
    }

    // Input (left by round 27b: "a sampled run resumed after keys were inserted before its cursor"): 200 rows of ids
    //   10, 20, ... 2000 in both stores, one row of each chunk of 10 made different in the new store behind the
    //   library's back; a sample of half the chunks (seed 2829) run straight through; the same sample under a
    //   checkpoint, rate-limited, stopped after three chunks; then both instances insert 38 rows of ids between the
    //   existing ones before the stopped run's cursor (1, 8, 15, ... below 300), double-written; the run resumed.
    //   Chunks are cut from the cursor on a resume and numbered from the checkpoint's count, so the rows inserted
    //   before the cursor must not move which chunks after it the seed picks: the resumed run must report the planted
    //   rows the straight run reported, and no inserted row.
    @ParameterizedTest
    @MethodSource("pairs")
    void aSampleResumedAfterInsertsBeforeItsCursorReportsTheRowsOfTheStraightRun(Kind oldKind, Kind newKind)
            throws Exception {
        String label = oldKind + " -> " + newKind;
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(40))");
            fresh.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), memo VARCHAR(40))");
            StringBuilder values = new StringBuilder();
            for (int i = 1; i <= 200; i++) {
                values.append(i == 1 ? "" : ", ").append('(').append(10 * i).append(", 'm-").append(i % 3)
                        .append("', 'n").append(i).append("')");
            }
            old.execute("INSERT INTO orders VALUES " + values);
            fresh.execute("INSERT INTO orders VALUES " + values);
            for (int i = 1; i <= 200; i += 10) {
                fresh.execute("UPDATE orders SET memo = 'planted' WHERE id = " + 10 * (i + (i / 10) % 7));
            }
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            try (Instances instances = Instances.of(old, fresh, dualWrite(), changeLog)) {
                Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).changeLog(changeLog).dualWriter(instances.firstWriter())
                        .recheckDelay(Duration.ZERO).settleTimeout(Duration.ofSeconds(5)).build();
                java.util.function.Supplier<VerificationJob.Builder> sample = () -> VerificationJob.builder("orders")
                        .table(mapping()).chunkRows(10).sample(0.5, 2829);
                TreeSet<String> straight = keys(verifier.verify(sample.get().build()));
                VerificationRun stopped = verifier.start(sample.get().checkpoint("sample-28").maxRowsPerSecond(40)
                        .build());
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                        .until(() -> stopped.progress().chunksDone() >= 3);
                stopped.stop();
                assertThatThrownBy(stopped::await).as(label).isInstanceOf(VerificationStoppedException.class);
                int inserted = 0;
                try (Connection connection = instances.first().getConnection();
                     Connection other = instances.second().getConnection()) {
                    for (long id = 1; id < 300; id += 7) { // the first three chunks hold ids 10 to 300
                        if (id % 10 != 0) {
                            update(inserted % 2 == 0 ? connection : other, "INSERT INTO orders VALUES (?, 'm-1', 'in')",
                                    id);
                            inserted++;
                        }
                    }
                }
                instances.drain();
                TreeSet<String> resumed = keys(verifier.verify(sample.get().checkpoint("sample-28").build()));
                assertThat(straight).as(label).isNotEmpty();
                assertThat(resumed).as(label + ": the same seed, resumed after inserts before its cursor")
                        .isEqualTo(straight);
            }
        }
    }

    private static TreeSet<String> keys(VerificationResult result) {
        TreeSet<String> keys = new TreeSet<>();
        result.tables().forEach(table -> table.differences().forEach(difference -> keys.add(difference.key())));
        return keys;
    }

    private static void awaitLatch(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    /** The odd keys (the planted rows) a verification reported. */
    private static TreeSet<String> plantedKeys(VerificationResult result) {
        TreeSet<String> keys = new TreeSet<>();
        result.tables().forEach(table -> table.differences().forEach(difference -> keys.add(difference.key())));
        keys.removeIf(key -> Long.parseLong(key) % 2 == 0);
        return keys;
    }

    /** Updates of the even ids of 1..{@code rows} through both instances, by seed, until closed. */
    private static final class Updates implements AutoCloseable {
        final AtomicBoolean done = new AtomicBoolean();
        final List<CompletableFuture<Void>> threads = new ArrayList<>();

        Updates(Instances instances, int rows) {
            // even ids only: the odd ones hold the planted differences
            int seed = 28;
            for (DualWriteDataSource dataSource : List.of(instances.first(), instances.second())) {
                java.util.Random random = new java.util.Random(seed++);
                threads.add(CompletableFuture.runAsync(() -> {
                    try {
                        while (!done.get()) {
                            try (Connection connection = dataSource.getConnection()) {
                                update(connection, "UPDATE orders SET note = ? WHERE id = ?",
                                        "u-" + random.nextInt(1000), 2 + 2 * random.nextInt(rows / 2));
                            }
                        }
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                }));
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
}
