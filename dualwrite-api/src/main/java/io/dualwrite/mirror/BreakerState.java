package io.dualwrite.mirror;

/**
 * The state of the circuit breaker that guards a {@link MirrorExecutor}'s other store, as monitoring shows it
 * ({@link MirrorExecutor#breakerState()}).
 */
public enum BreakerState {
    /** Mirrors reach the other store. */
    CLOSED,
    /** Mirrors are recorded in the change log without reaching the other store, until the wait in open state ends. */
    OPEN,
    /** A few trial mirrors reach the other store; their outcome closes or opens the breaker again. */
    HALF_OPEN
}
