package io.dualwrite.mirror;

import static io.dualwrite.mirror.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AwaitIdleTest {

    private static final Duration LONG_LIMIT = Duration.ofSeconds(30);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private final RecordingObserver observer = new RecordingObserver();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private MirrorExecutor executor;

    @AfterEach
    void tearDown() {
        release.countDown();
        callers.shutdownNow();
        if (executor != null) {
            executor.close();
        }
    }

    private MirrorExecutor executor(MirrorMode mode) {
        executor = MirrorExecutors.create("idle-test", MirrorConfig.custom().mode(mode).timeLimit(LONG_LIMIT).build(),
                changeLog, observer);
        return executor;
    }

    /** A mirror that says it started, then waits for the test to release it. */
    private MirrorWork held(CountDownLatch started) {
        return () -> {
            started.countDown();
            release.await();
        };
    }

    @ParameterizedTest
    @EnumSource(MirrorMode.class)
    void freshExecutorIsIdleAtOnce(MirrorMode mode) throws Exception {
        executor(mode);

        assertThat(executor.awaitIdle(Duration.ZERO)).isTrue();
    }

    @Test
    void asyncExecutorIsBusyWhileAHeldMirrorRunsOrWaitsAndIdleOnceAllAreRecorded() throws Exception {
        executor(MirrorMode.ASYNC);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger queuedRan = new AtomicInteger();

        executor.submit(task("o-1", held(started)));
        executor.submit(task("o-1", queuedRan::incrementAndGet)); // same key: queued behind the held one
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(executor.awaitIdle(Duration.ZERO)).isFalse();
        assertThat(executor.awaitIdle(Duration.ofMillis(50))).as("times out while the mirror is held").isFalse();

        release.countDown();
        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        // No polling needed: idle means both outcomes are recorded already.
        assertThat(queuedRan).hasValue(1);
        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.SUCCEEDED, MirrorOutcome.SUCCEEDED);
    }

    @Test
    void syncExecutorIsBusyWhileACallerWaitsForAHeldMirror() throws Exception {
        executor(MirrorMode.SYNC);
        CountDownLatch started = new CountDownLatch(1);

        Future<?> caller = callers.submit(() -> executor.submit(task("o-1", held(started))));
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(executor.awaitIdle(Duration.ZERO)).isFalse();
        release.countDown();
        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.SUCCEEDED);
        caller.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void idleAfterConcurrentSubmitsMeansEveryOutcomeIsRecorded() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        executor = MirrorExecutors.create("idle-test", MirrorConfig.custom().queueCapacity(threads * perThread).build(),
                changeLog, observer);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(callers.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    executor.submit(task("k-" + thread + "-" + (i % 7), () -> { }));
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }

        assertThat(executor.awaitIdle(PATIENCE)).isTrue();
        assertThat(observer.count(MirrorOutcome.SUCCEEDED)).isEqualTo((long) threads * perThread);
    }

    @Test
    void closedExecutorIsIdleOnceItsQueueWasRecordedAsShutDown() throws Exception {
        executor(MirrorMode.ASYNC);
        executor.close();

        executor.submit(task("o-1", () -> { }));

        assertThat(executor.awaitIdle(Duration.ZERO)).isTrue();
        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.SHUT_DOWN);
    }

    @Test
    void negativeOrMissingTimeoutIsRefused() {
        executor(MirrorMode.ASYNC);

        assertThatThrownBy(() -> executor.awaitIdle(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be zero or positive, but was PT-0.001S");
        assertThatThrownBy(() -> executor.awaitIdle(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be zero or positive, but was null");
    }

    @Test
    void interruptedWaiterStopsWaiting() throws Exception {
        executor(MirrorMode.ASYNC);
        CountDownLatch started = new CountDownLatch(1);
        executor.submit(task("o-1", held(started)));
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> executor.awaitIdle(PATIENCE)).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
