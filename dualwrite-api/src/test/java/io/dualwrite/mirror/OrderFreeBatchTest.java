package io.dualwrite.mirror;

import static io.dualwrite.mirror.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Batchable (order-free) work in async mode: it leaves the per-key lanes for one shared queue, any free lane
 * takes it, and the tasks queued together merge into runs of at most {@code maxBatchRows} rows of one batch key.
 */
class OrderFreeBatchTest extends MirrorExecutorFixture {

    /** Every run of the recording works: its batch key and the keys it carried. */
    private final List<Run> runs = new CopyOnWriteArrayList<>();

    OrderFreeBatchTest() {
        super("batch-test", MirrorMode.ASYNC);
    }

    private record Run(String batchKey, List<String> keys) {
    }

    /** A work that records what it ran; merging concatenates the keys. */
    private class Recording implements MirrorWork.Batchable {
        private final String batchKey;
        private final List<String> keys;
        private final CountDownLatch hold;

        Recording(String batchKey, List<String> keys, CountDownLatch hold) {
            this.batchKey = batchKey;
            this.keys = keys;
            this.hold = hold;
        }

        @Override
        public void run() throws Exception {
            if (!hold.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("held too long");
            }
            runs.add(new Run(batchKey, keys));
        }

        @Override
        public Object batchKey() {
            return batchKey;
        }

        @Override
        public MirrorWork mergeWith(List<MirrorWork> later) {
            List<String> all = new ArrayList<>(keys);
            for (MirrorWork work : later) {
                all.addAll(((Recording) work).keys);
            }
            return new Recording(batchKey, all, hold);
        }
    }

    private MirrorTask sync(String batchKey, String key) {
        return task(key, new Recording(batchKey, List.of(key), new CountDownLatch(0)));
    }

    @Test
    void syncsOfKeysOnEveryLaneQueuedTogetherRunAsOneBatchOnTheFirstFreeLane() {
        int lanes = 4;
        executor(MirrorConfig.custom().lanes(lanes).batchLinger(Duration.ZERO));
        List<CountDownLatch> held = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(lanes);
        for (String key : Tasks.keysOnDistinctLanes(lanes)) {
            CountDownLatch hold = new CountDownLatch(1);
            held.add(hold);
            executor.submit(task(key, () -> {
                started.countDown();
                hold.await();
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> started.getCount() == 0);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            keys.add("o-" + i); // keys whose ordering keys hash to every lane
            executor.submit(sync("copier-1", "o-" + i));
        }

        held.get(0).countDown(); // one lane becomes free; the others stay busy

        await().atMost(Duration.ofSeconds(60)).until(() -> observer.count(MirrorOutcome.SUCCEEDED) == 2);
        assertThat(runs).singleElement().satisfies(run -> assertThat(run.keys()).containsExactlyElementsOf(keys));
        held.forEach(CountDownLatch::countDown);
        await().atMost(Duration.ofSeconds(60)).until(() -> observer.size() == lanes + 1);
        assertThat(changeLog.size()).isZero();
    }

    @Test
    void aBatchNeverMixesBatchKeysOrExceedsItsRowLimitAndLosesNoTask() {
        executor(MirrorConfig.custom().lanes(1).maxBatchRows(3).batchLinger(Duration.ZERO));
        CountDownLatch laneHeld = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        executor.submit(task("blocker", () -> {
            started.countDown();
            laneHeld.await();
        }));
        await().atMost(Duration.ofSeconds(60)).until(() -> started.getCount() == 0);
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String batchKey = i % 7 == 6 ? "copier-2" : "copier-1";
            submitted.add(batchKey + ":o-" + i);
            executor.submit(sync(batchKey, "o-" + i));
        }

        laneHeld.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> runs.stream().mapToInt(run -> run.keys().size()).sum() == 20);
        assertThat(runs).allSatisfy(run -> assertThat(run.keys()).hasSizeBetween(1, 3));
        List<String> ran = new ArrayList<>();
        runs.forEach(run -> run.keys().forEach(key -> ran.add(run.batchKey() + ":" + key)));
        assertThat(ran).containsExactlyInAnyOrderElementsOf(submitted);
        assertThat(runs).as("merged runs").hasSizeLessThan(20);
        await().atMost(Duration.ofSeconds(60)).until(() -> executor.awaitIdle(Duration.ofSeconds(1)));
        assertThat(changeLog.size()).isZero();
    }

    @Test
    void aSecondLaneTakesAFullBatchWhileTheFirstRuns() {
        // a batch of one row is full at once: the next one must not wait for the running one
        executor(MirrorConfig.custom().lanes(2).maxBatchRows(1).batchLinger(Duration.ZERO));
        CountDownLatch secondRunning = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        executor.submit(task("o-1", new Recording("copier-1", List.of("o-1"), new CountDownLatch(0)) {
            @Override
            public void run() throws Exception {
                firstRunning.countDown();
                // ends only once another lane has started the next batch: one lane alone would time out here
                assertThat(secondRunning.await(60, TimeUnit.SECONDS)).isTrue();
                super.run();
            }
        }));
        await().atMost(Duration.ofSeconds(60)).until(() -> firstRunning.getCount() == 0);

        executor.submit(task("o-2", new Recording("copier-1", List.of("o-2"), new CountDownLatch(0)) {
            @Override
            public void run() throws Exception {
                secondRunning.countDown();
                super.run();
            }
        }));

        await().atMost(Duration.ofSeconds(30)).until(() -> observer.size() == 2);
        assertThat(observer.outcomes()).containsOnly(MirrorOutcome.SUCCEEDED);
        assertThat(runs).extracting(Run::keys).containsExactlyInAnyOrder(List.of("o-1"), List.of("o-2"));
    }

    @Test
    void aSyncHeldUpOnTheOtherStoreDoesNotHoldUpTheNextOne() {
        executor(MirrorConfig.custom().lanes(2).batchLinger(Duration.ZERO));
        CountDownLatch secondRunning = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        long[] firstStarted = new long[1];
        executor.submit(task("o-1", new Recording("copier-1", List.of("o-1"), new CountDownLatch(0)) {
            @Override
            public void run() throws Exception {
                firstStarted[0] = System.nanoTime();
                firstRunning.countDown();
                // held (like a row lock on the other store) until the next sync runs beside it
                assertThat(secondRunning.await(60, TimeUnit.SECONDS)).isTrue();
                super.run();
            }
        }));
        await().atMost(Duration.ofSeconds(60)).until(() -> firstRunning.getCount() == 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - firstStarted[0] > MirrorLanes.STALL_NANOS);

        executor.submit(task("o-2", new Recording("copier-1", List.of("o-2"), new CountDownLatch(0)) {
            @Override
            public void run() throws Exception {
                secondRunning.countDown();
                super.run();
            }
        }));

        await().atMost(Duration.ofSeconds(30)).until(() -> observer.size() == 2);
        assertThat(observer.outcomes()).containsOnly(MirrorOutcome.SUCCEEDED);
    }

    @Test
    void aFailedBatchRecordsEveryRowInOneWriteToTheChangeLog() {
        java.util.concurrent.atomic.AtomicInteger batchWrites = new java.util.concurrent.atomic.AtomicInteger();
        io.dualwrite.changelog.ChangeLog counting = new io.dualwrite.changelog.ChangeLog() {
            @Override
            public long record(io.dualwrite.changelog.ChangeRecord record) {
                return changeLog.record(record);
            }

            @Override
            public void recordAll(List<io.dualwrite.changelog.ChangeRecord> records) {
                batchWrites.incrementAndGet();
                records.forEach(changeLog::record);
            }

            @Override
            public List<io.dualwrite.changelog.ChangeEntry> claim(int limit, java.time.Instant now, Duration lease) {
                return changeLog.claim(limit, now, lease);
            }

            @Override
            public void complete(long id) {
                changeLog.complete(id);
            }

            @Override
            public void retryLater(long id, java.time.Instant dueAt, String error) {
                changeLog.retryLater(id, dueAt, error);
            }

            @Override
            public long pendingCount(String migration) {
                return changeLog.pendingCount(migration);
            }
        };
        executor = MirrorExecutors.create("batch-test", MirrorConfig.custom().mode(MirrorMode.ASYNC).lanes(1)
                .batchLinger(Duration.ZERO).build(), counting, observer);
        CountDownLatch laneHeld = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        executor.submit(task("blocker", () -> {
            started.countDown();
            laneHeld.await();
        }));
        await().atMost(Duration.ofSeconds(60)).until(() -> started.getCount() == 0);
        for (int i = 0; i < 6; i++) {
            executor.submit(task("o-" + i, new Recording("copier-1", List.of("o-" + i), new CountDownLatch(0)) {
                @Override
                public void run() {
                    throw new IllegalStateException("new store down");
                }

                @Override
                public MirrorWork mergeWith(List<MirrorWork> later) {
                    return () -> {
                        throw new IllegalStateException("new store down");
                    };
                }
            }));
        }

        laneHeld.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> changeLog.size() == 6);
        assertThat(batchWrites).hasValue(1);
        assertThat(changeLog.entries()).extracting(entry -> entry.record().key())
                .containsExactlyInAnyOrder("o-0", "o-1", "o-2", "o-3", "o-4", "o-5");
        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.SUCCEEDED, MirrorOutcome.FAILED);
    }

    @Test
    void closeRecordsQueuedBatchableTasksAsShutDown() {
        executor(MirrorConfig.custom().lanes(1).batchLinger(Duration.ZERO));
        CountDownLatch started = new CountDownLatch(1);
        executor.submit(task("blocker", () -> {
            started.countDown();
            release.await();
        }));
        await().atMost(Duration.ofSeconds(60)).until(() -> started.getCount() == 0);
        for (int i = 0; i < 5; i++) {
            executor.submit(sync("copier-1", "o-" + i));
        }

        executor.close();

        assertThat(changeLog.entries()).extracting(entry -> entry.record().key())
                .contains("o-0", "o-1", "o-2", "o-3", "o-4");
        assertThat(runs).isEmpty();
    }
}
