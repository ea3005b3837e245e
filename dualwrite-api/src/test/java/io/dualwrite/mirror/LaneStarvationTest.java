package io.dualwrite.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A sync left in the shared queue for a lane whose run was about to end must not wait behind that lane's
 * ordered tasks while another lane is parked.
 */
class LaneStarvationTest {

    private static final class Sync implements MirrorWork.Batchable {
        final Runnable body;

        Sync(Runnable body) {
            this.body = body;
        }

        @Override
        public void run() {
            body.run();
        }

        @Override
        public Object batchKey() {
            return "copier";
        }

        @Override
        public MirrorWork mergeWith(List<MirrorWork> later) {
            return () -> {
                run();
                for (MirrorWork work : later) {
                    work.run();
                }
            };
        }
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aQueuedSyncDoesNotWaitBehindTheOrderedTasksOfTheLaneThatWasRunningWhileAnotherLaneIsParked() {
        AtomicReference<String> firstLane = new AtomicReference<>();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch orderedStarted = new CountDownLatch(1);
        CountDownLatch orderedHeld = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        MirrorLanes lanes = new MirrorLanes("starve", 2, 1000, 500, Duration.ZERO, (task, nanos) -> {
            try {
                task.work().run(); // on the lane thread itself
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, (task, nanos) -> { });
        try {
            lanes.offer(Tasks.task("s1", new Sync(() -> {
                firstLane.set(Thread.currentThread().getName());
                firstStarted.countDown();
                hold(firstHeld); // held up on the other store
            })), System.nanoTime());
            hold(firstStarted);
            int lane = Integer.parseInt(firstLane.get().substring(firstLane.get().lastIndexOf('-') + 1));
            String orderedKey = null;
            for (int i = 0; orderedKey == null; i++) {
                MirrorTask probe = Tasks.task("o-" + i, () -> { });
                if (MirrorLanes.laneOf(probe.orderingKey(), 2) == lane) {
                    orderedKey = "o-" + i;
                }
            }
            // an ordered task (the state form) queued on the running lane, then a sync, both while the first run
            // is young (under MirrorLanes.STALL_NANOS): the sync is left for the running lane. (Should this
            // thread be descheduled past that, the sync wakes the parked lane at once and the test passes
            // without proving anything; it cannot fail for it.)
            lanes.offer(Tasks.task(orderedKey, () -> {
                orderedStarted.countDown();
                hold(orderedHeld);
            }), System.nanoTime());
            lanes.offer(Tasks.task("s2", new Sync(secondRan::countDown)), System.nanoTime());

            firstHeld.countDown(); // the run ends; its lane takes its ordered task, which takes long
            hold(orderedStarted);

            await().atMost(Duration.ofSeconds(60)).until(() -> secondRan.getCount() == 0);
            assertThat(orderedHeld.getCount()).as("the sync ran while the ordered task still held its lane").isOne();
        } finally {
            firstHeld.countDown();
            orderedHeld.countDown();
            lanes.close(Duration.ofSeconds(5));
        }
    }
}
