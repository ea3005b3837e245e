package io.dualwrite.mirror;

import static io.dualwrite.mirror.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.testing.Latches;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mirrors the full async queue turns away are recorded by the executor's recording thread, several in one change-log
 * write, and on the caller's thread only when that thread's backlog is full as well; none is lost.
 */
class RejectionSpillTest {

    private final CountDownLatch releaseLane = new CountDownLatch(1);
    private final CountDownLatch releaseChangeLog = new CountDownLatch(1);
    private final CountDownLatch changeLogEntered = new CountDownLatch(1);
    private final ThreadRecordingChangeLog changeLog = new ThreadRecordingChangeLog();
    private final RecordingObserver observer = new RecordingObserver();
    private MirrorExecutor executor;

    @AfterEach
    void close() {
        releaseLane.countDown();
        releaseChangeLog.countDown();
        executor.close();
    }

    @Test
    void rejectedMirrorsAreRecordedOffTheCallersThreadSeveralInOneWrite() {
        executor = busyExecutor(3);
        changeLog.holdFirstWrite = true;

        for (int i = 0; i < 3; i++) {
            executor.submit(task("r-" + i, () -> { }));
            if (i == 0) {
                Latches.awaitIgnoringInterrupts(changeLogEntered); // the first is being recorded, held there
            }
        }
        releaseChangeLog.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> changeLog.delegate.size() == 3);
        assertThat(changeLog.writers).as("threads that wrote the change log")
                .allSatisfy(thread -> assertThat(thread).startsWith("dualwrite-rejected-"));
        assertThat(changeLog.writeSizes).as("rows per change-log write").containsExactly(1, 2);
        assertThat(changeLog.delegate.entries()).extracting(entry -> entry.record().key())
                .containsExactlyInAnyOrder("r-0", "r-1", "r-2");
        assertThat(observer.outcomes()).hasSize(3).containsOnly(MirrorOutcome.REJECTED);
    }

    @Test
    void aFullBacklogOfRejectedMirrorsIsRecordedOnTheCallersThreadAndNothingIsLost() {
        executor = busyExecutor(1);
        changeLog.holdFirstWrite = true;

        executor.submit(task("held", () -> { }));
        Latches.awaitIgnoringInterrupts(changeLogEntered); // the backlog's only place is taken until recorded
        executor.submit(task("overflow", () -> { }));

        assertThat(changeLog.writers).as("the held one by the recording thread, the overflow by the caller")
                .containsExactly("dualwrite-rejected-spill-test", Thread.currentThread().getName());
        releaseChangeLog.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> changeLog.delegate.size() == 2);
        assertThat(changeLog.delegate.entries()).extracting(entry -> entry.record().key())
                .containsExactlyInAnyOrder("held", "overflow");
    }

    @Test
    void closingRecordsTheRejectedMirrorsStillWaiting() {
        executor = busyExecutor(5);
        changeLog.holdFirstWrite = true;
        executor.submit(task("first", () -> { }));
        Latches.awaitIgnoringInterrupts(changeLogEntered);
        executor.submit(task("second", () -> { }));
        executor.submit(task("third", () -> { }));

        releaseLane.countDown();
        releaseChangeLog.countDown();
        executor.close();

        assertThat(changeLog.delegate.entries()).extracting(entry -> entry.record().key())
                .contains("first", "second", "third");
    }

    /**
     * One lane, held by a hanging mirror, and a queue of {@code capacity} that is already full: every further task
     * is rejected, and the backlog of rejected tasks holds {@code capacity} too.
     */
    private MirrorExecutor busyExecutor(int capacity) {
        MirrorExecutor created = MirrorExecutors.create("spill-test", MirrorConfig.custom().mode(MirrorMode.ASYNC)
                .lanes(1).queueCapacity(capacity).timeLimit(Duration.ofSeconds(30)).build(), changeLog, observer);
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        String laneKey = Tasks.keysOnDistinctLanes(1).get(0);
        created.submit(task(laneKey, Tasks.stubborn(hanging, releaseLane, ended)));
        Latches.awaitIgnoringInterrupts(hanging);
        for (int i = 0; i < capacity; i++) {
            created.submit(task(laneKey, () -> { })); // ordered behind the hanging one: fills the queue
        }
        return created;
    }

    /** An in-memory change log that notes which thread wrote how many rows, and can hold its first write. */
    private final class ThreadRecordingChangeLog extends ForwardingChangeLog {
        final List<String> writers = new CopyOnWriteArrayList<>();
        final List<Integer> writeSizes = new CopyOnWriteArrayList<>();
        volatile boolean holdFirstWrite;

        @Override
        public long record(ChangeRecord record) {
            written(1);
            return super.record(record);
        }

        @Override
        public void recordAll(List<ChangeRecord> records) {
            written(records.size());
            super.recordAll(records);
        }

        private void written(int rows) {
            writers.add(Thread.currentThread().getName());
            writeSizes.add(rows);
            if (holdFirstWrite && writers.size() == 1) {
                changeLogEntered.countDown();
                Latches.awaitIgnoringInterrupts(releaseChangeLog);
            }
        }
    }
}
