package io.dualwrite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);

    @Test
    void oneLinePerIntervalAndTheNextCountsTheSuppressedOnes() {
        assertThat(throttle.tryAcquire("orders|FAILED")).isZero();
        for (int i = 0; i < 3; i++) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            assertThat(throttle.tryAcquire("orders|FAILED")).isEqualTo(LogThrottle.SUPPRESS);
        }

        now.addAndGet(Duration.ofSeconds(7).toNanos());

        assertThat(throttle.tryAcquire("orders|FAILED")).isEqualTo(3);
        assertThat(throttle.tryAcquire("orders|FAILED")).isEqualTo(LogThrottle.SUPPRESS);
    }

    @Test
    void keysAreLimitedIndependently() {
        assertThat(throttle.tryAcquire("orders|FAILED")).isZero();
        assertThat(throttle.tryAcquire("orders|TIMED_OUT")).isZero();
        assertThat(throttle.tryAcquire("payments|FAILED")).isZero();
        assertThat(throttle.tryAcquire("orders|FAILED")).isEqualTo(LogThrottle.SUPPRESS);
    }

    @Test
    void zeroIntervalLetsEveryLineThrough() {
        LogThrottle open = new LogThrottle(Duration.ZERO, now::get);

        assertThat(open.tryAcquire("k")).isZero();
        assertThat(open.tryAcquire("k")).isZero();
    }
}
