package io.dualwrite.spring.aop;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.annotation.ShadowReadComparator;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.LogThrottle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the shadow reads of {@link io.dualwrite.annotation.DualRead} methods off the caller's thread, compares
 * them, and counts and logs each outcome. The caller's only cost is the hand-off: a sample goes to a bounded
 * executor ({@link Builder#threads}, {@link Builder#queueCapacity}); when that is full the sample is dropped and
 * counted as {@link ShadowReadOutcome#DROPPED}. A shadow run that throws or passes {@link Builder#timeout} counts
 * as {@link ShadowReadOutcome#ERROR} (a run past its time limit is not interrupted: it keeps its executor thread
 * until the store answers, and further samples are dropped while every thread is held).
 *
 * <p>Outcomes are counted per migration ({@link #count}), on the {@code dualwrite.shadow.reads} counter (tags
 * {@code migration} and {@code outcome}) when a {@link MeterRegistry} is given, and logged by the logger of this
 * class: mismatches, errors and drops at WARN (at most one line per migration and outcome per
 * {@link Builder#warnInterval}, naming the method and the call's ids, never the rows), matches at DEBUG.
 *
 * <p>Close it to stop its threads: queued samples are discarded and running ones interrupted, and each of them
 * still counts as an error once its time limit passes; samples handed over afterwards are dropped.
 */
public final class ShadowReads implements AutoCloseable {

    /** The name of the Micrometer counter of shadow-read outcomes. */
    public static final String METER = "dualwrite.shadow.reads";

    private static final Logger log = LoggerFactory.getLogger(ShadowReads.class);

    private final ShadowReadSampling sampling;
    private final @Nullable MeterRegistry registry;
    private final Duration timeout;
    private final ThreadPoolExecutor executor;
    private final LogThrottle warnings;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();

    private ShadowReads(Builder builder) {
        this.sampling = builder.sampling;
        this.registry = builder.registry;
        this.timeout = builder.timeout;
        this.warnings = new LogThrottle(builder.warnInterval);
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(builder.threads, builder.threads, 30, TimeUnit.SECONDS,
                builder.queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(builder.queueCapacity),
                task -> {
                    Thread thread = new Thread(task, "dualwrite-shadow-read-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The sampling this instance draws from. */
    public ShadowReadSampling sampling() {
        return sampling;
    }

    /** How many shadow reads of {@code migration} ended with {@code outcome} since this instance was built. */
    public long count(String migration, ShadowReadOutcome outcome) {
        LongAdder adder = counts.get(migration + '\u0000' + outcome.name());
        return adder == null ? 0 : adder.sum();
    }

    /**
     * Waits until no handed-off sample is pending (every one counted), at most {@code timeout}: for tests and a
     * graceful shutdown.
     *
     * @return whether none was pending when it returned
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /**
     * Hands one sample over: {@code shadowCall} runs on the executor, under {@code context}, and its result is
     * compared with {@code served}. Never throws and never blocks the caller.
     */
    void submit(String migration, String method, MigrationContext context, Store servedFrom, @Nullable Object served,
                ShadowReadComparator comparator, Callable<@Nullable Object> shadowCall) {
        Callable<@Nullable Object> underContext = MigrationContext.wrap(shadowCall);
        inFlight.incrementAndGet();
        CompletableFuture<@Nullable Object> run;
        try {
            run = CompletableFuture.supplyAsync(() -> {
                try {
                    return underContext.call();
                } catch (Throwable e) {
                    throw new CompletionException(e);
                }
            }, executor);
        } catch (RejectedExecutionException full) {
            record(migration, ShadowReadOutcome.DROPPED, method, context, servedFrom, null);
            settled();
            return;
        }
        run.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((shadow, failure) -> {
            try {
                if (failure != null) {
                    record(migration, ShadowReadOutcome.ERROR, method, context, servedFrom, unwrap(failure));
                    return;
                }
                boolean matches;
                try {
                    matches = comparator.matches(served, shadow);
                } catch (RuntimeException comparing) {
                    record(migration, ShadowReadOutcome.ERROR, method, context, servedFrom, comparing);
                    return;
                }
                record(migration, matches ? ShadowReadOutcome.MATCH : ShadowReadOutcome.MISMATCH, method, context,
                        servedFrom, null);
            } finally {
                settled();
            }
        });
    }

    private void settled() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private void record(String migration, ShadowReadOutcome outcome, String method, MigrationContext context,
                        Store servedFrom, @Nullable Throwable failure) {
        counts.computeIfAbsent(migration + '\u0000' + outcome.name(), key -> new LongAdder()).increment();
        if (registry != null) {
            counters.computeIfAbsent(migration + '\u0000' + outcome.name(), key -> Counter.builder(METER)
                    .description("Shadow reads of @DualRead methods, by outcome")
                    .tag("migration", migration).tag("outcome", outcome.tag())
                    .register(registry)).increment();
        }
        String ids = "order " + context.orderId().orElse("-") + ", merchant " + context.merchantId().orElse("-");
        Store other = servedFrom.other();
        if (outcome == ShadowReadOutcome.MATCH) {
            log.debug("shadow read of {} in migration {} ({}): the {} store agrees with the {} store", method,
                    migration, ids, other, servedFrom);
            return;
        }
        long suppressed = warnings.tryAcquire(migration + '/' + outcome.name());
        String message = switch (outcome) {
            case MISMATCH -> "shadow read mismatch in migration {}: {} ({}) read from the " + other
                    + " store differs from what the " + servedFrom + " store gave the caller";
            case ERROR -> "shadow read failed in migration {}: {} ({}) on the " + other + " store: "
                    + (failure == null ? "" : failure.getClass().getName() + ": " + failure.getMessage())
                    + (failure instanceof TimeoutException ? " (time limit " + timeout.toMillis() + " ms)" : "");
            default -> "shadow read dropped in migration {}: {} ({}): the shadow-read executor is full";
        };
        if (suppressed == LogThrottle.SUPPRESS) {
            log.debug(message, migration, method, ids);
        } else if (suppressed > 0) {
            log.warn(message + " ({} similar lines suppressed before this one)", migration, method, ids, suppressed);
        } else {
            log.warn(message, migration, method, ids);
        }
        if (failure != null && log.isDebugEnabled()) {
            log.debug("shadow read failure of " + method, io.dualwrite.internal.Credentials.masked(failure));
        }
    }

    /** Stops the threads (see the class comment for the samples still pending). */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "ShadowReads[" + sampling + ", threads=" + executor.getMaximumPoolSize() + ", timeout=" + timeout + "]";
    }

    /** Builds {@link ShadowReads}; every setting has a default. */
    public static final class Builder {
        private ShadowReadSampling sampling = ShadowReadSampling.none();
        private @Nullable MeterRegistry registry;
        private int threads = 2;
        private int queueCapacity = 100;
        private Duration timeout = Duration.ofSeconds(5);
        private Duration warnInterval = Duration.ofSeconds(10);

        private Builder() {
        }

        /** The rate per migration; default none (no call is shadow-read). */
        public Builder sampling(ShadowReadSampling sampling) {
            this.sampling = Checks.requireNonNull("sampling", sampling);
            return this;
        }

        /** Where the {@code dualwrite.shadow.reads} counter is registered; default none (counted and logged only). */
        public Builder meterRegistry(@Nullable MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Threads that run shadow reads; default 2. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, but was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Samples that may wait for a thread; past it, samples are dropped. Default 100; 0 hands off only to an idle thread. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("queueCapacity must be 0 or more, but was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** How long a shadow run may take from its hand-off before it counts as an error; default 5 s. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be a positive duration, but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** The least time between two WARN lines of one migration and outcome; default 10 s. */
        public Builder warnInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new IllegalArgumentException("warnInterval must be zero or positive, but was " + interval);
            }
            this.warnInterval = interval;
            return this;
        }

        /** The shadow-read runner, with its threads not started yet. */
        public ShadowReads build() {
            return new ShadowReads(this);
        }
    }
}
