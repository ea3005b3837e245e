package io.dualwrite.jdbc.copy;

import static io.dualwrite.testing.Latches.awaitIgnoringInterrupts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.DualWriter;
import io.dualwrite.KeyedStore;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.SharedKeyLock;
import io.dualwrite.StateSync;
import io.dualwrite.Store;
import io.dualwrite.StoreWrite;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.testing.FixedPhaseResolver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The state form of {@link DualWriter} across application instances: two writers (two processes' worth of state:
 * each its own in-process locks and mirror threads) sync the same keys of two real databases. With a
 * {@link JdbcSharedKeyLock} on the new store their syncs of one key never overlap, so the new store ends equal to
 * the old one; without it, a sync held between its read and its write lands an older value after a newer one.
 * Both stores are compared row by row with plain SQL.
 */
class SharedKeyLockTest {

    private static final String MIGRATION = "accounts";
    private static final String TABLE = "accounts";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        threads.shutdownNow();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSyncHeldBetweenItsReadAndItsWriteMakesTheOtherInstanceWaitForTheKey(Kind kind) throws Exception {
        Stores stores = stores(kind);
        Watched lock = new Watched(JdbcSharedKeyLock.on(stores.newDb.dataSource()));
        Accounts newHeld = stores.newAccounts();
        DualWriter first = writer(lock);
        DualWriter second = writer(lock);
        StateSync<Integer> heldSync = StateSync.of(stores.oldAccounts(), newHeld);
        Accounts secondOld = stores.oldAccounts();
        StateSync<Integer> secondSync = StateSync.of(secondOld, stores.newAccounts());

        newHeld.holdNextUpsert();
        first.writeState(context("a-1"), row("a-1"), set(stores, "a-1", 1), heldSync);
        awaitIgnoringInterrupts(newHeld.holding); // the first sync read 1 and is about to write it
        second.writeState(context("a-1"), row("a-1"), set(stores, "a-1", 2), secondSync);
        await().atMost(PATIENCE).until(() -> lock.waiting.get() == 1 && waitsForTheLock(stores.newDb, lock));
        assertThat(secondOld.reads).as("the second sync has not read before the first wrote").hasValue(0);

        newHeld.release.countDown();
        assertThat(first.awaitMirrors(PATIENCE)).isTrue();
        assertThat(second.awaitMirrors(PATIENCE)).isTrue();

        assertThat(rows(stores.newDb)).isEqualTo(rows(stores.oldDb)).containsEntry("a-1", 2);
    }

    /** What the shared lock is for: the same steps without it leave the new store holding the older value. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void withoutASharedLockTheHeldSyncOverwritesTheNewerValue(Kind kind) throws Exception {
        Stores stores = stores(kind);
        Accounts newHeld = stores.newAccounts();
        DualWriter first = writer(null);
        DualWriter second = writer(null);
        newHeld.holdNextUpsert();
        first.writeState(context("a-1"), row("a-1"), set(stores, "a-1", 1),
                StateSync.of(stores.oldAccounts(), newHeld));
        awaitIgnoringInterrupts(newHeld.holding);
        second.writeState(context("a-1"), row("a-1"), set(stores, "a-1", 2),
                StateSync.of(stores.oldAccounts(), stores.newAccounts()));
        assertThat(second.awaitMirrors(PATIENCE)).isTrue();
        newHeld.release.countDown();
        assertThat(first.awaitMirrors(PATIENCE)).isTrue();

        assertThat(rows(stores.oldDb)).containsEntry("a-1", 2);
        assertThat(rows(stores.newDb)).containsEntry("a-1", 1);
    }

    static List<Arguments> seededRuns() {
        List<Arguments> runs = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (MirrorMode mode : MirrorMode.values()) {
                runs.add(Arguments.of(kind, mode, 20_261_205L));
                runs.add(Arguments.of(kind, mode, 77L));
            }
        }
        return runs;
    }

    @ParameterizedTest(name = "{0} {1} seed {2}")
    @MethodSource("seededRuns")
    void twoInstancesAndARepairLoopOnOverlappingKeysLeaveTheStoresEqualRowByRow(Kind kind, MirrorMode mode, long seed)
            throws Exception {
        Stores stores = stores(kind);
        SharedKeyLock lock = JdbcSharedKeyLock.on(stores.newDb.dataSource());
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        List<DualWriter> instances = List.of(writer(lock, mode, changeLog), writer(lock, mode, changeLog));
        Accounts slowNew = stores.newAccounts();
        slowNew.slowUpserts = true; // widens the gap between a sync's read and its write
        StateSync<Integer> sync = StateSync.of(stores.oldAccounts(), slowNew);
        int callers = 4;
        int writesPerCaller = 60;
        CyclicBarrier start = new CyclicBarrier(callers + 2); // the callers, the repair loop and this thread
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            Random random = new Random(seed + c);
            DualWriter instance = instances.get(c % 2);
            done.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < writesPerCaller; i++) {
                    String key = "a-" + random.nextInt(5);
                    StoreWrite<Integer, SQLException> write = random.nextInt(8) == 0
                            ? store -> stores.delete(key)
                            : store -> stores.add(key, random.nextInt(50) - 10);
                    instance.writeState(context(key), row(key), write, sync);
                }
                return null;
            }));
        }
        Random repairs = new Random(seed);
        Future<?> repairLoop = threads.submit(() -> {
            start.await();
            while (writing.get()) { // a repair job in a third process: the same lock, its own writer
                String key = "a-" + repairs.nextInt(5);
                instances.get(1).syncKey(MIGRATION, row(key), Store.NEW, sync);
            }
            return null;
        });
        start.await();
        for (Future<?> caller : done) {
            caller.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        writing.set(false);
        repairLoop.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        for (DualWriter instance : instances) {
            assertThat(instance.awaitMirrors(PATIENCE)).isTrue();
        }
        for (ChangeEntry entry : changeLog.claim(1_000, Instant.now().plus(Duration.ofDays(1)), Duration.ofMinutes(1))) {
            instances.get(0).syncKey(entry.record().migration(), entry.record().row(), entry.record().target(), sync);
            changeLog.complete(entry.id());
        }

        assertThat(rows(stores.oldDb)).isNotEmpty();
        assertThat(rows(stores.newDb)).isEqualTo(rows(stores.oldDb));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aKeyStillLockedElsewhereFailsTheSyncAndIsRecordedNotWritten(Kind kind) throws Exception {
        Stores stores = stores(kind);
        JdbcSharedKeyLock lock = JdbcSharedKeyLock.on(stores.newDb.dataSource());
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        DualWriter writer = writer(lock, MirrorMode.SYNC, changeLog, Duration.ofMillis(300));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Future<?> elsewhere = threads.submit(() -> { // another process holding the key
            try (SharedKeyLock.Hold hold = lock.acquire(MIGRATION, TABLE, "a-1", PATIENCE)) {
                held.countDown();
                awaitIgnoringInterrupts(done);
            }
            return null;
        });
        awaitIgnoringInterrupts(held);

        Integer result = writer.writeState(context("a-1"), row("a-1"), set(stores, "a-1", 9),
                StateSync.of(stores.oldAccounts(), stores.newAccounts()));

        assertThat(result).as("the caller's result, whatever the sync did").isEqualTo(1);
        assertThat(rows(stores.oldDb)).containsEntry("a-1", 9);
        assertThat(rows(stores.newDb)).doesNotContainKey("a-1");
        await().atMost(PATIENCE).until(() -> changeLog.pendingCount(MIGRATION) == 1);
        assertThat(changeLog.pendingKeys(MIGRATION, TABLE, List.of("a-1", "a-2"))).containsExactly("a-1");
        done.countDown();
        elsewhere.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        // the abandoned sync may still wait for the key in this process until its own wait ends
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            writer.syncKey(MIGRATION, row("a-1"), Store.NEW, StateSync.of(stores.oldAccounts(), stores.newAccounts()));
            return true;
        });
        assertThat(rows(stores.newDb)).isEqualTo(rows(stores.oldDb));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void releasingGivesTheConnectionBackAsItWas(Kind kind) throws Exception {
        Stores stores = stores(kind);
        JdbcSharedKeyLock lock = JdbcSharedKeyLock.on(stores.newDb.dataSource());
        for (int i = 0; i < 30; i++) { // more holds than the pool has connections: each one is given back
            lock.acquire(MIGRATION, TABLE, "a-" + i, PATIENCE).close();
        }
        try (Connection connection = stores.newDb.dataSource().getConnection()) {
            assertThat(connection.getAutoCommit()).isTrue();
        }
        assertThat(stores.newDb.pool().getHikariPoolMXBean().getActiveConnections()).isZero();
        assertThatThrownBy(() -> JdbcSharedKeyLock.on(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dataSource");
    }

    // ---------------------------------------------------------------------------------------------------------

    private DualWriter writer(SharedKeyLock lock) {
        return writer(lock, MirrorMode.ASYNC, ChangeLogs.inMemory());
    }

    private DualWriter writer(SharedKeyLock lock, MirrorMode mode, InMemoryChangeLog changeLog) {
        return writer(lock, mode, changeLog, Duration.ofSeconds(30));
    }

    private DualWriter writer(SharedKeyLock lock, MirrorMode mode, InMemoryChangeLog changeLog, Duration timeLimit) {
        DualWriter.Builder builder = DualWriter.builder().resolver(new FixedPhaseResolver(MigrationPhase.DUAL_WRITE))
                .changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(mode).timeLimit(timeLimit).lanes(2).build());
        if (lock != null) {
            builder.sharedKeyLock(lock);
        }
        DualWriter writer = builder.build();
        closing.add(writer);
        return writer;
    }

    private static MigrationContext context(String key) {
        return MigrationContext.forMigration(MIGRATION).orderId(key).build();
    }

    private static RowRef row(String key) {
        return new RowRef(TABLE, key, Operation.UPSERT);
    }

    private static StoreWrite<Integer, SQLException> set(Stores stores, String key, int balance) {
        return store -> stores.set(key, balance);
    }

    /** Whether the database shows a session waiting for a lock (H2's lock lives in this JVM: the watch says it). */
    private static boolean waitsForTheLock(TestDatabase db, Watched lock) {
        return switch (db.kind()) {
            case POSTGRES -> db.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 1;
            case MARIADB -> db.count("SELECT count(*) FROM information_schema.processlist WHERE state = 'User lock'"
                    + " AND db = DATABASE()") == 1;
            case H2 -> {
                Thread waiter = lock.waiter.get();
                yield waiter != null && (waiter.getState() == Thread.State.TIMED_WAITING
                        || waiter.getState() == Thread.State.WAITING);
            }
        };
    }

    /** Every row of {@code accounts}, read with plain SQL. */
    private static Map<String, Integer> rows(TestDatabase db) {
        Map<String, Integer> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT id, balance FROM accounts")) {
            rows.put(String.valueOf(value(row, "id")), ((Number) value(row, "balance")).intValue());
        }
        return rows;
    }

    private static Object value(Map<String, Object> row, String column) {
        return row.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(column)).findFirst().orElseThrow()
                .getValue();
    }

    private Stores stores(Kind kind) {
        TestDatabase oldDb = TestDatabases.create(kind);
        closing.add(oldDb);
        TestDatabase newDb = TestDatabases.create(kind);
        closing.add(newDb);
        for (TestDatabase db : List.of(oldDb, newDb)) {
            db.execute("CREATE TABLE accounts (id VARCHAR(20) PRIMARY KEY, balance INT NOT NULL)");
        }
        return new Stores(oldDb, newDb);
    }

    private record Stores(TestDatabase oldDb, TestDatabase newDb) {

        Accounts oldAccounts() {
            return new Accounts(oldDb);
        }

        Accounts newAccounts() {
            return new Accounts(newDb);
        }

        /** The application's write on the old store; returns the rows it changed. */
        int set(String key, int balance) throws SQLException {
            try (Connection c = oldDb.dataSource().getConnection()) {
                return Accounts.upsert(c, oldDb.kind(), key, balance);
            }
        }

        int add(String key, int amount) throws SQLException {
            try (Connection c = oldDb.dataSource().getConnection();
                    PreparedStatement update = c.prepareStatement(
                            "UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
                update.setInt(1, amount);
                update.setString(2, key);
                return update.executeUpdate() == 1 ? 1 : Accounts.upsert(c, oldDb.kind(), key, amount);
            }
        }

        int delete(String key) throws SQLException {
            try (Connection c = oldDb.dataSource().getConnection();
                    PreparedStatement delete = c.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
                delete.setString(1, key);
                return delete.executeUpdate();
            }
        }
    }

    /** One store of {@code accounts} by key, over plain JDBC; the new side can hold its next upsert or slow them. */
    private static final class Accounts implements KeyedStore<Integer> {
        final TestDatabase db;
        final AtomicInteger reads = new AtomicInteger();
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean holdNext = new AtomicBoolean();
        volatile boolean slowUpserts;

        Accounts(TestDatabase db) {
            this.db = db;
        }

        void holdNextUpsert() {
            holdNext.set(true);
        }

        @Override
        public Optional<Integer> read(String key) throws SQLException {
            reads.incrementAndGet();
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement read = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
                read.setString(1, key);
                try (ResultSet row = read.executeQuery()) {
                    return row.next() ? Optional.of(row.getInt(1)) : Optional.empty();
                }
            }
        }

        @Override
        public void upsert(String key, Integer value) throws SQLException {
            if (holdNext.compareAndSet(true, false)) {
                holding.countDown();
                awaitIgnoringInterrupts(release);
            }
            if (slowUpserts) {
                // latency of a slower store, not a wait for async work
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextInt(500)));
            }
            try (Connection c = db.dataSource().getConnection()) {
                upsert(c, db.kind(), key, value);
            }
        }

        @Override
        public void delete(String key) throws SQLException {
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement delete = c.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
                delete.setString(1, key);
                delete.executeUpdate();
            }
        }

        static int upsert(Connection c, Kind kind, String key, int balance) throws SQLException {
            String sql = switch (kind) {
                case H2 -> "MERGE INTO accounts (id, balance) KEY (id) VALUES (?, ?)";
                case POSTGRES -> "INSERT INTO accounts (id, balance) VALUES (?, ?)"
                        + " ON CONFLICT (id) DO UPDATE SET balance = EXCLUDED.balance";
                case MARIADB -> "INSERT INTO accounts (id, balance) VALUES (?, ?)"
                        + " ON DUPLICATE KEY UPDATE balance = VALUES(balance)";
            };
            try (PreparedStatement upsert = c.prepareStatement(sql)) {
                upsert.setString(1, key);
                upsert.setInt(2, balance);
                upsert.executeUpdate();
                return 1;
            }
        }
    }

    /** A lock that says which thread waits in it. */
    private static final class Watched implements SharedKeyLock {
        final SharedKeyLock lock;
        final AtomicInteger waiting = new AtomicInteger();
        final AtomicReference<Thread> waiter = new AtomicReference<>();
        private final AtomicBoolean first = new AtomicBoolean(true);

        Watched(SharedKeyLock lock) {
            this.lock = lock;
        }

        @Override
        public Hold acquire(String migration, String table, String key, Duration wait) throws Exception {
            boolean second = !first.compareAndSet(true, false);
            if (second) {
                waiter.set(Thread.currentThread());
                waiting.incrementAndGet();
            }
            try {
                return lock.acquire(migration, table, key, wait);
            } finally {
                if (second) {
                    waiting.decrementAndGet();
                }
            }
        }
    }
}
