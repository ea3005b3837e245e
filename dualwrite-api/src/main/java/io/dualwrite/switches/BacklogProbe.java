package io.dualwrite.switches;

/**
 * How many change-log entries of a migration still wait for the reconciler. The change log's
 * {@code ChangeLog::pendingCount} fits: {@code PhaseGate.standard(changeLog::pendingCount, ...)}.
 *
 * <p>Called on the operator's thread for a gated move only; it may block (e.g. run a query). An
 * exception it throws makes the gate refuse.
 */
@FunctionalInterface
public interface BacklogProbe {

    /** The number of entries not yet completed for the migration. */
    long pendingEntries(String migration);
}
