package io.dualwrite.switches;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets an event through at most once per interval per key (e.g. one WARN per migration per refresh
 * interval). Lock-free; allocates only the first time a key is seen.
 */
final class RateLimiter {

    private final long intervalNanos;
    private final Ticker ticker;
    private final ConcurrentMap<String, AtomicLong> nextAllowed = new ConcurrentHashMap<>();

    RateLimiter(Duration interval, Ticker ticker) {
        this.intervalNanos = interval.toNanos();
        this.ticker = ticker;
    }

    /** Whether the event for {@code key} may fire now; if so, the next one may fire an interval later. */
    boolean tryAcquire(String key) {
        long now = ticker.read();
        AtomicLong next = nextAllowed.get(key);
        if (next == null) {
            AtomicLong created = new AtomicLong(now + intervalNanos);
            next = nextAllowed.putIfAbsent(key, created);
            if (next == null) {
                return true;
            }
        }
        long allowedAt = next.get();
        return now - allowedAt >= 0 && next.compareAndSet(allowedAt, now + intervalNanos);
    }
}
