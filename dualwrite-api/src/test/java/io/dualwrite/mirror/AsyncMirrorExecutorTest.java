package io.dualwrite.mirror;

import static io.dualwrite.mirror.Tasks.MIGRATION;
import static io.dualwrite.mirror.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncMirrorExecutorTest extends MirrorExecutorFixture {

    AsyncMirrorExecutorTest() {
        super("async-test", MirrorMode.ASYNC);
    }

    @Test
    void perKeyOrderHoldsUnderConcurrentWriters() throws Exception {
        int threads = 8;
        int writesPerThread = 2_000;
        int keys = 50;
        executor(MirrorConfig.custom().queueCapacity(threads * writesPerThread));
        ConcurrentHashMap<String, Integer> applied = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, Integer> submitted = new ConcurrentHashMap<>();
        AtomicInteger outOfOrder = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService writers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(writers.submit(() -> {
                    // Each thread owns the keys congruent to its number, so it alone numbers their writes.
                    List<String> own = new ArrayList<>();
                    for (int k = thread; k < keys; k += threads) {
                        own.add("k-" + k);
                    }
                    start.await();
                    for (int i = 0; i < writesPerThread; i++) {
                        String key = own.get(i % own.size());
                        int sequence = submitted.merge(key, 1, Integer::sum);
                        executor.submit(task(key, () -> {
                            Integer previous = applied.put(key, sequence);
                            if ((previous == null ? 0 : previous) != sequence - 1) {
                                outOfOrder.incrementAndGet();
                            }
                        }));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> observer.size() == threads * writesPerThread);
        assertThat(outOfOrder).hasValue(0);
        assertThat(applied).isEqualTo(submitted);
        assertThat(observer.count(MirrorOutcome.SUCCEEDED)).isEqualTo((long) threads * writesPerThread);
        assertThat(changeLog.size()).isZero();
    }

    @Test
    void submitNeverBlocksWhileEveryLaneHangsAndAFullQueueRejectsAndRecords() {
        int lanes = 2;
        int capacity = 10;
        Duration limit = Duration.ofSeconds(30);
        executor(MirrorConfig.custom().lanes(lanes).queueCapacity(capacity).timeLimit(limit));
        CountDownLatch hanging = new CountDownLatch(lanes);
        CountDownLatch ended = new CountDownLatch(lanes);
        AtomicInteger ran = new AtomicInteger();

        long start = System.nanoTime();
        for (String key : Tasks.keysOnDistinctLanes(lanes)) {
            executor.submit(task(key, Tasks.stubborn(hanging, release, ended)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> hanging.getCount() == 0);
        for (int i = 0; i < capacity + 5; i++) {
            executor.submit(task("q-" + i, ran::incrementAndGet));
        }
        long elapsed = System.nanoTime() - start;

        assertThat(elapsed).as("submits with every lane hanging").isLessThan(limit.toNanos() / 3);
        // recorded off the caller's thread, by the executor's recording thread
        await().atMost(Duration.ofSeconds(60)).until(() -> changeLog.entries().size() == 5);
        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.REJECTED, MirrorOutcome.REJECTED,
                MirrorOutcome.REJECTED, MirrorOutcome.REJECTED, MirrorOutcome.REJECTED);
        assertThat(changeLog.entries()).hasSize(5)
                .allSatisfy(entry -> assertThat(entry.record().reason()).isEqualTo("rejected"));

        release.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> observer.count(MirrorOutcome.SUCCEEDED) == lanes + capacity);
        assertThat(ran).hasValue(capacity);
        assertThat(changeLog.size()).isEqualTo(5);
    }

    @Test
    void failureOnALaneIsRecordedOnce() {
        executor(MirrorConfig.custom());
        RuntimeException boom = new IllegalStateException("new store down");

        executor.submit(task("o-1", () -> {
            throw boom;
        }));

        await().atMost(Duration.ofSeconds(60)).until(() -> observer.size() == 1);
        assertThat(observer.events()).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(MirrorOutcome.FAILED);
            assertThat(event.error()).isSameAs(boom);
            assertThat(event.latency()).isGreaterThanOrEqualTo(Duration.ZERO);
        });
        assertThat(changeLog.entries()).singleElement()
                .satisfies(entry -> assertThat(entry.record().reason()).isEqualTo("failed"));
    }

    @Test
    void closeRecordsQueuedTasksAsShutDown() {
        // The lane hangs (until its 2 s limit) while three tasks wait behind it; close() drains them.
        executor(MirrorConfig.custom().lanes(1).timeLimit(Duration.ofSeconds(2)));
        CountDownLatch hanging = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        executor.submit(task("o-0", Tasks.stubborn(hanging, release, new CountDownLatch(1))));
        await().atMost(Duration.ofSeconds(60)).until(() -> hanging.getCount() == 0);
        for (int i = 1; i <= 3; i++) {
            executor.submit(task("o-" + i, ran::incrementAndGet));
        }

        executor.close();

        assertThat(ran).hasValue(0);
        assertThat(observer.count(MirrorOutcome.SHUT_DOWN)).isEqualTo(3);
        assertThat(observer.count(MirrorOutcome.TIMED_OUT)).isEqualTo(1);
        assertThat(changeLog.pendingCount(MIGRATION)).isEqualTo(4);
    }

    @Test
    void crashBeforeTheMirrorRunsLeavesTheOutboxEntry() {
        executor(MirrorConfig.custom().lanes(1).timeLimit(Duration.ofSeconds(2)));
        CountDownLatch hanging = new CountDownLatch(1);
        executor.submit(task("o-0", Tasks.stubborn(hanging, release, new CountDownLatch(1))));
        await().atMost(Duration.ofSeconds(60)).until(() -> hanging.getCount() == 0);
        MirrorTask queued = task("o-1", () -> { });
        long outbox = changeLog.record(ChangeRecord.of(MIGRATION, queued.rows().get(0), "outbox", Store.NEW,
                queued.context()).withDueAt(Instant.now().plusSeconds(60)));
        executor.submit(Tasks.withOutbox(queued, outbox));

        executor.close();

        assertThat(changeLog.entries()).filteredOn(entry -> entry.record().key().equals("o-1"))
                .singleElement().satisfies(entry -> {
                    assertThat(entry.id()).isEqualTo(outbox);
                    assertThat(entry.record().reason()).isEqualTo("outbox");
                    assertThat(entry.lastError()).isEqualTo("shut-down");
                });
    }
}
