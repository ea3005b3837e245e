package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Switches held in this JVM only. Each migration's settings are one immutable snapshot replaced
 * atomically on every change, so a reader never sees half an update.
 *
 * <p>Each change keeps the switch's count of authority moves ({@link SwitchSettings#authorityMoves()}) as
 * {@code JdbcSwitchStore} does: one more when the change may move its scope's authoritative store (the switch was
 * absent, is cleared, or its phase's authority differs), kept when a switch is cleared, one more on every replacement of
 * the rules. Without them two data sources (or a data source and a {@code DualWriter}) sharing this store in one JVM
 * lost a write made in the other store while the authority was moved there and back during one sync: the copier's
 * check saw the same phase and the same count 0 at both ends (round 27b, {@code docs/decisions.md}).
 */
final class InMemorySwitchStore implements SwitchStore {

    private final ConcurrentMap<String, SwitchSettings> settings = new ConcurrentHashMap<>();

    @Override
    public SwitchSettings load(String migration) {
        return settings.getOrDefault(Checks.requireId("migration", migration), SwitchSettings.empty());
    }

    @Override
    public void setSystemPhase(String migration, MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireNonNull("phase", phase);
        update(migration, s -> new SwitchSettings(phase, s.merchantPhases(), s.orderPhases(), s.rules(),
                counted(s, SwitchSettings.SYSTEM_MOVES, s.systemPhase(), phase)));
    }

    @Override
    public void setMerchantPhase(String migration, String merchantId, @Nullable MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireId("merchantId", merchantId);
        update(migration, s -> new SwitchSettings(s.systemPhase(), with(s.merchantPhases(), merchantId, phase),
                s.orderPhases(), s.rules(),
                counted(s, "MERCHANT:" + merchantId, s.merchantPhases().get(merchantId), phase)));
    }

    @Override
    public void setOrderPhase(String migration, String orderId, @Nullable MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireId("orderId", orderId);
        update(migration, s -> new SwitchSettings(s.systemPhase(), s.merchantPhases(),
                with(s.orderPhases(), orderId, phase), s.rules(),
                counted(s, "ORDER:" + orderId, s.orderPhases().get(orderId), phase)));
    }

    @Override
    public void setRules(String migration, List<SwitchRule> rules) {
        Checks.requireId("migration", migration);
        Checks.requireNonNull("rules", rules);
        List<SwitchRule> copy = List.copyOf(rules);
        // every replacement counts: a rule decides by merchant or order id
        update(migration, s -> new SwitchSettings(s.systemPhase(), s.merchantPhases(), s.orderPhases(), copy,
                counted(s, SwitchSettings.RULES_MOVES, null, null)));
    }

    @Override
    public String toString() {
        return "InMemorySwitchStore" + settings.keySet();
    }

    private void update(String migration, UnaryOperator<SwitchSettings> change) {
        Checks.requireId("migration", migration);
        settings.compute(migration, (key, old) -> change.apply(old == null ? SwitchSettings.empty() : old));
    }

    /**
     * The counts of {@code settings} with the switch {@code key}'s one higher when a change from {@code before} to
     * {@code after} may move its scope's authoritative store (either absent, or their authorities differ).
     */
    private static Map<String, Long> counted(SwitchSettings settings, String key, @Nullable MigrationPhase before,
                                             @Nullable MigrationPhase after) {
        if (before != null && after != null && before.authoritative() == after.authoritative()) {
            return settings.authorityMoves();
        }
        Map<String, Long> copy = new HashMap<>(settings.authorityMoves());
        copy.merge(key, 1L, Long::sum);
        return copy;
    }

    private static Map<String, MigrationPhase> with(Map<String, MigrationPhase> map, String key,
            @Nullable MigrationPhase phase) {
        Map<String, MigrationPhase> copy = new HashMap<>(map);
        if (phase == null) {
            copy.remove(key);
        } else {
            copy.put(key, phase);
        }
        return copy;
    }
}
