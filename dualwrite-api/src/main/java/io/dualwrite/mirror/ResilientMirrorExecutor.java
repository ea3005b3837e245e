package io.dualwrite.mirror;

import io.dualwrite.MigrationContext;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MirrorExecutor} for one other store: a Resilience4j circuit breaker and semaphore bulkhead,
 * a bounded pool of mirror threads, and a time limit enforced by the waiting side (the caller in sync
 * mode, a lane thread in async mode), which abandons the work with an interrupt when it passes.
 *
 * <p>A bulkhead permit is held from the moment the work is handed to a mirror thread until the work
 * really ends, not until the waiting side gives up: an abandoned call that hangs keeps its permit, so
 * hanging calls can never pile up beyond {@link MirrorConfig#maxConcurrentCalls()}, and the pool (sized
 * to the same number) stays bounded.
 *
 * <p>In async mode a task the full queue turns away is recorded by a {@link RejectionSpill}, off the caller's
 * thread; only when that backlog is full too does the caller record it.
 */
final class ResilientMirrorExecutor implements MirrorExecutor {

    private static final Logger log = LoggerFactory.getLogger(MirrorExecutor.class);
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long LAST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final String name;
    private final MirrorConfig config;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final ThreadPoolExecutor pool;
    private final MirrorRecorder recorder;
    private final @Nullable MirrorLanes lanes;
    /** Async mode: where the tasks a full queue turns away wait to be recorded, off the caller's thread. */
    private final @Nullable RejectionSpill spill;
    private final LongSupplier ticker;
    /** Sync mode: calls inside {@link #submit}; async mode leaves it at zero. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    ResilientMirrorExecutor(String name, MirrorConfig config, ChangeLog changeLog, MirrorObserver observer) {
        this(name, config, changeLog, observer, System::nanoTime);
    }

    /**
     * @param ticker the clock, in nanoseconds, that measures how long a call took (for the breaker's slow-call
     *               rule) and the latency reported to the observer; tests drive it by hand. The time limit is
     *               always enforced in real time.
     */
    ResilientMirrorExecutor(String name, MirrorConfig config, ChangeLog changeLog, MirrorObserver observer,
                            LongSupplier ticker) {
        this.name = name;
        this.config = config;
        this.ticker = ticker;
        this.recorder = new MirrorRecorder(name, changeLog, observer, config.warnInterval(), ticker);
        this.breaker = CircuitBreaker.of("dualwrite-" + name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.breakerWindowSize())
                .minimumNumberOfCalls(config.breakerMinimumCalls())
                .failureRateThreshold(config.breakerFailureRateThreshold())
                .slowCallDurationThreshold(config.breakerSlowCallDurationThreshold())
                .slowCallRateThreshold(config.breakerSlowCallRateThreshold())
                .waitDurationInOpenState(config.breakerWaitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(config.breakerHalfOpenCalls())
                .build());
        this.bulkhead = Bulkhead.of("dualwrite-" + name, BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .build());
        int threads = config.maxConcurrentCalls();
        // Unbounded queue, bounded in effect: a task enters it only with a bulkhead permit, and there are
        // as many threads as permits, so it holds at most the tasks handed over while a thread is between two.
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemonThreads("dualwrite-mirror-" + name + "-"));
        this.pool.allowCoreThreadTimeOut(true);
        this.lanes = config.mode() == MirrorMode.ASYNC
                ? new MirrorLanes(name, config.lanes(), config.queueCapacity(), config.maxBatchRows(),
                        config.batchLinger(), this::runNow, this::shutDown)
                : null;
        this.spill = config.mode() == MirrorMode.ASYNC
                ? new RejectionSpill(name, config.queueCapacity(), config.maxBatchRows(), recorder)
                : null;
    }

    @Override
    public void submit(MirrorTask task) {
        long submitted = ticker.getAsLong();
        // Sync callers are counted for awaitIdle(); the caller waits for a mirror thread anyway, so one more
        // atomic add is noise. Async callers are not: the lanes know what is pending without it.
        boolean counted = lanes == null;
        if (counted) {
            inFlight.incrementAndGet();
        }
        try {
            if (closed.get()) {
                shutDown(task, submitted);
            } else if (lanes == null) {
                runNow(task, submitted);
            } else if (!lanes.offer(task, submitted)
                    && (spill == null || !spill.offer(task, submitted))) {
                // the queue and the spill are both full: recorded here, the last resort that loses no row
                recorder.finish(task, MirrorOutcome.REJECTED, null, submitted);
            }
        } catch (Throwable unexpected) {
            MirrorRecorder.rethrowIfFatal(unexpected);
            log.error("Mirror executor {} failed to handle a task for migration {}; ignored", name,
                    task.migration(), Credentials.masked(unexpected));
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The waiting thread parks in short, growing steps (50 µs up to 5 ms) and re-checks; nothing on the
     * path of {@link #submit} signals it.
     */
    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long budget = saturatedNanos(Checks.requireNonNegative("timeout", timeout));
        long start = System.nanoTime();
        long pause = FIRST_PAUSE_NANOS;
        while (!isIdle()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for mirror executor " + name + " to idle");
            }
            long left = budget - (System.nanoTime() - start);
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, Math.min(pause, left));
            pause = Math.min(pause * 2, LAST_PAUSE_NANOS);
        }
        return true;
    }

    private boolean isIdle() {
        return lanes == null ? inFlight.get() == 0 : lanes.isIdle() && (spill == null || spill.isIdle());
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public boolean callerWaits() {
        return config.mode() == MirrorMode.SYNC;
    }

    /** The configured {@link MirrorConfig#timeLimit()} in {@code SYNC}, else zero. */
    @Override
    public Duration callerWaitLimit() {
        return callerWaits() ? config.timeLimit() : Duration.ZERO;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (lanes != null) {
            lanes.close(config.timeLimit().plusSeconds(1));
        }
        if (spill != null) {
            spill.close(config.timeLimit());
        }
        // Work still running (abandoned or waited for by a sync caller) may end; nothing new starts.
        pool.shutdown();
    }

    @Override
    public BreakerState breakerState() {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            case CLOSED, DISABLED, METRICS_ONLY -> BreakerState.CLOSED;
        };
    }

    @Override
    public int queuedTasks() {
        return lanes == null ? 0 : lanes.queued();
    }

    @Override
    public String toString() {
        return "MirrorExecutor[" + name + ", " + config.mode() + ", breaker " + breaker.getState() + "]";
    }

    private void shutDown(MirrorTask task, long submitted) {
        recorder.finish(task, MirrorOutcome.SHUT_DOWN, null, submitted);
    }

    /** Runs a task with the breaker, the bulkhead and the time limit, then records how it ended. */
    private void runNow(MirrorTask task, long submitted) {
        Result result;
        try {
            result = attempt(task);
        } catch (Throwable unexpected) {
            MirrorRecorder.rethrowIfFatal(unexpected);
            result = new Result(MirrorOutcome.FAILED, unexpected);
        }
        recorder.finish(task, result.outcome, result.error, submitted);
    }

    private Result attempt(MirrorTask task) {
        if (closed.get()) {
            return new Result(MirrorOutcome.SHUT_DOWN, null);
        }
        if (!breaker.tryAcquirePermission()) {
            return new Result(MirrorOutcome.BREAKER_OPEN, null);
        }
        if (!bulkhead.tryAcquirePermission()) {
            breaker.releasePermission();
            return new Result(MirrorOutcome.REJECTED, null);
        }
        MirrorCall call = new MirrorCall(task, bulkhead);
        FutureTask<@Nullable Void> future = new FutureTask<>(call);
        long start = ticker.getAsLong();
        try {
            pool.execute(future);
        } catch (RejectedExecutionException poolClosed) {
            call.abandon();
            breaker.releasePermission();
            return new Result(MirrorOutcome.SHUT_DOWN, null);
        }
        try {
            future.get(config.timeLimit().toNanos(), TimeUnit.NANOSECONDS);
            breaker.onSuccess(ticker.getAsLong() - start, TimeUnit.NANOSECONDS);
            return new Result(MirrorOutcome.SUCCEEDED, null);
        } catch (TimeoutException timedOut) {
            future.cancel(true);
            call.abandon();
            TimeoutException error = new TimeoutException(
                    "mirror did not end within the time limit of " + config.timeLimit());
            breaker.onError(ticker.getAsLong() - start, TimeUnit.NANOSECONDS, error);
            return new Result(MirrorOutcome.TIMED_OUT, error);
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause() == null ? failed : failed.getCause();
            breaker.onError(ticker.getAsLong() - start, TimeUnit.NANOSECONDS, cause);
            return new Result(MirrorOutcome.FAILED, cause);
        } catch (InterruptedException interrupted) {
            // The waiting thread was interrupted, not the other store's fault: abandon, don't count it.
            future.cancel(true);
            call.abandon();
            breaker.releasePermission();
            Thread.currentThread().interrupt();
            return new Result(MirrorOutcome.FAILED, interrupted);
        } catch (java.util.concurrent.CancellationException cancelled) {
            breaker.releasePermission();
            return new Result(MirrorOutcome.SHUT_DOWN, cancelled);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private record Result(MirrorOutcome outcome, @Nullable Throwable error) {
    }

    /**
     * The work as run on a mirror thread. Exactly one of "the work started" and "the work was abandoned
     * before it started" wins the claim, and the winner releases the bulkhead permit when the work is over.
     */
    private static final class MirrorCall implements Callable<@Nullable Void> {
        private final MirrorTask task;
        private final Bulkhead bulkhead;
        private final AtomicBoolean claimed = new AtomicBoolean();

        MirrorCall(MirrorTask task, Bulkhead bulkhead) {
            this.task = task;
            this.bulkhead = bulkhead;
        }

        @Override
        public @Nullable Void call() throws Exception {
            if (!claimed.compareAndSet(false, true)) {
                return null;
            }
            try {
                MigrationContext context = task.context();
                if (context == null) {
                    task.work().run();
                } else {
                    try (MigrationContext.Scope scope = context.open()) {
                        task.work().run();
                    }
                }
                return null;
            } finally {
                bulkhead.onComplete();
            }
        }

        /** Releases the permit if the work never started (and now never will). */
        void abandon() {
            if (claimed.compareAndSet(false, true)) {
                bulkhead.onComplete();
            }
        }
    }
}
