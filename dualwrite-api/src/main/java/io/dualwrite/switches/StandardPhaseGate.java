package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import org.jspecify.annotations.Nullable;

/** See {@link PhaseGate#standard}. */
final class StandardPhaseGate implements PhaseGate {

    private final BacklogProbe backlog;
    private final VerificationProbe verification;
    private final @Nullable SwitchStore switches;

    StandardPhaseGate(BacklogProbe backlog, VerificationProbe verification, @Nullable SwitchStore switches) {
        this.backlog = backlog;
        this.verification = verification;
        this.switches = switches;
    }

    @Override
    public GateVerdict check(String migration, MigrationPhase from, MigrationPhase to) {
        return check(migration, null, from, to);
    }

    @Override
    public GateVerdict check(String migration, @Nullable String merchantId, MigrationPhase from, MigrationPhase to) {
        Checks.requireId("migration", migration);
        Checks.optionalId("merchantId", merchantId);
        Checks.requireNonNull("from", from);
        Checks.requireNonNull("to", to);
        if (!from.isGatedMoveTo(to)) {
            return GateVerdict.allow("moving '" + migration + "' from " + from + " to " + to
                    + " is not gated (a rollback, or not past DUAL_WRITE)");
        }
        long pending;
        try {
            pending = backlog.pendingEntries(migration);
        } catch (RuntimeException failure) {
            return GateVerdict.refuse("cannot read the change-log backlog of '" + migration + "' (" + failure
                    + "); it must be known to be empty");
        }
        if (pending != 0) {
            return GateVerdict.refuse("change-log backlog for '" + migration + "' is " + pending
                    + (pending == 1 ? " entry" : " entries") + "; it must be empty");
        }
        VerificationStatus status;
        try {
            status = merchantId == null ? verification.lastVerification(migration)
                    : verification.lastVerification(migration, merchantId);
        } catch (RuntimeException failure) {
            return GateVerdict.refuse("cannot read the last verification of '" + migration + "' (" + failure
                    + "); it must be known to be clean");
        }
        String rows = merchantId == null ? "" : " (rows of merchant '" + merchantId + "')";
        if (status == null || status == VerificationStatus.NEVER_RUN) {
            return GateVerdict.refuse("the tables of '" + migration + "'" + rows
                    + " have never been verified; the last verification must be clean");
        }
        if (status == VerificationStatus.DIRTY) {
            return GateVerdict.refuse("the last verification of '" + migration + "'" + rows
                    + " found differences between the stores; it must be clean (repair, then verify again)");
        }
        if (switches != null) {
            java.util.Optional<SwitchChange> change;
            VerificationStatus since;
            try {
                change = switches.lastChange(migration, merchantId);
                since = change.isEmpty() ? status : verification.lastVerificationSince(migration, merchantId, change.get());
            } catch (RuntimeException failure) {
                return GateVerdict.refuse("cannot read when the switches of '" + migration + "'" + rows + " last"
                        + " changed, or the verifications since (" + failure + "); the last verification must be known"
                        + " to have started after it");
            }
            if (since == VerificationStatus.DIRTY) {
                return GateVerdict.refuse("the last verification of '" + migration + "'" + rows
                        + " found differences between the stores; it must be clean (repair, then verify again)");
            }
            if (since != VerificationStatus.CLEAN) {
                SwitchChange last = change.orElseThrow();
                return GateVerdict.refuse("the last clean verification of '" + migration + "'" + rows + " started"
                        + " before its switches last changed (the " + last.switchName() + ", at " + last.changedAt()
                        + " by the switch store's clock): rows written meanwhile under another phase (one that does not"
                        + " mirror) may be missing from the other store; verify again, then move");
            }
        }
        return GateVerdict.allow("change-log backlog for '" + migration
                + "' is empty and its last verification" + rows + " was clean"
                + (switches == null ? "" : " and started after its switches last changed"));
    }

    @Override
    public String toString() {
        return "StandardPhaseGate[backlog=" + backlog + ", verification=" + verification
                + (switches == null ? "" : ", switches=" + switches) + "]";
    }
}
