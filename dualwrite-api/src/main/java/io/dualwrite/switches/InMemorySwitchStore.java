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
        update(migration, s -> new SwitchSettings(phase, s.merchantPhases(), s.orderPhases(), s.rules()));
    }

    @Override
    public void setMerchantPhase(String migration, String merchantId, @Nullable MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireId("merchantId", merchantId);
        update(migration, s -> new SwitchSettings(s.systemPhase(), with(s.merchantPhases(), merchantId, phase),
                s.orderPhases(), s.rules()));
    }

    @Override
    public void setOrderPhase(String migration, String orderId, @Nullable MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireId("orderId", orderId);
        update(migration, s -> new SwitchSettings(s.systemPhase(), s.merchantPhases(),
                with(s.orderPhases(), orderId, phase), s.rules()));
    }

    @Override
    public void setRules(String migration, List<SwitchRule> rules) {
        Checks.requireId("migration", migration);
        Checks.requireNonNull("rules", rules);
        List<SwitchRule> copy = List.copyOf(rules);
        update(migration, s -> new SwitchSettings(s.systemPhase(), s.merchantPhases(), s.orderPhases(), copy));
    }

    @Override
    public String toString() {
        return "InMemorySwitchStore" + settings.keySet();
    }

    private void update(String migration, UnaryOperator<SwitchSettings> change) {
        Checks.requireId("migration", migration);
        settings.compute(migration, (key, old) -> change.apply(old == null ? SwitchSettings.empty() : old));
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
