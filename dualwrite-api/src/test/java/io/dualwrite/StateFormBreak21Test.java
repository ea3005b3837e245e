package io.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import io.dualwrite.testing.FixedPhaseResolver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Round 21, the programmatic API's state form across a switch flip: a sync handed off under one phase runs after the
 * switch moved the key's authority to the other store. The sync copied from the store that was authoritative at
 * hand-off, so it wrote the former authority's value over a write the application had just made under the new one,
 * and the next sync spread that older value to both stores: the caller's write was lost, with nothing recorded. Now
 * such a sync writes nothing and is recorded; the write under the new authority reaches the other store by its own
 * sync. Each test ends by comparing both stores key by key in the test itself.
 */
class StateFormBreak21Test {

    private static final String MIGRATION = "balances";
    private static final RowRef ROW = new RowRef("balance", "k-1", Operation.UPSERT);
    private static final MigrationContext CONTEXT = MigrationContext.forMigration(MIGRATION).merchantId("m-1").build();

    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private final Map<String, Integer> oldValues = new ConcurrentHashMap<>();
    private final Map<String, Integer> newValues = new ConcurrentHashMap<>();
    private final CountDownLatch firstReadEntered = new CountDownLatch(1);
    private final CountDownLatch releaseFirstRead = new CountDownLatch(1);
    private final List<MirrorEvent> events = new CopyOnWriteArrayList<>();
    private DualWriter writer;

    @AfterEach
    void tearDown() {
        releaseFirstRead.countDown();
        if (writer != null) {
            writer.close();
        }
    }

    /** A store by key whose first read (the first sync's) waits until the test releases it. */
    private KeyedStore<Integer> store(Map<String, Integer> values, boolean holdFirstRead) {
        return new KeyedStore<>() {
            private volatile boolean held;

            @Override
            public Optional<Integer> read(String key) throws InterruptedException {
                if (holdFirstRead && !held) {
                    held = true;
                    firstReadEntered.countDown();
                    releaseFirstRead.await(60, TimeUnit.SECONDS);
                }
                return Optional.ofNullable(values.get(key));
            }

            @Override
            public void upsert(String key, Integer value) {
                values.put(key, value);
            }

            @Override
            public void delete(String key) {
                values.remove(key);
            }
        };
    }

    private StoreWrite<Integer, RuntimeException> set(int value) {
        return store -> (store == Store.OLD ? oldValues : newValues).put(ROW.key(), value);
    }

    private void assertStoresEqualKeyByKey() {
        assertThat(new TreeMap<>(newValues)).isEqualTo(new TreeMap<>(oldValues));
    }

    /** One change-log entry (a failed sync) for k-1; the mirror's error names the phase the key moved to. */
    private void assertRecordedOnce(String... phases) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(changeLog.entries())
                .extracting(entry -> entry.record().key() + " " + entry.record().reason()).containsExactly("k-1 failed"));
        assertThat(events).filteredOn(event -> event.outcome() == MirrorOutcome.FAILED).singleElement()
                .satisfies(event -> assertThat(String.valueOf(event.error())).containsAnyOf(phases)
                        .contains("neither store was written"));
    }

    private DualWriter writer(FixedPhaseResolver resolver, MirrorMode mode) {
        writer = DualWriter.builder().resolver(resolver).changeLog(changeLog).observer(events::add)
                .mirrorConfig(MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(30)).build()).build();
        return writer;
    }

    // Input (async): NEW_PRIMARY, writeState sets k-1 = 1 on the new store; its sync (new -> old) is slow to read.
    // The operator rolls back to DUAL_WRITE and the application sets k-1 = 2 on the old store (now authoritative).
    // Before the fix the first sync then read 1 from the new store, wrote it over the old store's 2, and the second
    // sync copied 1 back to the new store: both stores held 1, the caller's write of 2 was gone, nothing recorded.
    // Expected: both stores hold 2; the first sync, which could no longer run, is recorded naming the move.
    @Test
    void aRollbackFlipWhileASyncIsSlowNeverLosesTheWriteMadeUnderTheOldAuthority() throws Exception {
        FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.NEW_PRIMARY);
        DualWriter writer = writer(resolver, MirrorMode.ASYNC);
        StateSync<Integer> sync = StateSync.of(store(oldValues, false), store(newValues, true));

        writer.writeState(CONTEXT, ROW, set(1), sync);
        assertThat(firstReadEntered.await(60, TimeUnit.SECONDS)).isTrue();
        resolver.phase = MigrationPhase.DUAL_WRITE;
        writer.writeState(CONTEXT, ROW, set(2), sync);
        releaseFirstRead.countDown();

        assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
        assertThat(oldValues).containsEntry("k-1", 2);
        assertStoresEqualKeyByKey();
        assertRecordedOnce("NEW_PRIMARY", "DUAL_WRITE");
    }

    // Input (async): the other way: DUAL_WRITE, k-1 = 1 on the old store, its sync (old -> new) slow; the operator
    // moves the merchant to NEW_PRIMARY and the application sets k-1 = 2 on the new store. Before the fix the first
    // sync wrote the old store's 1 over the new store's 2. Expected: both stores hold 2; the first sync is recorded.
    @Test
    void aForwardFlipWhileASyncIsSlowNeverLosesTheWriteMadeUnderTheNewAuthority() throws Exception {
        FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.DUAL_WRITE);
        DualWriter writer = writer(resolver, MirrorMode.ASYNC);
        StateSync<Integer> sync = StateSync.of(store(oldValues, true), store(newValues, false));

        writer.writeState(CONTEXT, ROW, set(1), sync);
        assertThat(firstReadEntered.await(60, TimeUnit.SECONDS)).isTrue();
        resolver.phase = MigrationPhase.NEW_PRIMARY;
        writer.writeState(CONTEXT, ROW, set(2), sync);
        releaseFirstRead.countDown();

        assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
        assertThat(newValues).containsEntry("k-1", 2);
        assertStoresEqualKeyByKey();
        assertRecordedOnce("NEW_PRIMARY", "DUAL_WRITE");
    }

    // Input (async): NEW_PRIMARY, k-1 = 1 on the new store, its sync slow; the operator moves straight to OLD_ONLY
    // (forced) and the application sets k-1 = 2 on the old store, which no longer mirrors. Before the fix the slow
    // sync wrote 1 over the old store's 2, nothing recorded. Expected: the old store keeps 2; the sync that can no
    // longer run in its direction is recorded in the change log, never silent.
    @Test
    void aSyncWhosePhaseStoppedMirroringIsRecordedAndNeverWritesOverTheAuthority() throws Exception {
        FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.NEW_PRIMARY);
        DualWriter writer = writer(resolver, MirrorMode.ASYNC);
        StateSync<Integer> sync = StateSync.of(store(oldValues, false), store(newValues, true));

        writer.writeState(CONTEXT, ROW, set(1), sync);
        assertThat(firstReadEntered.await(60, TimeUnit.SECONDS)).isTrue();
        resolver.phase = MigrationPhase.OLD_ONLY;
        writer.writeState(CONTEXT, ROW, set(2), sync);
        releaseFirstRead.countDown();

        assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
        assertThat(oldValues).containsEntry("k-1", 2);
        assertRecordedOnce("OLD_ONLY");
        assertThat(newValues).containsEntry("k-1", 1);
        // the operator, told the key moved, repairs the new store from the old one (authoritative in OLD_ONLY)
        writer.syncKey(MIGRATION, ROW, Store.NEW, sync);
        assertStoresEqualKeyByKey();
    }

    // Input (SYNC): as the rollback above, with each caller waiting for its own sync: thread A sets k-1 = 1 under
    // NEW_PRIMARY and waits while its sync (new -> old) is slow to read; the operator rolls back to DUAL_WRITE; thread
    // B sets k-1 = 2 on the old store and waits for its sync, queued behind A's on the key's lock. Expected: both
    // callers return, both stores hold 2, A's sync is recorded naming the move.
    @Test
    void aRollbackFlipBetweenTwoSyncCallersNeverLosesTheSecondWrite() throws Exception {
        FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.NEW_PRIMARY);
        DualWriter writer = writer(resolver, MirrorMode.SYNC);
        StateSync<Integer> sync = StateSync.of(store(oldValues, false), store(newValues, true));
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<?> first = callers.submit(() -> writer.writeState(CONTEXT, ROW, set(1), sync));
            assertThat(firstReadEntered.await(60, TimeUnit.SECONDS)).isTrue();
            resolver.phase = MigrationPhase.DUAL_WRITE;
            CountDownLatch secondWritten = new CountDownLatch(1);
            java.util.concurrent.Future<?> second = callers.submit(() -> writer.writeState(CONTEXT, ROW, store -> {
                Integer previous = set(2).write(store);
                secondWritten.countDown();
                return previous;
            }, sync));
            assertThat(secondWritten.await(60, TimeUnit.SECONDS)).isTrue();
            releaseFirstRead.countDown();
            first.get(60, TimeUnit.SECONDS);
            second.get(60, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }

        assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
        assertThat(oldValues).containsEntry("k-1", 2);
        assertStoresEqualKeyByKey();
        assertRecordedOnce("NEW_PRIMARY", "DUAL_WRITE");
    }
}
