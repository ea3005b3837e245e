package io.dualwrite.mirror;

import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.internal.Checks;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How mirrors to one other store run: sync or async, the time limit, the circuit breaker (opened by a high
 * rate of failures or of slow calls), the bulkhead,
 * the async queue, the change-log mode and the rate of WARN lines. Immutable; built with
 * {@link #custom()}, {@link #from(MirrorConfig)} or {@link #ofDefaults()}. Every setter checks its value at
 * once and names the property, the bad value and what is allowed.
 */
public final class MirrorConfig {

    /** Async by default: the caller never waits for the other store. */
    public static final MirrorMode DEFAULT_MODE = MirrorMode.ASYNC;
    /** The longest a mirror may take before it is abandoned. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(1);
    /** Calls in the circuit breaker's count-based sliding window. */
    public static final int DEFAULT_BREAKER_WINDOW_SIZE = 20;
    /** Failure rate (percent) at or above which the breaker opens. */
    public static final int DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD = 50;
    /**
     * The slow-call threshold under the default time limit: half of it, 500 ms. When not set, the threshold
     * is half of whatever {@link #timeLimit()} is (see {@link #breakerSlowCallDurationThreshold()}).
     */
    public static final Duration DEFAULT_BREAKER_SLOW_CALL_DURATION_THRESHOLD = DEFAULT_TIME_LIMIT.dividedBy(2);
    /** Slow-call rate (percent) at or above which the breaker opens. */
    public static final int DEFAULT_BREAKER_SLOW_CALL_RATE_THRESHOLD = 50;
    /** How long the breaker stays open before it lets trial calls through. */
    public static final Duration DEFAULT_BREAKER_WAIT_IN_OPEN_STATE = Duration.ofSeconds(30);
    /** Trial calls let through while the breaker is half-open. */
    public static final int DEFAULT_BREAKER_HALF_OPEN_CALLS = 5;
    /** Mirror calls in flight on the other store at once, abandoned ones included. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 32;
    /** Async tasks waiting to run, across all lanes. */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    /** Rows one async run may sync at most when it merges batchable tasks queued behind each other. */
    public static final int DEFAULT_MAX_BATCH_ROWS = 500;
    /**
     * How long an async lane waits for more syncs to merge when it takes one and finds its queue empty: 2 ms,
     * the "linger" of a group commit. A mirror lands that much later; in exchange a steady stream of small
     * writes is synced in batches (one read, one batched write, one commit each) instead of one by one.
     */
    public static final Duration DEFAULT_BATCH_LINGER = Duration.ofMillis(2);
    /** Async lanes (one thread each); tasks with one ordering key share a lane. */
    public static final int DEFAULT_LANES = 4;
    /** Change-log entries only for mirrors that failed or were skipped. */
    public static final ChangeLogMode DEFAULT_CHANGE_LOG_MODE = ChangeLogMode.ON_FAILURE;
    /** At most one WARN line per migration and outcome in this interval; the rest are counted. */
    public static final Duration DEFAULT_WARN_INTERVAL = Duration.ofSeconds(10);

    private static final MirrorConfig DEFAULTS = new Builder().build();

    private final MirrorMode mode;
    private final Duration timeLimit;
    private final int breakerWindowSize;
    private final int breakerFailureRateThreshold;
    /** As set; {@code null} means "the window size", kept so that {@link #from} keeps following it. */
    private final @Nullable Integer explicitMinimumCalls;
    /** As set; {@code null} means "half the time limit", kept so that {@link #from} keeps following it. */
    private final @Nullable Duration explicitSlowCallDurationThreshold;
    private final int breakerSlowCallRateThreshold;
    private final Duration breakerWaitInOpenState;
    private final int breakerHalfOpenCalls;
    private final int maxConcurrentCalls;
    private final int queueCapacity;
    private final int lanes;
    private final int maxBatchRows;
    private final Duration batchLinger;
    private final ChangeLogMode changeLogMode;
    private final Duration warnInterval;

    private MirrorConfig(Builder b) {
        this.mode = b.mode;
        this.timeLimit = b.timeLimit;
        this.breakerWindowSize = b.breakerWindowSize;
        this.breakerFailureRateThreshold = b.breakerFailureRateThreshold;
        this.explicitMinimumCalls = b.breakerMinimumCalls;
        this.explicitSlowCallDurationThreshold = b.breakerSlowCallDurationThreshold;
        this.breakerSlowCallRateThreshold = b.breakerSlowCallRateThreshold;
        this.breakerWaitInOpenState = b.breakerWaitInOpenState;
        this.breakerHalfOpenCalls = b.breakerHalfOpenCalls;
        this.maxConcurrentCalls = b.maxConcurrentCalls;
        this.queueCapacity = b.queueCapacity;
        this.lanes = b.lanes;
        this.maxBatchRows = b.maxBatchRows;
        this.batchLinger = b.batchLinger;
        this.changeLogMode = b.changeLogMode;
        this.warnInterval = b.warnInterval;
    }

    /** The defaults ({@code DEFAULT_*}). */
    public static MirrorConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(MirrorConfig base) {
        return new Builder(Checks.requireNonNull("base", base));
    }

    /** Sync or async. */
    public MirrorMode mode() {
        return mode;
    }

    /** The longest the waiting side waits for a mirror before abandoning it. */
    public Duration timeLimit() {
        return timeLimit;
    }

    /** Calls in the breaker's count-based sliding window. */
    public int breakerWindowSize() {
        return breakerWindowSize;
    }

    /** Failure rate (percent, 1–100) at or above which the breaker opens. */
    public int breakerFailureRateThreshold() {
        return breakerFailureRateThreshold;
    }

    /** Calls the breaker needs to have seen before it can open; by default the window size. */
    public int breakerMinimumCalls() {
        return explicitMinimumCalls == null ? breakerWindowSize : explicitMinimumCalls;
    }

    /**
     * How long a call may take before the breaker counts it as slow; by default half the time limit
     * (500 ms under the default limit of 1 s).
     *
     * <p>Why slow calls count at all: a mirror that still succeeds, but slowly, never counts as a failure,
     * so without this rule a new store that turns slow keeps the breaker closed and a {@link MirrorMode#SYNC}
     * caller pays up to the whole time limit on every write. Why half the limit: a healthy store answers a
     * write in milliseconds, so a call that needs half of what it is allowed already signals a store in
     * trouble, while it stays far enough below the limit that "slow" and "timed out" remain two separate
     * signals. Following the limit keeps the rule meaningful when the limit is lowered: a fixed 500 ms under
     * a 200 ms limit would never see a slow call. Calls that time out count as failures, and as slow.
     */
    public Duration breakerSlowCallDurationThreshold() {
        return explicitSlowCallDurationThreshold != null ? explicitSlowCallDurationThreshold
                : timeLimit.dividedBy(2);
    }

    /**
     * Slow-call rate (percent, 1–100) at or above which the breaker opens, among the calls of its window
     * (once it has seen {@link #breakerMinimumCalls()}); checked besides the failure rate, either opens it.
     */
    public int breakerSlowCallRateThreshold() {
        return breakerSlowCallRateThreshold;
    }

    /** How long the breaker stays open. */
    public Duration breakerWaitInOpenState() {
        return breakerWaitInOpenState;
    }

    /** Trial calls while half-open. */
    public int breakerHalfOpenCalls() {
        return breakerHalfOpenCalls;
    }

    /** Mirror calls in flight on the other store at once, abandoned ones included; also the mirror thread count. */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /**
     * Async tasks waiting to run, across all lanes; one more is rejected ({@link MirrorOutcome#REJECTED}). Also how
     * many rejected tasks may wait for a thread of the executor's own to record them in the change log, in batches;
     * past that, a rejected task is recorded on the caller's thread.
     */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** Async lanes (threads). */
    public int lanes() {
        return lanes;
    }

    /**
     * The most rows one async run syncs when a lane merges {@link MirrorWork.Batchable} tasks queued behind
     * each other (a burst of small mirrors then costs one read, one batched write and one commit).
     */
    public int maxBatchRows() {
        return maxBatchRows;
    }

    /** How long an async lane waits for more batchable syncs before it runs one it found alone ({@link #DEFAULT_BATCH_LINGER}). */
    public Duration batchLinger() {
        return batchLinger;
    }

    /** When the change log gets an entry. */
    public ChangeLogMode changeLogMode() {
        return changeLogMode;
    }

    /** At most one WARN line per migration and outcome in this interval; {@link Duration#ZERO} logs every one. */
    public Duration warnInterval() {
        return warnInterval;
    }

    @Override
    public String toString() {
        return "MirrorConfig[mode=" + mode + ", timeLimit=" + timeLimit + ", breakerWindowSize=" + breakerWindowSize
                + ", breakerFailureRateThreshold=" + breakerFailureRateThreshold + ", breakerMinimumCalls="
                + breakerMinimumCalls() + ", breakerSlowCallDurationThreshold=" + breakerSlowCallDurationThreshold()
                + ", breakerSlowCallRateThreshold=" + breakerSlowCallRateThreshold
                + ", breakerWaitInOpenState=" + breakerWaitInOpenState
                + ", breakerHalfOpenCalls=" + breakerHalfOpenCalls + ", maxConcurrentCalls=" + maxConcurrentCalls
                + ", queueCapacity=" + queueCapacity + ", lanes=" + lanes + ", maxBatchRows=" + maxBatchRows
                + ", batchLinger=" + batchLinger + ", changeLogMode=" + changeLogMode
                + ", warnInterval=" + warnInterval + "]";
    }

    /** Builds a {@link MirrorConfig}; each setter validates its value at once. */
    public static final class Builder {
        private MirrorMode mode = DEFAULT_MODE;
        private Duration timeLimit = DEFAULT_TIME_LIMIT;
        private int breakerWindowSize = DEFAULT_BREAKER_WINDOW_SIZE;
        private int breakerFailureRateThreshold = DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD;
        private @Nullable Integer breakerMinimumCalls;
        private @Nullable Duration breakerSlowCallDurationThreshold;
        private int breakerSlowCallRateThreshold = DEFAULT_BREAKER_SLOW_CALL_RATE_THRESHOLD;
        private Duration breakerWaitInOpenState = DEFAULT_BREAKER_WAIT_IN_OPEN_STATE;
        private int breakerHalfOpenCalls = DEFAULT_BREAKER_HALF_OPEN_CALLS;
        private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private int lanes = DEFAULT_LANES;
        private int maxBatchRows = DEFAULT_MAX_BATCH_ROWS;
        private Duration batchLinger = DEFAULT_BATCH_LINGER;
        private ChangeLogMode changeLogMode = DEFAULT_CHANGE_LOG_MODE;
        private Duration warnInterval = DEFAULT_WARN_INTERVAL;

        private Builder() {
        }

        private Builder(MirrorConfig base) {
            mode = base.mode;
            timeLimit = base.timeLimit;
            breakerWindowSize = base.breakerWindowSize;
            breakerFailureRateThreshold = base.breakerFailureRateThreshold;
            breakerMinimumCalls = base.explicitMinimumCalls;
            breakerSlowCallDurationThreshold = base.explicitSlowCallDurationThreshold;
            breakerSlowCallRateThreshold = base.breakerSlowCallRateThreshold;
            breakerWaitInOpenState = base.breakerWaitInOpenState;
            breakerHalfOpenCalls = base.breakerHalfOpenCalls;
            maxConcurrentCalls = base.maxConcurrentCalls;
            queueCapacity = base.queueCapacity;
            lanes = base.lanes;
            maxBatchRows = base.maxBatchRows;
            batchLinger = base.batchLinger;
            changeLogMode = base.changeLogMode;
            warnInterval = base.warnInterval;
        }

        /** Sync or async; default {@link #DEFAULT_MODE}. */
        public Builder mode(MirrorMode mode) {
            this.mode = Checks.requireNonNull("mode", mode);
            return this;
        }

        /** The time limit of one mirror; positive, at most one hour; default 1 s. */
        public Builder timeLimit(Duration timeLimit) {
            this.timeLimit = positive("timeLimit", timeLimit, Duration.ofHours(1));
            return this;
        }

        /** Calls in the breaker's sliding window; 1–10 000; default 20. */
        public Builder breakerWindowSize(int size) {
            this.breakerWindowSize = inRange("breakerWindowSize", size, 1, 10_000);
            return this;
        }

        /** Failure rate (percent) at or above which the breaker opens; 1–100; default 50. */
        public Builder breakerFailureRateThreshold(int percent) {
            this.breakerFailureRateThreshold = inRange("breakerFailureRateThreshold", percent, 1, 100);
            return this;
        }

        /**
         * Calls the breaker must have seen before it can open; at least 1 and at most the window size
         * (checked at {@link #build()}); default the window size.
         */
        public Builder breakerMinimumCalls(int calls) {
            this.breakerMinimumCalls = inRange("breakerMinimumCalls", calls, 1, 10_000);
            return this;
        }

        /**
         * How long a call may take before the breaker counts it as slow; positive and at most
         * {@code timeLimit} (checked at {@link #build()}); default half the time limit, see
         * {@link MirrorConfig#breakerSlowCallDurationThreshold()}. Setting it equal to the time limit leaves
         * only calls that time out counted as slow, which count as failures anyway.
         */
        public Builder breakerSlowCallDurationThreshold(Duration threshold) {
            this.breakerSlowCallDurationThreshold = positive("breakerSlowCallDurationThreshold", threshold,
                    Duration.ofHours(1));
            return this;
        }

        /** Slow-call rate (percent) at or above which the breaker opens; 1–100; default 50. */
        public Builder breakerSlowCallRateThreshold(int percent) {
            this.breakerSlowCallRateThreshold = inRange("breakerSlowCallRateThreshold", percent, 1, 100);
            return this;
        }

        /** How long the breaker stays open; positive, at most one day; default 30 s. */
        public Builder breakerWaitInOpenState(Duration wait) {
            this.breakerWaitInOpenState = positive("breakerWaitInOpenState", wait, Duration.ofDays(1));
            return this;
        }

        /** Trial calls while half-open; 1–10 000; default 5. */
        public Builder breakerHalfOpenCalls(int calls) {
            this.breakerHalfOpenCalls = inRange("breakerHalfOpenCalls", calls, 1, 10_000);
            return this;
        }

        /** Mirror calls in flight at once (and mirror threads); 1–10 000; default 32. */
        public Builder maxConcurrentCalls(int calls) {
            this.maxConcurrentCalls = inRange("maxConcurrentCalls", calls, 1, 10_000);
            return this;
        }

        /** Async tasks waiting to run, across all lanes; 1–10 000 000; default 10 000. */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = inRange("queueCapacity", capacity, 1, 10_000_000);
            return this;
        }

        /** Rows one async run may merge; 1–100 000; default 500 ({@link MirrorConfig#maxBatchRows()}). */
        public Builder maxBatchRows(int maxBatchRows) {
            this.maxBatchRows = inRange("maxBatchRows", maxBatchRows, 1, 100_000);
            return this;
        }

        /**
         * How long an async lane waits for more batchable syncs when it finds one alone; zero (syncs run as they
         * come) to 1 s; default 2 ms ({@link MirrorConfig#DEFAULT_BATCH_LINGER}).
         */
        public Builder batchLinger(Duration batchLinger) {
            if (batchLinger == null || batchLinger.isNegative() || batchLinger.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("batchLinger must be between 0 and 1 s, but was " + batchLinger);
            }
            this.batchLinger = batchLinger;
            return this;
        }

        /** Async lanes (threads); 1–1 024; default 4. */
        public Builder lanes(int lanes) {
            this.lanes = inRange("lanes", lanes, 1, 1_024);
            return this;
        }

        /** When the change log gets an entry; default {@link ChangeLogMode#ON_FAILURE}. */
        public Builder changeLogMode(ChangeLogMode changeLogMode) {
            this.changeLogMode = Checks.requireNonNull("changeLogMode", changeLogMode);
            return this;
        }

        /** At most one WARN line per migration and outcome per interval; zero or positive; default 10 s. */
        public Builder warnInterval(Duration interval) {
            Checks.requireNonNull("warnInterval", interval);
            if (interval.isNegative()) {
                throw new IllegalArgumentException(
                        "warnInterval must be zero or positive, but was " + interval);
            }
            this.warnInterval = interval;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException when {@code breakerMinimumCalls} exceeds {@code breakerWindowSize}, or
         *                                  {@code breakerSlowCallDurationThreshold} exceeds {@code timeLimit}
         */
        public MirrorConfig build() {
            int minimum = breakerMinimumCalls == null ? breakerWindowSize : breakerMinimumCalls;
            if (minimum > breakerWindowSize) {
                throw new IllegalArgumentException("breakerMinimumCalls must be between 1 and breakerWindowSize ("
                        + breakerWindowSize + "), but was " + minimum);
            }
            if (breakerSlowCallDurationThreshold != null && breakerSlowCallDurationThreshold.compareTo(timeLimit) > 0) {
                throw new IllegalArgumentException("breakerSlowCallDurationThreshold must be positive and at most "
                        + "timeLimit (" + timeLimit + "), but was " + breakerSlowCallDurationThreshold);
            }
            return new MirrorConfig(this);
        }

        private static int inRange(String property, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(property + " must be between " + min + " and " + max
                        + " (inclusive), but was " + value);
            }
            return value;
        }

        private static Duration positive(String property, @Nullable Duration value, Duration max) {
            Checks.requireNonNull(property, value);
            if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(property + " must be positive and at most " + max
                        + ", but was " + value);
            }
            return value;
        }
    }
}
