package io.dualwrite.mirror;

import static io.dualwrite.mirror.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.DualWriter;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.testing.FixedPhaseResolver;
import io.dualwrite.MigrationPhase;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** What monitoring reads from an executor: its breaker's state and the depth of its async queue. */
class MonitoringHooksTest {

    private final CountDownLatch release = new CountDownLatch(1);

    @Test
    void breakerStateFollowsFailuresFromClosedToOpenToHalfOpen() {
        try (MirrorExecutor executor = MirrorExecutors.create("watched", MirrorConfig.custom().mode(MirrorMode.SYNC)
                .breakerWindowSize(2).breakerMinimumCalls(2).breakerFailureRateThreshold(50)
                .breakerWaitInOpenState(Duration.ofMillis(200)).breakerHalfOpenCalls(2).build(), ChangeLogs.inMemory(), MirrorObserver.NOOP)) {
            assertThat(executor.breakerState()).isEqualTo(BreakerState.CLOSED);

            for (int i = 0; i < 2; i++) {
                executor.submit(task("o-" + i, () -> {
                    throw new IllegalStateException("new store down");
                }));
            }

            assertThat(executor.breakerState()).isEqualTo(BreakerState.OPEN);
            // Resilience4j moves to half-open on the first permission asked after the wait
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                executor.submit(task("probe", () -> { }));
                return executor.breakerState() != BreakerState.OPEN;
            });
            assertThat(executor.breakerState()).as("one trial of two succeeded").isEqualTo(BreakerState.HALF_OPEN);
        }
    }

    @Test
    void queuedTasksCountsTheTasksWaitingBehindABusyLane() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        try (MirrorExecutor executor = MirrorExecutors.create("queued", MirrorConfig.custom().mode(MirrorMode.ASYNC)
                .lanes(1).timeLimit(Duration.ofSeconds(30)).build(), ChangeLogs.inMemory(), MirrorObserver.NOOP)) {
            executor.submit(task("o-1", () -> {
                started.countDown();
                release.await();
            }));
            started.await();
            for (int i = 2; i <= 4; i++) {
                executor.submit(task("o-" + i, () -> { }));
            }

            assertThat(executor.queuedTasks()).isEqualTo(3);

            release.countDown();
            assertThat(executor.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(executor.queuedTasks()).isZero();
        }
    }

    @Test
    void syncExecutorHasNoQueue() {
        try (MirrorExecutor executor = MirrorExecutors.create("sync", MirrorConfig.custom().mode(MirrorMode.SYNC)
                .build(), ChangeLogs.inMemory(), MirrorObserver.NOOP)) {
            executor.submit(task("o-1", () -> { }));
            assertThat(executor.queuedTasks()).isZero();
        }
    }

    @Test
    void dualWriterListsOnlyTheExecutorsItCreated() {
        try (DualWriter writer = DualWriter.builder().resolver(new FixedPhaseResolver(MigrationPhase.DUAL_WRITE))
                .changeLog(ChangeLogs.inMemory()).build()) {
            assertThat(writer.existingMirrorExecutor("orders", Store.NEW)).isEmpty();

            MirrorExecutor created = writer.mirrorExecutor("orders", Store.NEW);

            assertThat(writer.existingMirrorExecutor("orders", Store.NEW)).containsSame(created);
            assertThat(writer.existingMirrorExecutor("orders", Store.OLD)).isEmpty();
        }
    }
}
