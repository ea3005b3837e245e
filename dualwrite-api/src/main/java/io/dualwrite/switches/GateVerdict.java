package io.dualwrite.switches;

import io.dualwrite.internal.Checks;

/**
 * A {@link PhaseGate}'s answer to a proposed phase move: whether it may proceed, and why, in words an
 * operator reads in a log line or an error response.
 *
 * @param allowed whether the move may proceed without being forced
 * @param reason why, e.g. "change-log backlog for 'orders' is 12 entries; it must be empty"; never blank
 */
public record GateVerdict(boolean allowed, String reason) {

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException when {@code reason} is null or blank: every verdict says why
     */
    public GateVerdict {
        Checks.requireText("reason", reason);
    }

    /** The move may proceed. */
    public static GateVerdict allow(String reason) {
        return new GateVerdict(true, reason);
    }

    /** The move must not proceed unless forced. */
    public static GateVerdict refuse(String reason) {
        return new GateVerdict(false, reason);
    }
}
