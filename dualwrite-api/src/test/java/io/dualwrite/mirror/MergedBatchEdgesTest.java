package io.dualwrite.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Merged runs of order-free tasks at their edges: what a failed merged run records for each of its tasks, a
 * merge that throws, and a task that did not fit a batch while the batch is held up on the other store.
 */
class MergedBatchEdgesTest extends MirrorExecutorFixture {

    private final List<String> ran = new CopyOnWriteArrayList<>();

    MergedBatchEdgesTest() {
        super("merged-edges", MirrorMode.ASYNC);
    }

    /** A batchable work that records its keys when it runs, or fails, and merges by concatenating keys. */
    private class Work implements MirrorWork.Batchable {
        final String batchKey;
        final List<String> keys;
        final boolean fails;
        final boolean mergeThrows;
        final CountDownLatch started;
        final CountDownLatch hold;

        Work(String batchKey, List<String> keys, boolean fails, boolean mergeThrows, CountDownLatch started,
             CountDownLatch hold) {
            this.batchKey = batchKey;
            this.keys = keys;
            this.fails = fails;
            this.mergeThrows = mergeThrows;
            this.started = started;
            this.hold = hold;
        }

        @Override
        public void run() throws Exception {
            started.countDown();
            if (!hold.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("held too long");
            }
            if (fails) {
                throw new IllegalStateException("new store down");
            }
            ran.addAll(keys);
        }

        @Override
        public Object batchKey() {
            return batchKey;
        }

        @Override
        public MirrorWork mergeWith(List<MirrorWork> later) {
            if (mergeThrows) {
                throw new IllegalStateException("cannot merge");
            }
            List<String> all = new ArrayList<>(keys);
            for (MirrorWork work : later) {
                all.addAll(((Work) work).keys);
            }
            return new Work(batchKey, all, fails, false, started, hold);
        }
    }

    private Work work(String key, boolean fails) {
        return new Work("copier-1", List.of(key), fails, false, new CountDownLatch(1), new CountDownLatch(0));
    }

    private static MirrorTask task(String key, String merchant, MirrorWork work) {
        MigrationContext context = MigrationContext.forMigration(Tasks.MIGRATION).orderId("order-" + key)
                .merchantId(merchant).build();
        return MirrorTask.of(Tasks.MIGRATION, MigrationPhase.DUAL_WRITE, context,
                new RowRef("orders", key, Operation.UPDATE), work);
    }

    /** Holds the only lane with an ordered task until the returned latch opens, so that what follows queues up. */
    private CountDownLatch holdTheLane() {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        executor.submit(Tasks.task("blocker", () -> {
            started.countDown();
            held.await();
        }));
        await().atMost(Duration.ofSeconds(60)).until(() -> started.getCount() == 0);
        return held;
    }

    @Test
    void aFailedMergedRunRecordsEachRowWithItsOwnOrderAndMerchant() {
        executor(MirrorConfig.custom().lanes(1).batchLinger(Duration.ZERO));
        CountDownLatch held = holdTheLane();
        for (int i = 1; i <= 3; i++) {
            executor.submit(task("k" + i, "m-" + i, work("k" + i, true)));
        }

        held.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> changeLog.size() == 3);
        assertThat(changeLog.entries()).extracting(entry -> entry.record().key() + " " + entry.record().orderId()
                        + " " + entry.record().merchantId() + " " + entry.record().target())
                .containsExactlyInAnyOrder("k1 order-k1 m-1 NEW", "k2 order-k2 m-2 NEW", "k3 order-k3 m-3 NEW");
    }

    @Test
    void aFailedMergedRunRecordsTheRowsOfTasksWithoutOutboxEntriesBesideRetryingTheOutboxOnes() {
        executor(MirrorConfig.custom().lanes(1).batchLinger(Duration.ZERO));
        // an ALWAYS-mode write whose outbox entry was recorded with the authoritative write...
        long outboxId = changeLog.record(new ChangeRecord(Tasks.MIGRATION, "orders", "k1", Operation.UPDATE,
                "outbox", Store.NEW, null, "m-1", Instant.now().plus(Duration.ofMinutes(1))));
        CountDownLatch held = holdTheLane();
        executor.submit(Tasks.withOutbox(task("k1", "m-1", work("k1", true)), outboxId));
        // ...and one whose outbox write was refused (it fell back to recording on failure)
        executor.submit(task("k2", "m-2", work("k2", true)));

        held.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> executor.awaitIdle(Duration.ofSeconds(1)));
        assertThat(observer.outcomes()).contains(MirrorOutcome.FAILED);
        assertThat(changeLog.entries()).extracting(entry -> entry.record().key())
                .as("k1 rescheduled, k2 recorded: neither lost").containsExactlyInAnyOrder("k1", "k2");
        assertThat(changeLog.entries()).filteredOn(entry -> entry.record().key().equals("k1"))
                .singleElement().satisfies(entry -> assertThat(entry.record().dueAt()).isBefore(
                        Instant.now().plusSeconds(30)));
    }

    @Test
    void aMergeThatThrowsLosesNoTask() {
        executor(MirrorConfig.custom().lanes(1).batchLinger(Duration.ZERO));
        CountDownLatch held = holdTheLane();
        for (int i = 1; i <= 4; i++) {
            executor.submit(task("k" + i, "m-1", new Work("copier-1", List.of("k" + i), false, true,
                    new CountDownLatch(1), new CountDownLatch(0))));
        }

        held.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> executor.awaitIdle(Duration.ofSeconds(1)));
        List<String> accounted = new ArrayList<>(ran);
        changeLog.entries().forEach(entry -> accounted.add(entry.record().key()));
        assertThat(accounted).as("every task ran or was recorded").containsExactlyInAnyOrder("k1", "k2", "k3", "k4");
    }

    @Test
    void aTaskThatDidNotFitABatchDoesNotWaitForThatBatchWhileAnotherLaneIsFree() {
        // a long linger makes the next task (of another copier) queue up while the first one forms its batch
        executor(MirrorConfig.custom().lanes(2).batchLinger(Duration.ofMillis(300)).timeLimit(Duration.ofSeconds(30)));
        CountDownLatch laneBusy = new CountDownLatch(1);
        CountDownLatch laneStarted = new CountDownLatch(1);
        executor.submit(Tasks.task("blocker", () -> {
            laneStarted.countDown();
            laneBusy.await();
        }));
        await().atMost(Duration.ofSeconds(60)).until(() -> laneStarted.getCount() == 0);
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch firstHeld = new CountDownLatch(1); // a row lock on the other store
        executor.submit(task("k1", "m-1", new Work("copier-1", List.of("k1"), false, false, firstStarted, firstHeld)));
        executor.submit(task("k2", "m-1", new Work("copier-2", List.of("k2"), false, false, new CountDownLatch(1),
                new CountDownLatch(0))));
        assertThat(awaitLatch(firstStarted)).isTrue();

        laneBusy.countDown(); // the other lane is free now

        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> ran.contains("k2"));
        } finally {
            firstHeld.countDown();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ran.contains("k1"));
    }

    private static boolean awaitLatch(CountDownLatch latch) {
        try {
            return latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
