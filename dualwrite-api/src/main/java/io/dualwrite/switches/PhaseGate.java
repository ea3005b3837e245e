package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a forward move past {@link MigrationPhase#DUAL_WRITE} may proceed. {@link SwitchAdmin}
 * asks it only for gated moves ({@link MigrationPhase#isGatedMoveTo}); rollbacks are never gated. An
 * operator can force a refused move; the verdict is logged either way.
 *
 * <p>Called on the operator's thread; implementations may block (they read the change log and the
 * verification results) and should answer with a refusal, not an exception, when they cannot tell.
 */
@FunctionalInterface
public interface PhaseGate {

    /** Whether {@code migration} may move from {@code from} to {@code to}, and why. */
    GateVerdict check(String migration, MigrationPhase from, MigrationPhase to);

    /**
     * Whether one merchant of {@code migration} (its switch, its pins) may move from {@code from} to {@code to};
     * {@code merchantId} null is the whole migration. By default the migration's verdict; the standard gate
     * asks for the last verification of that merchant's rows.
     */
    default GateVerdict check(String migration, @Nullable String merchantId, MigrationPhase from, MigrationPhase to) {
        return check(migration, from, to);
    }

    /** A gate that allows every move (for tests, or migrations with nothing to check). */
    static PhaseGate open() {
        return (migration, from, to) -> GateVerdict.allow("the phase gate is open: every move is allowed");
    }

    /**
     * The standard gate: a gated move is allowed only when the migration's change-log backlog is empty
     * and the last verification of its tables was clean (never run counts as not clean). A probe that
     * throws makes it refuse, with the error in the reason.
     */
    static PhaseGate standard(BacklogProbe backlog, VerificationProbe verification) {
        return new StandardPhaseGate(Checks.requireNonNull("backlog", backlog),
                Checks.requireNonNull("verification", verification), null);
    }

    /**
     * The standard gate that also requires the clean verification to have started after the newest change of the
     * switches that may decide the moving scope's phase ({@link SwitchStore#lastChange}, asked of {@code switches} at
     * every gated move; {@link VerificationProbe#lastVerificationSince}). A scope verified clean, rolled back to
     * {@code OLD_ONLY} (its writes then reach the old store only), moved to {@code DUAL_WRITE} again and at once on
     * past it would otherwise pass on the run from before the rollback. A switch store that keeps no change times
     * (the in-memory one) leaves the gate as {@link #standard(BacklogProbe, VerificationProbe)}; one that cannot be
     * read makes it refuse.
     */
    static PhaseGate standard(BacklogProbe backlog, VerificationProbe verification, SwitchStore switches) {
        return new StandardPhaseGate(Checks.requireNonNull("backlog", backlog),
                Checks.requireNonNull("verification", verification), Checks.requireNonNull("switches", switches));
    }

    /**
     * A gate that allows a move only when this gate and {@code other} both allow it (e.g. the standard
     * gate and a check that the new store's key generators sit past the old maximum). The first
     * refusal is the verdict.
     */
    default PhaseGate and(PhaseGate other) {
        Checks.requireNonNull("other", other);
        PhaseGate first = this;
        return new PhaseGate() {
            @Override
            public GateVerdict check(String migration, MigrationPhase from, MigrationPhase to) {
                return check(migration, null, from, to);
            }

            @Override
            public GateVerdict check(String migration, @Nullable String merchantId, MigrationPhase from,
                                     MigrationPhase to) {
                GateVerdict one = first.check(migration, merchantId, from, to);
                if (!one.allowed()) {
                    return one;
                }
                GateVerdict two = other.check(migration, merchantId, from, to);
                return two.allowed() ? GateVerdict.allow(one.reason() + "; " + two.reason()) : two;
            }

            @Override
            public String toString() {
                return first + " and " + other;
            }
        };
    }
}
