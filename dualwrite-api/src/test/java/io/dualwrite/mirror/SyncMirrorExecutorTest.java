package io.dualwrite.mirror;

import static io.dualwrite.mirror.Tasks.MIGRATION;
import static io.dualwrite.mirror.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncMirrorExecutorTest extends MirrorExecutorFixture {

    private static final Duration LIMIT = Duration.ofMillis(200);
    private static final long MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    SyncMirrorExecutorTest() {
        super("sync-test", MirrorMode.SYNC);
    }

    @Test
    void failingMirrorIsRecordedOnceAndNeverThrown() {
        RuntimeException boom = new IllegalStateException("new store down");
        executor(MirrorConfig.custom());

        assertThatCode(() -> executor.submit(task("o-1", () -> {
            throw boom;
        }))).doesNotThrowAnyException();

        assertThat(changeLog.entries()).singleElement().satisfies(entry -> {
            ChangeRecord record = entry.record();
            assertThat(record.reason()).isEqualTo("failed");
            assertThat(record.key()).isEqualTo("o-1");
            assertThat(record.target()).isEqualTo(Store.NEW);
            assertThat(record.orderId()).isEqualTo("o-1");
            assertThat(record.merchantId()).isEqualTo("m-1");
        });
        assertThat(observer.events()).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(MirrorOutcome.FAILED);
            assertThat(event.error()).isSameAs(boom);
        });
    }

    @Test
    void hangingMirrorBlocksTheCallerAtMostTheTimeLimitAndIsRecordedOnce() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        executor(MirrorConfig.custom().timeLimit(LIMIT));

        long start = System.nanoTime();
        executor.submit(task("o-1", () -> {
            try {
                release.await();
            } finally {
                ended.countDown();
            }
        }));
        long elapsed = System.nanoTime() - start;

        assertThat(elapsed).isLessThan(LIMIT.toNanos() + MARGIN_NANOS);
        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.TIMED_OUT);
        // The abandoned work was interrupted and failed late: still exactly one entry.
        assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(changeLog.entries()).singleElement()
                .satisfies(entry -> assertThat(entry.record().reason()).isEqualTo("timed-out"));
        assertThat(observer.size()).isEqualTo(1);
    }

    @Test
    void breakerOpensAfterTheMinimumNumberOfCallsAndThenSkipsAtOnce() {
        executor(MirrorConfig.custom().timeLimit(LIMIT).breakerWindowSize(4).breakerFailureRateThreshold(50)
                .breakerWaitInOpenState(Duration.ofMinutes(10)));

        java.util.Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 8; i++) {
            long start = System.nanoTime();
            String key = "o-" + i;
            MirrorWork hanging = Tasks.hanging(release);
            executor.submit(task(key, () -> {
                started.add(key);
                hanging.run();
            }));
            long elapsed = System.nanoTime() - start;
            assertThat(elapsed).isLessThan(LIMIT.toNanos() + MARGIN_NANOS);
        }
        // A call skipped by the open breaker never starts its work, so it cannot wait for it: said by the works that
        // started, where an elapsed time under the limit (200 ms) failed whenever a busy machine descheduled this
        // thread for that long.
        assertThat(started).as("works started by the calls skipped").doesNotContain("o-4", "o-5", "o-6", "o-7");

        assertThat(observer.outcomes()).containsExactly(
                MirrorOutcome.TIMED_OUT, MirrorOutcome.TIMED_OUT, MirrorOutcome.TIMED_OUT, MirrorOutcome.TIMED_OUT,
                MirrorOutcome.BREAKER_OPEN, MirrorOutcome.BREAKER_OPEN, MirrorOutcome.BREAKER_OPEN,
                MirrorOutcome.BREAKER_OPEN);
        assertThat(changeLog.pendingCount(MIGRATION)).isEqualTo(8);
        assertThat(changeLog.entries()).extracting(entry -> entry.record().reason())
                .containsExactly("timed-out", "timed-out", "timed-out", "timed-out",
                        "breaker-open", "breaker-open", "breaker-open", "breaker-open");
    }

    @Test
    void fullBulkheadRejectsWhileAnAbandonedCallStillHoldsItsPermit() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        AtomicInteger secondRan = new AtomicInteger();
        executor(MirrorConfig.custom().timeLimit(LIMIT).maxConcurrentCalls(1));

        executor.submit(task("o-1", Tasks.stubborn(started, release, ended)));
        executor.submit(task("o-2", secondRan::incrementAndGet));

        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.TIMED_OUT, MirrorOutcome.REJECTED);
        assertThat(secondRan).hasValue(0);
        assertThat(changeLog.entries()).extracting(entry -> entry.record().reason())
                .containsExactly("timed-out", "rejected");

        // Once the abandoned call really ends, its permit is back.
        release.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> ended.getCount() == 0);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            executor.submit(task("o-3", secondRan::incrementAndGet));
            assertThat(secondRan).hasPositiveValue();
        });
        assertThat(observer.events().get(observer.size() - 1).outcome()).isEqualTo(MirrorOutcome.SUCCEEDED);
    }

    @Test
    void everyOutcomeReachesTheObserverWithItsLatency() {
        executor(MirrorConfig.custom().timeLimit(LIMIT));

        executor.submit(task("o-1", () -> { }));
        executor.submit(task("o-2", Tasks.hanging(release)));

        assertThat(observer.events()).extracting(MirrorEvent::outcome)
                .containsExactly(MirrorOutcome.SUCCEEDED, MirrorOutcome.TIMED_OUT);
        assertThat(observer.events().get(0).latency()).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(observer.events().get(1).latency()).isGreaterThanOrEqualTo(LIMIT);
        assertThat(changeLog.size()).isEqualTo(1);
    }

    @Test
    void throwingObserverAffectsNeitherCallerNorRecording() {
        executor = MirrorExecutors.create("sync-test", MirrorConfig.custom().mode(MirrorMode.SYNC).build(),
                changeLog, event -> {
                    throw new IllegalStateException("observer bug");
                });

        assertThatCode(() -> executor.submit(task("o-1", () -> {
            throw new IllegalStateException("new store down");
        }))).doesNotThrowAnyException();
        assertThatCode(() -> executor.submit(task("o-2", () -> { }))).doesNotThrowAnyException();

        assertThat(changeLog.size()).isEqualTo(1);
    }

    @Test
    void throwingChangeLogNeverReachesTheCaller() {
        ChangeLog broken = new RefusingChangeLog();
        executor = MirrorExecutors.create("sync-test", MirrorConfig.custom().mode(MirrorMode.SYNC).build(),
                broken, observer);

        assertThatCode(() -> executor.submit(task("o-1", () -> {
            throw new IllegalStateException("new store down");
        }))).doesNotThrowAnyException();

        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.FAILED);
    }

    @Test
    void outboxEntriesAreCompletedOnSuccessAndRescheduledOnFailure() {
        executor(MirrorConfig.custom());
        long succeeding = changeLog.record(ChangeRecord.of(MIGRATION, task("o-1", () -> { }).rows().get(0),
                "outbox", Store.NEW, null).withDueAt(Instant.now().plusSeconds(60)));
        long failing = changeLog.record(ChangeRecord.of(MIGRATION, task("o-2", () -> { }).rows().get(0),
                "outbox", Store.NEW, null).withDueAt(Instant.now().plusSeconds(60)));

        executor.submit(Tasks.withOutbox(task("o-1", () -> { }), succeeding));
        executor.submit(Tasks.withOutbox(task("o-2", () -> {
            throw new IllegalStateException("new store down");
        }), failing));

        List<ChangeEntry> left = changeLog.entries();
        assertThat(left).singleElement().satisfies(entry -> {
            assertThat(entry.id()).isEqualTo(failing);
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.lastError()).startsWith("failed");
            assertThat(entry.record().dueAt()).isBeforeOrEqualTo(Instant.now());
        });
    }

    @Test
    void closedExecutorRecordsTasksAsShutDown() {
        AtomicInteger ran = new AtomicInteger();
        executor(MirrorConfig.custom());
        executor.close();

        executor.submit(task("o-1", ran::incrementAndGet));

        assertThat(ran).hasValue(0);
        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.SHUT_DOWN);
        assertThat(changeLog.entries()).singleElement()
                .satisfies(entry -> assertThat(entry.record().reason()).isEqualTo("shut-down"));
    }

    /** A change log whose every write fails, as a database that is down would. */
    static final class RefusingChangeLog implements ChangeLog {
        @Override
        public long record(ChangeRecord record) {
            throw new IllegalStateException("change log down");
        }

        @Override
        public List<ChangeEntry> claim(int limit, Instant now, Duration lease) {
            throw new IllegalStateException("change log down");
        }

        @Override
        public void complete(long id) {
            throw new IllegalStateException("change log down");
        }

        @Override
        public void retryLater(long id, Instant dueAt, String error) {
            throw new IllegalStateException("change log down");
        }

        @Override
        public long pendingCount(String migration) {
            throw new IllegalStateException("change log down");
        }
    }
}
