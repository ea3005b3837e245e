package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;

/**
 * Thrown by {@link SwitchAdmin} when the {@link PhaseGate} refuses a move and the operator did not
 * force it. Its message is the gate's reason; nothing was changed.
 */
public final class PhaseMoveRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String migration;
    private final MigrationPhase from;
    private final MigrationPhase to;
    private final transient GateVerdict verdict;

    /** A refusal of moving {@code migration} from {@code from} to {@code to}. */
    public PhaseMoveRefusedException(String migration, MigrationPhase from, MigrationPhase to, GateVerdict verdict) {
        super("moving '" + migration + "' from " + from + " to " + to + " refused: " + verdict.reason()
                + " (force the move to override)");
        this.migration = migration;
        this.from = from;
        this.to = to;
        this.verdict = verdict;
    }

    /** The migration whose move was refused. */
    public String migration() {
        return migration;
    }

    /** The phase the move started from. */
    public MigrationPhase from() {
        return from;
    }

    /** The phase the move was to reach. */
    public MigrationPhase to() {
        return to;
    }

    /** The gate's verdict, with its reason. */
    public GateVerdict verdict() {
        return verdict;
    }
}
