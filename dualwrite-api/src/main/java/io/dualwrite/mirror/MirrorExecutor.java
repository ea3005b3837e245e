package io.dualwrite.mirror;

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

    /** Stops taking work; tasks still queued are recorded in the change log as {@link MirrorOutcome#SHUT_DOWN}. */
    @Override
    void close();
}
