package io.dualwrite.mirror;

import java.time.Duration;

/**
 * Runs mirrored writes against the non-authoritative store, isolated from the caller: sync (the caller
 * waits up to the time limit) or async (a bounded hand-off, per-ordering-key order kept), guarded by a
 * circuit breaker, a bulkhead and a time limiter.
 *
 * <p>{@link #submit} never throws and never blocks the caller beyond the configured time limit. Every
 * outcome but success records each row of the task in the change log and is reported to the observer.
 */
public interface MirrorExecutor extends AutoCloseable {

    /** Runs or schedules the task; never throws. */
    void submit(MirrorTask task);

    /**
     * Waits until this executor is idle: every task handed to {@link #submit} before the call has ended and
     * its outcome was recorded (change log and observer), so a test or a shutdown hook can read the outcome
     * of what it wrote. In {@link MirrorMode#ASYNC} that means no task is queued or running on a lane; in
     * {@link MirrorMode#SYNC}, that no caller is inside {@link #submit}. Tasks submitted while it waits may
     * or may not be waited for. Work abandoned at its time limit counts as ended (it was recorded as
     * {@link MirrorOutcome#TIMED_OUT}) even if it has not stopped yet. A closed executor is idle once its
     * queued tasks were recorded as {@link MirrorOutcome#SHUT_DOWN}.
     *
     * <p>It never slows down {@link #submit}: the waiting thread does the checking.
     *
     * @param timeout the longest to wait; {@link Duration#ZERO} checks once without waiting
     * @return {@code true} when the executor was idle within {@code timeout}, {@code false} when the timeout
     *         passed first
     * @throws InterruptedException          when the waiting thread is interrupted
     * @throws IllegalArgumentException      when {@code timeout} is null or negative
     * @throws UnsupportedOperationException from this default, for implementations that cannot tell; the
     *                                       executors of {@link MirrorExecutors} always can
     */
    default boolean awaitIdle(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException(getClass().getName() + " cannot tell when it is idle");
    }

    /**
     * The state of the circuit breaker guarding the other store, for monitoring; read at any time, never
     * blocks. The executors of {@link MirrorExecutors} map Resilience4j's forced-open state to
     * {@link BreakerState#OPEN} and its disabled and metrics-only states to {@link BreakerState#CLOSED}. This
     * default, for implementations without a breaker, is {@link BreakerState#CLOSED}.
     */
    default BreakerState breakerState() {
        return BreakerState.CLOSED;
    }

    /**
     * How many tasks wait in the async queue, not yet taken by a lane, for monitoring; read at any time, never
     * blocks. Always 0 in {@link MirrorMode#SYNC} and in this default, for implementations without a queue.
     */
    default int queuedTasks() {
        return 0;
    }

    /**
     * Whether {@link #submit} returns only once the task has ended or its time limit has passed ({@link
     * MirrorMode#SYNC}): the caller's thread waits inside it, so that what the caller holds (its idle session) may
     * serve the task meanwhile. The executors of {@link MirrorExecutors} answer by their mode; this default, for
     * implementations that cannot promise it, is {@code false}.
     */
    default boolean callerWaits() {
        return false;
    }

    /**
     * When {@link #callerWaits()}: the longest the caller waits in {@link #submit} for one task (the time limit), so
     * that what works on the caller's behalf meanwhile can be bounded by it; {@link Duration#ZERO} where unknown (this
     * default) or the caller does not wait.
     */
    default Duration callerWaitLimit() {
        return Duration.ZERO;
    }

    /** Stops taking work; tasks still queued are recorded in the change log as {@link MirrorOutcome#SHUT_DOWN}. */
    @Override
    void close();
}
