package io.dualwrite.mirror;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.testing.Latches;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Small builders of mirror tasks and works for the tests. */
final class Tasks {

    static final String MIGRATION = "orders";

    private Tasks() {
    }

    static MirrorTask task(String key, MirrorWork work) {
        MigrationContext context = MigrationContext.forMigration(MIGRATION).orderId(key).merchantId("m-1").build();
        return MirrorTask.of(MIGRATION, MigrationPhase.DUAL_WRITE, context, new RowRef("orders", key, Operation.UPDATE),
                work);
    }

    static MirrorTask withOutbox(MirrorTask task, long id) {
        return new MirrorTask(task.migration(), task.phase(), task.target(), task.context(), task.rows(),
                task.orderingKey(), task.work(), List.of(id));
    }

    /** A work that blocks until {@code release} opens, and gives up (throws) when interrupted. */
    static MirrorWork hanging(CountDownLatch release) {
        return release::await;
    }

    /** A work that blocks until {@code release} opens, ignoring interrupts, counting down {@code ended} at the end. */
    static MirrorWork stubborn(CountDownLatch started, CountDownLatch release, CountDownLatch ended) {
        return () -> {
            started.countDown();
            try {
                Latches.awaitIgnoringInterrupts(release);
            } finally {
                ended.countDown();
            }
        };
    }

    /** One ordering key per lane: tasks of these keys run on {@code lanes} different lanes. */
    static List<String> keysOnDistinctLanes(int lanes) {
        List<String> keys = new java.util.ArrayList<>();
        boolean[] taken = new boolean[lanes];
        for (int i = 0; keys.size() < lanes; i++) {
            String key = "h-" + i;
            int lane = MirrorLanes.laneOf(task(key, () -> { }).orderingKey(), lanes);
            if (!taken[lane]) {
                taken[lane] = true;
                keys.add(key);
            }
        }
        return keys;
    }
}
