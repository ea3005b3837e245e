package io.dualwrite.spring.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.dualwrite.changelog.ChangeLog;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change-log backlog of each migration ({@link ChangeLog#pendingCount}), read when asked and then kept for a
 * short time, so that scrapes and health checks coming close together run one count per migration between them,
 * not one each. A failed read is kept as long, so an unreachable change-log store costs one attempt per interval.
 * Thread-safe: concurrent readers of one migration wait for one count.
 */
public final class CachedBacklog {

    /** How long a count is kept unless configured: 5 seconds. */
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(CachedBacklog.class);

    private final ChangeLog changeLog;
    private final Cache<String, Reading> readings;

    /**
     * @param changeLog  the change log to count
     * @param timeToLive how long a count (or a failure) is kept; positive
     * @throws IllegalArgumentException when {@code timeToLive} is not positive
     */
    public CachedBacklog(ChangeLog changeLog, Duration timeToLive) {
        this.changeLog = Objects.requireNonNull(changeLog, "changeLog");
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive, but was " + timeToLive);
        }
        this.readings = Caffeine.newBuilder().expireAfterWrite(timeToLive).build();
    }

    /** The backlog of {@code migration}: counted now, or at most the time to live ago. */
    public Reading read(String migration) {
        return readings.get(migration, this::count);
    }

    private Reading count(String migration) {
        try {
            return new Reading(changeLog.pendingCount(migration), null);
        } catch (RuntimeException failure) {
            log.debug("Could not count the change-log backlog of migration {}: {}", migration,
                    failure.getClass().getName());
            return new Reading(null, failure.getClass().getSimpleName());
        }
    }

    /**
     * One count.
     *
     * @param pending entries not yet completed, or {@code null} when the count failed
     * @param error   the type of the failure (never its message, which may quote a URL), or {@code null}
     */
    public record Reading(@Nullable Long pending, @Nullable String error) {
    }
}
