package io.dualwrite.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one log line per key through per interval and counts the ones it holds back, so that a failure
 * that fires per call cannot flood the log. Keys are few (migration × outcome), so the map stays small.
 */
public final class LogThrottle {

    /** Returned by {@link #tryAcquire} when the line must be suppressed. */
    public static final long SUPPRESS = -1;

    private final long intervalNanos;
    private final LongSupplier ticker;
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    /** One line per key per {@code interval} ({@link Duration#ZERO} lets every line through), on the system clock. */
    public LogThrottle(Duration interval) {
        this(interval, System::nanoTime);
    }

    /** With a ticker in nanoseconds (tests pass a fake one). */
    public LogThrottle(Duration interval, LongSupplier ticker) {
        this.intervalNanos = interval.toNanos();
        this.ticker = ticker;
    }

    /**
     * Whether a line for {@code key} may be logged now: {@link #SUPPRESS} when not, else the number of
     * lines suppressed for the key since the last one logged.
     */
    public long tryAcquire(String key) {
        Window window = windows.computeIfAbsent(key, k -> new Window(ticker.getAsLong()));
        if (intervalNanos == 0) {
            return window.suppressed.getAndSet(0);
        }
        long now = ticker.getAsLong();
        long next = window.nextAllowed.get();
        if (now - next >= 0 && window.nextAllowed.compareAndSet(next, now + intervalNanos)) {
            return window.suppressed.getAndSet(0);
        }
        window.suppressed.incrementAndGet();
        return SUPPRESS;
    }

    private static final class Window {
        final AtomicLong nextAllowed;
        final AtomicLong suppressed = new AtomicLong();

        Window(long now) {
            this.nextAllowed = new AtomicLong(now);
        }
    }
}
