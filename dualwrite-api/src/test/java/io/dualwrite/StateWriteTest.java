package io.dualwrite;

import static io.dualwrite.testing.Latches.awaitIgnoringInterrupts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import io.dualwrite.testing.FixedPhaseResolver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StateWriteTest {

    private static final String MIGRATION = "balances";
    private static final String TABLE = "balance";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final long SEED = 20_261_130L;

    private final FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.DUAL_WRITE);
    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private final List<MirrorEvent> events = new CopyOnWriteArrayList<>();
    private final MapStore oldStore = new MapStore("old");
    private final MapStore newStore = new MapStore("new");
    private final OverlapDetector overlaps = new OverlapDetector();
    private final StateSync<Integer> sync = overlaps.watch(StateSync.of(oldStore, newStore));
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private DualWriter writer;

    @AfterEach
    void tearDown() {
        release.countDown();
        threads.shutdownNow();
        if (writer != null) {
            writer.close();
        }
    }

    private DualWriter writer(MirrorConfig config) {
        writer = DualWriter.builder().resolver(resolver).changeLog(changeLog).observer(events::add)
                .mirrorConfig(config).build();
        return writer;
    }

    private static MirrorConfig config(MirrorMode mode) {
        return MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(30)).queueCapacity(100_000).build();
    }

    private static MigrationContext context(String key) {
        return MigrationContext.forMigration(MIGRATION).orderId(key).build();
    }

    private static RowRef row(String key) {
        return new RowRef(TABLE, key, Operation.UPSERT);
    }

    /** The application's write: the same relative update on whichever store is authoritative. */
    private StoreWrite<Integer, RuntimeException> add(String key, int amount) {
        return store -> map(store).merge(key, amount, Integer::sum);
    }

    private StoreWrite<Integer, RuntimeException> remove(String key) {
        return store -> map(store).remove(key);
    }

    private Map<String, Integer> map(Store store) {
        return store == Store.OLD ? oldStore.values : newStore.values;
    }

    @ParameterizedTest
    @EnumSource(MirrorMode.class)
    void concurrentWritersOfOverlappingKeysLeaveBothStoresEqualKeyByKey(MirrorMode mode) throws Exception {
        writer(config(mode));
        newStore.yieldBeforeWriting = true; // widens the gap between a sync's read and its write
        int writers = 6;
        int writesPerWriter = 400;
        int keys = 8;
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Random random = new Random(SEED + w);
            done.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < writesPerWriter; i++) {
                    String key = "k-" + random.nextInt(keys);
                    if (random.nextInt(10) == 0) {
                        writer.writeState(context(key), row(key), remove(key), sync);
                    } else {
                        writer.writeState(context(key), row(key), add(key, random.nextInt(100) - 30), sync);
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }

        assertThat(writer.awaitMirrors(PATIENCE)).isTrue();
        assertThat(oldStore.values).as("the writes reached the old store (seed %d)", SEED).isNotEmpty();
        assertThat(newStore.values).as("new store, key by key (seed %d)", SEED)
                .containsExactlyInAnyOrderEntriesOf(oldStore.values);
        assertThat(overlaps.count).as("syncs of one key that overlapped").hasValue(0);
        assertThat(changeLog.size()).isZero();
        assertThat(events).hasSize(writers * writesPerWriter)
                .allSatisfy(event -> assertThat(event.outcome()).isEqualTo(MirrorOutcome.SUCCEEDED));
        assertThat(writer.states().lockedKeys()).isZero();
    }

    @Test
    void failingNewStoreRecordsEachKeyAndSyncKeyRepairsThem() throws Exception {
        writer(config(MirrorMode.SYNC));
        newStore.values.put("k-gone", 5); // left over from before: the old store deletes it below
        oldStore.values.put("k-gone", 5);
        newStore.down = true;

        for (int i = 0; i < 4; i++) {
            writer.writeState(context("k-" + i), row("k-" + i), add("k-" + i, 10 + i), sync);
        }
        writer.writeState(context("k-gone"), row("k-gone"), remove("k-gone"), sync);

        assertThat(oldStore.values).containsOnlyKeys("k-0", "k-1", "k-2", "k-3");
        assertThat(newStore.values).containsOnlyKeys("k-gone");
        assertThat(changeLog.entries()).extracting(entry -> entry.record().key())
                .containsExactly("k-0", "k-1", "k-2", "k-3", "k-gone");
        assertThat(changeLog.entries()).allSatisfy(entry -> {
            assertThat(entry.record().reason()).isEqualTo("failed");
            assertThat(entry.record().target()).isEqualTo(Store.NEW);
            assertThat(entry.record().table()).isEqualTo(TABLE);
        });

        newStore.down = false;
        for (ChangeEntry entry : changeLog.entries()) {
            ChangeRecord record = entry.record();
            writer.syncKey(record.migration(), record.row(), record.target(), sync);
            changeLog.complete(entry.id());
        }

        assertThat(newStore.values).containsExactlyInAnyOrderEntriesOf(oldStore.values);
        assertThat(changeLog.size()).isZero();
    }

    @Test
    void syncKeyCopiesFromTheStoreThatDidNotMissTheWrite() throws Exception {
        writer(config(MirrorMode.SYNC));
        oldStore.values.put("k-1", 1);
        newStore.values.put("k-1", 2);
        newStore.values.put("k-2", 3);

        writer.syncKey(MIGRATION, row("k-1"), Store.OLD, sync);
        writer.syncKey(MIGRATION, row("k-2"), Store.OLD, sync);

        assertThat(oldStore.values).containsOnly(Map.entry("k-1", 2), Map.entry("k-2", 3));
        assertThatThrownBy(() -> writer.syncKey(MIGRATION,
                ChangeRecord.scopedResync(MIGRATION, TABLE, null, "unknown keys", Store.NEW, null).row(), Store.NEW,
                sync))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must name one key, but was the scoped resync balance/*");
    }

    @Test
    void syncKeyNeverRunsWhileASyncOfTheSameKeyIsStillRunning() throws Exception {
        // A short limit: the live sync is abandoned at once, but its work ignores the interrupt and keeps the key.
        writer(MirrorConfig.custom().mode(MirrorMode.ASYNC).timeLimit(Duration.ofMillis(200)).build());
        CountDownLatch writing = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        newStore.beforeWriting = () -> {
            if (writes.incrementAndGet() == 1) { // only the live sync's write is held
                writing.countDown();
                awaitIgnoringInterrupts(release);
            }
        };
        writer.writeState(context("k-1"), row("k-1"), add("k-1", 7), sync);
        assertThat(writing.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> writer.syncKey(MIGRATION, row("k-1"), Store.NEW, sync))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("key k-1 of table balance (migration balances) was still being synced after PT0.2S");
        assertThat(overlaps.count).hasValue(0);

        release.countDown();
        assertThat(writer.awaitMirrors(PATIENCE)).isTrue();
        // The lane gave up on the abandoned sync long ago; wait until its work let go of the key.
        await().atMost(PATIENCE).until(() -> writer.states().lockedKeys() == 0);
        writer.syncKey(MIGRATION, row("k-1"), Store.NEW, sync);
        assertThat(newStore.values).containsOnly(Map.entry("k-1", 7));
    }

    @Test
    void newPrimarySyncsTheNewStoreIntoTheOldOne() throws Exception {
        writer(config(MirrorMode.SYNC));
        resolver.phase = MigrationPhase.NEW_PRIMARY;

        writer.writeState(context("k-1"), row("k-1"), add("k-1", 4), sync);
        writer.writeState(context("k-1"), row("k-1"), add("k-1", 5), sync);

        assertThat(newStore.values).containsOnly(Map.entry("k-1", 9));
        assertThat(oldStore.values).containsOnly(Map.entry("k-1", 9));
        assertThat(events).extracting(event -> event.task().target()).containsExactly(Store.OLD, Store.OLD);
    }

    @Test
    void phasesWithoutMirrorWriteOnlyTheAuthoritativeStoreAndSyncNothing() {
        writer(config(MirrorMode.SYNC));

        resolver.phase = MigrationPhase.OLD_ONLY;
        assertThat(writer.writeState(context("k-1"), row("k-1"), add("k-1", 1), sync)).isEqualTo(1);
        resolver.phase = MigrationPhase.NEW_ONLY;
        writer.writeState(context("k-2"), row("k-2"), add("k-2", 2), sync);

        assertThat(oldStore.values).containsOnly(Map.entry("k-1", 1));
        assertThat(newStore.values).containsOnly(Map.entry("k-2", 2));
        assertThat(oldStore.reads.get() + newStore.reads.get()).isZero();
        assertThat(events).isEmpty();
    }

    @Test
    void writeStateReturnsTheResultAndUsesTheContextOpenOnThisThread() {
        writer(config(MirrorMode.SYNC));
        oldStore.values.put("k-1", 3);

        Integer balance;
        try (MigrationContext.Scope scope = context("k-1").open()) {
            balance = writer.writeState(row("k-1"), add("k-1", 4), sync);
        }

        assertThat(balance).isEqualTo(7);
        assertThat(newStore.values).containsOnly(Map.entry("k-1", 7));
        assertThat(resolver.lastWrite).isEqualTo(context("k-1"));
    }

    @Test
    void authoritativeExceptionReachesTheCallerUnchangedAndTheKeyIsStillSynced() {
        writer(config(MirrorMode.SYNC));
        IOException lostAnswer = new IOException("connection reset after commit");

        assertThatThrownBy(() -> writer.writeState(context("k-1"), row("k-1"), store -> {
            map(store).put("k-1", 42);
            throw lostAnswer;
        }, sync)).isSameAs(lostAnswer);

        assertThat(newStore.values).containsOnly(Map.entry("k-1", 42));
        assertThat(changeLog.size()).isZero();
    }

    @Test
    void alwaysModeCompletesTheOutboxEntryOnceTheSyncSucceededAndKeepsItWhenItFails() {
        writer(MirrorConfig.from(config(MirrorMode.SYNC)).changeLogMode(ChangeLogMode.ALWAYS).build());
        List<Integer> entriesSeenByWrite = new ArrayList<>();

        writer.writeState(context("k-1"), row("k-1"), store -> {
            entriesSeenByWrite.add(changeLog.size());
            return map(store).put("k-1", 1);
        }, sync);
        assertThat(entriesSeenByWrite).containsExactly(1);
        assertThat(changeLog.size()).isZero();

        newStore.down = true;
        writer.writeState(context("k-2"), row("k-2"), add("k-2", 2), sync);
        assertThat(changeLog.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.record().reason()).isEqualTo("outbox");
            assertThat(entry.record().key()).isEqualTo("k-2");
            assertThat(entry.lastError()).contains("new store down");
        });
    }

    @Test
    void readThatAnswersNullIsRecordedAsAFailedSync() {
        writer(config(MirrorMode.SYNC));
        KeyedStore<Integer> broken = new KeyedStore<>() {
            @Override
            public Optional<Integer> read(String key) {
                return null;
            }

            @Override
            public void upsert(String key, Integer value) {
            }

            @Override
            public void delete(String key) {
            }
        };

        writer.writeState(context("k-1"), row("k-1"), store -> 1, StateSync.of(broken, newStore));

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(MirrorOutcome.FAILED);
            assertThat(event.error()).hasMessageContaining("returned null from read(\"k-1\")");
        });
        assertThat(changeLog.size()).isEqualTo(1);
    }

    /** A store held in a map; it can be taken down, and can yield or block before each write. */
    static final class MapStore implements KeyedStore<Integer> {
        final Map<String, Integer> values = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        private final String name;
        volatile boolean down;
        volatile boolean yieldBeforeWriting;
        volatile Runnable beforeWriting = () -> { };

        MapStore(String name) {
            this.name = name;
        }

        @Override
        public Optional<Integer> read(String key) throws IOException {
            reads.incrementAndGet();
            failIfDown();
            return Optional.ofNullable(values.get(key));
        }

        @Override
        public void upsert(String key, Integer value) throws IOException {
            aboutToWrite();
            values.put(key, value);
        }

        @Override
        public void delete(String key) throws IOException {
            aboutToWrite();
            values.remove(key);
        }

        private void aboutToWrite() throws IOException {
            failIfDown();
            beforeWriting.run();
            if (yieldBeforeWriting) {
                Thread.yield();
            }
        }

        private void failIfDown() throws IOException {
            if (down) {
                throw new IOException(name + " store down");
            }
        }

        @Override
        public String toString() {
            return "MapStore[" + name + "]";
        }
    }

    /** Counts syncs of one key that were between their read and their write at the same time. */
    static final class OverlapDetector {
        final AtomicInteger count = new AtomicInteger();
        private final Map<String, Boolean> syncing = new ConcurrentHashMap<>();

        <V> StateSync<V> watch(StateSync<V> sync) {
            return store -> new KeyedStore<V>() {
                private final KeyedStore<V> delegate = sync.store(store);

                @Override
                public Optional<V> read(String key) throws Exception {
                    if (syncing.putIfAbsent(key, Boolean.TRUE) != null) {
                        count.incrementAndGet();
                    }
                    try {
                        return delegate.read(key);
                    } catch (Exception failed) {
                        syncing.remove(key);
                        throw failed;
                    }
                }

                @Override
                public void upsert(String key, V value) throws Exception {
                    try {
                        delegate.upsert(key, value);
                    } finally {
                        syncing.remove(key);
                    }
                }

                @Override
                public void delete(String key) throws Exception {
                    try {
                        delegate.delete(key);
                    } finally {
                        syncing.remove(key);
                    }
                }
            };
        }
    }
}
