package io.dualwrite.switches;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions on the switches and pins of a {@link Switchboard}, each checked by a
 * {@link PhaseGate}.
 *
 * <p>A move is gated when it goes forward past {@link MigrationPhase#DUAL_WRITE}
 * ({@link MigrationPhase#isGatedMoveTo}); every other move (rollbacks included) proceeds without asking
 * the gate. A merchant's move (its switch, clearing it, re-pinning its orders) asks the gate for that merchant
 * ({@link PhaseGate#check(String, String, MigrationPhase, MigrationPhase)}), so that the last verification of
 * that merchant's rows can decide. A refused move throws {@link PhaseMoveRefusedException} and changes nothing, unless
 * {@code force} is set: then the refusal is logged at WARN and the move proceeds. Every verdict is
 * logged at INFO. "From" is the phase currently in effect, read from the backing store (not the cache):
 * for the system, the stored or default system phase; for a merchant, its switch, else the rules, else
 * the system phase; for an order, its switch, else its pin, else its merchant's phase.
 *
 * <p>Migration names, order ids and merchant ids are checked first: null or blank is refused before any
 * store is read, with an {@link IllegalArgumentException} naming the argument
 * ({@code merchantId must be a non-blank id, but was ' '}); a merchant id that may be {@code null} (an
 * order's, when unknown) may not be blank.
 *
 * <p>Changes go through the switchboard's cached store, so this node sees them at once and the others
 * within the refresh interval. Thread-safe; actions are rare and may block on the stores.
 */
public final class SwitchAdmin {

    private static final Logger log = LoggerFactory.getLogger(SwitchAdmin.class);

    private final Switchboard switchboard;
    private final PhaseGate gate;

    private SwitchAdmin(Switchboard switchboard, PhaseGate gate) {
        this.switchboard = switchboard;
        this.gate = gate;
    }

    /** Operator actions on {@code switchboard}'s stores, with gated moves checked by {@code gate}. */
    public static SwitchAdmin of(Switchboard switchboard, PhaseGate gate) {
        return new SwitchAdmin(Checks.requireNonNull("switchboard", switchboard), Checks.requireNonNull("gate", gate));
    }

    /** Moves a migration's system phase; returns the verdict it proceeded under. */
    public GateVerdict moveSystem(String migration, MigrationPhase to, boolean force) {
        Checks.requireId("migration", migration);
        Checks.requireNonNull("phase", to);
        MigrationPhase from = switchboard.systemOf(migration, switchboard.freshSettings(migration)).phase();
        GateVerdict verdict = decide(migration, "system", from, to, force);
        store().setSystemPhase(migration, to);
        return verdict;
    }

    /**
     * Sets a merchant's switch; returns the verdict it proceeded under.
     *
     * @throws IllegalArgumentException when the merchant id is blank or has white space around it
     */
    public GateVerdict moveMerchant(String migration, String merchantId, MigrationPhase to, boolean force) {
        Checks.requireId("migration", migration);
        requireSwitchId("merchantId", merchantId);
        Checks.requireNonNull("phase", to);
        MigrationPhase from = switchboard.merchantOf(migration, merchantId, switchboard.freshSettings(migration), true)
                .phase();
        GateVerdict verdict = decide(migration, merchantId, "merchant '" + merchantId + "'", from, to, force);
        store().setMerchantPhase(migration, merchantId, to);
        return verdict;
    }

    /** Clears a merchant's switch, so the rules or the system phase apply to it again (a move, gated alike). */
    public GateVerdict clearMerchant(String migration, String merchantId, boolean force) {
        Checks.requireId("migration", migration);
        Checks.requireId("merchantId", merchantId);
        SwitchSettings settings = switchboard.freshSettings(migration);
        MigrationPhase from = switchboard.merchantOf(migration, merchantId, settings, true).phase();
        MigrationPhase to = switchboard.merchantOf(migration, merchantId, settings, false).phase();
        GateVerdict verdict = decide(migration, merchantId, "merchant '" + merchantId + "' (cleared)", from, to, force);
        store().setMerchantPhase(migration, merchantId, null);
        return verdict;
    }

    /** {@link #moveOrder(String, String, String, MigrationPhase, boolean)} for an order whose merchant is unknown. */
    public GateVerdict moveOrder(String migration, String orderId, MigrationPhase to, boolean force) {
        return moveOrder(migration, orderId, null, to, force);
    }

    /**
     * Sets an order's switch; {@code merchantId}, when given, lets "from" account for the merchant's
     * switch. Returns the verdict it proceeded under.
     *
     * @throws IllegalArgumentException when the order id is blank or has white space around it
     */
    public GateVerdict moveOrder(String migration, String orderId, @Nullable String merchantId, MigrationPhase to,
            boolean force) {
        MigrationContext context = orderContext(migration, orderId, merchantId);
        requireSwitchId("orderId", orderId);
        Checks.requireNonNull("phase", to);
        MigrationPhase from = switchboard.orderOf(context, switchboard.freshSettings(migration), true).phase();
        GateVerdict verdict = decide(migration, "order '" + orderId + "'", from, to, force);
        store().setOrderPhase(migration, orderId, to);
        return verdict;
    }

    /** Clears an order's switch, so its pin or the lower switches apply again (a move, gated alike). */
    public GateVerdict clearOrder(String migration, String orderId, @Nullable String merchantId, boolean force) {
        MigrationContext context = orderContext(migration, orderId, merchantId);
        SwitchSettings settings = switchboard.freshSettings(migration);
        MigrationPhase from = switchboard.orderOf(context, settings, true).phase();
        MigrationPhase to = switchboard.orderOf(context, settings, false).phase();
        GateVerdict verdict = decide(migration, "order '" + orderId + "' (cleared)", from, to, force);
        store().setOrderPhase(migration, orderId, null);
        return verdict;
    }

    /**
     * Replaces a migration's rules. A rule moves the merchants or orders it covers from the system phase to
     * its own, so each rule is checked as that move; the first refusal decides.
     */
    public GateVerdict setRules(String migration, List<SwitchRule> rules, boolean force) {
        Checks.requireId("migration", migration);
        List<SwitchRule> copy = List.copyOf(Checks.requireNonNull("rules", rules));
        MigrationPhase system = switchboard.systemOf(migration, switchboard.freshSettings(migration)).phase();
        GateVerdict verdict = GateVerdict.allow("no rules");
        for (SwitchRule rule : copy) {
            verdict = decide(migration, "rule " + rule, system, rule.phase(), force);
        }
        store().setRules(migration, copy);
        log.info("Rules of '{}' replaced: {}", migration, copy);
        return verdict;
    }

    /**
     * Re-pins one order (pinned or not); "from" is its current pin, else its switches.
     *
     * @throws IllegalArgumentException when the order id is blank or has white space around it
     */
    public GateVerdict repinOrder(String migration, String orderId, MigrationPhase to, boolean force) {
        MigrationContext context = orderContext(migration, orderId, null);
        requireSwitchId("orderId", orderId);
        Checks.requireNonNull("phase", to);
        OrderPinStore pins = pins(migration);
        MigrationPhase from = switchboard.orderOf(context, switchboard.freshSettings(migration), false).phase();
        GateVerdict verdict = decide(migration, "pin of order '" + orderId + "'", from, to, force);
        pins.repin(migration, orderId, to);
        store().pinsMoved(migration, null, orderId);
        return verdict;
    }

    /**
     * Re-pins every pinned order of a merchant; returns how many. Pins may hold any phase, so a re-pin
     * past {@link MigrationPhase#DUAL_WRITE} is gated as a move from {@code DUAL_WRITE}.
     *
     * @throws IllegalArgumentException when the merchant id is blank or has white space around it
     */
    public int repinMerchant(String migration, String merchantId, MigrationPhase to, boolean force) {
        Checks.requireId("migration", migration);
        requireSwitchId("merchantId", merchantId);
        Checks.requireNonNull("phase", to);
        OrderPinStore pins = pins(migration);
        decide(migration, merchantId, "pins of merchant '" + merchantId + "'", MigrationPhase.DUAL_WRITE, to, force);
        int moved = pins.repinMerchant(migration, merchantId, to);
        store().pinsMoved(migration, merchantId, null);
        return moved;
    }

    /** Re-pins every pinned order of a migration; returns how many. Gated as {@link #repinMerchant}. */
    public int repinAll(String migration, MigrationPhase to, boolean force) {
        Checks.requireId("migration", migration);
        Checks.requireNonNull("phase", to);
        OrderPinStore pins = pins(migration);
        decide(migration, "all pins", MigrationPhase.DUAL_WRITE, to, force);
        int moved = pins.repinAll(migration, to);
        store().pinsMoved(migration, null, null);
        return moved;
    }

    /**
     * Removes an order's pin, so that its next write pins it afresh; gated as {@link #unpin(String, String, String,
     * boolean)} with the merchant unknown and without force.
     *
     * @throws PhaseMoveRefusedException when the gate refuses the move the removal makes
     */
    public void unpin(String migration, String orderId) {
        unpin(migration, orderId, null, false);
    }

    /**
     * Removes an order's pin, so that its next write pins it afresh; returns the verdict it proceeded under. The
     * order's writes move from its pin's phase to the phase its switches give it (its order switch, else its
     * merchant's when {@code merchantId} is given, the rules, the system), so the removal is gated as that move: an
     * order pinned at {@code OLD_ONLY} whose merchant is at {@code NEW_PRIMARY} moves there, where the new store,
     * which its writes under the pin never reached, would be its authority. Without {@code merchantId} the merchant
     * the order was pinned with is taken ({@link OrderPinStore#merchantOf}, since round 26: judged below the merchant,
     * an order whose merchant had moved past the system was let through); when the pin holds none either, the move is
     * judged against the switches below the merchant (as {@link #moveOrder(String, String, MigrationPhase, boolean)}),
     * and the gate asks for a verification of the whole table. Gated since round 25 (it was not before: the switches
     * below were).
     *
     * @throws PhaseMoveRefusedException when the gate refuses and {@code force} is false
     */
    public GateVerdict unpin(String migration, String orderId, @Nullable String merchantId, boolean force) {
        orderContext(migration, orderId, merchantId); // checks the ids before the store is read
        OrderPinStore pins = pins(migration);
        if (merchantId == null) {
            // the order's writes carry its merchant: judged below the merchant, an order whose merchant moved past
            // the system would be let through to that merchant's phase ungated
            merchantId = pins.merchantOf(migration, orderId).orElse(null);
        }
        MigrationContext context = orderContext(migration, orderId, merchantId);
        SwitchSettings settings = switchboard.freshSettings(migration);
        MigrationPhase from = switchboard.orderOf(context, settings, true).phase();
        MigrationPhase ordered = settings.orderPhases().get(orderId);
        MigrationPhase to = ordered != null ? ordered
                : ScopeResolver.belowPin(context, settings, switchboard.config(migration), orderId, merchantId).phase();
        GateVerdict verdict = decide(migration, merchantId, "pin of order '" + orderId + "' (removed)", from, to, force);
        pins.unpin(migration, orderId);
        store().pinsMoved(migration, null, orderId);
        log.info("Unpinned order '{}' of migration '{}'", orderId, migration);
        return verdict;
    }

    @Override
    public String toString() {
        return "SwitchAdmin[gate=" + gate + ", switchboard=" + switchboard + "]";
    }

    private GateVerdict decide(String migration, String target, MigrationPhase from, MigrationPhase to,
            boolean force) {
        return decide(migration, null, target, from, to, force);
    }

    /** Decides a move; {@code merchantId} is the merchant whose rows move, or null for the whole migration. */
    private GateVerdict decide(String migration, @Nullable String merchantId, String target, MigrationPhase from,
            MigrationPhase to, boolean force) {
        GateVerdict verdict = from.isGatedMoveTo(to) ? ask(() -> gate.check(migration, merchantId, from, to))
                : GateVerdict.allow("not gated: " + (to.ordinal() <= from.ordinal()
                        ? "a rollback or no change" : "not past DUAL_WRITE"));
        boolean refused = !verdict.allowed();
        logVerdict(migration, target, from, to, verdict, refused && force);
        if (refused && !force) {
            throw new PhaseMoveRefusedException(migration, from, to, verdict);
        }
        return verdict;
    }

    private static GateVerdict ask(Supplier<GateVerdict> check) {
        try {
            return Objects.requireNonNullElseGet(check.get(), () -> GateVerdict.refuse("the phase gate gave no verdict"));
        } catch (RuntimeException failure) {
            return GateVerdict.refuse("the phase gate failed: " + failure);
        }
    }

    private static void logVerdict(String migration, String target, MigrationPhase from, MigrationPhase to,
            GateVerdict verdict, boolean forced) {
        if (forced) {
            log.warn("Phase move of '{}' {} from {} to {} FORCED past the gate's refusal: {}", migration, target,
                    from, to, verdict.reason());
        } else {
            log.info("Phase move of '{}' {} from {} to {} {}: {}", migration, target, from, to,
                    verdict.allowed() ? "allowed" : "refused", verdict.reason());
        }
    }

    /**
     * The id a switch or pin is set for: non-blank, and without white space around it ({@link Checks#stripSpaces}: no-break
     * and zero-width spaces too, which {@link String#strip} leaves). Kept as given, a switch for
     * {@code " m-1"} (a copied cell, a tab) names a merchant no call names, and m-1 kept its phase while the move was
     * answered as applied; the starter refuses such ids in its properties the same way. An id with an invisible
     * character inside it, or not in Unicode's composed form NFC, is refused alike ({@link Checks#unseenSpelling}):
     * it looks like the id calls name and is another text. Clearing a switch or a pin
     * takes any id, so that one stored so before can be removed.
     */
    private static void requireSwitchId(String property, String id) {
        Checks.requireId(property, id);
        String stripped = Checks.stripSpaces(id);
        if (!id.equals(stripped)) {
            throw new IllegalArgumentException(property + " must be an id without white space around it, but was '"
                    + id + "' (around it: " + Checks.spacesNamed(id) + "): no call names that id, so '" + stripped
                    + "' would keep its phase; write '" + stripped + "'");
        }
        String unseen = Checks.unseenSpelling(id);
        if (unseen != null) {
            String visible = Checks.visibleId(id);
            throw new IllegalArgumentException(property + " must be an id spelt as calls spell it, but was '" + id
                    + "' (" + unseen + "): the switch store compares ids exactly and no call names that id, so '"
                    + visible + "' would keep its phase; write '" + visible + "'");
        }
    }

    /** The context of an order, its migration and ids checked in that order, the migration known to be configured. */
    private MigrationContext orderContext(String migration, String orderId, @Nullable String merchantId) {
        Checks.requireId("migration", migration);
        Checks.requireId("orderId", orderId);
        Checks.optionalId("merchantId", merchantId);
        switchboard.config(migration);
        return MigrationContext.forMigration(migration).orderId(orderId).merchantId(merchantId).build();
    }

    private OrderPinStore pins(String migration) {
        switchboard.config(migration);
        return switchboard.orderPinStore().orElseThrow(() -> new IllegalStateException(
                "no order-pin store is configured; re-pinning needs one (Switchboard.Builder.orderPinStore)"));
    }

    private SwitchStore store() {
        return switchboard.switchStore();
    }
}
