package io.dualwrite.jdbc.convergence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Convergence under concurrency: a seeded random workload (4 threads over 30 overlapping keys, half of the rows
 * written among 5 hot ones: inserts, relative and absolute updates, deletes, upserts in the old store's syntax,
 * transactions of several statements, some rolled back) runs through TWO {@code DualWriteDataSource}s on the same
 * two stores, as two application instances with their own {@code DualWriter}s and running reconcilers, while the
 * new store is slow (a few ms per statement, now and then a spike past the mirror's time limit, after which the
 * abandoned sync still writes, late) and refused twice for a window mid-run.
 *
 * <p>The workload stops at four quiescent checkpoints (the last one is its end): both writers' mirrors drain (at
 * the end the instances' reconcilers stop and the new store comes back), a reconciler runs until no key entry is
 * left, and the stores, compared row by row with plain JDBC, must be equal, with only scoped resyncs (if any) left
 * in the change log. The checkpoints before the end matter: a sync that overwrote a newer row with an older one is
 * healed by the key's next sync, so the end alone sees only the races of each key's last writes.
 *
 * <p>The matrix: ASYNC and SYNC mirrors, PostgreSQL → PostgreSQL (identity mapping) and MariaDB → PostgreSQL
 * (table and column renamed), three seeds (override with {@code -Ddualwrite.convergence.seeds=1,2,3}). The seed
 * fixes each thread's statements, not their interleaving; every assertion names the cell and the seed.
 */
class ConvergenceUnderConcurrencyTest {

    private static final int THREADS = 4;
    private static final int KEYS = 30;
    private static final int HOT_KEYS = 5;
    private static final int SEEDED_KEYS = 20;
    private static final int TRANSACTIONS_PER_THREAD = 40;
    /** The workload stops this many times (all threads) for the stores to be compared. */
    private static final int PHASES = 4;

    /** The two stores and the mapping between them. */
    enum Stores {
        POSTGRES_TO_POSTGRES(TestDatabases.Kind.POSTGRES, Workload.Dialect.POSTGRES,
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT NOT NULL, note VARCHAR(60),"
                        + " amount NUMERIC(12,2) NOT NULL, touched_at TIMESTAMP(6))",
                TableMapping.identity("orders"),
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT NOT NULL, note VARCHAR(60),"
                        + " amount NUMERIC(12,2) NOT NULL, touched_at TIMESTAMP(6))",
                "SELECT id, qty, note, amount, touched_at FROM orders"),
        MARIADB_TO_POSTGRES(TestDatabases.Kind.MARIADB, Workload.Dialect.MARIADB,
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT NOT NULL, note VARCHAR(60),"
                        + " amount DECIMAL(12,2) NOT NULL, touched_at DATETIME(6))",
                TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity").build(),
                "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT NOT NULL, note VARCHAR(60),"
                        + " amount NUMERIC(12,2) NOT NULL, touched_at TIMESTAMP(6))",
                "SELECT id, quantity AS qty, note, amount, touched_at FROM orders_v2");

        final TestDatabases.Kind oldKind;
        final Workload.Dialect dialect;
        final String oldTable;
        final TableMapping mapping;
        final String newTable;
        final String newSelect;

        Stores(TestDatabases.Kind oldKind, Workload.Dialect dialect, String oldTable, TableMapping mapping,
               String newTable, String newSelect) {
            this.oldKind = oldKind;
            this.dialect = dialect;
            this.oldTable = oldTable;
            this.mapping = mapping;
            this.newTable = newTable;
            this.newSelect = newSelect;
        }

        static final String OLD_SELECT = "SELECT id, qty, note, amount, touched_at FROM orders";
    }

    private static Level dualwriteLevel;

    @BeforeAll
    static void quieter() {
        // per-statement DEBUG lines of 12 runs would cost more time than the runs; WARN and ERROR stay
        Logger logger = (Logger) LoggerFactory.getLogger("io.dualwrite");
        dualwriteLevel = logger.getLevel();
        logger.setLevel(Level.INFO);
    }

    @AfterAll
    static void restore() {
        ((Logger) LoggerFactory.getLogger("io.dualwrite")).setLevel(dualwriteLevel);
    }

    static Stream<Arguments> matrix() {
        long[] seeds = Arrays.stream(System.getProperty("dualwrite.convergence.seeds", "20260301,7,424242").split(","))
                .map(String::trim).mapToLong(Long::parseLong).toArray();
        List<Arguments> cells = new ArrayList<>();
        for (Stores stores : Stores.values()) {
            for (MirrorMode mode : MirrorMode.values()) {
                for (long seed : seeds) {
                    cells.add(Arguments.of(stores, mode, seed));
                }
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} {1} seed={2}")
    @MethodSource("matrix")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void twoInstancesAndTheReconcilerConvergeTheStoresRowByRow(Stores stores, MirrorMode mode, long seed)
            throws Exception {
        converge(stores, mode, seed, null);
    }

    /**
     * The run of one cell; {@code oldSessions}, when not null, is a statement each session of the instances' old
     * store pools runs when it opens (as left there by an earlier borrower), the test's own reads staying clean.
     */
    static void converge(Stores stores, MirrorMode mode, long seed, String oldSessions, String... oldSetup)
            throws Exception {
        long started = System.nanoTime();
        String cell = stores + " " + mode + " seed=" + seed + (oldSessions == null ? "" : " sessions: " + oldSessions);
        FaultyStore newStoreFaults = new FaultyStore(1, 4, 0.12, 300);
        MirrorConfig mirrorConfig = MirrorConfig.custom().mode(mode).timeLimit(Duration.ofMillis(250))
                .breakerWaitInOpenState(Duration.ofMillis(200)).build();
        Map<MirrorOutcome, Integer> outcomes = new EnumMap<>(MirrorOutcome.class);
        Workload.Stats stats = new Workload.Stats();
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(stores.oldKind);
             TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute(stores.oldTable);
            newDb.execute(stores.newTable);
            seedBoth(oldDb, newDb, stores);
            oldDb.execute(oldSetup);
            Reconciler drainer = drainer(oldDb, newDb, stores.mapping);

            try (AppInstance first = new AppInstance("a", oldDb, newDb, java.util.function.UnaryOperator.identity(),
                    newStoreFaults::wrap, stores.mapping, mirrorConfig, event -> count(outcomes, event.outcome()),
                    Duration.ofSeconds(5), oldSessions);
                 AppInstance second = new AppInstance("b", oldDb, newDb, java.util.function.UnaryOperator.identity(),
                    newStoreFaults::wrap, stores.mapping, mirrorConfig, event -> count(outcomes, event.outcome()),
                    Duration.ofSeconds(5), oldSessions)) {
                first.reconciler.start(Duration.ofMillis(100));
                second.reconciler.start(Duration.ofMillis(100));
                Workload workload = new Workload(stores.dialect, KEYS, HOT_KEYS, stats, refusalWindows(newStoreFaults));
                List<Workload.Sequence> sequences = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    sequences.add(workload.sequence(seed * 1_000 + t));
                }
                for (int phase = 1; phase <= PHASES; phase++) {
                    runPhase(sequences, first, second);
                    boolean idle = first.writer.awaitMirrors(Duration.ofSeconds(30))
                            & second.writer.awaitMirrors(Duration.ofSeconds(30));
                    if (phase == PHASES) { // the end: the instances' reconcilers stop, the new store comes back
                        first.reconciler.close();
                        second.reconciler.close();
                        newStoreFaults.accept();
                    }
                    checkpoints.add(checkpoint(phase, idle, drainer, oldDb, newDb, stores));
                }
            }
            Checkpoint last = checkpoints.get(PHASES - 1);
            String report = String.format("%s: %s; mirrors %s; new store refused %d calls; checkpoints %s; %d rows; %d ms",
                    cell, stats, outcomes, newStoreFaults.refusals(), checkpoints, last.rows,
                    (System.nanoTime() - started) / 1_000_000);
            System.out.println("[convergence] " + report);

            SoftAssertions softly = new SoftAssertions();
            for (Checkpoint checkpoint : checkpoints) {
                String at = cell + " at checkpoint " + checkpoint.phase + "/" + PHASES;
                softly.assertThat(checkpoint.differences).as("%s — differences between the stores, row by row (%s)",
                        at, report).isEmpty();
                softly.assertThat(checkpoint.left).as("%s — change-log entries left: zero key entries, only scoped"
                                + " resyncs may stay", at)
                        .allSatisfy(entry -> assertThat(entry.get("operation")).isEqualTo("RESYNC"));
                softly.assertThat(checkpoint.idle).as("%s — both writers' mirrors drained", at).isTrue();
            }
            softly.assertThat(stats.unexpected).as("%s — unexpected exceptions in the application", cell).isEmpty();
            softly.assertThat(stats.commitFailures).as("%s — commits that threw (the mirror must never reach the caller)",
                    cell).isEmpty();
            softly.assertThat(newStoreFaults.refusals()).as("%s — the new store was refused some calls", cell).isPositive();
            softly.assertThat(outcomes.getOrDefault(MirrorOutcome.SUCCEEDED, 0)).as("%s — some mirrors succeeded", cell)
                    .isPositive();
            softly.assertThat(stats.committed.get()).as("%s — transactions committed", cell)
                    .isGreaterThan(THREADS * TRANSACTIONS_PER_THREAD / 3);
            softly.assertAll();
        }
    }

    /** The stores at a quiescent point: after the mirrors drained and a reconciler emptied the change log's keys. */
    private record Checkpoint(int phase, boolean idle, List<Reconciler.Result> runs, List<String> differences,
                              List<Map<String, Object>> left, long rows) {
        @Override
        public String toString() {
            return phase + ": reconciler " + runs.stream().map(r -> r.repaired() + "/" + r.claimed()).toList()
                    + ", " + differences.size() + " differences, " + left.size() + " entries left";
        }
    }

    private static Checkpoint checkpoint(int phase, boolean idle, Reconciler drainer, TestDatabase oldDb,
                                         TestDatabase newDb, Stores stores) {
        List<Reconciler.Result> runs = new ArrayList<>();
        // before the last phase the instances' own reconcilers still run: an entry one of them has claimed (its sync
        // held by a slow new store) is not due for the drainer until that run ends, so the drainer runs again until
        // no key entry is left, or 30 s have passed (then the assertions below report what is left)
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (keyEntries(oldDb) == 0) {
                    return true;
                }
                runs.add(drainer.runOnce());
                return keyEntries(oldDb) == 0;
            });
        } catch (org.awaitility.core.ConditionTimeoutException stillLeft) {
            // reported by the checkpoint's assertions, with the entries left
        }
        List<String> differences = StoreRows.differences(StoreRows.read(oldDb, Stores.OLD_SELECT),
                StoreRows.read(newDb, stores.newSelect));
        List<Map<String, Object>> left = oldDb.query("SELECT operation, row_key, reason, attempts, last_error"
                + " FROM dualwrite_change_log");
        return new Checkpoint(phase, idle, runs, differences, left, oldDb.count("SELECT COUNT(*) FROM orders"));
    }

    /** Each thread runs its next share of transactions, threads 0 and 2 on the first instance, 1 and 3 on the second. */
    private static void runPhase(List<Workload.Sequence> sequences, AppInstance first, AppInstance second)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(sequences.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < sequences.size(); t++) {
                AppInstance instance = t % 2 == 0 ? first : second;
                Workload.Sequence sequence = sequences.get(t);
                running.add(threads.submit(() -> sequence.run(instance.dataSource, TRANSACTIONS_PER_THREAD / PHASES)));
            }
            for (Future<?> thread : running) {
                thread.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** The new store is refused from 30 % to 40 % of the transactions, and again from 60 % to 70 %. */
    private static IntConsumer refusalWindows(FaultyStore store) {
        int total = THREADS * TRANSACTIONS_PER_THREAD;
        return ended -> {
            if (ended == total * 30 / 100 || ended == total * 60 / 100) {
                store.refuse();
            } else if (ended == total * 40 / 100 || ended == total * 70 / 100) {
                store.accept();
            }
        };
    }

    /**
     * A reconciler as a separate process would build it, on the stores' own pools, its clock a day ahead so that
     * entries waiting for their backoff are due; each checkpoint runs it until no key entry is left (at most 10
     * runs).
     */
    private static Reconciler drainer(TestDatabase oldDb, TestDatabase newDb, TableMapping mapping) {
        return Reconciler.builder().changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).mapping(mapping)
                .batchSize(1000).clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(1))).build();
    }

    private static long keyEntries(TestDatabase oldDb) {
        return oldDb.count("SELECT COUNT(*) FROM dualwrite_change_log WHERE operation <> 'RESYNC'");
    }

    /** Keys 1..20 with the same rows in both stores, as a finished backfill leaves them. */
    private static void seedBoth(TestDatabase oldDb, TestDatabase newDb, Stores stores) {
        String qty = stores.mapping.newColumn("qty").orElseThrow();
        for (int key = 1; key <= SEEDED_KEYS; key++) {
            String values = " VALUES (" + key + ", " + key + ", 'seed', " + key + ".10, '2025-12-31 23:59:59.123456')";
            oldDb.execute("INSERT INTO orders (id, qty, note, amount, touched_at)" + values);
            newDb.execute("INSERT INTO " + stores.mapping.newTable() + " (id, " + qty + ", note, amount, touched_at)"
                    + values);
        }
    }

    private static synchronized void count(Map<MirrorOutcome, Integer> outcomes, MirrorOutcome outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }
}
