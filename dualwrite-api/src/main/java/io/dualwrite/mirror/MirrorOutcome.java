package io.dualwrite.mirror;

/** How one mirror ended. Every outcome but {@link #SUCCEEDED} leaves a change-log entry per row. */
public enum MirrorOutcome {
    /** The other store took the write. */
    SUCCEEDED,
    /** The other store threw. */
    FAILED,
    /** The time limit passed; the work was abandoned. */
    TIMED_OUT,
    /** The circuit breaker for the other store was open; the work did not run. */
    BREAKER_OPEN,
    /** The bulkhead or the async queue was full; the work did not run. */
    REJECTED,
    /** The executor was shut down before the work could run. */
    SHUT_DOWN;

    /** The change-log reason for this outcome ({@code "timed-out"}, {@code "breaker-open"}, …). */
    public String reason() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
