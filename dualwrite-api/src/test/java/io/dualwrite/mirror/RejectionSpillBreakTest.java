package io.dualwrite.mirror;

import static io.dualwrite.mirror.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.testing.Latches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Inputs meant to break the backlog of rejected mirrors ({@link RejectionSpill}): races with close and awaitIdle,
 * outbox and merged tasks, a change log or observer that fails or blocks, interrupts, and many callers on a tiny
 * capacity. Every row is counted: each task ends exactly once, and each task that did not succeed is in the change
 * log exactly once (or has its outbox entries rescheduled).
 */
class RejectionSpillBreakTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final CountDownLatch releaseLane = new CountDownLatch(1);
    private final CountingChangeLog changeLog = new CountingChangeLog();
    private final RecordingObserver observer = new RecordingObserver();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final List<MirrorExecutor> executors = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        releaseLane.countDown();
        changeLog.release.countDown();
        callers.shutdownNow();
        executors.forEach(MirrorExecutor::close);
    }

    // ---------------------------------------------------------------- many callers, tiny capacity

    @Test
    void manyCallersOnATinyCapacityEveryRowEitherSucceedsOrIsRecordedExactlyOnce() throws Exception {
        MirrorExecutor executor = executor(MirrorConfig.custom().lanes(2).queueCapacity(2), changeLog, observer);
        int threads = 8;
        int perThread = 3_000;
        List<Future<?>> done = startCallers(threads, new CyclicBarrier(threads), thread -> {
            for (int i = 0; i < perThread; i++) {
                // every fifth one fails on the new store: recorded by a lane, not the backlog
                boolean fails = i % 5 == 0;
                executor.submit(task("k-" + thread + "-" + i, () -> {
                    if (fails) {
                        throw new IllegalStateException("new store down");
                    }
                }));
            }
        });
        join(done);

        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        // idle means recorded: counted right away, with no waiting
        assertEveryTaskEndedOnceAndEveryFailureRecordedOnce(threads * perThread);
        assertThat(observer.count(MirrorOutcome.REJECTED)).as("the tiny queue turned some away").isPositive();
        assertThat(changeLog.writers()).as("the backlog's thread recorded some rejections")
                .anyMatch(name -> name.startsWith("dualwrite-rejected-"));
    }

    // ---------------------------------------------------------------- awaitIdle

    @Test
    void awaitIdleIsFalseWhileARejectedMirrorWaitsToBeRecordedAndTrueOnlyOnceItIs() throws Exception {
        MirrorExecutor executor = busyExecutor(1);
        changeLog.holdWrites = true;
        executor.submit(task("r-1", () -> { }));
        Latches.awaitIgnoringInterrupts(changeLog.entered);

        releaseLane.countDown(); // the lanes become idle: only the held rejection is pending
        await().atMost(PATIENCE).until(() -> changeLog.entries().isEmpty()
                && observer.count(MirrorOutcome.SUCCEEDED) == 2);
        assertThat(executor.awaitIdle(Duration.ZERO)).isFalse();
        assertThat(executor.awaitIdle(Duration.ofMillis(50))).as("the rejection is not recorded yet").isFalse();

        changeLog.release.countDown();
        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        assertThat(changeLog.keys()).containsExactly("r-1");
        assertThat(observer.count(MirrorOutcome.REJECTED)).isEqualTo(1);
    }

    @RepeatedTest(3)
    void awaitIdleNeverReturnsBeforeEveryRejectedMirrorOfARoundIsRecorded() throws Exception {
        MirrorExecutor executor = executor(MirrorConfig.custom().lanes(1).queueCapacity(1), changeLog, observer);
        int submitted = 0;
        for (int round = 0; round < 300; round++) {
            for (int i = 0; i < 20; i++) {
                executor.submit(task("r" + round + "-" + i, () -> Thread.onSpinWait()));
                submitted++;
            }
            assertThat(executor.awaitIdle(PATIENCE)).isTrue();
            // no await here: awaitIdle promised that every one has ended and been recorded
            assertThat(observer.size()).as("events after round %d", round).isEqualTo(submitted);
            assertThat(changeLog.size()).as("entries after round %d", round)
                    .isEqualTo(observer.count(MirrorOutcome.REJECTED));
        }
        assertThat(observer.count(MirrorOutcome.REJECTED)).isPositive();
    }

    // ---------------------------------------------------------------- close

    @RepeatedTest(5)
    void closingWhileManyCallersSubmitLosesNoRowAndRecordsNoneTwice() throws Exception {
        MirrorExecutor executor = executor(MirrorConfig.custom().lanes(1).queueCapacity(2), changeLog, observer);
        int threads = 6;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger submitted = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        List<Future<?>> done = startCallers(threads, start, thread -> {
            for (int i = 0; !stop.get() || i < 2_000; i++) {
                executor.submit(task("c-" + thread + "-" + i, () -> { }));
                submitted.incrementAndGet();
                if (i > 200_000) {
                    break;
                }
            }
        });
        start.await();
        await().atMost(PATIENCE).until(() -> observer.count(MirrorOutcome.REJECTED) > 100);
        executor.close(); // while every caller is still submitting
        stop.set(true);
        join(done);

        await().atMost(PATIENCE).until(() -> observer.size() >= submitted.get());
        assertEveryTaskEndedOnceAndEveryFailureRecordedOnce(submitted.get());
        assertThat(observer.count(MirrorOutcome.SHUT_DOWN)).as("callers after the close").isPositive();
    }

    @RepeatedTest(6)
    void offersRacingTheSpillsCloseAreRecordedEitherByTheSpillOrByTheirCallerExactlyOnce() throws Exception {
        InMemoryChangeLog log = ChangeLogs.inMemory();
        RecordingObserver events = new RecordingObserver();
        MirrorRecorder recorder = new MirrorRecorder("race", log, events, Duration.ofMinutes(1), System::nanoTime);
        RejectionSpill spill = new RejectionSpill("race", 64, 7, recorder);
        int threads = 4;
        int perThread = 5_000;
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        List<Future<?>> done = startCallers(threads, start, thread -> {
            for (int i = 0; i < perThread; i++) {
                MirrorTask task = task("s-" + thread + "-" + i, () -> { });
                if (!spill.offer(task, System.nanoTime())) {
                    recorder.finish(task, MirrorOutcome.REJECTED, null, System.nanoTime()); // as the executor does
                }
            }
        });
        start.await();
        Thread.onSpinWait();
        spill.close(Duration.ofSeconds(5));
        join(done);

        assertThat(spill.isIdle()).as("nothing left unrecorded once the offers have returned").isTrue();
        assertThat(events.size()).isEqualTo(threads * perThread);
        Map<String, Long> perKey = log.entries().stream()
                .collect(Collectors.groupingBy(entry -> entry.record().key(), Collectors.counting()));
        assertThat(perKey).hasSize(threads * perThread);
        assertThat(perKey.values()).containsOnly(1L);
    }

    @Test
    void closingTwiceAndSubmittingAfterwardsRecordsOnTheCallersThread() {
        MirrorExecutor executor = busyExecutor(2);
        executor.submit(task("before", () -> { }));
        releaseLane.countDown();
        executor.close();
        executor.close();
        executor.submit(task("after", () -> { }));

        assertThat(changeLog.keys()).as("the lane's queued tasks aside (shut down by the close)")
                .filteredOn(key -> !key.startsWith("h-")).containsExactlyInAnyOrder("before", "after");
        assertThat(observer.events()).filteredOn(event -> event.task().rows().get(0).key().equals("after"))
                .extracting(MirrorEvent::outcome).containsExactly(MirrorOutcome.SHUT_DOWN);
        assertThat(observer.events()).filteredOn(event -> event.task().rows().get(0).key().equals("before"))
                .extracting(MirrorEvent::outcome).containsExactly(MirrorOutcome.REJECTED);
    }

    @Test
    void closeWhileTheSpillThreadIsStuckInTheChangeLogRecordsTheRestOnTheClosingThreadAndTheStuckBatchLater()
            throws Exception {
        MirrorRecorder recorder = new MirrorRecorder("stuck", changeLog, observer, Duration.ofMinutes(1),
                System::nanoTime);
        RejectionSpill spill = new RejectionSpill("stuck", 5, 500, recorder);
        changeLog.holdFirstWriteOnly = true;
        assertThat(spill.offer(task("stuck", () -> { }), System.nanoTime())).isTrue();
        Latches.awaitIgnoringInterrupts(changeLog.entered);
        for (int i = 0; i < 4; i++) {
            assertThat(spill.offer(task("queued-" + i, () -> { }), System.nanoTime())).isTrue();
        }
        assertThat(spill.offer(task("full", () -> { }), System.nanoTime())).as("capacity 5 is taken").isFalse();

        Future<?> closing = callers.submit(() -> spill.close(Duration.ofMillis(200)));
        closing.get(30, TimeUnit.SECONDS); // gives up on the stuck thread after its wait, then records the rest
        assertThat(changeLog.keys()).containsExactlyInAnyOrder("queued-0", "queued-1", "queued-2", "queued-3");
        assertThat(spill.isIdle()).as("the stuck one is not recorded yet").isFalse();
        assertThat(spill.offer(task("late", () -> { }), System.nanoTime())).as("closed").isFalse();

        changeLog.release.countDown();
        await().atMost(PATIENCE).until(spill::isIdle);
        assertThat(changeLog.keys()).containsExactlyInAnyOrder("stuck", "queued-0", "queued-1", "queued-2",
                "queued-3");
        assertThat(observer.count(MirrorOutcome.REJECTED)).isEqualTo(5);
    }

    // ---------------------------------------------------------------- outbox and merged tasks

    @Test
    void rejectedOutboxTasksAreRescheduledNotRecordedAnewEvenInOneBatchWithOthers() throws Exception {
        MirrorExecutor executor = busyExecutor(6, MirrorConfig.custom().changeLogMode(ChangeLogMode.ALWAYS));
        changeLog.holdFirstWriteOnly = true;
        executor.submit(task("plain-0", () -> { }));
        Latches.awaitIgnoringInterrupts(changeLog.entered); // the next ones queue up and go in one batch
        long outbox1 = changeLog.record(ChangeRecord.of(Tasks.MIGRATION, new RowRef("orders", "ob-1",
                Operation.UPDATE), "outbox", io.dualwrite.Store.NEW, null));
        long outbox2 = changeLog.record(ChangeRecord.of(Tasks.MIGRATION, new RowRef("orders", "ob-2",
                Operation.UPDATE), "outbox", io.dualwrite.Store.NEW, null));
        int before = changeLog.size();
        executor.submit(Tasks.withOutbox(task("ob-1", () -> { }), outbox1));
        executor.submit(task("plain-1", () -> { }));
        executor.submit(Tasks.withOutbox(task("ob-2", () -> { }), outbox2));
        executor.submit(task("plain-2", () -> { }));
        changeLog.release.countDown();
        releaseLane.countDown();

        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        assertThat(changeLog.rescheduled).containsExactlyInAnyOrder(outbox1, outbox2);
        assertThat(changeLog.size() - before).as("new entries: the plain ones only").isEqualTo(3);
        assertThat(changeLog.keys()).filteredOn(key -> key.startsWith("plain")).containsExactlyInAnyOrder(
                "plain-0", "plain-1", "plain-2");
        assertThat(changeLog.keys()).filteredOn(key -> key.startsWith("ob")).containsExactlyInAnyOrder(
                "ob-1", "ob-2");
    }

    @Test
    void aRejectedMergedTaskIsRecordedPartByPartWithItsOwnContextAndOutboxEntries() throws Exception {
        MirrorExecutor executor = busyExecutor(3);
        long outbox = changeLog.record(ChangeRecord.of(Tasks.MIGRATION, new RowRef("orders", "m-2",
                Operation.UPDATE), "outbox", io.dualwrite.Store.NEW, null));
        int before = changeLog.size();
        MirrorTask merged = MirrorTask.merged(List.of(
                mergeable("m-1", "merchant-a"),
                Tasks.withOutbox(mergeable("m-2", "merchant-b"), outbox),
                mergeable("m-3", "merchant-c")));
        executor.submit(merged);
        executor.submit(mergeable("m-4", "merchant-d")); // same batch in the backlog, maybe
        releaseLane.countDown();

        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        assertThat(changeLog.rescheduled).containsExactly(outbox);
        assertThat(changeLog.size() - before).isEqualTo(3);
        Map<String, String> merchantByKey = new HashMap<>();
        changeLog.entries().stream().filter(entry -> !entry.record().reason().equals("outbox"))
                .forEach(entry -> merchantByKey.put(entry.record().key(), entry.record().merchantId()));
        assertThat(merchantByKey).containsExactlyInAnyOrderEntriesOf(Map.of(
                "m-1", "merchant-a", "m-3", "merchant-c", "m-4", "merchant-d"));
        assertThat(observer.count(MirrorOutcome.REJECTED)).as("one event per submitted task").isEqualTo(2);
    }

    // ---------------------------------------------------------------- a failing change log or observer

    @Test
    void aChangeLogWhoseRecordAllThrowsBeforeWritingGetsEveryRowOneByOneExactlyOnce() throws Exception {
        changeLog.recordAllFails = RecordAllFailure.BEFORE_WRITING;
        assertRejectionsRecordedDespiteAFailingRecordAll();
        assertThat(changeLog.entries().stream().collect(Collectors.groupingBy(entry -> entry.record().key(),
                Collectors.counting())).values()).containsOnly(1L);
    }

    @Test
    void aChangeLogWhoseRecordAllWritesSomeThenThrowsLosesNoRow() throws Exception {
        changeLog.recordAllFails = RecordAllFailure.AFTER_HALF;
        assertRejectionsRecordedDespiteAFailingRecordAll(); // twice is allowed here (documented), never lost
    }

    private void assertRejectionsRecordedDespiteAFailingRecordAll() throws Exception {
        MirrorExecutor executor = busyExecutor(8);
        changeLog.holdFirstWriteOnly = true;
        executor.submit(task("x-0", () -> { }));
        Latches.awaitIgnoringInterrupts(changeLog.entered);
        for (int i = 1; i < 8; i++) {
            executor.submit(task("x-" + i, () -> { }));
        }
        changeLog.release.countDown();
        releaseLane.countDown();

        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        assertThat(changeLog.recordAllCalls.get()).as("the backlog tried one batch").isPositive();
        assertThat(Set.copyOf(changeLog.keys())).containsExactlyInAnyOrder(
                "x-0", "x-1", "x-2", "x-3", "x-4", "x-5", "x-6", "x-7");
        assertThat(observer.count(MirrorOutcome.REJECTED)).isEqualTo(8);
    }

    @Test
    void anObserverThatThrowsNeitherStopsTheSpillNorLosesARow() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        MirrorObserver throwing = event -> {
            observer.onMirror(event);
            if (calls.incrementAndGet() % 2 == 0) {
                throw new AssertionError("observer bug"); // an Error, not a VirtualMachineError
            }
            throw new IllegalStateException("observer bug");
        };
        MirrorExecutor executor = busyExecutor(4, MirrorConfig.custom(), throwing);
        for (int i = 0; i < 4; i++) {
            executor.submit(task("o-" + i, () -> { }));
        }
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("dualwrite-rejected-"));
        await().atMost(PATIENCE).until(() -> changeLog.size() == 4);
        for (int i = 4; i < 8; i++) { // the spill thread is still there to record more
            executor.submit(task("o-" + i, () -> { }));
        }
        await().atMost(PATIENCE).until(() -> changeLog.size() == 8);
        assertThat(changeLog.writers()).allMatch(name -> name.startsWith("dualwrite-rejected-"));
        releaseLane.countDown();
        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
    }

    /**
     * A change log that hangs: the backlog's thread hangs with it, the next {@code capacity} rejections still cost
     * the caller nothing, and only the one after that is recorded (and held) on the caller's thread, the last resort.
     */
    @Test
    void aChangeLogThatHangsHoldsTheCallerOnlyOnceTheBacklogIsFull() throws Exception {
        MirrorExecutor executor = busyExecutor(3);
        changeLog.holdWrites = true;
        executor.submit(task("h-0", () -> { }));
        Latches.awaitIgnoringInterrupts(changeLog.entered);

        Future<?> cheap = callers.submit(() -> {
            for (int i = 1; i < 3; i++) {
                executor.submit(task("h-" + i, () -> { }));
            }
        });
        cheap.get(60, TimeUnit.SECONDS); // the backlog had room: the callers did not wait for the change log
        assertThat(changeLog.writers()).hasSize(1);

        Future<?> last = callers.submit(() -> executor.submit(task("h-3", () -> { })));
        await().atMost(PATIENCE).until(() -> changeLog.writers().size() == 2);
        assertThat(changeLog.writers().get(1)).as("the last resort").doesNotStartWith("dualwrite-rejected-");
        assertThat(last).isNotDone();

        changeLog.release.countDown();
        last.get(60, TimeUnit.SECONDS);
        releaseLane.countDown();
        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        assertThat(changeLog.keys()).containsExactlyInAnyOrder("h-0", "h-1", "h-2", "h-3");
    }

    // ---------------------------------------------------------------- interrupts

    @Test
    void interruptingTheSpillThreadWhileItWaitsOrRecordsNeitherStopsItNorLosesARow() throws Exception {
        MirrorExecutor executor = busyExecutor(4);
        Thread spill = spillThread();
        await().atMost(PATIENCE).until(() -> spill.getState() == Thread.State.WAITING);
        spill.interrupt();
        // the flag cleared, parked again: park() does not return at once over and over
        await().atMost(PATIENCE).until(() -> !spill.isInterrupted() && spill.getState() == Thread.State.WAITING);

        changeLog.holdFirstWriteOnly = true;
        executor.submit(task("i-0", () -> { }));
        Latches.awaitIgnoringInterrupts(changeLog.entered);
        executor.submit(task("i-1", () -> { }));
        spill.interrupt(); // while it records (the change log here ignores interrupts)
        changeLog.release.countDown();
        await().atMost(PATIENCE).until(() -> changeLog.size() == 2);

        executor.submit(task("i-2", () -> { }));
        await().atMost(PATIENCE).until(() -> changeLog.size() == 3);
        assertThat(spill.isAlive()).isTrue();
        await().atMost(PATIENCE).until(() -> spill.getState() == Thread.State.WAITING);
        assertThat(changeLog.keys()).containsExactlyInAnyOrder("i-0", "i-1", "i-2");
    }

    /**
     * A change log over a connection pool fails every call made with the interrupt flag up (HikariCP does, and
     * raises the flag again). A stray interrupt that reaches the backlog's thread while it writes a batch must not
     * cost every row of that batch: the batch write fails, and the rows' own writes must not fail for the same
     * reason.
     */
    @Test
    void aStrayInterruptWhileTheSpillWritesABatchToAnInterruptSensitiveChangeLogLosesNoRow() throws Exception {
        changeLog.interruptSensitive = true;
        MirrorExecutor executor = busyExecutor(4);
        Thread spill = spillThread();
        changeLog.holdFirstWriteOnly = true;
        executor.submit(task("j-0", () -> { }));
        Latches.awaitIgnoringInterrupts(changeLog.entered);
        for (int i = 1; i < 4; i++) {
            executor.submit(task("j-" + i, () -> { })); // wait behind j-0: one batch
        }
        CountDownLatch batchHold = new CountDownLatch(1);
        changeLog.batchHold = batchHold;
        changeLog.release.countDown();
        Latches.awaitIgnoringInterrupts(changeLog.batchEntered);
        spill.interrupt();
        batchHold.countDown(); // the batch write now fails: the flag is up

        await().atMost(PATIENCE).until(() -> observer.count(MirrorOutcome.REJECTED) == 4);
        releaseLane.countDown();
        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        assertThat(changeLog.keys()).containsExactlyInAnyOrder("j-0", "j-1", "j-2", "j-3");
        assertThat(spill.isAlive()).isTrue();
    }

    // ---------------------------------------------------------------- helpers

    private void assertEveryTaskEndedOnceAndEveryFailureRecordedOnce(int submitted) {
        List<MirrorEvent> events = observer.events();
        assertThat(events).hasSize(submitted);
        Map<String, Long> eventsPerKey = events.stream().collect(Collectors.groupingBy(
                event -> event.task().rows().get(0).key(), Collectors.counting()));
        assertThat(eventsPerKey).as("one event per task").hasSize(submitted);
        Set<String> notSucceeded = events.stream().filter(event -> event.outcome() != MirrorOutcome.SUCCEEDED)
                .map(event -> event.task().rows().get(0).key()).collect(Collectors.toSet());
        Map<String, Long> entriesPerKey = changeLog.entries().stream().collect(Collectors.groupingBy(
                entry -> entry.record().key(), Collectors.counting()));
        assertThat(entriesPerKey.keySet()).as("recorded = not succeeded").isEqualTo(notSucceeded);
        assertThat(entriesPerKey.values()).as("recorded once each").containsOnly(1L);
        assertThat(observer.count(MirrorOutcome.SUCCEEDED) + changeLog.size()).isEqualTo(submitted);
    }

    private static MirrorTask mergeable(String key, String merchant) {
        MigrationContext context = MigrationContext.forMigration(Tasks.MIGRATION).orderId("order-" + key)
                .merchantId(merchant).build();
        return MirrorTask.of(Tasks.MIGRATION, MigrationPhase.DUAL_WRITE, context,
                new RowRef("orders", key, Operation.UPDATE), new Mergeable());
    }

    /** Order-free work that does nothing and merges with its kind. */
    private static final class Mergeable implements MirrorWork.Batchable {
        @Override
        public void run() {
        }

        @Override
        public Object batchKey() {
            return "mergeable";
        }

        @Override
        public MirrorWork mergeWith(List<MirrorWork> later) {
            return this;
        }
    }

    private Thread spillThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("dualwrite-rejected-break-" + executors.size()))
                .findFirst().orElseThrow();
    }

    private MirrorExecutor executor(MirrorConfig.Builder config, ChangeLog log, MirrorObserver events) {
        MirrorExecutor created = MirrorExecutors.create("break-" + (executors.size() + 1),
                config.mode(MirrorMode.ASYNC).timeLimit(PATIENCE).build(), log, events);
        executors.add(created);
        return created;
    }

    private MirrorExecutor busyExecutor(int capacity) {
        return busyExecutor(capacity, MirrorConfig.custom(), observer);
    }

    private MirrorExecutor busyExecutor(int capacity, MirrorConfig.Builder config) {
        return busyExecutor(capacity, config, observer);
    }

    private MirrorExecutor busyExecutor(int capacity, MirrorConfig.Builder config, MirrorObserver events) {
        return busyExecutor(capacity, config, events, PATIENCE);
    }

    /**
     * One lane held by a mirror that ignores interrupts until the test releases it, and a queue of {@code capacity}
     * already full behind it: every further ordered task is rejected. Its two tasks succeed once released.
     */
    private MirrorExecutor busyExecutor(int capacity, MirrorConfig.Builder config, MirrorObserver events,
                                        Duration timeLimit) {
        MirrorExecutor created = MirrorExecutors.create("break-" + (executors.size() + 1), config
                .mode(MirrorMode.ASYNC).lanes(1).queueCapacity(capacity).timeLimit(timeLimit).build(), changeLog,
                events);
        executors.add(created);
        CountDownLatch hanging = new CountDownLatch(1);
        String laneKey = Tasks.keysOnDistinctLanes(1).get(0);
        created.submit(task(laneKey, Tasks.stubborn(hanging, releaseLane, new CountDownLatch(1))));
        Latches.awaitIgnoringInterrupts(hanging);
        for (int i = 0; i < capacity; i++) {
            created.submit(task(laneKey, () -> { }));
        }
        return created;
    }

    enum RecordAllFailure { NONE, BEFORE_WRITING, AFTER_HALF }

    /**
     * An in-memory change log that notes who wrote, counts reschedules, and can hold writes, fail its batch write,
     * or fail every call made with the interrupt flag up.
     */
    private static final class CountingChangeLog extends ForwardingChangeLog {
        final List<String> writerNames = new CopyOnWriteArrayList<>();
        final List<Long> rescheduled = new CopyOnWriteArrayList<>();
        final AtomicInteger recordAllCalls = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch batchEntered = new CountDownLatch(1);
        volatile CountDownLatch batchHold;
        final AtomicBoolean firstHeld = new AtomicBoolean();
        volatile boolean holdWrites;
        volatile boolean holdFirstWriteOnly;
        volatile boolean interruptSensitive;
        volatile RecordAllFailure recordAllFails = RecordAllFailure.NONE;

        @Override
        public long record(ChangeRecord record) {
            written();
            return delegate.record(record);
        }

        @Override
        public void recordAll(List<ChangeRecord> records) {
            recordAllCalls.incrementAndGet();
            CountDownLatch hold = batchHold;
            if (hold != null) {
                batchEntered.countDown();
                Latches.awaitIgnoringInterrupts(hold);
            }
            written();
            switch (recordAllFails) {
                case BEFORE_WRITING -> throw new IllegalStateException("batch insert failed, nothing written");
                case AFTER_HALF -> {
                    records.subList(0, records.size() / 2).forEach(delegate::record);
                    throw new IllegalStateException("batch insert failed half way");
                }
                default -> records.forEach(delegate::record);
            }
        }

        private void written() {
            writerNames.add(Thread.currentThread().getName());
            if (holdWrites || holdFirstWriteOnly && firstHeld.compareAndSet(false, true)) {
                entered.countDown();
                Latches.awaitIgnoringInterrupts(release); // raises the flag again if interrupted, as a pool does
            }
            if (interruptSensitive && Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted during connection acquisition");
            }
        }

        List<String> writers() {
            return List.copyOf(writerNames);
        }

        List<ChangeEntry> entries() {
            return delegate.entries();
        }

        List<String> keys() {
            return entries().stream().map(entry -> entry.record().key()).toList();
        }

        int size() {
            return delegate.size();
        }

        @Override
        public void retryLater(long id, Instant dueAt, String error) {
            rescheduled.add(id);
            super.retryLater(id, dueAt, error);
        }
    }

    /**
     * Starts {@code threads} callers on {@link #callers}; each waits at {@code start} (whose other parties, if any,
     * the test supplies), then runs {@code caller} with its number.
     */
    private List<Future<?>> startCallers(int threads, CyclicBarrier start, java.util.function.IntConsumer caller) {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(callers.submit(() -> {
                start.await();
                caller.accept(thread);
                return null;
            }));
        }
        return done;
    }

    /** Waits for every caller to end, failing with the first one's failure. */
    private static void join(List<Future<?>> done) throws Exception {
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
    }
}
