package io.dualwrite.mirror;

import static io.dualwrite.mirror.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The breaker's slow-call rule, on a sync executor whose clock the work itself advances: a call "takes"
 * exactly as long as the test says, with no real waiting.
 */
class SlowMirrorBreakerTest extends MirrorExecutorFixture {

    private static final Duration STAYS_OPEN = Duration.ofMinutes(10);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger reachedTheStore = new AtomicInteger();

    SlowMirrorBreakerTest() {
        super("slow-test", MirrorMode.SYNC);
    }

    private void executorWithClock(MirrorConfig.Builder config) {
        executor = new ResilientMirrorExecutor("slow-test", config.mode(MirrorMode.SYNC).build(), changeLog,
                observer, clock::get);
    }

    /** A mirror that succeeds after {@code took} on the executor's clock. */
    private MirrorWork taking(Duration took) {
        return () -> {
            reachedTheStore.incrementAndGet();
            clock.addAndGet(took.toNanos());
        };
    }

    @Test
    void storeThatTurnsSlowOpensTheDefaultBreakerAfterOneWindowAndLaterMirrorsSkipIt() {
        executorWithClock(MirrorConfig.custom().breakerWaitInOpenState(STAYS_OPEN));
        int window = MirrorConfig.DEFAULT_BREAKER_WINDOW_SIZE;
        Duration slowButInTime = Duration.ofMillis(600); // above the 500 ms threshold, below the 1 s limit

        for (int i = 0; i < window; i++) {
            executor.submit(task("o-" + i, taking(slowButInTime)));
        }
        assertThat(changeLog.size()).as("slow mirrors still succeed").isZero();

        for (int i = window; i < window + 5; i++) {
            executor.submit(task("o-" + i, taking(slowButInTime)));
        }

        assertThat(reachedTheStore).as("mirrors after the breaker opened never reach the slow store")
                .hasValue(window);
        assertThat(observer.outcomes()).containsExactlyElementsOf(concat(
                Collections.nCopies(window, MirrorOutcome.SUCCEEDED),
                Collections.nCopies(5, MirrorOutcome.BREAKER_OPEN)));
        assertThat(changeLog.entries()).extracting(entry -> entry.record().reason())
                .containsExactly("breaker-open", "breaker-open", "breaker-open", "breaker-open", "breaker-open");
        assertThat(changeLog.entries()).extracting(entry -> entry.record().key())
                .containsExactly("o-20", "o-21", "o-22", "o-23", "o-24");
    }

    @Test
    void mirrorsJustUnderTheDefaultThresholdNeverOpenTheBreaker() {
        executorWithClock(MirrorConfig.custom().breakerWaitInOpenState(STAYS_OPEN));

        for (int i = 0; i < 3 * MirrorConfig.DEFAULT_BREAKER_WINDOW_SIZE; i++) {
            executor.submit(task("o-" + i, taking(Duration.ofMillis(499))));
        }

        assertThat(observer.count(MirrorOutcome.SUCCEEDED)).isEqualTo(3L * MirrorConfig.DEFAULT_BREAKER_WINDOW_SIZE);
        assertThat(changeLog.size()).isZero();
    }

    @Test
    void configuredThresholdAndRateDecideWhenSlowMirrorsOpenTheBreaker() {
        // the time limit runs on the real clock: 30 s, so that no call a busy machine holds up times out and counts
        // for the window as no call of this test does (the threshold is configured, so the limit does not set it)
        executorWithClock(MirrorConfig.custom().breakerWindowSize(4).breakerWaitInOpenState(STAYS_OPEN)
                .timeLimit(Duration.ofSeconds(30))
                .breakerSlowCallDurationThreshold(Duration.ofMillis(50)).breakerSlowCallRateThreshold(75));

        // 2 slow of 4: 50 %, under the configured 75 %.
        executor.submit(task("o-1", taking(Duration.ofMillis(10))));
        executor.submit(task("o-2", taking(Duration.ofMillis(10))));
        executor.submit(task("o-3", taking(Duration.ofMillis(60))));
        executor.submit(task("o-4", taking(Duration.ofMillis(60))));
        assertThat(changeLog.size()).isZero();
        // The window slides to 3 slow of 4: 75 %, so it opens.
        executor.submit(task("o-5", taking(Duration.ofMillis(60))));
        executor.submit(task("o-6", taking(Duration.ofMillis(10))));

        assertThat(observer.outcomes()).containsExactly(MirrorOutcome.SUCCEEDED, MirrorOutcome.SUCCEEDED,
                MirrorOutcome.SUCCEEDED, MirrorOutcome.SUCCEEDED, MirrorOutcome.SUCCEEDED,
                MirrorOutcome.BREAKER_OPEN);
        assertThat(changeLog.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.record().key()).isEqualTo("o-6");
            assertThat(entry.record().reason()).isEqualTo("breaker-open");
        });
    }

    private static List<MirrorOutcome> concat(List<MirrorOutcome> first, List<MirrorOutcome> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }
}
