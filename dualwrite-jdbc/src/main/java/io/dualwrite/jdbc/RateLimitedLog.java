package io.dualwrite.jdbc;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;

/** WARN lines that can fire per call, at most once per interval per kind. */
final class RateLimitedLog {

    private static final long INTERVAL_NANOS = 10_000_000_000L;
    private static final ConcurrentMap<String, Long> LAST = new ConcurrentHashMap<>();

    private RateLimitedLog() {
    }

    static void warn(Logger log, String kind, String message, Object... args) {
        long now = System.nanoTime();
        Long previous = LAST.get(kind);
        if (previous == null || now - previous > INTERVAL_NANOS) {
            if (previous == null ? LAST.putIfAbsent(kind, now) == null : LAST.replace(kind, previous, now)) {
                log.warn(message, args);
                return;
            }
        }
        log.debug(message, args);
    }
}
